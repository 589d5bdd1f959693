//! The checked-in C golden files compile with `cc -std=c11 -Wall -Wextra
//! -Werror` against `c-api/include` (wasm.h and kiln.h), whose component
//! functions this test holds to exactly what the glue uses.

use crate::{crate_dir, golden_worlds};
use std::path::{Path, PathBuf};
use std::process::Command;

fn include_dir() -> PathBuf {
    crate_dir().join("..").join("c-api").join("include")
}

/// Compiles `file` (C source, or a header as its own translation unit).
fn syntax_check(file: &Path, lang: &str) {
    let cc = std::env::var_os("CC").unwrap_or_else(|| "cc".into());
    let out = Command::new(&cc)
        .args([
            "-std=c11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-fsyntax-only",
            "-x",
            lang,
        ])
        .arg("-I")
        .arg(include_dir())
        .arg("-I")
        .arg(file.parent().unwrap())
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("running {cc:?}: {e}"));
    assert!(
        out.status.success(),
        "{} does not compile:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The golden C files of each world: its directory, header and source.
fn c_files() -> Vec<(PathBuf, PathBuf, PathBuf)> {
    golden_worlds()
        .into_iter()
        .map(|(_, world, subdir)| {
            let dir = crate_dir().join("golden").join("c").join(subdir);
            let stem = world.replace('-', "_");
            (
                dir.clone(),
                dir.join(format!("{stem}.h")),
                dir.join(format!("{stem}.c")),
            )
        })
        .collect()
}

#[test]
fn generated_c_compiles() {
    for (_, header, source) in c_files() {
        syntax_check(&header, "c");
        syntax_check(&source, "c");
    }
}

#[test]
fn generated_c_header_is_valid_cxx() {
    let cxx = std::env::var_os("CXX").unwrap_or_else(|| "c++".into());
    for (_, header, _) in c_files() {
        let out = Command::new(&cxx)
            .args([
                "-std=c++17",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-fsyntax-only",
                "-x",
                "c++",
            ])
            .arg("-I")
            .arg(include_dir())
            .arg(&header)
            .output()
            .unwrap_or_else(|e| panic!("running {cxx:?}: {e}"));
        assert!(
            out.status.success(),
            "{} is not valid C++:\n{}",
            header.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Every `kiln_component_*` function the generated glue calls is declared
/// in kiln.h, and kiln.h declares none that neither the glue (with the host
/// program around it) nor the Go package calls: the component C API is
/// exactly what the glue and the Go package's dynamic path
/// (`kiln_component_val_t`) need.
#[test]
fn kiln_h_declares_what_the_glue_calls() {
    let kiln_h = std::fs::read_to_string(include_dir().join("kiln.h")).unwrap();
    let declared = identifiers(&kiln_h, "kiln_component_");
    let mut used = std::collections::BTreeSet::new();
    for (_, header, source) in c_files() {
        for file in [header, source] {
            let text = std::fs::read_to_string(file).unwrap();
            used.extend(identifiers(&text, "kiln_component_"));
        }
    }
    let (h, c) = guest_resource_to_host();
    used.extend(identifiers(&h, "kiln_component_"));
    used.extend(identifiers(&c, "kiln_component_"));
    let go_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../go");
    for entry in std::fs::read_dir(&go_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "go" || e == "h") {
            let text = std::fs::read_to_string(&path).unwrap();
            used.extend(identifiers(&text, "kiln_component_"));
        }
    }
    // What the host program calls itself, around the glue.
    for f in [
        "kiln_component_new",
        "kiln_component_delete",
        "kiln_component_linker_new",
        "kiln_component_linker_delete",
    ] {
        used.insert(f.to_string());
    }
    // Functions only: a type (`_t`) may exist for another type to hold.
    let unused: Vec<_> = declared
        .difference(&used)
        .filter(|name| !name.ends_with("_t"))
        .collect();
    let undeclared: Vec<_> = used.difference(&declared).collect();
    assert!(
        unused.is_empty(),
        "declared but not used by the glue: {unused:?}"
    );
    assert!(
        undeclared.is_empty(),
        "used but not declared: {undeclared:?}"
    );
}

/// The C glue of a world whose host functions take a resource of another
/// imported interface (owned and borrowed), which an export borrows too.
fn guest_resource_to_host() -> (String, String) {
    let dir = std::env::temp_dir().join(format!("kiln-wit-res-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wit = dir.join("w.wit");
    std::fs::write(
        &wit,
        "package t:res;\n\ninterface things {\n    resource thing {\n        name: func() -> string;\n    }\n}\n\n\
         interface inspect {\n    use things.{thing};\n    look: func(t: borrow<thing>) -> string;\n    keep: func(t: thing);\n}\n\n\
         world w {\n    import inspect;\n    export run: func(t: borrow<thing>) -> string;\n    use things.{thing};\n}\n",
    )
    .unwrap();
    let files = kiln_wit::generate("c", &wit, None).unwrap();
    files.write_to(&dir).unwrap();
    syntax_check(&dir.join("w.c"), "c");
    std::fs::remove_dir_all(&dir).ok();
    (
        files.get("w.h").unwrap().to_string(),
        files.get("w.c").unwrap().to_string(),
    )
}

fn identifiers(text: &str, prefix: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.insert(tail[..end].to_string());
        }
        rest = &tail[end..];
    }
    out
}

#[test]
fn a_host_program_uses_the_types_and_free_functions() {
    // A host program's view of the generated header: build values of the
    // world's types, free them, and name the functions it implements.
    let dir = std::env::temp_dir().join(format!("kiln-wit-c-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let program = dir.join("host.c");
    std::fs::write(
        &program,
        r#"#include "variants.h"
#include <stdlib.h>
#include <string.h>

wasm_trap_t *variants_imports_variant_host_turn_right(void *data, variants_variant_types_direction_t d,
                                                       variants_variant_types_direction_t *ret) {
    (void)data;
    *ret = (variants_variant_types_direction_t)((d + 1) % 4);
    return NULL;
}

int use_types(void) {
    variants_variant_types_shape_t shape;
    shape.tag = VARIANTS_VARIANT_TYPES_SHAPE_LABELLED;
    variants_string_dup(&shape.val.labelled, "héllo");
    variants_variant_types_shape_free(&shape);
    variants_variant_types_full_t all = VARIANTS_VARIANT_TYPES_FULL_F0 | VARIANTS_VARIANT_TYPES_FULL_F31;
    variants_variant_types_direction_t d = VARIANTS_VARIANT_TYPES_DIRECTION_WEST;
    variants_option_option_u8_t nested = {.is_some = true, .val = {.is_some = false, .val = 0}};
    variants_result_s32_variant_types_math_error_t r = {.is_err = true};
    r.val.err = VARIANTS_VARIANT_TYPES_MATH_ERROR_OVERFLOW;
    return (int)(all & 1) + (int)d + (int)nested.is_some + (int)r.is_err;
}
"#,
    )
    .unwrap();
    let golden = crate_dir().join("golden").join("c").join("variants");
    let cc = std::env::var_os("CC").unwrap_or_else(|| "cc".into());
    let out = Command::new(&cc)
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only"])
        .arg("-I")
        .arg(include_dir())
        .arg("-I")
        .arg(&golden)
        .arg(&program)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        out.status.success(),
        "the host program does not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
