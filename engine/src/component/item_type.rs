//! What a component imports and exports, with types: for hosts that define
//! imports at run time from the component's own description of them (the
//! Python package's `Component.type`, as wasmtime-py has it).

use super::plan::ImportShape;
use super::types::ComponentFunc;
use super::Component;

/// The type of an item a component imports or exports.
///
/// ```
/// use kiln::component::{Component, ComponentItem};
/// use kiln::Engine;
///
/// let component = Component::new(&Engine::default(), r#"
///     (component
///       (import "host:demo/math" (instance
///         (export "double" (func (param "x" u32) (result u32))))))
/// "#).unwrap();
/// let imports = component.import_types();
/// let ComponentItem::Instance(exports) = &imports[0].1 else { panic!() };
/// let ComponentItem::Func(double) = &exports[0].1 else { panic!() };
/// assert_eq!((imports[0].0.as_str(), exports[0].0.as_str()), ("host:demo/math", "double"));
/// assert_eq!(double.to_string(), "func(x: u32) -> u32");
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ComponentItem {
    /// A function of this type.
    Func(ComponentFunc),
    /// An instance with these exports, in order.
    Instance(Vec<(String, ComponentItem)>),
    /// A resource type.
    Resource,
    /// A type that is not a resource.
    Type,
    /// A core module.
    Module,
    /// A component.
    Component,
}

impl ComponentItem {
    fn of(shape: &ImportShape) -> ComponentItem {
        match shape {
            ImportShape::Func(f) => ComponentItem::Func(f.clone()),
            ImportShape::Instance(items) => ComponentItem::Instance(
                items
                    .iter()
                    .map(|(n, s)| (n.clone(), ComponentItem::of(s)))
                    .collect(),
            ),
            ImportShape::Resource(_) => ComponentItem::Resource,
            ImportShape::Type => ComponentItem::Type,
            ImportShape::Module => ComponentItem::Module,
            ImportShape::Component => ComponentItem::Component,
        }
    }
}

impl Component {
    /// The component's imports with their types, in order. Resource types
    /// in function types are the component's own declarations until
    /// instantiation binds them.
    pub fn import_types(&self) -> Vec<(String, ComponentItem)> {
        self.def()
            .imports
            .iter()
            .map(|(n, s)| (n.clone(), ComponentItem::of(s)))
            .collect()
    }

    /// The component's exports with their types, in order.
    pub fn export_types(&self) -> Vec<(String, ComponentItem)> {
        self.def()
            .exports
            .iter()
            .map(|(n, s)| (n.clone(), ComponentItem::of(s)))
            .collect()
    }
}
