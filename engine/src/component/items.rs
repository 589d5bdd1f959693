//! The runtime values of a component's index spaces: functions, instances,
//! modules, components and resource types, as instantiation makes them.

use super::abi::Options;
use super::plan::ComponentDef;
use super::resources::ResourceType;
use super::state::InstanceState;
use super::types::ComponentFunc;
use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;
use wasmparser::component_types::ResourceId;

/// An item of a component index space.
#[derive(Clone)]
pub(crate) enum Item {
    Func(FuncItem),
    Instance(Arc<Exports>),
    Module(crate::Module),
    Component(Arc<Closure>),
    /// A type: a resource type, or `None` for any other type.
    Type(Option<ResourceType>),
}

impl Item {
    pub fn kind(&self) -> &'static str {
        match self {
            Item::Func(_) => "function",
            Item::Instance(_) => "instance",
            Item::Module(_) => "module",
            Item::Component(_) => "component",
            Item::Type(Some(_)) => "resource type",
            Item::Type(None) => "type",
        }
    }

    /// The item at `path` of exports below this one.
    pub fn lookup(&self, path: &[String]) -> Option<&Item> {
        match path.split_first() {
            None => Some(self),
            Some((first, rest)) => match self {
                Item::Instance(exports) => exports.get(first)?.lookup(rest),
                _ => None,
            },
        }
    }
}

/// A component instance's exports, by name.
#[derive(Default)]
pub(crate) struct Exports {
    pub items: Vec<(String, Item)>,
    index: HashMap<String, usize>,
}

impl Exports {
    pub fn new(items: Vec<(String, Item)>) -> Exports {
        let index = items
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (n.clone(), i))
            .collect();
        Exports { items, index }
    }

    pub fn get(&self, name: &str) -> Option<&Item> {
        self.index.get(name).map(|&i| &self.items[i].1)
    }
}

/// A component function.
#[derive(Clone)]
pub(crate) enum FuncItem {
    /// A core function lifted by a component instance.
    Lifted(Arc<LiftedFunc>),
    /// A function the host defined in a linker.
    Host(Arc<HostFuncItem>),
}

impl FuncItem {
    pub fn ty(&self) -> &ComponentFunc {
        match self {
            FuncItem::Lifted(f) => &f.ty,
            FuncItem::Host(f) => &f.ty,
        }
    }
}

/// `canon lift` of a core function by a component instance.
pub(crate) struct LiftedFunc {
    pub ty: ComponentFunc,
    pub core: crate::Func,
    pub opts: Options,
    pub inst: Arc<InstanceState>,
}

/// A host function, its body type-erased over the store's data type.
pub(crate) struct HostFuncItem {
    /// A `linker::HostFn<T>`, or a `flat::FlatHostFn<T>` if `flat`.
    pub func: Arc<dyn Any + Send + Sync>,
    /// Whether the body takes flat core values rather than `Val`s.
    pub flat: bool,
    /// The type the component imported it with.
    pub ty: ComponentFunc,
    pub name: String,
}

/// A component definition closed over the items of the components
/// enclosing it that it may alias (modules, components, resource types).
pub(crate) struct Closure {
    pub def: Arc<ComponentDef>,
    pub outer: Arc<OuterScope>,
}

/// The items of an enclosing component, as they were when a nested
/// component was defined.
pub(crate) struct OuterScope {
    pub modules: Vec<crate::Module>,
    pub components: Vec<Arc<Closure>>,
    pub resources: HashMap<ResourceId, ResourceType>,
    pub parent: Option<Arc<OuterScope>>,
}
