//! Reading a module or component file: binary as it is, text through the
//! wat parser, with errors on one line that name the file, line and column.

use std::path::Path;

/// The binary module or component in `path`, which holds either the binary
/// or the text format (`(module ...)` or `(component ...)`).
pub(crate) fn read_module(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    match wat::Detect::from_bytes(&bytes) {
        wat::Detect::WasmBinary => Ok(bytes),
        wat::Detect::WasmText => {
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| format!("{}: the text is not valid UTF-8", path.display()))?;
            wat_to_binary(path, text)
        }
        wat::Detect::Unknown => Err(format!(
            "{}: not a WebAssembly module (neither the binary nor the text format)",
            path.display()
        )),
    }
}

/// Whether `bytes`, in the binary format, are a component rather than a
/// core module: the header's layer field (the two bytes after the version)
/// is 1 for components and 0 for modules.
pub(crate) fn is_component(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\0asm") && bytes.get(6..8) == Some(&[1, 0][..])
}

/// The contents of `path` if it is a module compiled by `kiln compile`.
pub(crate) fn read_artifact(path: &Path) -> Result<Option<Vec<u8>>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(bytes.starts_with(b"KILNART").then_some(bytes))
}

fn wat_to_binary(path: &Path, text: &str) -> Result<Vec<u8>, String> {
    let located = |err: ::wast::Error| {
        let (line, col) = err.span().linecol_in(text);
        format!(
            "{}:{}:{}: {}",
            path.display(),
            line + 1,
            col + 1,
            err.message()
        )
    };
    let buffer = ::wast::parser::ParseBuffer::new(text).map_err(located)?;
    let mut wat = ::wast::parser::parse::<::wast::Wat<'_>>(&buffer).map_err(located)?;
    wat.encode().map_err(located)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(name: &str, contents: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("kiln-cli-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    #[test]
    fn text_is_encoded() {
        let path = temp_file("ok.wat", b"(module (func (export \"f\")))");
        let bytes = read_module(&path).unwrap();
        assert!(bytes.starts_with(b"\0asm"));
    }

    #[test]
    fn components_are_told_from_modules() {
        let path = temp_file("c.wat", b"(component)");
        let bytes = read_module(&path).unwrap();
        assert!(is_component(&bytes));
        let path = temp_file("m.wat", b"(module)");
        assert!(!is_component(&read_module(&path).unwrap()));
        assert!(!is_component(b"\0asm"));
    }

    #[test]
    fn binary_is_kept() {
        let path = temp_file("ok.wasm", b"\0asm\x01\0\0\0");
        assert_eq!(read_module(&path).unwrap(), b"\0asm\x01\0\0\0");
    }

    #[test]
    fn text_errors_are_one_located_line() {
        let path = temp_file(
            "bad.wat",
            b"(module\n  (func (result i32) (i32.const nope)))",
        );
        let err = read_module(&path).unwrap_err();
        assert!(err.contains("bad.wat:2:"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn other_files_are_rejected() {
        let path = temp_file("notes.txt", b"hello");
        let err = read_module(&path).unwrap_err();
        assert!(err.contains("not a WebAssembly module"), "{err}");
        let err = read_module(Path::new("/nonexistent/kiln.wasm")).unwrap_err();
        assert!(
            err.starts_with("cannot read /nonexistent/kiln.wasm"),
            "{err}"
        );
    }
}
