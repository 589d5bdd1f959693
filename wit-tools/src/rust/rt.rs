//! The support code generated files use (`__kiln_rt`): conversions between
//! the generated types and `kiln::component::Val`, and memory access for
//! the typed path. It lives once, in the engine
//! (`kiln::component::bindgen`); each file re-exports it at its root.

use crate::source::Source;

/// The name of the re-export at the file's root.
pub const RT: &str = "__kiln_rt";

/// The re-export of the engine's support module, at the root.
pub fn rt_module(src: &mut Source) {
    src.blank();
    src.line("/// The engine's support code for generated glue.");
    src.line("#[doc(hidden)]");
    src.line(&format!("pub use ::kiln::component::bindgen as {RT};"));
}
