//! `Component`: a validated component, its core modules compiled, ready to
//! instantiate.

use super::plan::{shape_items, ComponentDef};
use super::translate::translate;
use super::types::ComponentType;
use crate::environ::error::{Error, Result};
use crate::Engine;
use std::sync::Arc;

/// A compiled WebAssembly component. Cheap to clone; instantiate it with a
/// [`Linker`](super::Linker) any number of times, in any store of the same
/// engine.
///
/// Components using parts of the component model Kiln does not implement
/// yet (async functions, `stream`, `future`, `error-context`, the `task.*`
/// built-ins) are rejected with an error saying so.
///
/// ```
/// use kiln::component::Component;
/// use kiln::{Engine, ErrorKind};
///
/// let engine = Engine::default();
/// let component = Component::new(&engine, "(component)").unwrap();
/// assert_eq!(component.exports().count(), 0);
///
/// let err = Component::new(&engine, "(component (type (stream u8)))").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Validation);
/// assert_eq!(err.to_string(), "the `stream` type is not supported yet");
/// ```
#[derive(Clone)]
pub struct Component {
    engine: Engine,
    def: Arc<ComponentDef>,
}

impl std::fmt::Debug for Component {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Component")
            .field("imports", &self.imports().collect::<Vec<_>>())
            .field("exports", &self.exports().collect::<Vec<_>>())
            .finish()
    }
}

impl Component {
    /// Compiles a component from its binary or text format.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Component> {
        let bytes = bytes.as_ref();
        if bytes.starts_with(b"\0asm") {
            return Component::from_binary(engine, bytes);
        }
        let wasm = wat::parse_bytes(bytes).map_err(|e| Error::validation(e.to_string()))?;
        Component::from_binary(engine, &wasm)
    }

    /// Compiles a component from its binary format.
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Component> {
        let def = translate(engine, bytes)?;
        Ok(Component {
            engine: engine.clone(),
            def: Arc::new(def),
        })
    }

    /// Compiles a component from a file in the binary or text format.
    pub fn from_file(engine: &Engine, path: impl AsRef<std::path::Path>) -> Result<Component> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| Error::usage(format!("failed to read {}: {e}", path.display())))?;
        Component::new(engine, bytes)
    }

    /// The engine this component was compiled for.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub(crate) fn def(&self) -> &Arc<ComponentDef> {
        &self.def
    }

    /// The component's imports: names and kinds (`"function"`,
    /// `"instance"`, `"resource type"`, `"type"`, `"module"`,
    /// `"component"`).
    pub fn imports(&self) -> impl ExactSizeIterator<Item = (&str, &'static str)> + '_ {
        self.def.imports.iter().map(|(n, s)| (n.as_str(), s.kind()))
    }

    /// The component's type: its imports and exports with their types
    /// (functions' parameters and results, instances' exports).
    pub fn component_type(&self) -> ComponentType {
        ComponentType {
            imports: shape_items(&self.def.imports),
            exports: shape_items(&self.def.exports),
        }
    }

    /// The component's exports: names and kinds, as for
    /// [`Component::imports`].
    pub fn exports(&self) -> impl ExactSizeIterator<Item = (&str, &'static str)> + '_ {
        self.def.exports.iter().map(|(n, s)| (n.as_str(), s.kind()))
    }
}
