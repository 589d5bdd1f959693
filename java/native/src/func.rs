//! `dev.kiln.Func`: a function of a store, called with values in the
//! store's slots.

use crate::errors::{run, Failure};
use crate::host_func::{HostBody, JavaHost};
use crate::store::{enter, Item};
use crate::types;
use crate::values;
use jni::objects::{JClass, JLongArray, JObject, JObjectArray};
use jni::sys::{jint, jlong};
use jni::JNIEnv;

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Func_type<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    store: JObject<'l>,
    handle: jlong,
    func: jint,
) -> JLongArray<'l> {
    run(&mut env, |env| {
        let codes = {
            let mut entered = enter(env, &store, handle)?;
            let func = entered.sb.func(func)?;
            types::encode_func(&func.ty(entered.cx()))
        };
        types::to_java(env, &codes)
    })
}

/// Calls the function with its parameters in the store's slots (and
/// `refs`), leaving its results there.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Func_call(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    func: jint,
    refs: JObjectArray<'_>,
) {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        let sb = entered.sb;
        let func = sb.func(func)?;
        let mut cx = entered.cx();
        let ty = func.ty(&cx);
        let n = ty.params().len().max(ty.results().len());
        let slots = sb.slots(env, n)?;
        if let Some(raw) = sb.raw_func(&mut cx, func) {
            // SAFETY: `raw` is owned by the store box and lives as long as
            // it; the slots hold the parameters Java wrote, one per
            // parameter and result, checked against the type by `Func.call`.
            unsafe { (*raw).call(&mut cx, slots) }?;
            // A host function run by the call may have grown the slots, and
            // Java reads the results from the new ones.
            let now = sb.slots(env, n)?;
            if now != slots {
                // SAFETY: both hold at least `n` slots: the old ones are kept
                // in `retired` until the store is freed, and are not the new.
                unsafe { std::ptr::copy_nonoverlapping(slots, now, ty.results().len()) };
            }
            return Ok(());
        }
        let params = ty
            .params()
            .iter()
            .enumerate()
            // SAFETY: `slots` holds at least `n` slots.
            .map(|(i, t)| unsafe { values::read(env, sb, slots.add(i), *t, &refs, i) })
            .collect::<Result<Vec<_>, Failure>>()?;
        let mut results: Vec<kiln::Val> = ty
            .results()
            .iter()
            .map(|t| kiln::Val::default_for(*t))
            .collect();
        func.call(&mut cx, &params, &mut results)?;
        // Java code run by the call may have grown the slots.
        let slots = sb.slots(env, n)?;
        for (i, r) in results.iter().enumerate() {
            // SAFETY: as above.
            unsafe { values::write(env, sb, slots.add(i), r, &refs, i) }?;
        }
        Ok(())
    })
}

/// The function prepared for raw calls (a `TypedFunc`'s handle), or 0 when
/// it cannot be called raw.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Func_raw(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    func: jint,
) -> jlong {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        let sb = entered.sb;
        let func = sb.func(func)?;
        Ok(sb
            .raw_func(&mut entered.cx(), func)
            .map_or(0, |p| p as jlong))
    })
}

/// A host function of this store; returns its item number.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Func_newHost(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    ty: JLongArray<'_>,
    host: JObject<'_>,
) -> jint {
    run(&mut env, |env| {
        let ty = types::decode_func(&types::from_java(env, &ty)?)?;
        let host = JavaHost(env.new_global_ref(host)?);
        let mut entered = enter(env, &store, handle)?;
        let mut cx = entered.cx();
        let func = match HostBody::new(&ty, host) {
            HostBody::Numeric(h) => {
                kiln::Func::new_numeric(&mut cx, ty, move |c, s| h.call_numeric(c, s))?
            }
            HostBody::Dynamic(h) => {
                kiln::Func::new(&mut cx, ty, move |c, p, r| h.call_dynamic(c, p, r))
            }
        };
        Ok(entered.sb.number(Item::Func(func)))
    })
}
