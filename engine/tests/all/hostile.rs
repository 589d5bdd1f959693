//! Hostile modules: each either runs or fails with a clear error, the
//! process survives, and memory returns to where it was.

use kiln::{Engine, Instance, Module, Store, TrapCode};
use std::fmt::Write as _;
use std::sync::Arc;

fn trap_code(err: &kiln::Error) -> TrapCode {
    err.trap()
        .unwrap_or_else(|| panic!("not a trap: {err}"))
        .code()
}

/// Compiles `wat` and instantiates it in a new store.
fn instantiate(engine: &Engine, wat: &str) -> (Store<()>, Instance) {
    let module = Module::new(engine, wat).unwrap();
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance)
}

/// Resident memory of this process, in bytes.
fn resident_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

/// A million-deep recursion traps with a stack overflow; then the store
/// still runs a recursion `depth_after` deep.
fn deep_recursion_traps_and_then(depth_after: i32) {
    let engine = Engine::default();
    let wat = r#"(module
        (func $down (export "down") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0))
                (then (i32.const 0))
                (else (i32.add (i32.const 1)
                    (call $down (i32.sub (local.get 0) (i32.const 1))))))))"#;
    let (mut store, instance) = instantiate(&engine, wat);
    let down = instance
        .get_typed_func::<i32, i32>(&mut store, "down")
        .unwrap();
    let err = down.call(&mut store, 1_000_000).unwrap_err();
    assert_eq!(trap_code(&err), TrapCode::StackOverflow);
    assert_eq!(down.call(&mut store, depth_after).unwrap(), depth_after);
}

#[test]
fn a_million_deep_recursion_overflows_the_stack_and_the_store_survives() {
    deep_recursion_traps_and_then(1000);
}

/// Runs `f` on a thread made by the C library (no alternate signal stack,
/// unlike Rust's own threads) whose stack is `bytes` long.
fn on_pthread_with_stack(bytes: usize, f: fn()) {
    extern "C" fn start(arg: *mut libc::c_void) -> *mut libc::c_void {
        // SAFETY: `arg` is the `fn()` the spawner passed, unchanged.
        let f: fn() = unsafe { std::mem::transmute::<*mut libc::c_void, fn()>(arg) };
        let outcome = std::panic::catch_unwind(f);
        outcome.is_err() as usize as *mut libc::c_void
    }
    // SAFETY: the attribute is initialised before use and destroyed once;
    // the thread is joined before this function returns, and `start`
    // catches panics so none unwinds into C.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        assert_eq!(libc::pthread_attr_init(&mut attr), 0);
        assert_eq!(libc::pthread_attr_setstacksize(&mut attr, bytes), 0);
        let mut thread: libc::pthread_t = 0;
        let arg = f as *mut libc::c_void;
        assert_eq!(libc::pthread_create(&mut thread, &attr, start, arg), 0);
        libc::pthread_attr_destroy(&mut attr);
        let mut panicked: *mut libc::c_void = std::ptr::null_mut();
        assert_eq!(libc::pthread_join(thread, &mut panicked), 0);
        assert!(
            panicked.is_null(),
            "the thread with a {bytes}-byte stack panicked"
        );
    }
}

fn deep_recursion_traps_and_the_store_survives() {
    deep_recursion_traps_and_then(100);
}

#[test]
fn deep_recursion_traps_on_threads_of_128_kib_512_kib_and_8_mib_stacks() {
    for bytes in [128 << 10, 512 << 10, 8 << 20] {
        on_pthread_with_stack(bytes, deep_recursion_traps_and_the_store_survives);
        std::thread::Builder::new()
            .stack_size(bytes)
            .spawn(deep_recursion_traps_and_the_store_survives)
            .unwrap()
            .join()
            .unwrap();
    }
}

#[test]
fn memory_grows_to_4_gib_and_no_further() {
    let engine = Engine::default();
    let wat = r#"(module (memory (export "mem") 1)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
        (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0))))"#;
    let (mut store, instance) = instantiate(&engine, wat);
    let grow = instance
        .get_typed_func::<i32, i32>(&mut store, "grow")
        .unwrap();
    let poke = instance
        .get_typed_func::<(i32, i32), ()>(&mut store, "poke")
        .unwrap();
    let peek = instance
        .get_typed_func::<i32, i32>(&mut store, "peek")
        .unwrap();
    assert_eq!(grow.call(&mut store, 65535).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    poke.call(&mut store, (-1, 7)).unwrap();
    assert_eq!(peek.call(&mut store, -1).unwrap(), 7);
    let memory = instance.get_memory(&mut store, "mem").unwrap();
    assert_eq!(memory.data(&store).len(), 1 << 32);
}

#[test]
fn memory_returns_after_stores_with_big_memories_are_dropped() {
    let engine = Engine::default();
    let wat = r#"(module (memory 512)
        (func (export "fill") (memory.fill (i32.const 0) (i32.const 1) (i32.const 33554432))))"#;
    let module = Module::new(&engine, wat).unwrap();
    let run_once = || {
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let fill = instance
            .get_typed_func::<(), ()>(&mut store, "fill")
            .unwrap();
        fill.call(&mut store, ()).unwrap();
    };
    run_once();
    let before = resident_bytes();
    // Twenty stores each touching 32 MiB: 640 MiB if nothing were returned.
    for _ in 0..20 {
        run_once();
    }
    let growth = resident_bytes().saturating_sub(before);
    assert!(
        growth < 64 << 20,
        "resident memory grew by {} MiB",
        growth >> 20
    );
}

#[test]
fn a_table_of_a_million_entries_works() {
    let engine = Engine::default();
    let wat = r#"(module (table $t 1 funcref) (type $v (func))
        (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
        (func (export "size") (result i32) (table.size $t))
        (func (export "call") (param i32) (call_indirect $t (type $v) (local.get 0))))"#;
    let (mut store, instance) = instantiate(&engine, wat);
    let grow = instance
        .get_typed_func::<i32, i32>(&mut store, "grow")
        .unwrap();
    let size = instance
        .get_typed_func::<(), i32>(&mut store, "size")
        .unwrap();
    let call = instance
        .get_typed_func::<i32, ()>(&mut store, "call")
        .unwrap();
    assert_eq!(grow.call(&mut store, 999_999).unwrap(), 1);
    assert_eq!(size.call(&mut store, ()).unwrap(), 1_000_000);
    let err = call.call(&mut store, 999_999).unwrap_err();
    assert_eq!(trap_code(&err), TrapCode::UninitializedElement);
    let err = call.call(&mut store, 1_000_000).unwrap_err();
    assert_eq!(trap_code(&err), TrapCode::UndefinedElement);
}

#[test]
fn a_function_with_50000_locals_compiles_and_runs() {
    let engine = Engine::default();
    let wat = r#"(module (func (export "f") (param i32) (result i32) (local i64)
        (local 49998 i32)
        (local.set 49999 (local.get 0))
        (local.get 49999)))"#;
    // The text format has no repeat count: spell out the locals.
    let wat = wat.replace("(local 49998 i32)", &"(local i32)".repeat(49998));
    let (mut store, instance) = instantiate(&engine, &wat);
    let f = instance
        .get_typed_func::<i32, i32>(&mut store, "f")
        .unwrap();
    assert_eq!(f.call(&mut store, 41).unwrap(), 41);
    let too_many = wat.replacen("(local i32)", "(local i32) (local i32)", 1);
    let err = Module::new(&engine, &too_many).unwrap_err();
    assert!(err.to_string().contains("too many locals"), "{err}");
}

#[test]
fn ten_thousand_nested_blocks_compile_and_run() {
    let engine = Engine::default();
    let depth = 10_000;
    let mut wat = String::from(r#"(module (func (export "f") (result i32) (local i32)"#);
    wat.push_str(&"(block ".repeat(depth));
    wat.push_str("(local.set 0 (i32.const 7)) (br 9999)");
    wat.push_str(&")".repeat(depth));
    wat.push_str("(local.get 0)))");
    let (mut store, instance) = instantiate(&engine, &wat);
    let f = instance.get_typed_func::<(), i32>(&mut store, "f").unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 7);
}

#[test]
fn a_module_with_100000_functions_compiles_and_runs() {
    let engine = Engine::default();
    let count = 100_000;
    let mut wat = String::from("(module\n");
    for i in 0..count {
        writeln!(wat, "(func $f{i} (result i32) (i32.const {i}))").unwrap();
    }
    wat.push_str(r#"(export "last" (func $f99999)) (export "first" (func $f0)))"#);
    let (mut store, instance) = instantiate(&engine, &wat);
    let last = instance
        .get_typed_func::<(), i32>(&mut store, "last")
        .unwrap();
    let first = instance
        .get_typed_func::<(), i32>(&mut store, "first")
        .unwrap();
    assert_eq!(last.call(&mut store, ()).unwrap(), 99_999);
    assert_eq!(first.call(&mut store, ()).unwrap(), 0);
}

#[test]
fn a_br_table_with_100000_targets_works() {
    let engine = Engine::default();
    let mut targets = String::new();
    for i in 0..100_000 {
        targets.push_str(if i % 2 == 0 { "0 " } else { "1 " });
    }
    let wat = format!(
        r#"(module (func (export "f") (param i32) (result i32)
            (block (block (block (br_table {targets} 2 (local.get 0)))
                (return (i32.const 10)))
                (return (i32.const 20)))
            (i32.const 30)))"#
    );
    let (mut store, instance) = instantiate(&engine, &wat);
    let f = instance
        .get_typed_func::<i32, i32>(&mut store, "f")
        .unwrap();
    assert_eq!(f.call(&mut store, 0).unwrap(), 10);
    assert_eq!(f.call(&mut store, 99_999).unwrap(), 20);
    assert_eq!(f.call(&mut store, 100_000).unwrap(), 30);
    assert_eq!(f.call(&mut store, -1).unwrap(), 30);
}

#[test]
fn many_stores_on_many_threads_run_at_once() {
    let engine = Engine::default();
    let wat = r#"(module (memory 1)
        (func (export "sum") (param i32) (result i64) (local $i i32) (local $s i64)
            (block $done (loop $next
                (br_if $done (i32.ge_u (local.get $i) (local.get 0)))
                (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (local.get $i))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $next)))
            (local.get $s)))"#;
    let module = Arc::new(Module::new(&engine, wat).unwrap());
    let threads: Vec<_> = (0..10)
        .map(|t| {
            let module = module.clone();
            let engine = engine.clone();
            std::thread::spawn(move || {
                for round in 0..20 {
                    let n = 1000 * (t + 1) + round;
                    let mut store = Store::new(&engine, ());
                    let instance = Instance::new(&mut store, &module, &[]).unwrap();
                    let sum = instance
                        .get_typed_func::<i32, i64>(&mut store, "sum")
                        .unwrap();
                    let expected = i64::from(n) * i64::from(n - 1) / 2;
                    assert_eq!(sum.call(&mut store, n).unwrap(), expected);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}
