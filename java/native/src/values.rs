//! Values in the store's slots, as Java's `Val` writes and reads them.
//!
//! Numbers and vectors are their raw bits, in the form of
//! [`kiln::Val::to_slot`]. A `funcref` is the function's item number plus
//! one (0 is null). An `externref` is the Java object itself, in the
//! `refs` array at the value's index; the slot is unused.

use crate::errors::{Failure, JResult};
use crate::store::{Item, StoreBox};
use jni::objects::{GlobalRef, JObject, JObjectArray};
use jni::JNIEnv;
use kiln::{RawFunc, Val, ValType};

/// The Java object an `externref` made from Java carries.
pub(crate) struct JavaObject(pub GlobalRef);

/// Reads the value of type `ty` at `index`.
///
/// # Safety
/// `slot` points at a live, aligned slot.
pub(crate) unsafe fn read(
    env: &mut JNIEnv<'_>,
    sb: &StoreBox,
    slot: *const u128,
    ty: ValType,
    refs: &JObjectArray<'_>,
    index: usize,
) -> JResult<Val> {
    match ty {
        ValType::FuncRef => {
            // SAFETY: as the caller guarantees.
            let raw = unsafe { RawFunc::read_slot(slot, ValType::I64) } as u64;
            if raw == 0 {
                return Ok(Val::FuncRef(None));
            }
            let number = i32::try_from(raw - 1)
                .map_err(|_| Failure::Argument(format!("no function {raw} in this store")))?;
            Ok(Val::FuncRef(Some(sb.func(number)?)))
        }
        ValType::ExternRef => {
            if refs.is_null() {
                return Err(Failure::Argument(
                    "an externref needs its references array".into(),
                ));
            }
            let object = env.get_object_array_element(refs, index as i32)?;
            if object.is_null() {
                return Ok(Val::ExternRef(None));
            }
            let global = env.new_global_ref(object)?;
            Ok(Val::ExternRef(Some(kiln::ExternRef::new(JavaObject(
                global,
            )))))
        }
        _ => {
            // SAFETY: as the caller guarantees.
            let raw = unsafe { RawFunc::read_slot(slot, ty) };
            Ok(Val::from_slot(raw, ty).expect("numbers and vectors have a slot form"))
        }
    }
}

/// Writes `value` at `index`.
///
/// # Safety
/// `slot` points at a live, aligned slot.
pub(crate) unsafe fn write(
    env: &mut JNIEnv<'_>,
    sb: &StoreBox,
    slot: *mut u128,
    value: &Val,
    refs: &JObjectArray<'_>,
    index: usize,
) -> JResult<()> {
    match value {
        Val::FuncRef(f) => {
            let code = f.map_or(0, |f| sb.number(Item::Func(f)) as u128 + 1);
            // SAFETY: as the caller guarantees.
            unsafe { RawFunc::write_slot(slot, ValType::I64, code) };
        }
        Val::ExternRef(r) => {
            if refs.is_null() {
                return Err(Failure::Argument(
                    "an externref needs its references array".into(),
                ));
            }
            let object = match r {
                None => JObject::null(),
                Some(r) => match r.data().downcast_ref::<JavaObject>() {
                    Some(JavaObject(global)) => env.new_local_ref(global.as_obj())?,
                    None => {
                        return Err(Failure::Argument(
                            "the externref was not made by Java".into(),
                        ))
                    }
                },
            };
            env.set_object_array_element(refs, index as i32, object)?;
        }
        other => {
            let raw = other
                .to_slot()
                .expect("numbers and vectors have a slot form");
            // SAFETY: as the caller guarantees.
            unsafe { RawFunc::write_slot(slot, other.ty(), raw) };
        }
    }
    Ok(())
}

/// Reads one value of type `ty` from slot 0 (and `refs[0]`), where
/// `Table` and `Global` pass their single value.
pub(crate) fn read_first(
    env: &mut JNIEnv<'_>,
    sb: &StoreBox,
    ty: ValType,
    refs: &JObjectArray<'_>,
) -> JResult<Val> {
    let slots = sb.slots(env, 1)?;
    // SAFETY: the store's slots hold at least one slot.
    unsafe { read(env, sb, slots, ty, refs, 0) }
}

/// Writes one value to slot 0 (and `refs[0]`).
pub(crate) fn write_first(
    env: &mut JNIEnv<'_>,
    sb: &StoreBox,
    value: &Val,
    refs: &JObjectArray<'_>,
) -> JResult<()> {
    let slots = sb.slots(env, 1)?;
    // SAFETY: the store's slots hold at least one slot.
    unsafe { write(env, sb, slots, value, refs, 0) }
}
