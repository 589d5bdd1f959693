//! Runs a wasm-smith module in Kiln and in the wasmi interpreter and checks
//! that every exported function returns the same results or the same trap,
//! and leaves the same exported memory, globals and tables behind.
#![no_main]

use arbitrary::Unstructured;
use kiln_fuzz::{generate, kiln_smith_config};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// Fuel for each call and for instantiation. Enough for real work, small
/// enough that a loop which never ends costs a few milliseconds.
const FUEL: u64 = 100_000;

fuzz_target!(|data: &[u8]| {
    kiln_fuzz::note_input(data);
    let mut u = Unstructured::new(data);
    let mut config = kiln_smith_config();
    // No imports, so both engines instantiate the module on its own.
    config.max_imports = 0;
    // Exporting everything makes every memory, global and table comparable.
    config.export_everything = true;
    // NaN payloads are nondeterministic in wasm (Cranelift and wasmi's Rust
    // float code may pick different ones); canonicalising them after every
    // float operation makes the bits of each result comparable, SIMD included.
    config.canonicalize_nans = true;
    // Every memory and table gets a small maximum so that `memory.grow`
    // fails with -1 in both engines at the same size instead of depending on
    // how much the host will give.
    config.memory_max_size_required = true;
    config.max_memory32_bytes = 16 * 65536;
    config.table_max_size_required = true;
    config.max_table_elements = 1_000;
    let Some(wasm) = generate(config, &mut u) else {
        return;
    };
    run(&wasm, &mut u);
});

/// How a call ended, in terms both engines share.
#[derive(Debug, PartialEq)]
enum Outcome {
    Returned(Vec<Value>),
    Trapped(Trap),
    /// Out of fuel or out of stack: the two engines count fuel and stack
    /// differently, so from here on their states may rightly differ.
    Exhausted,
}

/// A trap kind, merged where the engines draw a distinction the other does
/// not (see `kiln_trap` and `wasmi_trap`).
#[derive(Debug, PartialEq)]
enum Trap {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    NullCall,
    SignatureMismatch,
    DivisionByZero,
    IntegerOverflow,
    BadConversion,
    Other(String),
}

/// A value as both engines can report it. Floats are bits, except that any
/// NaN equals any other: `canonicalize_nans` covers the operators, but a NaN
/// can still pass through `select` or a local unchanged from a constant, and
/// both engines keep such payloads, so only NaN-ness is compared.
#[derive(Debug)]
enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    Ref { null: bool },
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::I32(a), Value::I32(b)) => a == b,
            (Value::I64(a), Value::I64(b)) => a == b,
            (Value::F32(a), Value::F32(b)) => {
                a == b || (f32::from_bits(*a).is_nan() && f32::from_bits(*b).is_nan())
            }
            (Value::F64(a), Value::F64(b)) => {
                a == b || (f64::from_bits(*a).is_nan() && f64::from_bits(*b).is_nan())
            }
            (Value::V128(a), Value::V128(b)) => a == b,
            // Two engines' function references are not comparable beyond
            // whether they are null.
            (Value::Ref { null: a }, Value::Ref { null: b }) => a == b,
            _ => false,
        }
    }
}

fn kiln_engine() -> &'static kiln::Engine {
    static ENGINE: OnceLock<kiln::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = kiln::Config::new();
        config.consume_fuel(true);
        kiln::Engine::new(&config).expect("a fuel-metering engine")
    })
}

fn wasmi_engine() -> &'static wasmi::Engine {
    static ENGINE: OnceLock<wasmi::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = wasmi::Config::default();
        config
            .consume_fuel(true)
            .wasm_simd(true)
            .wasm_relaxed_simd(false)
            .wasm_tail_call(false)
            .wasm_extended_const(false)
            .wasm_multi_memory(false)
            .wasm_wide_arithmetic(false)
            .wasm_custom_page_sizes(false);
        wasmi::Engine::new(&config)
    })
}

/// Runs `f`, a step of the oracle, and gives `None` if it panics: a bug in
/// wasmi (2.0.0 hits `unreachable!` executing some SIMD lane stores) is no
/// verdict on Kiln, so the input's comparison ends there instead of the
/// whole run. libFuzzer's panic hook aborts the process, so while the oracle
/// runs a hook of ours lets the panic unwind to here; any other panic (in
/// Kiln, or in the comparison) still goes to libFuzzer's.
fn oracle<R>(f: impl FnOnce() -> R) -> Option<R> {
    thread_local! {
        static IN_ORACLE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_ORACLE.with(|o| o.get()) {
                eprintln!("wasmi panicked, no verdict on this input: {info}");
            } else {
                fuzzer_hook(info);
            }
        }));
    });
    IN_ORACLE.with(|o| o.set(true));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_ORACLE.with(|o| o.set(false));
    outcome.ok()
}

/// Whether the module has an instruction wasmi 2.0.0 executes wrongly in a
/// way no harness can survive: the SIMD lane stores (`v128.storeN_lane`)
/// reach an `unreachable!` inside a function that cannot unwind, which
/// aborts the process. Such modules get no verdict, only Kiln's own run.
fn uses_what_wasmi_mishandles(wasm: &[u8]) -> bool {
    use wasmparser::{Operator, Payload};
    wasmparser::Parser::new(0)
        .parse_all(wasm)
        .filter_map(Result::ok)
        .any(|payload| {
            let Payload::CodeSectionEntry(body) = payload else {
                return false;
            };
            let Ok(reader) = body.get_operators_reader() else {
                return false;
            };
            reader.into_iter().filter_map(Result::ok).any(|op| {
                matches!(
                    op,
                    Operator::V128Store8Lane { .. }
                        | Operator::V128Store16Lane { .. }
                        | Operator::V128Store32Lane { .. }
                        | Operator::V128Store64Lane { .. }
                )
            })
        })
}

/// Instantiates the module in Kiln and calls every exported function once:
/// with no oracle, each must still return or trap, never crash.
fn run_kiln_alone(module: &kiln::Module, u: &mut Unstructured<'_>) {
    let mut store = kiln::Store::new(kiln_engine(), ());
    store.set_fuel(FUEL).expect("fuel is enabled");
    let Ok(instance) = kiln::Instance::new(&mut store, module, &[]) else {
        return;
    };
    let funcs: Vec<kiln::Func> = instance
        .exports(&mut store)
        .into_iter()
        .filter_map(|(_, ext)| ext.into_func())
        .collect();
    for func in funcs {
        let ty = func.ty(&store);
        let args: Vec<kiln::Val> = ty.params().iter().map(|p| argument(*p, u).0).collect();
        let mut results: Vec<kiln::Val> = ty
            .results()
            .iter()
            .map(|t| kiln::Val::default_for(*t))
            .collect();
        store.set_fuel(FUEL).expect("fuel is enabled");
        let _ = func.call(&mut store, &args, &mut results);
    }
}

fn run(wasm: &[u8], u: &mut Unstructured<'_>) {
    let kiln_module = match kiln::Module::new(kiln_engine(), wasm) {
        Ok(m) => m,
        Err(e) => panic!("Kiln rejected a valid module: {e}"),
    };
    if uses_what_wasmi_mishandles(wasm) {
        run_kiln_alone(&kiln_module, u);
        return;
    }
    let wasmi_module = match oracle(|| wasmi::Module::new(wasmi_engine(), wasm)) {
        Some(Ok(m)) => m,
        // wasmi has its own limits (e.g. on function size) that Kiln does not
        // share; a module it cannot take tells us nothing about Kiln.
        Some(Err(_)) | None => return,
    };

    let mut ks = kiln::Store::new(kiln_engine(), ());
    ks.set_fuel(FUEL).expect("fuel is enabled");
    let mut ws = wasmi::Store::new(wasmi_engine(), ());
    ws.set_fuel(FUEL).expect("fuel is enabled");

    // Instantiation runs data and element segments and the start function.
    let ki = kiln::Instance::new(&mut ks, &kiln_module, &[]);
    let Some(wi) = oracle(|| {
        wasmi::Linker::<()>::new(wasmi_engine()).instantiate_and_start(&mut ws, &wasmi_module)
    }) else {
        return;
    };
    let (ki, wi) = match (ki, wi) {
        (Ok(k), Ok(w)) => (k, w),
        (Err(k), Err(w)) => {
            // wasmi reports a segment that does not fit its table or memory
            // as an instantiation error with no trap code, where Kiln traps
            // as the spec says; both refusing is agreement enough then.
            let k = kiln_error(&k);
            let w = wasmi_error(&w);
            let comparable =
                |o: &Outcome| !matches!(o, Outcome::Exhausted | Outcome::Trapped(Trap::Other(_)));
            if comparable(&k) && comparable(&w) {
                assert_eq!(k, w, "instantiation failed differently");
            }
            return;
        }
        (Err(k), Ok(_)) => {
            if kiln_error(&k) == Outcome::Exhausted {
                return;
            }
            panic!("only Kiln failed to instantiate: {k}");
        }
        (Ok(_), Err(w)) => {
            if wasmi_error(&w) == Outcome::Exhausted {
                return;
            }
            panic!("only wasmi failed to instantiate: {w}");
        }
    };
    compare_state(&mut ks, &ki, &mut ws, &wi, "after instantiation");

    for (name, ext) in ki.exports(&mut ks) {
        let Some(kf) = ext.into_func() else { continue };
        let wf = wi
            .get_func(&ws, &name)
            .unwrap_or_else(|| panic!("wasmi lacks export {name:?}"));
        let ty = kf.ty(&ks);
        let mut kargs = Vec::new();
        let mut wargs = Vec::new();
        for p in ty.params() {
            let (k, w) = argument(*p, u);
            kargs.push(k);
            wargs.push(w);
        }
        let mut kres: Vec<kiln::Val> = ty
            .results()
            .iter()
            .map(|t| kiln::Val::default_for(*t))
            .collect();
        let wty = wf.ty(&ws);
        let mut wres: Vec<wasmi::Val> = wty
            .results()
            .iter()
            .map(|t| wasmi::Val::default_for_ty(*t))
            .collect();

        ks.set_fuel(FUEL).expect("fuel is enabled");
        ws.set_fuel(FUEL).expect("fuel is enabled");
        let k = match kf.call(&mut ks, &kargs, &mut kres) {
            Ok(()) => Outcome::Returned(kres.iter().map(kiln_value).collect()),
            Err(e) => kiln_error(&e),
        };
        let Some(w) = oracle(|| wf.call(&mut ws, &wargs, &mut wres)) else {
            return;
        };
        let w = match w {
            Ok(()) => Outcome::Returned(wres.iter().map(wasmi_value).collect()),
            Err(e) => wasmi_error(&e),
        };
        if k == Outcome::Exhausted || w == Outcome::Exhausted {
            return;
        }
        assert_eq!(k, w, "calling {name:?} with {kargs:?}");
        compare_state(
            &mut ks,
            &ki,
            &mut ws,
            &wi,
            &format!("after calling {name:?}"),
        );
    }
}

/// The same argument for both engines, from the fuzzer's remaining bytes.
fn argument(ty: kiln::ValType, u: &mut Unstructured<'_>) -> (kiln::Val, wasmi::Val) {
    match ty {
        kiln::ValType::I32 => {
            let v: i32 = u.arbitrary().unwrap_or(0);
            (kiln::Val::I32(v), wasmi::Val::I32(v))
        }
        kiln::ValType::I64 => {
            let v: i64 = u.arbitrary().unwrap_or(0);
            (kiln::Val::I64(v), wasmi::Val::I64(v))
        }
        kiln::ValType::F32 => {
            let v: u32 = u.arbitrary().unwrap_or(0);
            (kiln::Val::F32(v), wasmi::Val::F32(wasmi::F32::from_bits(v)))
        }
        kiln::ValType::F64 => {
            let v: u64 = u.arbitrary().unwrap_or(0);
            (kiln::Val::F64(v), wasmi::Val::F64(wasmi::F64::from_bits(v)))
        }
        kiln::ValType::V128 => {
            let v: u128 = u.arbitrary().unwrap_or(0);
            (kiln::Val::V128(v), wasmi::Val::V128(wasmi::V128::from(v)))
        }
        kiln::ValType::FuncRef => (
            kiln::Val::FuncRef(None),
            wasmi::Val::FuncRef(wasmi::Nullable::Null),
        ),
        kiln::ValType::ExternRef => (
            kiln::Val::ExternRef(None),
            wasmi::Val::ExternRef(wasmi::Nullable::Null),
        ),
    }
}

fn kiln_value(v: &kiln::Val) -> Value {
    match v {
        kiln::Val::I32(x) => Value::I32(*x),
        kiln::Val::I64(x) => Value::I64(*x),
        kiln::Val::F32(x) => Value::F32(*x),
        kiln::Val::F64(x) => Value::F64(*x),
        kiln::Val::V128(x) => Value::V128(*x),
        kiln::Val::FuncRef(f) => Value::Ref { null: f.is_none() },
        kiln::Val::ExternRef(r) => Value::Ref { null: r.is_none() },
        other => panic!("unexpected Kiln value {other:?}"),
    }
}

fn wasmi_value(v: &wasmi::Val) -> Value {
    match v {
        wasmi::Val::I32(x) => Value::I32(*x),
        wasmi::Val::I64(x) => Value::I64(*x),
        wasmi::Val::F32(x) => Value::F32(x.to_bits()),
        wasmi::Val::F64(x) => Value::F64(x.to_bits()),
        wasmi::Val::V128(x) => Value::V128(x.as_u128()),
        wasmi::Val::FuncRef(f) => Value::Ref { null: f.is_null() },
        wasmi::Val::ExternRef(r) => Value::Ref { null: r.is_null() },
    }
}

fn kiln_error(e: &kiln::Error) -> Outcome {
    let Some(trap) = e.trap() else {
        return Outcome::Trapped(Trap::Other(format!("{:?}: {e}", e.kind())));
    };
    use kiln::TrapCode as K;
    Outcome::Trapped(match trap.code() {
        K::OutOfFuel | K::StackOverflow => return Outcome::Exhausted,
        K::Unreachable => Trap::Unreachable,
        K::MemoryOutOfBounds => Trap::MemoryOutOfBounds,
        // wasmi reports a `call_indirect` index past the table's end as a
        // table access out of bounds; Kiln names it as the spec tests do.
        K::TableOutOfBounds | K::UndefinedElement => Trap::TableOutOfBounds,
        K::UninitializedElement | K::NullReference => Trap::NullCall,
        K::IndirectCallTypeMismatch => Trap::SignatureMismatch,
        K::IntegerDivisionByZero => Trap::DivisionByZero,
        K::IntegerOverflow => Trap::IntegerOverflow,
        K::BadConversionToInteger => Trap::BadConversion,
        other => Trap::Other(format!("{other:?}")),
    })
}

fn wasmi_error(e: &wasmi::Error) -> Outcome {
    let Some(code) = e.as_trap_code() else {
        return Outcome::Trapped(Trap::Other(format!("wasmi: {e}")));
    };
    use wasmi::TrapCode as W;
    Outcome::Trapped(match code {
        W::OutOfFuel | W::StackOverflow => return Outcome::Exhausted,
        W::UnreachableCodeReached => Trap::Unreachable,
        W::MemoryOutOfBounds => Trap::MemoryOutOfBounds,
        W::TableOutOfBounds => Trap::TableOutOfBounds,
        W::IndirectCallToNull => Trap::NullCall,
        W::BadSignature => Trap::SignatureMismatch,
        W::IntegerDivisionByZero => Trap::DivisionByZero,
        W::IntegerOverflow => Trap::IntegerOverflow,
        W::BadConversionToInteger => Trap::BadConversion,
        other => Trap::Other(format!("{other:?}")),
    })
}

/// Compares every exported memory, global and table.
fn compare_state(
    ks: &mut kiln::Store<()>,
    ki: &kiln::Instance,
    ws: &mut wasmi::Store<()>,
    wi: &wasmi::Instance,
    when: &str,
) {
    for (name, ext) in ki.exports(&mut *ks) {
        match ext {
            kiln::Extern::Memory(km) => {
                let wm = wi.get_memory(&*ws, &name).expect("wasmi has the memory");
                let (k, w) = (km.data(&*ks), wm.data(&*ws));
                assert_eq!(k.len(), w.len(), "size of memory {name:?} {when}");
                if k != w {
                    let at = k.iter().zip(w).position(|(a, b)| a != b).unwrap_or(0);
                    panic!(
                        "memory {name:?} differs {when} from byte {at}: Kiln {:?}, wasmi {:?}",
                        &k[at..(at + 16).min(k.len())],
                        &w[at..(at + 16).min(w.len())]
                    );
                }
            }
            kiln::Extern::Global(kg) => {
                let wg = wi.get_global(&*ws, &name).expect("wasmi has the global");
                let k = kiln_value(&kg.get(&mut *ks));
                let w = wasmi_value(&wg.get(&*ws));
                assert_eq!(k, w, "global {name:?} {when}");
            }
            kiln::Extern::Table(kt) => {
                let wt = wi.get_table(&*ws, &name).expect("wasmi has the table");
                let size = kt.size(&*ks);
                assert_eq!(size, wt.size(&*ws), "size of table {name:?} {when}");
                for i in 0..size {
                    let k = kt.get(&mut *ks, i).map(|v| kiln_value(&v));
                    let w = wt.get(&*ws, i).map(|v| wasmi_value(&wasmi::Val::from(v)));
                    assert_eq!(k, w, "element {i} of table {name:?} {when}");
                }
            }
            _ => {}
        }
    }
}
