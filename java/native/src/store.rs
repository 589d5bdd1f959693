//! `dev.kiln.Store`: a store, the items of it Java holds, and the rule for
//! re-entering it from a host function.
//!
//! The Java side confines a store to one thread at a time (`Store.enter`),
//! so everything here is single-threaded. A native method that uses the
//! store takes its context with [`enter`]: at top level, from the `Store`
//! itself; inside a host function, from the `Caller` that the host function
//! lent (`lent`), so every access goes through the one live borrow.

use crate::classes;
use crate::errors::{run, Failure, JResult};
use crate::handles::{borrow, free};
use jni::objects::{JClass, JObject, JValue};
use jni::signature::{Primitive, ReturnType};
use jni::sys::{jint, jlong, jobject};
use jni::JNIEnv;
use kiln::{AsContextMut, RawStoreContext, StoreContextMut};
use kiln_wasi::{WasiCtx, WasiPipe};
use std::cell::{Cell, RefCell, UnsafeCell};
use std::collections::HashMap;

/// The host data of every store made from Java.
pub(crate) struct StoreData {
    pub(crate) wasi: WasiCtx,
    shared: *const StoreBox,
}

// SAFETY: `shared` points at the `StoreBox` that owns this data and is only
// dereferenced by the thread using the store (see the module comment).
unsafe impl Send for StoreData {}

impl StoreData {
    /// The `StoreBox` this data lives in, which outlives every borrow of it.
    pub(crate) fn store_box(&self) -> &StoreBox {
        // SAFETY: set by `Java_dev_kiln_Store_newStore` to the box that owns
        // the store, and the box is freed only after the store is dropped.
        unsafe { &*self.shared }
    }
}

/// Something of a store that a Java object refers to by number.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Item {
    Func(kiln::Func),
    Memory(kiln::Memory),
    Table(kiln::Table),
    Global(kiln::Global),
    Instance(kiln::Instance),
}

impl Item {
    pub(crate) fn from_extern(e: kiln::Extern) -> Item {
        match e {
            kiln::Extern::Func(f) => Item::Func(f),
            kiln::Extern::Memory(m) => Item::Memory(m),
            kiln::Extern::Table(t) => Item::Table(t),
            kiln::Extern::Global(g) => Item::Global(g),
        }
    }

    /// The kind number Java uses (`ExternType.KIND_*`); instances are 4.
    fn kind(&self) -> i64 {
        match self {
            Item::Func(_) => 0,
            Item::Memory(_) => 1,
            Item::Table(_) => 2,
            Item::Global(_) => 3,
            Item::Instance(_) => 4,
        }
    }
}

/// `StoreBox` methods that look an item up by number and check its kind.
macro_rules! item_getters {
    ($($name:ident: $variant:ident => $ty:ty, $what:literal;)*) => {
        $(
            pub(crate) fn $name(&self, number: jint) -> JResult<$ty> {
                match self.item(number)? {
                    Item::$variant(x) => Ok(x),
                    _ => Err(Failure::Argument(format!(
                        concat!("item {} is not ", $what),
                        number
                    ))),
                }
            }
        )*
    };
}

/// A store and what Java needs to use it.
pub(crate) struct StoreBox {
    store: UnsafeCell<kiln::Store<StoreData>>,
    /// Set while a native method holds the store's own context.
    busy: Cell<bool>,
    /// The context a running host function lends to Java code.
    lent: Cell<Option<RawStoreContext<StoreData>>>,
    /// The instance whose wasm called that host function.
    lent_instance: Cell<Option<kiln::Instance>>,
    /// The `JNIEnv` and the Java `Store` (a local reference) of the
    /// innermost native method using the store: host functions call Java
    /// through them.
    env: Cell<*mut jni::sys::JNIEnv>,
    java_store: Cell<jobject>,
    items: RefCell<Vec<Item>>,
    numbers: RefCell<HashMap<Item, u32>>,
    /// Functions prepared for raw calls, each boxed so that the address
    /// Java keeps stays put.
    raws: RefCell<HashMap<kiln::Func, Box<kiln::RawFunc>>>,
    /// The raw slots Java reads and writes through `Store.slots`.
    slots: UnsafeCell<Vec<u128>>,
    /// Slots replaced by bigger ones: kept until the store is freed, so that
    /// a buffer Java still holds never points at freed memory.
    retired: RefCell<Vec<Vec<u128>>>,
    pub(crate) stdout: RefCell<Option<WasiPipe>>,
    pub(crate) stderr: RefCell<Option<WasiPipe>>,
}

/// The slots a store starts with: enough for every raw call.
const INITIAL_SLOTS: usize = kiln::RawFunc::MAX_VALUES;

impl StoreBox {
    /// The number Java uses for `item`, adding it to the table if new.
    pub(crate) fn number(&self, item: Item) -> i32 {
        if let Some(n) = self.numbers.borrow().get(&item) {
            return *n as i32;
        }
        let mut items = self.items.borrow_mut();
        let n = items.len() as u32;
        items.push(item);
        self.numbers.borrow_mut().insert(item, n);
        n as i32
    }

    /// The code Java decodes into an object: kind in the high half, number
    /// in the low half.
    pub(crate) fn code(&self, item: Item) -> jlong {
        (item.kind() << 32) | i64::from(self.number(item) as u32)
    }

    pub(crate) fn item(&self, number: jint) -> JResult<Item> {
        self.items
            .borrow()
            .get(number as usize)
            .copied()
            .ok_or_else(|| Failure::Argument(format!("no item {number} in this store")))
    }

    item_getters! {
        func: Func => kiln::Func, "a function";
        memory: Memory => kiln::Memory, "a memory";
        table: Table => kiln::Table, "a table";
        global: Global => kiln::Global, "a global";
        instance: Instance => kiln::Instance, "an instance";
    }

    /// The raw-call form of `func`, prepared once; `None` for functions
    /// that cannot be called raw (host functions, references).
    pub(crate) fn raw_func(
        &self,
        cx: &mut StoreContextMut<'_, StoreData>,
        func: kiln::Func,
    ) -> Option<*const kiln::RawFunc> {
        if let Some(raw) = self.raws.borrow().get(&func) {
            return Some(&**raw as *const _);
        }
        let ty = func.ty(&*cx);
        if !kiln::RawFunc::fits(&ty) {
            return None;
        }
        let raw = Box::new(func.to_raw(&*cx).ok()?);
        let ptr = &*raw as *const _;
        self.raws.borrow_mut().insert(func, raw);
        Some(ptr)
    }

    /// The slots, at least `n` long: when they grow, the Java `Store`'s
    /// `slots` field gets a buffer over the new ones.
    pub(crate) fn slots(&self, env: &mut JNIEnv<'_>, n: usize) -> JResult<*mut u128> {
        // SAFETY: the store is used by one thread at a time, and no
        // reference into the slots outlives this call.
        let slots = unsafe { &mut *self.slots.get() };
        if slots.len() < n {
            let bigger = vec![0u128; n.next_power_of_two()];
            self.retired
                .borrow_mut()
                .push(std::mem::replace(slots, bigger));
            let buffer = slots_buffer(env, slots)?;
            // SAFETY: the Java `Store` recorded by `enter` is live for the
            // native method that entered, which is still running.
            let java_store = unsafe { JObject::from_raw(self.java_store.get()) };
            // SAFETY: `store_set_slots` is `Store.setSlots(ByteBuffer)`,
            // which returns nothing; the argument matches.
            unsafe {
                env.call_method_unchecked(
                    &java_store,
                    classes::get().store_set_slots,
                    ReturnType::Primitive(Primitive::Void),
                    &[JValue::Object(&buffer).as_jni()],
                )
            }?;
        }
        Ok(slots.as_mut_ptr())
    }

    /// The `JNIEnv` and Java `Store` of the innermost native method using
    /// the store.
    pub(crate) fn java(&self) -> (*mut jni::sys::JNIEnv, jobject) {
        (self.env.get(), self.java_store.get())
    }

    /// Lends `caller`'s context to Java code while `f` runs (see `enter`).
    pub(crate) fn lend<R>(
        &self,
        caller: &mut kiln::Caller<'_, StoreData>,
        f: impl FnOnce() -> R,
    ) -> R {
        let instance = caller.instance();
        let raw = caller.as_context_mut().as_raw();
        let previous = self.lent.replace(Some(raw));
        let previous_instance = self.lent_instance.replace(instance);
        let result = f();
        self.lent.set(previous);
        self.lent_instance.set(previous_instance);
        result
    }
}

fn slots_buffer<'l>(env: &mut JNIEnv<'l>, slots: &mut [u128]) -> JResult<JObject<'l>> {
    // SAFETY: the slots live as long as the store (`retired` keeps replaced
    // ones), and Java stops using the buffer once the store is closed.
    let buffer =
        unsafe { env.new_direct_byte_buffer(slots.as_mut_ptr().cast::<u8>(), slots.len() * 16) }?;
    Ok(buffer.into())
}

/// Exclusive use of a store by one native method; dropping it gives the
/// context back.
pub(crate) struct Entered<'a> {
    pub(crate) sb: &'a StoreBox,
    raw: RawStoreContext<StoreData>,
    nested: bool,
    previous_env: *mut jni::sys::JNIEnv,
    previous_store: jobject,
}

/// Takes the store behind `handle` for the native method running with
/// `env`, on behalf of the Java `Store` object `java_store`.
pub(crate) fn enter<'a>(
    env: &JNIEnv<'_>,
    java_store: &JObject<'_>,
    handle: jlong,
) -> JResult<Entered<'a>> {
    // SAFETY: the Java `Store` passes its live handle, and has checked that
    // this thread may use it (`Store.enter`).
    let sb: &'a StoreBox = unsafe { borrow(handle) };
    let (raw, nested) = match sb.lent.take() {
        Some(raw) => (raw, true),
        None if sb.busy.get() => {
            return Err(Failure::State(
                "the store is in use by a call that has not returned".into(),
            ))
        }
        None => {
            sb.busy.set(true);
            // SAFETY: `busy` was clear, so nothing else borrows the store;
            // the borrow ends when this `Entered` is dropped.
            let store = unsafe { &mut *sb.store.get() };
            (store.as_context_mut().as_raw(), false)
        }
    };
    Ok(Entered {
        sb,
        raw,
        nested,
        previous_env: sb.env.replace(env.get_raw()),
        previous_store: sb.java_store.replace(java_store.as_raw()),
    })
}

impl Entered<'_> {
    pub(crate) fn cx(&mut self) -> StoreContextMut<'_, StoreData> {
        // SAFETY: `raw` is the one live borrow of the store (see `enter`),
        // and the context borrows `self`, so no second one is made from it
        // meanwhile.
        unsafe { self.raw.as_context_mut() }
    }

    /// The instance whose wasm called the running host function, when this
    /// is a re-entry from one.
    pub(crate) fn calling_instance(&self) -> Option<kiln::Instance> {
        if self.nested {
            self.sb.lent_instance.get()
        } else {
            None
        }
    }
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        if self.nested {
            self.sb.lent.set(Some(self.raw));
        } else {
            self.sb.busy.set(false);
        }
        self.sb.env.set(self.previous_env);
        self.sb.java_store.set(self.previous_store);
    }
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Store_newStore(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    engine: jlong,
) -> jlong {
    run(&mut env, |_env| {
        // SAFETY: the Java `Engine` is acquired for this call.
        let engine: &kiln::Engine = unsafe { borrow(engine) };
        let data = StoreData {
            wasi: kiln_wasi::WasiConfig::new().build()?,
            shared: std::ptr::null(),
        };
        let sb = Box::into_raw(Box::new(StoreBox {
            store: UnsafeCell::new(kiln::Store::new(engine, data)),
            busy: Cell::new(false),
            lent: Cell::new(None),
            lent_instance: Cell::new(None),
            env: Cell::new(std::ptr::null_mut()),
            java_store: Cell::new(std::ptr::null_mut()),
            items: RefCell::default(),
            numbers: RefCell::default(),
            raws: RefCell::default(),
            slots: UnsafeCell::new(vec![0; INITIAL_SLOTS]),
            retired: RefCell::default(),
            stdout: RefCell::default(),
            stderr: RefCell::default(),
        }));
        // SAFETY: `sb` was just allocated and nothing else refers to it.
        unsafe { (*(*sb).store.get()).data_mut().shared = sb };
        Ok(sb as jlong)
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Store_free(
    _env: JNIEnv<'_>,
    _class: JClass<'_>,
    handle: jlong,
) {
    // SAFETY: the Java `Store`'s cleaner frees its handle once, when no
    // method uses it and no memory view needs it.
    unsafe { free::<StoreBox>(handle) }
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Store_slots<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> JObject<'l> {
    run(&mut env, |env| {
        // SAFETY: the Java `Store` passes its live handle.
        let sb: &StoreBox = unsafe { borrow(handle) };
        // SAFETY: the store is used by one thread at a time.
        slots_buffer(env, unsafe { &mut *sb.slots.get() })
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Store_ensureSlots(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    n: jint,
) {
    run(&mut env, |env| {
        let entered = enter(env, &store, handle)?;
        entered.sb.slots(env, n as usize)?;
        Ok(())
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Store_setFuel(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    fuel: jlong,
) {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        Ok(entered.cx().set_fuel(fuel as u64)?)
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Store_getFuel(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
) -> jlong {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        Ok(entered.cx().get_fuel()? as jlong)
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Store_setEpochDeadline(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    ticks: jlong,
) {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        entered.cx().set_epoch_deadline(ticks as u64);
        Ok(())
    })
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_kiln_Store_setLimits(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    memory_size: jlong,
    table_elements: jlong,
    instances: jlong,
    tables: jlong,
    memories: jlong,
) {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        // Java passes -1 for "no limit"; `StoreLimits::from_signed` reads
        // negative numbers that way.
        let limits = kiln::StoreLimits::from_signed(
            memory_size,
            table_elements,
            instances,
            tables,
            memories,
        );
        entered.cx().set_limits(limits);
        Ok(())
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Store_gc(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
) {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        entered.cx().gc();
        Ok(())
    })
}

/// The `JNIEnv` of the native method that entered the store whose data is
/// `data`: callbacks from the engine call Java through it.
pub(crate) fn callback_env<'a>(data: &StoreData) -> kiln::Result<(&'a StoreBox, JNIEnv<'a>)> {
    let sb: *const StoreBox = data.store_box();
    // SAFETY: the box outlives every call into its store's wasm.
    let sb = unsafe { &*sb };
    let (env, _) = sb.java();
    // SAFETY: `env` is the `JNIEnv` of the native method that entered wasm,
    // on this thread, which is still running below this callback.
    let env = unsafe { JNIEnv::from_raw(env) }
        .map_err(|_| kiln::Error::msg("a host function ran outside a Java call"))?;
    Ok((sb, env))
}
