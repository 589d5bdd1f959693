//! The store context: host errors that come back as the same value, the
//! whole store surface inside host functions, and typed calls of every kind
//! of value.

mod host_errors {
    use kiln::{Engine, ErrorKind, Instance, Linker, Module, Store, Trap, TrapCode};

    #[derive(Debug, PartialEq)]
    struct Quota {
        tenant: String,
        used: u64,
    }

    impl std::fmt::Display for Quota {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "tenant {} used {} units", self.tenant, self.used)
        }
    }

    impl std::error::Error for Quota {}

    #[derive(Debug)]
    struct Other;

    impl std::fmt::Display for Other {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("other")
        }
    }

    impl std::error::Error for Other {}

    const CALLS_HOST: &str = r#"(module $guest
        (import "host" "charge" (func $charge (param i64)))
        (func $inner (export "run") (param i64) local.get 0 call $charge)
        (func (export "outer") (param i64) local.get 0 call $inner))"#;

    fn setup() -> (Store<()>, Instance) {
        let engine = Engine::default();
        let module = Module::new(&engine, CALLS_HOST).unwrap();
        let mut linker = Linker::<()>::new(&engine);
        linker
            .func_wrap("host", "charge", |used: i64| -> kiln::Result<()> {
                Err(kiln::Error::host(Quota {
                    tenant: "acme".into(),
                    used: used as u64,
                }))
            })
            .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = linker.instantiate(&mut store, &module).unwrap();
        (store, instance)
    }

    #[test]
    fn a_host_error_comes_out_of_the_outer_call_as_the_same_value() {
        let (mut store, instance) = setup();
        let outer = instance
            .get_typed_func::<i64, ()>(&mut store, "outer")
            .unwrap();
        let err = outer.call(&mut store, 12).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Trap);
        assert_eq!(err.to_string(), "tenant acme used 12 units");
        let trap = err.downcast_ref::<Trap>().unwrap();
        assert_eq!(trap.code(), TrapCode::HostError);
        assert_eq!(trap.backtrace().len(), 2);
        assert!(err.is::<Quota>());
        assert!(!err.is::<Other>());
        assert_eq!(
            err.downcast_ref::<Quota>(),
            Some(&Quota {
                tenant: "acme".into(),
                used: 12
            })
        );
        let source = std::error::Error::source(&err).unwrap();
        assert_eq!(source.to_string(), "tenant acme used 12 units");
        let err = err.downcast::<Other>().unwrap_err();
        assert_eq!(
            err.downcast::<Quota>().unwrap(),
            Quota {
                tenant: "acme".into(),
                used: 12
            }
        );
        // The store is still usable after the error.
        let err = outer.call(&mut store, 3).unwrap_err();
        assert_eq!(err.downcast_ref::<Quota>().unwrap().used, 3);
    }

    #[test]
    fn a_host_error_passes_unchanged_through_a_host_function_that_calls_wasm_again() {
        let engine = Engine::default();
        let module = Module::new(&engine, CALLS_HOST).unwrap();
        let reentrant = Module::new(
            &engine,
            r#"(module (import "host" "again" (func $again (param i64)))
                 (func (export "start") (param i64) local.get 0 call $again))"#,
        )
        .unwrap();
        let mut linker = Linker::<Option<Instance>>::new(&engine);
        linker
            .func_wrap("host", "charge", |used: i64| -> kiln::Result<()> {
                Err(kiln::Error::host(Quota {
                    tenant: "nested".into(),
                    used: used as u64,
                }))
            })
            .unwrap();
        linker
            .func_wrap(
                "host",
                "again",
                |mut caller: kiln::Caller<'_, Option<Instance>>, used: i64| -> kiln::Result<()> {
                    let inner = caller.data().unwrap();
                    let run = inner.get_typed_func::<i64, ()>(&mut caller, "run")?;
                    run.call(&mut caller, used + 1)
                },
            )
            .unwrap();
        let mut store = Store::new(&engine, None);
        let inner = linker.instantiate(&mut store, &module).unwrap();
        *store.data_mut() = Some(inner);
        let outer = linker.instantiate(&mut store, &reentrant).unwrap();
        let start = outer
            .get_typed_func::<i64, ()>(&mut store, "start")
            .unwrap();
        let err = start.call(&mut store, 40).unwrap_err();
        assert_eq!(err.downcast_ref::<Quota>().unwrap().used, 41);
        assert_eq!(err.downcast_ref::<Quota>().unwrap().tenant, "nested");
    }

    #[test]
    fn an_error_without_a_payload_downcasts_to_nothing_but_its_trap() {
        let err = kiln::Error::msg("plain");
        assert!(!err.is::<Quota>());
        assert!(err.downcast_ref::<Trap>().is_none());
        assert!(std::error::Error::source(&err).is_none());
        assert_eq!(err.downcast::<Quota>().unwrap_err().to_string(), "plain");
    }
}

mod store_surface {
    use kiln::{
        AsContext, AsContextMut, Caller, Config, Engine, Instance, Linker, Module, Store,
        StoreContextMut, StoreLimits, TrapCode,
    };

    #[test]
    fn fuel_epoch_deadline_and_limits_are_set_from_inside_a_host_function() {
        let mut config = Config::new();
        config.consume_fuel(true).epoch_interruption(true);
        let engine = Engine::new(&config).unwrap();
        let module = Module::new(
            &engine,
            r#"(module
                 (import "host" "configure" (func $configure))
                 (memory (export "memory") 1)
                 (func (export "run") (result i32)
                   call $configure
                   (memory.grow (i32.const 1))))"#,
        )
        .unwrap();
        let mut linker = Linker::<Vec<u64>>::new(&engine);
        linker
            .func_wrap("host", "configure", |mut caller: Caller<'_, Vec<u64>>| {
                caller.set_fuel(1_000).unwrap();
                caller.set_epoch_deadline(5);
                // One page is all memory may hold from now on.
                caller.set_limits(StoreLimits::new().memory_size(65536));
                let limits = caller.limits();
                let mut cx = caller.as_context_mut();
                let fuel = cx.get_fuel().unwrap();
                let growths = cx.memory_growths();
                let limited = u64::from(limits == StoreLimits::new().memory_size(65536));
                cx.data_mut().extend([fuel, growths, limited]);
            })
            .unwrap();
        let mut store = Store::new(&engine, Vec::new());
        store.set_fuel(10).unwrap();
        store.set_epoch_deadline(1);
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let run = instance
            .get_typed_func::<(), i32>(&mut store, "run")
            .unwrap();
        // The growth is refused by the limit the host function set.
        assert_eq!(run.call(&mut store, ()).unwrap(), -1);
        assert_eq!(store.data(), &vec![1_000, 0, 1]);
        // `run`'s one block paid for itself before the call: the fuel the
        // host function set is what is left.
        assert_eq!(store.get_fuel().unwrap(), 1_000);
        // The deadline is 5 ticks after the epoch at the call: 4 more ticks
        // leave the next call running, a fifth stops it.
        for _ in 0..4 {
            engine.increment_epoch();
        }
        assert_eq!(run.call(&mut store, ()).unwrap(), -1);
        store.set_epoch_deadline(0);
        let err = run.call(&mut store, ()).unwrap_err();
        assert_eq!(err.trap().unwrap().code(), TrapCode::Interrupt);
    }

    /// One helper, written once against the store context, serves the store
    /// and a host function's caller.
    fn record(mut cx: StoreContextMut<'_, Vec<u64>>, value: u64) -> usize {
        cx.data_mut().push(value);
        cx.gc();
        cx.live_externrefs()
    }

    #[test]
    fn one_helper_over_the_store_context_serves_the_store_and_the_caller() {
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            r#"(module (import "host" "record" (func $record (param i64)))
                 (func (export "run") (param i64) local.get 0 call $record))"#,
        )
        .unwrap();
        let mut linker = Linker::<Vec<u64>>::new(&engine);
        linker
            .func_wrap(
                "host",
                "record",
                |mut caller: Caller<'_, Vec<u64>>, v: i64| {
                    record(caller.as_context_mut(), v as u64);
                },
            )
            .unwrap();
        let mut store = Store::new(&engine, Vec::new());
        assert_eq!(record(store.as_context_mut(), 1), 0);
        let instance: Instance = linker.instantiate(&mut store, &module).unwrap();
        let run = instance
            .get_typed_func::<i64, ()>(&mut store, "run")
            .unwrap();
        run.call(&mut store, 2).unwrap();
        assert_eq!(store.as_context().data(), &vec![1, 2]);
        assert_eq!(store.as_context().limits(), StoreLimits::new());
    }

    #[test]
    fn a_raw_context_lends_the_callers_store_to_code_that_cannot_hold_a_borrow() {
        use std::cell::Cell;
        thread_local! {
            static LENT: Cell<Option<kiln::RawStoreContext<u32>>> = const { Cell::new(None) };
        }
        // Code of "another language": it finds the store where the binding
        // left it, as a Python or JS callback does.
        fn foreign_code() {
            let raw = LENT.with(|l| l.get()).expect("lent during the host call");
            // SAFETY: the host function that lent the context is running
            // below this call and does not use its caller meanwhile.
            let mut cx = unsafe { raw.as_context_mut() };
            *cx.data_mut() += 10;
        }
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            r#"(module (import "host" "f" (func $f)) (func (export "run") call $f))"#,
        )
        .unwrap();
        let mut linker = Linker::<u32>::new(&engine);
        linker
            .func_wrap("host", "f", |mut caller: Caller<'_, u32>| {
                let raw = caller.as_context_mut().as_raw();
                LENT.with(|l| l.set(Some(raw)));
                foreign_code();
                LENT.with(|l| l.set(None));
                *caller.data_mut() += 1;
            })
            .unwrap();
        let mut store = Store::new(&engine, 0);
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let run = instance
            .get_typed_func::<(), ()>(&mut store, "run")
            .unwrap();
        run.call(&mut store, ()).unwrap();
        run.call(&mut store, ()).unwrap();
        assert_eq!(*store.data(), 22);
    }
}

mod typed_calls {
    use kiln::{Engine, ExternRef, Func, Instance, Module, Store, Val};

    #[test]
    fn typed_calls_pass_references_and_sixteen_values_through_the_slots() {
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            r#"(module
                 (func (export "refs") (param externref funcref) (result funcref externref)
                   local.get 1 local.get 0)
                 (func (export "sum16")
                   (param i32 i32 i32 i32 i32 i32 i32 i32 i64 i64 i64 i64 f32 f32 f64 f64)
                   (result f64)
                   (f64.add
                     (f64.add (local.get 14) (local.get 15))
                     (f64.add (f64.promote_f32 (f32.add (local.get 12) (local.get 13)))
                       (f64.convert_i64_s
                         (i64.add
                           (i64.add (i64.add (local.get 8) (local.get 9)) (i64.add (local.get 10) (local.get 11)))
                           (i64.extend_i32_s
                             (i32.add
                               (i32.add (i32.add (local.get 0) (local.get 1)) (i32.add (local.get 2) (local.get 3)))
                               (i32.add (i32.add (local.get 4) (local.get 5)) (i32.add (local.get 6) (local.get 7))))))))))
                 (func (export "many") (result i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
                   i32.const 1 i32.const 2 i32.const 3 i32.const 4 i32.const 5 i32.const 6
                   i32.const 7 i32.const 8 i32.const 9 i32.const 10 i32.const 11 i32.const 12
                   i32.const 13 i32.const 14 i32.const 15 i32.const 16 i32.const 17 i32.const 18))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let host = Func::wrap(&mut store, |x: i32| x);
        let refs = instance
            .get_typed_func::<(Option<ExternRef>, Option<Func>), (Option<Func>, Option<ExternRef>)>(
                &mut store, "refs",
            )
            .unwrap();
        let (f, r) = refs
            .call(&mut store, (Some(ExternRef::new("hello")), Some(host)))
            .unwrap();
        assert_eq!(f, Some(host));
        assert_eq!(r.unwrap().data().downcast_ref::<&str>(), Some(&"hello"));
        let sum16 = instance
            .get_typed_func::<(
                i32,
                i32,
                i32,
                i32,
                i32,
                i32,
                i32,
                i32,
                i64,
                i64,
                i64,
                i64,
                f32,
                f32,
                f64,
                f64,
            ), f64>(&mut store, "sum16")
            .unwrap();
        let typed_sum = sum16
            .call(
                &mut store,
                (
                    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13.0, 14.0, 15.0, 16.0,
                ),
            )
            .unwrap();
        assert_eq!(typed_sum, 136.0);
        // The same sixteen values through `Func::call`.
        let sum16 = *sum16.func();
        let params: Vec<Val> = (1..=8)
            .map(Val::I32)
            .chain((9..=12).map(Val::I64))
            .chain([Val::F32(13f32.to_bits()), Val::F32(14f32.to_bits())])
            .chain([Val::F64(15f64.to_bits()), Val::F64(16f64.to_bits())])
            .collect();
        let mut result = [Val::F64(0)];
        sum16.call(&mut store, &params, &mut result).unwrap();
        assert_eq!(result[0], Val::F64(136f64.to_bits()));
        // Eighteen results: more than the stack slots, on the heap.
        let many = instance.get_func(&mut store, "many").unwrap();
        let mut results = vec![Val::I32(0); 18];
        many.call(&mut store, &[], &mut results).unwrap();
        assert_eq!(results, (1..=18).map(Val::I32).collect::<Vec<_>>());
    }

    #[test]
    fn a_typed_call_refuses_a_reference_from_another_store() {
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            r#"(module (func (export "id") (param funcref) (result funcref) local.get 0))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let mut other = Store::new(&engine, ());
        let foreign = Func::wrap(&mut other, || {});
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let id = instance
            .get_typed_func::<Option<Func>, Option<Func>>(&mut store, "id")
            .unwrap();
        let err = id.call(&mut store, Some(foreign)).unwrap_err();
        assert_eq!(err.kind(), kiln::ErrorKind::Usage);
        assert_eq!(
            err.to_string(),
            "function reference belongs to a different store"
        );
        assert_eq!(id.call(&mut store, None).unwrap(), None);
        // A typed call of a function from another store is refused too.
        let err = id.call(&mut other, None).unwrap_err();
        assert_eq!(err.to_string(), "function belongs to a different store");
    }

    #[test]
    fn a_host_function_made_by_wrap_is_called_directly_and_from_wasm_through_the_slots() {
        let engine = Engine::default();
        let mut store = Store::new(&engine, ());
        let swap = Func::wrap(&mut store, |a: i64, b: f32| (b, a));
        let typed = swap.typed::<(i64, f32), (f32, i64)>(&store).unwrap();
        assert_eq!(typed.call(&mut store, (7, 1.5)).unwrap(), (1.5, 7));
        let module = Module::new(
            &engine,
            r#"(module (import "" "swap" (func $swap (param i64 f32) (result f32 i64)))
                 (func (export "run") (result f32 i64) i64.const 9 f32.const 2.5 call $swap))"#,
        )
        .unwrap();
        let instance = Instance::new(&mut store, &module, &[swap.into()]).unwrap();
        let err = instance
            .get_typed_func::<(), f32>(&mut store, "run")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "type mismatch: the function has type (func (result f32 i64)), but (func (result f32)) was requested"
        );
        let run = instance
            .get_typed_func::<(), (f32, i64)>(&mut store, "run")
            .unwrap();
        assert_eq!(run.call(&mut store, ()).unwrap(), (2.5, 9));
    }
}
