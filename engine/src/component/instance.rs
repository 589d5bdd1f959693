//! `Instance`: an instantiated component and its exports.

use super::func::Func;
use super::items::{Exports, Item};
use super::resources::ResourceType;
use crate::AsContextMut;
use std::sync::Arc;

/// An instantiated component: its exported functions, instances and
/// resource types, by name.
///
/// Functions of an exported instance, such as an interface
/// `"ns:pkg/iface"`, are found by the instance's name and the function's:
///
/// ```
/// use kiln::component::{Component, Linker, Val};
/// use kiln::{Engine, Store};
///
/// let engine = Engine::default();
/// let component = Component::new(&engine, r#"
///     (component
///       (core module $m (func (export "seven") (result i32) i32.const 7))
///       (core instance $i (instantiate $m))
///       (func $seven (result u8) (canon lift (core func $i "seven")))
///       (instance $iface (export "seven" (func $seven)))
///       (export "demo:numbers/small" (instance $iface)))
/// "#).unwrap();
/// let mut store = Store::new(&engine, ());
/// let instance = Linker::new(&engine).instantiate(&mut store, &component).unwrap();
///
/// let seven = instance.get_func(&mut store, ("demo:numbers/small", "seven")).unwrap();
/// let mut result = [Val::U8(0)];
/// seven.call(&mut store, &[], &mut result).unwrap();
/// assert_eq!(result[0], Val::U8(7));
///
/// // The same, in Wasmtime's two steps.
/// let iface = instance.get_export_index(&mut store, None, "demo:numbers/small").unwrap();
/// let seven = instance.get_export_index(&mut store, Some(&iface), "seven").unwrap();
/// assert!(instance.get_func(&mut store, &seven).is_some());
/// ```
#[derive(Clone)]
pub struct Instance {
    exports: Arc<Exports>,
    store_id: u64,
}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.exports.items.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Instance").field("exports", &names).finish()
    }
}

/// An export of a component instance, found once with
/// [`Instance::get_export_index`] and then used to get the item, as many
/// times as needed, without looking its name up again (see the example of
/// [`Instance`]).
#[derive(Clone)]
pub struct ComponentExportIndex {
    item: Item,
    store_id: u64,
}

impl std::fmt::Debug for ComponentExportIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ComponentExportIndex({})", self.item.kind())
    }
}

/// What names an export of a component instance: its name (a `&str` or
/// `String`), an instance's name and the name inside it (`(&str, &str)`), or
/// a [`ComponentExportIndex`].
pub trait InstanceExportLookup {
    #[doc(hidden)]
    fn path(&self) -> lookup::Path<'_>;
}

mod lookup {
    /// How an export is named.
    pub enum Path<'a> {
        Name(&'a str),
        Nested(&'a str, &'a str),
        Index(&'a super::ComponentExportIndex),
    }
}

impl InstanceExportLookup for str {
    fn path(&self) -> lookup::Path<'_> {
        lookup::Path::Name(self)
    }
}

impl InstanceExportLookup for String {
    fn path(&self) -> lookup::Path<'_> {
        lookup::Path::Name(self)
    }
}

impl InstanceExportLookup for (&str, &str) {
    fn path(&self) -> lookup::Path<'_> {
        lookup::Path::Nested(self.0, self.1)
    }
}

impl InstanceExportLookup for ComponentExportIndex {
    fn path(&self) -> lookup::Path<'_> {
        lookup::Path::Index(self)
    }
}

impl<L: InstanceExportLookup + ?Sized> InstanceExportLookup for &L {
    fn path(&self) -> lookup::Path<'_> {
        (**self).path()
    }
}

fn find(exports: &Exports, store_id: u64, name: &impl InstanceExportLookup) -> Option<Item> {
    match name.path() {
        lookup::Path::Name(n) => exports.get(n).cloned(),
        lookup::Path::Nested(outer, inner) => match exports.get(outer)? {
            Item::Instance(i) => i.get(inner).cloned(),
            _ => None,
        },
        lookup::Path::Index(index) => (index.store_id == store_id).then(|| index.item.clone()),
    }
}

impl Instance {
    pub(crate) fn new(exports: Arc<Exports>, store_id: u64) -> Instance {
        Instance { exports, store_id }
    }

    /// The instance as an item of another component's index space.
    pub(crate) fn as_item(&self) -> Item {
        Item::Instance(self.exports.clone())
    }

    fn assert_store(&self, store: &mut impl AsContextMut) {
        assert!(
            store.as_inner_mut().opaque.id == self.store_id,
            "component instance used with a store it does not belong to"
        );
    }

    /// The exported function named by `name`, if there is one.
    pub fn get_func(
        &self,
        mut store: impl AsContextMut,
        name: impl InstanceExportLookup,
    ) -> Option<Func> {
        self.assert_store(&mut store);
        match find(&self.exports, self.store_id, &name)? {
            Item::Func(item) => Some(Func {
                item,
                store_id: self.store_id,
            }),
            _ => None,
        }
    }

    /// The export `name` of the instance, or of its exported instance
    /// `parent`: to look up an interface's functions by the interface's name
    /// and then theirs.
    pub fn get_export_index(
        &self,
        mut store: impl AsContextMut,
        parent: Option<&ComponentExportIndex>,
        name: &str,
    ) -> Option<ComponentExportIndex> {
        self.assert_store(&mut store);
        let item = match parent {
            None => self.exports.get(name)?.clone(),
            Some(parent) if parent.store_id == self.store_id => match &parent.item {
                Item::Instance(inner) => inner.get(name)?.clone(),
                _ => return None,
            },
            Some(_) => return None,
        };
        Some(ComponentExportIndex {
            item,
            store_id: self.store_id,
        })
    }

    /// The exported resource type named by `name`, if there is one.
    pub fn get_resource(
        &self,
        mut store: impl AsContextMut,
        name: impl InstanceExportLookup,
    ) -> Option<ResourceType> {
        self.assert_store(&mut store);
        match find(&self.exports, self.store_id, &name)? {
            Item::Type(Some(rt)) => Some(rt),
            _ => None,
        }
    }

    /// The exported core module named by `name`, if there is one.
    pub fn get_module(
        &self,
        mut store: impl AsContextMut,
        name: impl InstanceExportLookup,
    ) -> Option<crate::Module> {
        self.assert_store(&mut store);
        match find(&self.exports, self.store_id, &name)? {
            Item::Module(m) => Some(m),
            _ => None,
        }
    }

    /// The names of the instance's exports, in order.
    pub fn export_names(&self, mut store: impl AsContextMut) -> Vec<String> {
        self.assert_store(&mut store);
        self.exports.items.iter().map(|(n, _)| n.clone()).collect()
    }
}
