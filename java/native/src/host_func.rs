//! `dev.kiln.HostFunc`: wasm calling Java.
//!
//! A host function is a Java `HostFunc` object. Wasm's arguments go into
//! the store's slots (and, for references, a `refs` array), Java's
//! `HostFunc.invoke(store, refs)` reads them, runs the function and writes
//! its results back in the same form. A Java exception travels up through
//! wasm as the error's payload and is thrown again by the native method
//! that entered wasm ([`crate::errors::JavaThrowable`]).

use crate::classes;
use crate::errors::{take_exception, to_kiln, Failure};
use crate::store::{callback_env, StoreBox, StoreData};
use crate::values;
use jni::objects::{GlobalRef, JObject, JObjectArray};
use jni::sys::jvalue;
use jni::JNIEnv;
use kiln::{Caller, Val};

/// A Java host function, shared by every store its linker instantiates in.
pub(crate) struct JavaHost(pub GlobalRef);

impl JavaHost {
    /// Calls the Java function: `HostFunc.callNumeric(store)` when `refs`
    /// is `None`, `HostFunc.call(store, refs)` otherwise. Both return 1
    /// once the function has run, so 0 means a Java exception is pending;
    /// the common case needs no `ExceptionCheck`.
    fn invoke(
        &self,
        env: &mut JNIEnv<'_>,
        sb: &StoreBox,
        caller: &mut Caller<'_, StoreData>,
        refs: Option<&JObjectArray<'_>>,
    ) -> kiln::Result<()> {
        let (_, java_store) = sb.java();
        let classes = classes::get();
        let raw_env = env.get_raw();
        // SAFETY: `raw_env` is this thread's live `JNIEnv`, whose function
        // table is fully populated by the JVM.
        let call_int = unsafe { (**raw_env).CallIntMethodA }
            .ok_or_else(|| kiln::Error::msg("the JVM has no CallIntMethodA"))?;
        let (method, args) = match refs {
            None => (
                classes.host_func_call_numeric,
                [
                    jvalue { l: java_store },
                    jvalue {
                        l: std::ptr::null_mut(),
                    },
                ],
            ),
            Some(refs) => (
                classes.host_func_call,
                [jvalue { l: java_store }, jvalue { l: refs.as_raw() }],
            ),
        };
        let ran = sb.lend(caller, || {
            // SAFETY: `method` is `HostFunc.callNumeric(Store)` or
            // `HostFunc.call(Store, Object[])`, both returning `int`, called
            // on a `HostFunc` with arguments of those types (the Java
            // `Store` of the native method that entered wasm, a live local
            // reference, and the `refs` array); `raw_env` belongs to this
            // thread, which is inside that native method.
            unsafe {
                call_int(
                    raw_env,
                    self.0.as_obj().as_raw(),
                    method.into_raw(),
                    args.as_ptr(),
                )
            }
        });
        if ran == 1 {
            return Ok(());
        }
        Err(take_exception(env)
            .unwrap_or_else(|| kiln::Error::msg("a Java host function failed to run")))
    }

    /// Calls a host function of numbers and vectors with wasm's slots.
    pub(crate) fn call_numeric(
        &self,
        mut caller: Caller<'_, StoreData>,
        slots: &mut [u128],
    ) -> kiln::Result<()> {
        let (sb, mut env) = callback_env(caller.data())?;
        let n = slots.len();
        let java_slots = sb.slots(&mut env, n).map_err(|f| to_kiln(&mut env, f))?;
        // SAFETY: `java_slots` holds at least `n` slots, apart from wasm's.
        unsafe { std::ptr::copy_nonoverlapping(slots.as_ptr(), java_slots, n) };
        self.invoke(&mut env, sb, &mut caller, None)?;
        // The Java code may have grown the slots by calling wasm again.
        let java_slots = sb.slots(&mut env, n).map_err(|f| to_kiln(&mut env, f))?;
        // SAFETY: as above.
        unsafe { std::ptr::copy_nonoverlapping(java_slots, slots.as_mut_ptr(), n) };
        Ok(())
    }

    /// Calls a host function with references, value by value.
    pub(crate) fn call_dynamic(
        &self,
        mut caller: Caller<'_, StoreData>,
        params: &[Val],
        results: &mut [Val],
    ) -> kiln::Result<()> {
        let (sb, mut env) = callback_env(caller.data())?;
        let frame = env.with_local_frame(8, |env| -> Result<kiln::Result<()>, Failure> {
            let n = params.len().max(results.len());
            let refs = env.new_object_array(n as i32, "java/lang/Object", JObject::null())?;
            let slots = sb.slots(env, n)?;
            for (i, p) in params.iter().enumerate() {
                // SAFETY: `slots` holds at least `n` slots.
                unsafe { values::write(env, sb, slots.add(i), p, &refs, i) }?;
            }
            if let Err(e) = self.invoke(env, sb, &mut caller, Some(&refs)) {
                return Ok(Err(e));
            }
            let slots = sb.slots(env, n)?;
            for (i, r) in results.iter_mut().enumerate() {
                // SAFETY: as above.
                *r = unsafe { values::read(env, sb, slots.add(i), r.ty(), &refs, i) }?;
            }
            Ok(Ok(()))
        });
        match frame {
            Ok(result) => result,
            Err(f) => Err(to_kiln(&mut env, f)),
        }
    }
}

/// How the engine calls a Java host function: through wasm's slots when its
/// type has only numbers and vectors ([`JavaHost::call_numeric`]), value by
/// value otherwise ([`JavaHost::call_dynamic`]).
pub(crate) enum HostBody {
    Numeric(JavaHost),
    Dynamic(JavaHost),
}

impl HostBody {
    pub(crate) fn new(ty: &kiln::FuncType, host: JavaHost) -> HostBody {
        if ty
            .params()
            .iter()
            .chain(ty.results())
            .any(kiln::ValType::is_ref)
        {
            HostBody::Dynamic(host)
        } else {
            HostBody::Numeric(host)
        }
    }
}
