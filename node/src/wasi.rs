//! The `WASI` class's native half: a WASI preview1 configuration whose
//! import object holds placeholder functions. An instance that imports them
//! gets Kiln's sandboxed WASI implementation in their place, with a context
//! built from the configuration.

use crate::globals::{throw, ErrorClass};
use crate::js::{callback, Env, JsResult, Value};
use crate::store::{HostState, StoreRef};
use napi::sys;
use std::cell::RefCell;
use std::ffi::c_void;
use std::rc::Rc;

const MODULE: &str = "wasi_snapshot_preview1";

/// Marks the placeholder functions of a WASI import object.
const WASI_TAG: sys::napi_type_tag = sys::napi_type_tag {
    lower: 0x6b69_6c6e_5f77_6173,
    upper: 0x4a5b_6c7d_8e9f_a0b1,
};

/// One JS `WASI` object's configuration.
pub(crate) struct WasiState {
    config: kiln_wasi::WasiConfig,
    /// Whether an instance already uses it: a WASI object serves one instance.
    used: RefCell<bool>,
}

/// The configuration node:wasi's options describe: `stdio` holds the host
/// descriptors of the guest's stdin, stdout and stderr.
fn config_of(
    args: Vec<String>,
    env: Vec<(String, String)>,
    preopens: Vec<(String, String)>,
    stdio: [i32; 3],
) -> kiln_wasi::WasiConfig {
    let mut config = kiln_wasi::WasiConfig::new().args(args);
    for (k, v) in env {
        config = config.env(k, v);
    }
    for (guest, host) in preopens {
        // node:wasi's pre-opens are writable.
        config = config.preopened_dir(host, guest, false);
    }
    let [stdin, stdout, stderr] = stdio;
    config = match stdin {
        0 => config.inherit_stdin(),
        fd => config.stdin_fd(fd),
    };
    config = match stdout {
        1 => config.inherit_stdout(),
        fd => config.stdout_fd(fd),
    };
    match stderr {
        2 => config.inherit_stderr(),
        fd => config.stderr_fd(fd),
    }
}

/// A placeholder import: which WASI object it belongs to.
struct WasiFunc {
    state: Rc<WasiState>,
}

/// An import value that is one of a WASI object's placeholders.
pub(crate) struct WasiImport {
    state: Rc<WasiState>,
}

pub(crate) fn wasi_import(env: Env, v: Value) -> JsResult<Option<WasiImport>> {
    let Some(ptr) = env.unwrap_tagged(v, &WASI_TAG)? else {
        return Ok(None);
    };
    // SAFETY: objects tagged `WASI_TAG` wrap a `WasiFunc`, alive with them.
    let func = unsafe { &*(ptr as *const WasiFunc) };
    Ok(Some(WasiImport {
        state: func.state.clone(),
    }))
}

thread_local! {
    static LINKERS: RefCell<Vec<(kiln::Engine, kiln::Linker<HostState>)>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with a linker defining Kiln's WASI for `engine`, made once per
/// engine.
fn with_wasi_linker<R>(engine: &kiln::Engine, f: impl FnOnce(&kiln::Linker<HostState>) -> R) -> R {
    LINKERS.with(|linkers| {
        let mut linkers = linkers.borrow_mut();
        let index = match linkers
            .iter()
            .position(|(e, _)| kiln::Engine::same(e, engine))
        {
            Some(i) => i,
            None => {
                let mut linker = kiln::Linker::new(engine);
                kiln_wasi::add_to_linker(&mut linker, |data: &mut HostState| &mut data.wasi)
                    .expect("WASI defines each name once");
                linkers.push((engine.clone(), linker));
                linkers.len() - 1
            }
        };
        f(&linkers[index].1)
    })
}

/// Kiln's WASI function `name` placed in `store`.
fn wasi_func(store: &StoreRef, name: &str) -> JsResult<Option<kiln::Func>> {
    store.with(|mut cx| {
        let engine = cx.engine().clone();
        with_wasi_linker(&engine, |linker| {
            linker
                .get(&mut cx, MODULE, name)
                .and_then(kiln::Extern::into_func)
        })
    })
}

impl WasiImport {
    /// The WASI function `name` for an instance in `store`; `chosen` is the
    /// WASI object the instance's earlier imports came from.
    pub fn func(
        &self,
        env: Env,
        store: &StoreRef,
        name: &str,
        chosen: &mut Option<WasiImport>,
    ) -> JsResult<kiln::Func> {
        match chosen {
            Some(c) if !Rc::ptr_eq(&c.state, &self.state) => {
                return Err(throw(
                    env,
                    ErrorClass::Link,
                    "an instance can import from one WASI object only",
                ));
            }
            Some(_) => {}
            None => {
                if self.state.used.replace(true) {
                    return Err(throw(
                        env,
                        ErrorClass::Link,
                        "this WASI object already serves an instance; make a new WASI object for each instance",
                    ));
                }
                *chosen = Some(WasiImport {
                    state: self.state.clone(),
                });
            }
        }
        wasi_func(store, name)?.ok_or_else(|| {
            throw(
                env,
                ErrorClass::Link,
                &format!("WASI preview1 has no function {name:?}"),
            )
        })
    }

    /// Gives `store` the WASI context this object describes.
    pub fn install(self, env: Env, store: &StoreRef) -> JsResult<()> {
        let ctx = self
            .state
            .config
            .build()
            .map_err(|e| env.throw_type_error(e.message()))?;
        store.with(|mut cx| cx.data_mut().wasi = ctx)
    }
}

unsafe extern "C" fn finalize_wasi_func(
    _env: sys::napi_env,
    data: *mut c_void,
    _hint: *mut c_void,
) {
    // SAFETY: `data` is the `WasiFunc` boxed by `wasi_import_object`, finalized once.
    drop(unsafe { Box::from_raw(data as *mut WasiFunc) });
}

unsafe extern "C" fn call_placeholder(env: sys::napi_env, _info: sys::napi_callback_info) -> Value {
    callback(env, |env| {
        Err(env.throw_type_error(
            "WASI functions run only when wasm calls them: pass the import object to an instance and call wasi.start(instance)",
        ))
    })
}

fn strings(env: Env, array: Value) -> JsResult<Vec<String>> {
    let len = env.array_len(array)?;
    (0..len)
        .map(|i| {
            let v = env.element(array, i)?;
            env.get_string(v)
        })
        .collect()
}

fn pairs(env: Env, array: Value) -> JsResult<Vec<(String, String)>> {
    let flat = strings(env, array)?;
    Ok(flat
        .chunks(2)
        .map(|c| (c[0].clone(), c.get(1).cloned().unwrap_or_default()))
        .collect())
}

/// `wasiImportObject(args, envPairs, preopenPairs, [stdin, stdout, stderr])`:
/// the `wasi_snapshot_preview1` namespace object for a new WASI configuration.
/// (The JS layer validated and flattened the options.)
pub(crate) unsafe extern "C" fn wasi_import_object(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<4>(info)?;
        let stdio = {
            let a = ci.arg(3);
            [
                env.get_i32(env.element(a, 0)?)?,
                env.get_i32(env.element(a, 1)?)?,
                env.get_i32(env.element(a, 2)?)?,
            ]
        };
        let state = Rc::new(WasiState {
            config: config_of(
                strings(env, ci.arg(0))?,
                pairs(env, ci.arg(1))?,
                pairs(env, ci.arg(2))?,
                stdio,
            ),
            used: RefCell::new(false),
        });
        // Check the configuration now, so that a bad pre-open fails here.
        state
            .config
            .build()
            .map_err(|e| env.throw_type_error(e.message()))?;
        let namespace = env.object()?;
        let mut names: Vec<String> = with_wasi_linker(&crate::store::engines().plain, |linker| {
            linker
                .names()
                .filter(|(m, _)| *m == MODULE)
                .map(|(_, n)| n.to_string())
                .collect()
        });
        names.sort_unstable();
        for name in names {
            let data = Box::into_raw(Box::new(WasiFunc {
                state: state.clone(),
            }));
            let f = env.function(&name, call_placeholder, std::ptr::null_mut());
            let f = match f {
                Ok(f) => f,
                Err(thrown) => {
                    // SAFETY: not wrapped yet, so `data` is still ours.
                    drop(unsafe { Box::from_raw(data) });
                    return Err(thrown);
                }
            };
            if let Err(thrown) = env.wrap(f, data as *mut c_void, finalize_wasi_func) {
                // SAFETY: the wrap failed, so no finalizer will free `data`.
                drop(unsafe { Box::from_raw(data) });
                return Err(thrown);
            }
            env.type_tag(f, &WASI_TAG)?;
            env.set_named(namespace, &name, f)?;
        }
        Ok(namespace)
    })
}

/// The error a WASI program's `proc_exit` ends a call with: a `WASIExit`
/// whose `code` is the status, which `WASI.start` turns into its return value.
pub(crate) fn exit_error(env: Env, code: i32) -> JsResult<Value> {
    let class = crate::globals::get(env, |g| g.wasi_exit)?;
    let code = env.int32(code)?;
    env.new_instance(class, &[code])
}
