//! Integration tests of fuel metering and epoch interruption.

/// `count(n)` counts a local up to `n` in a loop. Its cost, block by block:
/// the entry block holds `loop` (1); the loop header holds the seven
/// operators up to and including `br_if` (7 per iteration); the block after
/// `br_if` holds the loop's `end` (1); the last block holds `local.get` and
/// the function's `end` (2). So `count(n)` costs `7 * n + 4`.
const COUNTER: &str = r#"
    (module
      (import "host" "tick" (func $tick))
      (func (export "add3") (param i32) (result i32)
        local.get 0 i32.const 3 i32.add)
      (func (export "count") (param $n i32) (result i32) (local $i i32)
        (loop $l
          local.get $i
          i32.const 1
          i32.add
          local.tee $i
          local.get $n
          i32.lt_u
          br_if $l)
        local.get $i)
      (func (export "spin") (loop (br 0)))
      ;; Calls the host to tick the epoch, then itself, without any loop.
      (func $recurse (export "recurse") (param i32)
        (if (local.get 0)
          (then
            call $tick
            (call $recurse (i32.sub (local.get 0) (i32.const 1)))))))
"#;

fn engine(fuel: bool, epoch: bool) -> kiln::Engine {
    let mut config = kiln::Config::new();
    config.consume_fuel(fuel).epoch_interruption(epoch);
    kiln::Engine::new(&config).unwrap()
}

/// A store with `COUNTER` instantiated and `fuel` given to it; its `tick`
/// import advances the epoch.
fn instantiate(engine: &kiln::Engine, fuel: Option<u64>) -> (kiln::Store<()>, kiln::Instance) {
    let module = kiln::Module::new(engine, COUNTER).unwrap();
    let mut store = kiln::Store::new(engine, ());
    if let Some(fuel) = fuel {
        store.set_fuel(fuel).unwrap();
    }
    let tick = kiln::Func::wrap(&mut store, |caller: kiln::Caller<'_, ()>| {
        caller.engine().increment_epoch()
    });
    let instance = kiln::Instance::new(&mut store, &module, &[tick.into()]).unwrap();
    (store, instance)
}

fn trap_code(err: kiln::Error) -> kiln::TrapCode {
    assert_eq!(err.kind(), kiln::ErrorKind::Trap, "{err}");
    err.trap().unwrap().code()
}

mod fuel {
    use super::{engine, instantiate, trap_code};
    use kiln::{Caller, Func, Instance, Module, Store, TrapCode};

    #[test]
    fn straight_line_function_costs_its_operator_count() {
        let (mut store, instance) = instantiate(&engine(true, false), Some(1_000));
        let add3 = instance
            .get_typed_func::<i32, i32>(&mut store, "add3")
            .unwrap();
        assert_eq!(add3.call(&mut store, 4).unwrap(), 7);
        // local.get, i32.const, i32.add, end.
        assert_eq!(store.get_fuel().unwrap(), 996);
    }

    #[test]
    fn loop_costs_exactly_its_blocks_times_iterations() {
        let (mut store, instance) = instantiate(&engine(true, false), Some(1_000));
        let count = instance
            .get_typed_func::<i32, i32>(&mut store, "count")
            .unwrap();
        assert_eq!(count.call(&mut store, 10).unwrap(), 10);
        assert_eq!(store.get_fuel().unwrap(), 1_000 - 74);
        assert_eq!(count.call(&mut store, 100).unwrap(), 100);
        assert_eq!(store.get_fuel().unwrap(), 1_000 - 74 - 704);
    }

    #[test]
    fn out_of_fuel_traps_before_the_block_and_store_is_reusable() {
        let (mut store, instance) = instantiate(&engine(true, false), Some(73));
        let count = instance
            .get_typed_func::<i32, i32>(&mut store, "count")
            .unwrap();
        let err = count.call(&mut store, 10).unwrap_err();
        assert_eq!(err.trap().unwrap().message(), "all fuel consumed");
        assert_eq!(trap_code(err), TrapCode::OutOfFuel);
        // 73 paid for all but the last block, which costs 2: 1 is left.
        assert_eq!(store.get_fuel().unwrap(), 1);
        store.set_fuel(74).unwrap();
        assert_eq!(count.call(&mut store, 10).unwrap(), 10);
        assert_eq!(store.get_fuel().unwrap(), 0);
    }

    #[test]
    fn new_store_has_no_fuel_and_traps_at_once() {
        let engine = engine(true, false);
        let module = Module::new(&engine, "(module (func (export \"f\")))").unwrap();
        let mut store = Store::new(&engine, ());
        assert_eq!(store.get_fuel().unwrap(), 0);
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let f = instance.get_typed_func::<(), ()>(&mut store, "f").unwrap();
        assert_eq!(
            trap_code(f.call(&mut store, ()).unwrap_err()),
            TrapCode::OutOfFuel
        );
        store.add_fuel(1).unwrap();
        f.call(&mut store, ()).unwrap();
        assert_eq!(store.get_fuel().unwrap(), 0);
    }

    #[test]
    fn infinite_loop_stops_when_fuel_runs_out() {
        let (mut store, instance) = instantiate(&engine(true, false), Some(1_000_000));
        let spin = instance
            .get_typed_func::<(), ()>(&mut store, "spin")
            .unwrap();
        let err = spin.call(&mut store, ()).unwrap_err();
        assert_eq!(trap_code(err), TrapCode::OutOfFuel);
        // `loop` costs 1, then each `br 0` 1: the fuel runs out exactly.
        assert_eq!(store.get_fuel().unwrap(), 0);
    }

    #[test]
    fn fuel_api_fails_when_fuel_is_disabled() {
        let mut store = Store::new(&engine(false, false), ());
        let err = store.set_fuel(10).unwrap_err();
        assert_eq!(
            err.message(),
            "fuel is not enabled: the engine was configured without fuel consumption"
        );
        assert!(store.get_fuel().is_err());
        assert!(store.add_fuel(10).is_err());
    }

    #[test]
    fn add_fuel_saturates() {
        let mut store = Store::new(&engine(true, false), ());
        store.set_fuel(u64::MAX).unwrap();
        assert_eq!(store.get_fuel().unwrap(), i64::MAX as u64);
        store.add_fuel(u64::MAX).unwrap();
        assert_eq!(store.get_fuel().unwrap(), i64::MAX as u64);
    }

    #[test]
    fn host_function_reads_and_sets_fuel_through_caller() {
        let engine = engine(true, false);
        let module = Module::new(
            &engine,
            r#"(module
                (import "host" "refuel" (func $refuel (result i64)))
                (func (export "run") (result i64)
                  call $refuel
                  (loop (br 0))))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, 0);
        store.set_fuel(100).unwrap();
        let refuel = Func::wrap(&mut store, |mut caller: Caller<'_, u64>| {
            *caller.data_mut() = caller.get_fuel().unwrap();
            caller.set_fuel(10).unwrap();
            0i64
        });
        let instance = Instance::new(&mut store, &module, &[refuel.into()]).unwrap();
        let run = instance
            .get_typed_func::<(), i64>(&mut store, "run")
            .unwrap();
        // The entry block (`call`, `loop`) paid 2 before the host ran; the
        // loop then burns exactly the 10 the host set.
        let err = run.call(&mut store, ()).unwrap_err();
        assert_eq!(trap_code(err), TrapCode::OutOfFuel);
        assert_eq!(*store.data(), 98);
        assert_eq!(store.get_fuel().unwrap(), 0);
    }
}

mod epoch {
    use super::{engine, instantiate, trap_code};
    use kiln::{Instance, Module, Store, TrapCode};
    use std::time::{Duration, Instant};

    #[test]
    fn infinite_loop_is_interrupted_by_another_thread() {
        let engine = engine(false, true);
        let (mut store, instance) = instantiate(&engine, None);
        store.set_epoch_deadline(1);
        let spin = instance
            .get_typed_func::<(), ()>(&mut store, "spin")
            .unwrap();
        let timer = engine.clone();
        let start = Instant::now();
        let ticker = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            timer.increment_epoch();
        });
        let err = spin.call(&mut store, ()).unwrap_err();
        ticker.join().unwrap();
        assert!(start.elapsed() >= Duration::from_millis(50));
        assert_eq!(err.trap().unwrap().message(), "interrupted");
        assert_eq!(trap_code(err), TrapCode::Interrupt);
        // The store runs again once it has a new deadline.
        store.set_epoch_deadline(1);
        let count = instance
            .get_typed_func::<i32, i32>(&mut store, "count")
            .unwrap();
        assert_eq!(count.call(&mut store, 5).unwrap(), 5);
    }

    #[test]
    fn deadline_far_in_the_future_lets_a_finite_function_run() {
        let engine = engine(false, true);
        let (mut store, instance) = instantiate(&engine, None);
        for _ in 0..3 {
            engine.increment_epoch();
        }
        store.set_epoch_deadline(1_000_000);
        let count = instance
            .get_typed_func::<i32, i32>(&mut store, "count")
            .unwrap();
        assert_eq!(count.call(&mut store, 100_000).unwrap(), 100_000);
    }

    /// `calls` makes a call, so it is checked on entry; `leaf` has neither
    /// calls nor loops, runs in bounded time and is never checked.
    const CALLER_AND_LEAF: &str = r#"
        (module
          (func $leaf (export "leaf") (result i32) i32.const 7)
          (func (export "calls") (result i32) call $leaf))
    "#;

    #[test]
    fn default_deadline_interrupts_at_once() {
        let engine = engine(false, true);
        let module = Module::new(&engine, CALLER_AND_LEAF).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let calls = instance
            .get_typed_func::<(), i32>(&mut store, "calls")
            .unwrap();
        assert_eq!(
            trap_code(calls.call(&mut store, ()).unwrap_err()),
            TrapCode::Interrupt
        );
        store.set_epoch_deadline(1);
        assert_eq!(calls.call(&mut store, ()).unwrap(), 7);
    }

    #[test]
    fn function_without_loops_or_calls_is_not_checked() {
        let engine = engine(false, true);
        let module = Module::new(&engine, CALLER_AND_LEAF).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let leaf = instance
            .get_typed_func::<(), i32>(&mut store, "leaf")
            .unwrap();
        // The deadline (epoch 0) has passed, but `leaf` cannot run for long.
        assert_eq!(leaf.call(&mut store, ()).unwrap(), 7);
    }

    #[test]
    fn recursion_without_loops_is_interrupted_at_function_entry() {
        let engine = engine(false, true);
        let (mut store, instance) = instantiate(&engine, None);
        store.set_epoch_deadline(3);
        let recurse = instance
            .get_typed_func::<i32, ()>(&mut store, "recurse")
            .unwrap();
        let err = recurse.call(&mut store, 10).unwrap_err();
        // recurse(10), (9) and (8) each tick once; recurse(7) traps on entry.
        assert_eq!(err.trap().unwrap().backtrace().len(), 4);
        assert_eq!(trap_code(err), TrapCode::Interrupt);
    }

    #[test]
    fn fuel_and_epochs_work_together() {
        let engine = engine(true, true);
        let (mut store, instance) = instantiate(&engine, Some(1_000));
        store.set_epoch_deadline(1);
        let count = instance
            .get_typed_func::<i32, i32>(&mut store, "count")
            .unwrap();
        assert_eq!(count.call(&mut store, 10).unwrap(), 10);
        assert_eq!(store.get_fuel().unwrap(), 1_000 - 74);
        engine.increment_epoch();
        let err = count.call(&mut store, 10).unwrap_err();
        assert_eq!(trap_code(err), TrapCode::Interrupt);
    }
}

mod artifacts {
    use super::engine;
    use kiln::Module;

    const MODULE: &str = "(module (func (export \"f\") (loop (br 0))))";

    #[test]
    fn artifact_compiled_with_fuel_is_refused_without_fuel_and_vice_versa() {
        let with_fuel = Module::new(&engine(true, false), MODULE).unwrap();
        let without = Module::new(&engine(false, false), MODULE).unwrap();
        let (with_bytes, without_bytes) =
            (with_fuel.serialize().unwrap(), without.serialize().unwrap());
        // SAFETY: both artifacts were just produced by `serialize`.
        let err = unsafe { Module::deserialize(&engine(false, false), &with_bytes) }.unwrap_err();
        assert_eq!(
            err.message(),
            "the compiled module was made by an engine with other fuel: `true` where this engine has `false`"
        );
        // SAFETY: as above.
        assert!(unsafe { Module::deserialize(&engine(true, false), &without_bytes) }.is_err());
        // SAFETY: as above.
        assert!(unsafe { Module::deserialize(&engine(true, false), &with_bytes) }.is_ok());
    }

    #[test]
    fn artifact_compiled_with_epochs_is_refused_without_epochs() {
        let with_epochs = Module::new(&engine(false, true), MODULE).unwrap();
        let bytes = with_epochs.serialize().unwrap();
        // SAFETY: the artifact was just produced by `serialize`.
        assert!(unsafe { Module::deserialize(&engine(false, false), &bytes) }.is_err());
        // SAFETY: as above.
        assert!(unsafe { Module::deserialize(&engine(false, true), &bytes) }.is_ok());
    }
}
