//! A decoded component: the plan that instantiating it follows, one step
//! per definition, in the order the component defines things.

use super::abi::StringEncoding;
use super::resources::ResourceType;
use super::types::{ComponentFunc, ComponentInstance, ComponentItem};
use std::sync::Arc;
use wasmparser::component_types::ResourceId;

/// One component (the one given to `Component::new`, or one nested in it).
pub(crate) struct ComponentDef {
    /// The steps of instantiation, in order; each adds to an index space.
    pub inits: Vec<Init>,
    /// The core modules the component defines, compiled.
    pub modules: Vec<crate::Module>,
    /// The components the component defines.
    pub components: Vec<Arc<ComponentDef>>,
    /// The component's imports, by name.
    pub imports: Vec<(String, ImportShape)>,
    /// The component's exports, by name.
    pub exports: Vec<(String, ImportShape)>,
}

/// A step of instantiation.
pub(crate) enum Init {
    /// Adds `modules[i]` to the core module index space.
    Module(u32),
    /// Adds `components[i]`, closed over the current index spaces, to the
    /// component index space.
    Component(u32),
    /// Adds an import.
    Import { name: String, shape: ImportShape },
    /// Instantiates a core module with core instances as its import modules.
    CoreInstantiate {
        module: u32,
        args: Vec<(String, u32)>,
    },
    /// Makes a core instance of existing core items.
    CoreExports(Vec<(String, CoreSort, u32)>),
    /// Adds a core instance's export.
    AliasCoreExport {
        instance: u32,
        name: String,
        sort: CoreSort,
    },
    /// Adds a component instance's export.
    AliasExport {
        instance: u32,
        name: String,
        sort: Sort,
    },
    /// Adds a module or component of an enclosing component.
    AliasOuter { sort: Sort, count: u32, index: u32 },
    /// Instantiates a component; `resources` says where the new instance's
    /// resource types are among its exports.
    Instantiate {
        component: u32,
        args: Vec<(String, ItemRef)>,
        resources: Vec<(Vec<String>, ResourceId)>,
    },
    /// Makes a component instance of existing items.
    InstanceExports(Vec<(String, ItemRef)>),
    /// Defines a resource type.
    DefineResource {
        id: ResourceId,
        dtor: Option<u32>,
        name: String,
    },
    /// `canon lift`: a component function of a core function.
    Lift {
        core_func: u32,
        ty: ComponentFunc,
        opts: OptionsDef,
    },
    /// `canon lower`: a core function of a component function.
    Lower {
        func: u32,
        ty: ComponentFunc,
        opts: OptionsDef,
    },
    /// `canon resource.new`
    ResourceNew(ResourceId),
    /// `canon resource.rep`
    ResourceRep(ResourceId),
    /// `canon resource.drop`
    ResourceDrop(ResourceId),
    /// Exports an item (which also adds it to its index space again).
    Export { name: String, item: ItemRef },
}

/// A sort of core item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CoreSort {
    Func,
    Table,
    Memory,
    Global,
}

/// A sort of component item that has a runtime value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sort {
    Func,
    Instance,
    Module,
    Component,
    /// A type: only resource types have runtime values.
    Type,
}

/// An item of the current component, by index space and index.
#[derive(Clone, Debug)]
pub(crate) enum ItemRef {
    Func(u32),
    Instance(u32),
    Module(u32),
    Component(u32),
    /// A type, with its resource identity if it is a resource type.
    Type(Option<ResourceId>),
}

/// The canonical options of a `lift` or `lower`, by core index.
#[derive(Clone, Debug)]
pub(crate) struct OptionsDef {
    pub memory: Option<u32>,
    pub realloc: Option<u32>,
    pub post_return: Option<u32>,
    pub encoding: StringEncoding,
}

/// What an import (or export) of a component must be.
#[derive(Clone, Debug)]
pub(crate) enum ImportShape {
    Func(ComponentFunc),
    Instance(Vec<(String, ImportShape)>),
    /// A resource type, which instantiation binds to a concrete one.
    Resource(ResourceId),
    /// A type that is not a resource.
    Type,
    Module,
    Component,
}

impl ImportShape {
    /// The public description of an item of this shape named `name`.
    pub fn item(&self, name: &str) -> ComponentItem {
        match self {
            ImportShape::Func(f) => ComponentItem::ComponentFunc(f.clone()),
            ImportShape::Instance(exports) => {
                ComponentItem::ComponentInstance(ComponentInstance(shape_items(exports)))
            }
            ImportShape::Resource(id) => {
                ComponentItem::Resource(ResourceType::declared_as(*id, name))
            }
            ImportShape::Type => ComponentItem::Type,
            ImportShape::Module => ComponentItem::Module,
            ImportShape::Component => ComponentItem::Component,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            ImportShape::Func(_) => "function",
            ImportShape::Instance(_) => "instance",
            ImportShape::Resource(_) => "resource type",
            ImportShape::Type => "type",
            ImportShape::Module => "module",
            ImportShape::Component => "component",
        }
    }

    /// Where this shape's resource types are, as paths of export names.
    pub fn resources(&self, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, ResourceId)>) {
        match self {
            ImportShape::Resource(id) => out.push((path.clone(), *id)),
            ImportShape::Instance(exports) => {
                for (name, shape) in exports {
                    path.push(name.clone());
                    shape.resources(path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
}

/// The public descriptions of named shapes.
pub(crate) fn shape_items(shapes: &[(String, ImportShape)]) -> Arc<[(String, ComponentItem)]> {
    shapes.iter().map(|(n, s)| (n.clone(), s.item(n))).collect()
}
