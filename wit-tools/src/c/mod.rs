//! The C back end: `<world>.h` and `<world>.c`, host glue over `wasm.h` and
//! `kiln.h`'s component functions.
//!
//! The header declares the world's types (structs, tagged unions, integer
//! enums and flag sets, `<world>_string_t`, list/option/result/tuple
//! structs, resource handles) with their `_free` functions; the world
//! handle (`<world>_instantiate`, `<world>_delete`) and a wrapper per
//! export; the `<world>_imports_*` functions the host program implements for
//! the imports; and `<world>_add_to_linker`. The `.c` file lowers and lifts
//! every value itself, through the canonical ABI instructions of
//! [`crate::abi::host_call`], over flat core values and the guest's memory.

mod bindgen;
mod glue;
mod names;
mod types;

use crate::analysis::WorldAnalysis;
use crate::backend::{Backend, Files, GENERATED_BANNER};
use crate::source::Source;
/// How the C glue spells a WIT name as a field, case or parameter: for
/// tools that drive generated C.
pub use names::snake;
use names::CNames;

/// The C back end (`--lang c`).
#[derive(Debug, Clone, Copy, Default)]
pub struct C;

impl Backend for C {
    fn lang(&self) -> &'static str {
        "c"
    }

    fn generate(&self, analysis: &WorldAnalysis) -> anyhow::Result<Files> {
        let names = CNames::new(analysis);
        let p = names.prefix.clone();
        let guard = format!("{}_H", p.to_uppercase());

        let mut h = Source::default();
        h.verbatim(&format!("// {GENERATED_BANNER}"));
        h.verbatim(&format!(
            "// C host bindings of the WIT world `{}`, over wasm.h and kiln.h.",
            analysis.name()
        ));
        h.blank();
        h.line(&format!("#ifndef {guard}"));
        h.line(&format!("#define {guard}"));
        h.blank();
        h.line("#include <stdbool.h>");
        h.line("#include <stddef.h>");
        h.line("#include <stdint.h>");
        h.blank();
        h.line("#include \"wasm.h\"");
        h.line("#include \"kiln.h\"");
        h.blank();
        h.line("#ifdef __cplusplus");
        h.verbatim("extern \"C\" {");
        h.line("#endif");
        h.blank();
        h.line("// A UTF-8 string, owned (free it with the _free function).");
        h.line(&format!("typedef struct {p}_string_t {{"));
        h.line("uint8_t *ptr;");
        h.line("size_t len;");
        h.line(&format!("}} {p}_string_t;"));
        h.blank();
        h.line("// Sets `*ret` to an owned copy of the null-terminated UTF-8 string `s`.");
        h.line(&format!(
            "void {p}_string_dup({p}_string_t *ret, const char *s);"
        ));
        h.blank();
        h.line("// Releases the string's bytes; `*ptr` is left empty.");
        h.line(&format!("void {p}_string_free({p}_string_t *ptr);"));

        let mut c = Source::default();
        c.verbatim(&format!("// {GENERATED_BANNER}"));
        c.verbatim(&format!(
            "// C host glue of the WIT world `{}`: see {p}.h.",
            analysis.name()
        ));
        c.blank();
        c.line(&format!("#include \"{p}.h\""));
        c.blank();
        c.line("#include <stdarg.h>");
        c.line("#include <stdio.h>");
        c.line("#include <stdlib.h>");
        c.line("#include <string.h>");
        c.blank();
        for line in glue::helpers(&p).lines() {
            c.verbatim(line);
        }
        c.blank();
        c.line(&format!(
            "void {p}_string_dup({p}_string_t *ret, const char *s) {{"
        ));
        c.line("size_t len = strlen(s);");
        c.line("ret->ptr = (uint8_t *)malloc(len ? len : 1);");
        c.line("if (!ret->ptr) {");
        c.line("abort();");
        c.line("}");
        c.line("memcpy(ret->ptr, s, len);");
        c.line("ret->len = len;");
        c.line("}");
        c.blank();
        c.line(&format!("void {p}_string_free({p}_string_t *ptr) {{"));
        c.line("free(ptr->ptr);");
        c.line("ptr->ptr = NULL;");
        c.line("ptr->len = 0;");
        c.line("}");

        types::define_all(&names, &mut h, &mut c);
        glue::declarations(&names, &mut h);
        glue::definitions(&names, &mut c);

        h.blank();
        h.line("#ifdef __cplusplus");
        h.verbatim("}");
        h.line("#endif");
        h.blank();
        h.line(&format!("#endif // {guard}"));

        let mut files = Files::default();
        files.push(format!("{p}.h"), h.finish());
        files.push(format!("{p}.c"), c.finish());
        Ok(files)
    }
}
