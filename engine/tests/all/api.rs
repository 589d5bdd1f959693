//! Integration tests of the public embedding API, one module per area.

mod traps {
    use kiln::{Engine, ErrorKind, Func, Instance, Linker, Module, Store, TrapCode, Val};

    const TRAPPING: &str = r#"
        (module $m
          (memory 1)
          (func $div (export "div") (param i32 i32) (result i32)
            local.get 0 local.get 1 i32.div_s)
          (func $recurse (export "recurse") (param i32) (result i32)
            local.get 0 i32.const 1 i32.add call $recurse)
          (func $oob (export "oob") (result i32)
            i32.const 65536 i32.load)
          (func $inner (unreachable))
          (func $outer (export "outer") (call $inner))
          (func (export "ok") (result i32) i32.const 7))
    "#;

    fn setup() -> (Store<()>, Instance) {
        let engine = Engine::default();
        let module = Module::new(&engine, TRAPPING).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        (store, instance)
    }

    fn trap_code(result: kiln::Result<()>) -> TrapCode {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Trap);
        err.trap().unwrap().code()
    }

    #[test]
    fn division_by_zero_traps_and_store_stays_usable() {
        let (mut store, instance) = setup();
        let div = instance.get_func(&mut store, "div").unwrap();
        let mut out = [Val::I32(0)];
        let r = div.call(&mut store, &[Val::I32(1), Val::I32(0)], &mut out);
        assert_eq!(trap_code(r), TrapCode::IntegerDivisionByZero);
        let r = div.call(&mut store, &[Val::I32(i32::MIN), Val::I32(-1)], &mut out);
        assert_eq!(trap_code(r), TrapCode::IntegerOverflow);
        div.call(&mut store, &[Val::I32(42), Val::I32(6)], &mut out)
            .unwrap();
        assert_eq!(out[0], Val::I32(7));
    }

    #[test]
    fn infinite_recursion_is_call_stack_exhausted() {
        let (mut store, instance) = setup();
        let recurse = instance.get_func(&mut store, "recurse").unwrap();
        let mut out = [Val::I32(0)];
        for _ in 0..3 {
            let r = recurse.call(&mut store, &[Val::I32(0)], &mut out);
            let err = r.unwrap_err();
            let trap = err.trap().unwrap();
            assert_eq!(trap.code(), TrapCode::StackOverflow);
            assert_eq!(trap.message(), "call stack exhausted");
        }
        let ok = instance
            .get_typed_func::<(), i32>(&mut store, "ok")
            .unwrap();
        assert_eq!(ok.call(&mut store, ()).unwrap(), 7);
    }

    #[test]
    fn out_of_bounds_load_traps() {
        let (mut store, instance) = setup();
        let oob = instance.get_func(&mut store, "oob").unwrap();
        let r = oob.call(&mut store, &[], &mut [Val::I32(0)]);
        assert_eq!(trap_code(r), TrapCode::MemoryOutOfBounds);
    }

    #[test]
    fn backtrace_names_functions_innermost_first() {
        let (mut store, instance) = setup();
        let outer = instance.get_func(&mut store, "outer").unwrap();
        let err = outer.call(&mut store, &[], &mut []).unwrap_err();
        let trap = err.trap().unwrap();
        assert_eq!(trap.code(), TrapCode::Unreachable);
        let names: Vec<_> = trap
            .backtrace()
            .iter()
            .map(|f| f.func_name.clone().unwrap_or_default())
            .collect();
        assert_eq!(names, ["inner", "outer"]);
        assert_eq!(trap.backtrace()[0].func_index, 3);
        assert_eq!(trap.backtrace()[0].module_name.as_deref(), Some("m"));
    }

    #[test]
    fn host_error_and_panic_become_traps() {
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            r#"(module (import "host" "f" (func $f (param i32) (result i32)))
                 (func (export "call") (param i32) (result i32) local.get 0 call $f))"#,
        )
        .unwrap();
        let mut linker = Linker::<()>::new(&engine);
        linker
            .func_wrap("host", "f", |x: i32| -> kiln::Result<i32> {
                match x {
                    0 => Err(kiln::Error::msg("host says no")),
                    1 => panic!("host exploded"),
                    _ => Ok(x * 10),
                }
            })
            .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let call = instance
            .get_typed_func::<i32, i32>(&mut store, "call")
            .unwrap();
        let err = call.call(&mut store, 0).unwrap_err();
        assert_eq!(err.trap().unwrap().code(), TrapCode::HostError);
        assert_eq!(err.to_string(), "host says no");
        assert_eq!(err.trap().unwrap().backtrace().len(), 1);
        let err = call.call(&mut store, 1).unwrap_err();
        assert_eq!(err.to_string(), "host function panicked: host exploded");
        assert_eq!(call.call(&mut store, 4).unwrap(), 40);
    }

    #[test]
    fn host_function_reaches_caller_memory_and_data() {
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            r#"(module (import "host" "sum" (func $sum (param i32 i32) (result i32)))
                 (memory (export "memory") 1)
                 (data (i32.const 16) "\01\02\03\04")
                 (func (export "run") (result i32) i32.const 16 i32.const 4 call $sum))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, 0u32);
        let sum = Func::wrap(
            &mut store,
            |mut caller: kiln::Caller<'_, u32>, ptr: i32, len: i32| {
                *caller.data_mut() += 1;
                let memory = caller.get_export("memory").unwrap().into_memory().unwrap();
                let bytes = &memory.data(&caller)[ptr as usize..(ptr + len) as usize];
                bytes.iter().map(|b| *b as i32).sum::<i32>()
            },
        );
        let instance = Instance::new(&mut store, &module, &[sum.into()]).unwrap();
        let run = instance
            .get_typed_func::<(), i32>(&mut store, "run")
            .unwrap();
        assert_eq!(run.call(&mut store, ()).unwrap(), 10);
        assert_eq!(*store.data(), 1);
    }

    #[test]
    fn host_start_function_sees_the_instance_it_starts() {
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            r#"(module (import "host" "init" (func $init))
                 (global (export "answer") i32 (i32.const 42))
                 (start $init))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, 0u32);
        let init = Func::wrap(&mut store, |mut caller: kiln::Caller<'_, u32>| {
            let answer = caller.get_export("answer").unwrap().into_global().unwrap();
            let kiln::Val::I32(value) = answer.get(&mut caller) else {
                panic!("`answer` is an i32 global");
            };
            *caller.data_mut() = value as u32;
        });
        Instance::new(&mut store, &module, &[init.into()]).unwrap();
        assert_eq!(*store.data(), 42);
    }
}

mod numeric_host_functions {
    use kiln::{
        Engine, ErrorKind, Func, FuncType, Instance, Module, Store, TrapCode, Val, ValType,
    };

    fn numeric_import(store: &mut Store<u32>, import: Func, wat: &str) -> Instance {
        let module = Module::new(store.engine(), wat).unwrap();
        Instance::new(&mut *store, &module, &[import.into()]).unwrap()
    }

    #[test]
    fn a_numeric_host_function_reads_and_writes_slots_of_every_number_type() {
        let engine = Engine::default();
        let mut store = Store::new(&engine, 0u32);
        let ty = FuncType::new(
            [ValType::I32, ValType::I64, ValType::F32, ValType::F64],
            [ValType::F64, ValType::I64],
        );
        let host = Func::new_numeric(&mut store, ty, |mut caller, slots| {
            *caller.data_mut() += 1;
            let sum = (slots[0] as u32 as i32) as f64
                + (slots[1] as u64 as i64) as f64
                + f32::from_bits(slots[2] as u32) as f64
                + f64::from_bits(slots[3] as u64);
            slots[0] = sum.to_bits() as u128;
            slots[1] = (-7i64) as u64 as u128;
            Ok(())
        })
        .unwrap();
        let instance = numeric_import(
            &mut store,
            host,
            r#"(module
                 (import "host" "f" (func $f (param i32 i64 f32 f64) (result f64 i64)))
                 (func (export "run") (result f64 i64)
                   (call $f (i32.const -1) (i64.const 1000000000000)
                            (f32.const 0.5) (f64.const 0.25))))"#,
        );
        let run = instance.get_func(&mut store, "run").unwrap();
        let mut results = [Val::F64(0), Val::I64(0)];
        run.call(&mut store, &[], &mut results).unwrap();
        assert_eq!(results[0], Val::F64(999_999_999_999.75f64.to_bits()));
        assert_eq!(results[1], Val::I64(-7));
        // Called from the host, through `Val`s.
        host.call(
            &mut store,
            &[
                Val::I32(2),
                Val::I64(3),
                Val::F32(1.5f32.to_bits()),
                Val::F64(0.5f64.to_bits()),
            ],
            &mut results,
        )
        .unwrap();
        assert_eq!(results, [Val::F64(7.0f64.to_bits()), Val::I64(-7)]);
        assert_eq!(*store.data(), 2);
    }

    #[test]
    fn a_numeric_host_function_error_or_panic_traps_and_the_store_stays_usable() {
        let engine = Engine::default();
        let mut store = Store::new(&engine, 0u32);
        let ty = FuncType::new([ValType::I32], [ValType::I32]);
        let host = Func::new_numeric(&mut store, ty, |_, slots| match slots[0] as u32 {
            0 => Err(kiln::Error::msg("numeric host says no")),
            1 => panic!("numeric host exploded"),
            x => {
                slots[0] = (x * 10) as u128;
                Ok(())
            }
        })
        .unwrap();
        let instance = numeric_import(
            &mut store,
            host,
            r#"(module (import "host" "f" (func $f (param i32) (result i32)))
                 (func (export "call") (param i32) (result i32) local.get 0 call $f))"#,
        );
        let call = instance
            .get_typed_func::<i32, i32>(&mut store, "call")
            .unwrap();
        let err = call.call(&mut store, 0).unwrap_err();
        assert_eq!(err.trap().unwrap().code(), TrapCode::HostError);
        assert_eq!(err.to_string(), "numeric host says no");
        let err = call.call(&mut store, 1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "host function panicked: numeric host exploded"
        );
        assert_eq!(call.call(&mut store, 4).unwrap(), 40);
    }

    #[test]
    fn a_numeric_host_function_with_a_reference_type_is_refused() {
        let engine = Engine::default();
        let mut store = Store::new(&engine, 0u32);
        let ty = FuncType::new([ValType::I32, ValType::ExternRef], []);
        let err = Func::new_numeric(&mut store, ty, |_, _| Ok(())).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Usage);
        assert!(err.to_string().contains("has references"), "{err}");
    }
}

mod raw_calls {
    use kiln::{Engine, ErrorKind, Func, Instance, Module, RawFunc, Store, TrapCode, Val};

    /// 16-byte aligned slots, as `RawFunc::call` requires.
    #[repr(C, align(16))]
    struct Slots([u128; 4]);

    const MODULE: &str = r#"(module
        (import "host" "twice" (func $twice (param i64) (result i64)))
        (memory 1)
        (func (export "mix") (param i32 i64 f32 f64) (result f64 i64)
          (f64.add (f64.add (f64.convert_i32_s (local.get 0)) (f64.promote_f32 (local.get 2)))
                   (local.get 3))
          (call $twice (local.get 1)))
        (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "keep") (param externref) (result externref) (local.get 0)))"#;

    fn setup() -> (Store<()>, Instance) {
        let engine = Engine::default();
        let mut store = Store::new(&engine, ());
        let module = Module::new(&engine, MODULE).unwrap();
        let twice = Func::wrap(&mut store, |x: i64| x * 2);
        let instance = Instance::new(&mut store, &module, &[twice.into()]).unwrap();
        (store, instance)
    }

    fn raw(store: &mut Store<()>, instance: &Instance, name: &str) -> RawFunc {
        let func = instance.get_func(&mut *store, name).unwrap();
        func.to_raw(&*store).unwrap()
    }

    #[test]
    fn a_raw_call_passes_every_number_type_and_several_results_through_the_slots() {
        let (mut store, instance) = setup();
        let mix = raw(&mut store, &instance, "mix");
        let mut slots = Slots([
            (-3i32) as u32 as u128,
            (-21i64) as u64 as u128,
            0.5f32.to_bits() as u128,
            10.25f64.to_bits() as u128,
        ]);
        // SAFETY: four slots for four parameters (of these types) and two results.
        unsafe { mix.call(&mut store, slots.0.as_mut_ptr()) }.unwrap();
        assert_eq!(f64::from_bits(slots.0[0] as u64), 7.75);
        assert_eq!(slots.0[1] as u64 as i64, -42);
    }

    #[test]
    fn a_raw_call_that_traps_returns_the_trap_and_the_store_stays_usable() {
        let (mut store, instance) = setup();
        let div = raw(&mut store, &instance, "div");
        let mut slots = Slots([7, 0, 0, 0]);
        // SAFETY: two i32 parameters, one i32 result.
        let err = unsafe { div.call(&mut store, slots.0.as_mut_ptr()) }.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Trap);
        assert_eq!(err.trap().unwrap().code(), TrapCode::IntegerDivisionByZero);
        let mut slots = Slots([7, 2, 0, 0]);
        // SAFETY: as above.
        unsafe { div.call(&mut store, slots.0.as_mut_ptr()) }.unwrap();
        assert_eq!(slots.0[0] as u32, 3);
    }

    #[test]
    fn a_raw_function_is_refused_in_another_store_and_for_host_functions_or_references() {
        let (mut store, instance) = setup();
        let div = raw(&mut store, &instance, "div");
        let (mut other, _) = setup();
        let mut slots = Slots([1, 1, 0, 0]);
        // SAFETY: the slots suit `div`; the store is refused before any use.
        let err = unsafe { div.call(&mut other, slots.0.as_mut_ptr()) }.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Usage);
        assert_eq!(err.to_string(), "function belongs to a different store");

        let host = Func::wrap(&mut store, |x: i32| x);
        let err = host.to_raw(&store).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a raw call needs a wasm function, not a host function"
        );
        let keep = instance.get_func(&mut store, "keep").unwrap();
        let err = keep.to_raw(&store).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Usage);
        assert_eq!(
            err.to_string(),
            "a raw call needs a function of numbers and vectors, at most 16 each way, \
             not (func (param externref) (result externref))"
        );
    }

    #[test]
    fn raw_calls_fit_numbers_and_vectors_up_to_sixteen_each_way() {
        use kiln::{FuncType, RawFunc, ValType};
        assert_eq!(RawFunc::MAX_VALUES, 16);
        assert!(RawFunc::fits(&FuncType::new(
            [ValType::V128; 16],
            [ValType::I64; 16]
        )));
        assert!(!RawFunc::fits(&FuncType::new([ValType::I32; 17], [])));
        assert!(!RawFunc::fits(&FuncType::new([], [ValType::F32; 17])));
        assert!(!RawFunc::fits(&FuncType::new([ValType::FuncRef], [])));
    }

    #[test]
    fn raw_slots_are_read_and_written_with_the_width_of_their_type() {
        use kiln::{RawFunc, ValType};
        let mut slot = u128::MAX;
        // SAFETY: `slot` is a live, aligned slot for each access below.
        unsafe {
            assert_eq!(RawFunc::read_slot(&slot, ValType::F32), 0xffff_ffff);
            assert_eq!(RawFunc::read_slot(&slot, ValType::I64), u64::MAX as u128);
            assert_eq!(RawFunc::read_slot(&slot, ValType::V128), u128::MAX);
            RawFunc::write_slot(&mut slot, ValType::I32, 7);
            assert_eq!(slot, (u128::MAX << 32) | 7);
            RawFunc::write_slot(&mut slot, ValType::F64, 9);
            assert_eq!(slot, (u128::MAX << 64) | 9);
            RawFunc::write_slot(&mut slot, ValType::V128, 3);
            assert_eq!(slot, 3);
        }
    }

    #[test]
    fn memory_growths_count_each_successful_growth_by_wasm_or_the_host() {
        let (mut store, instance) = setup();
        let grow = instance.get_func(&mut store, "grow").unwrap();
        let memory = instance.get_memory(&mut store, "memory");
        assert!(memory.is_none(), "the memory is not exported");
        let mut result = [Val::I32(0)];
        grow.call(&mut store, &[Val::I32(1)], &mut result).unwrap();
        assert_eq!(result[0], Val::I32(1));
        assert_eq!(store.memory_growths(), 1);
        grow.call(&mut store, &[Val::I32(70000)], &mut result)
            .unwrap();
        assert_eq!(result[0], Val::I32(-1));
        assert_eq!(store.memory_growths(), 1, "a failed growth is not counted");
        let own = kiln::Memory::new(&mut store, kiln::MemoryType::new(0, Some(1))).unwrap();
        own.grow(&mut store, 1).unwrap();
        assert!(own.grow(&mut store, 1).is_err());
        assert_eq!(store.memory_growths(), 2);
    }
}

mod linking {
    use kiln::{Engine, ErrorKind, Instance, Linker, Module, Store};

    #[test]
    fn call_indirect_matches_structurally_equal_types_across_modules() {
        let engine = Engine::default();
        let a = Module::new(
            &engine,
            r#"(module (type $t (func (param i32) (result i32)))
                 (func (export "double") (type $t) local.get 0 i32.const 2 i32.mul))"#,
        )
        .unwrap();
        let b = Module::new(
            &engine,
            r#"(module (import "a" "double" (func $d (param i32) (result i32)))
                 (type $u (func (param i32) (result i32)))
                 (type $v (func (param i64) (result i64)))
                 (table 1 funcref) (elem (i32.const 0) $d)
                 (func (export "ok") (param i32) (result i32) local.get 0 i32.const 0 call_indirect (type $u))
                 (func (export "bad") (param i64) (result i64) local.get 0 i32.const 0 call_indirect (type $v)))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        let ia = linker.instantiate(&mut store, &a).unwrap();
        linker.instance(&mut store, "a", ia).unwrap();
        let ib = linker.instantiate(&mut store, &b).unwrap();
        let ok = ib.get_typed_func::<i32, i32>(&mut store, "ok").unwrap();
        assert_eq!(ok.call(&mut store, 21).unwrap(), 42);
        let bad = ib.get_typed_func::<i64, i64>(&mut store, "bad").unwrap();
        let err = bad.call(&mut store, 1).unwrap_err();
        assert_eq!(err.to_string(), "indirect call type mismatch");
    }

    #[test]
    fn missing_and_mismatched_imports_are_link_errors() {
        let engine = Engine::default();
        let module =
            Module::new(&engine, r#"(module (import "env" "f" (func (param i32))))"#).unwrap();
        let mut store = Store::new(&engine, ());
        let linker = Linker::<()>::new(&engine);
        let err = linker.instantiate(&mut store, &module).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Link);
        assert_eq!(
            err.to_string(),
            "unknown import: `env::f` has not been defined"
        );
        let wrong = kiln::Func::wrap(&mut store, |_: i64| {});
        let err = Instance::new(&mut store, &module, &[wrong.into()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "incompatible import type for `env::f`: expected (func (param i32)), found (func (param i64))"
        );
    }

    #[test]
    fn invalid_module_error_names_problem_and_offset() {
        let engine = Engine::default();
        let err = Module::new(&engine, b"\0asm\x01\0\0\0\x01\x04\x01\x60\x00").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation);
        assert!(err.to_string().contains("offset 0x"), "{err}");
    }
}

mod multi_value {
    use kiln::{Engine, Func, Instance, Module, Store, Val};

    #[test]
    fn functions_blocks_and_host_functions_return_several_values() {
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            r#"(module
                 (import "host" "swap" (func $swap (param i32 i64) (result i64 i32)))
                 (func (export "divmod") (param i32 i32) (result i32 i32)
                   (i32.div_u (local.get 0) (local.get 1))
                   (i32.rem_u (local.get 0) (local.get 1)))
                 (func (export "block") (param i32) (result i32 i32 i32)
                   (local.get 0)
                   (block (param i32) (result i32 i32 i32)
                     (i32.const 1) (i32.const 2)))
                 (func (export "via_host") (result i64 i32)
                   (call $swap (i32.const 7) (i64.const 8))))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let swap = Func::wrap(&mut store, |a: i32, b: i64| (b, a));
        let instance = Instance::new(&mut store, &module, &[swap.into()]).unwrap();
        let divmod = instance
            .get_typed_func::<(i32, i32), (i32, i32)>(&mut store, "divmod")
            .unwrap();
        assert_eq!(divmod.call(&mut store, (17, 5)).unwrap(), (3, 2));
        let block = instance.get_func(&mut store, "block").unwrap();
        let mut out = [Val::I32(0), Val::I32(0), Val::I32(0)];
        block.call(&mut store, &[Val::I32(9)], &mut out).unwrap();
        assert_eq!(out, [Val::I32(9), Val::I32(1), Val::I32(2)]);
        let via_host = instance
            .get_typed_func::<(), (i64, i32)>(&mut store, "via_host")
            .unwrap();
        assert_eq!(via_host.call(&mut store, ()).unwrap(), (8, 7));
    }
}

mod reference_types {
    use kiln::{Engine, ExternRef, Instance, Module, Store, Val};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_million_externrefs_through_wasm_leak_nothing() {
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            r#"(module
                 (table $t 1 externref)
                 (global $g (mut externref) (ref.null extern))
                 (func (export "pass") (param externref) (result externref)
                   (table.set $t (i32.const 0) (local.get 0))
                   (global.set $g (local.get 0))
                   (table.get $t (i32.const 0))))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let pass = instance.get_func(&mut store, "pass").unwrap();
        let live = Arc::new(AtomicUsize::new(0));
        let mut out = [Val::ExternRef(None)];
        for _ in 0..1_000_000 {
            live.fetch_add(1, Ordering::SeqCst);
            let r = ExternRef::new(Counted(live.clone()));
            pass.call(&mut store, &[Val::ExternRef(Some(r.clone()))], &mut out)
                .unwrap();
            assert!(ExternRef::ptr_eq(&out[0].externref().unwrap().unwrap(), &r));
        }
        out[0] = Val::I32(0);
        store.gc();
        // Only the last value is still referenced, by the table and the global.
        assert_eq!(store.live_externrefs(), 1);
        assert_eq!(live.load(Ordering::SeqCst), 1);
        drop(store);
        assert_eq!(live.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_function_has_one_identity_however_the_host_reaches_it() {
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            r#"(module
                 (type $unary (func (param i32) (result i32)))
                 (table $t (export "table") 3 funcref)
                 (global $g (export "first") funcref (ref.func $double))
                 (elem (table $t) (i32.const 0) func $double $hidden)
                 (elem declare func $square)
                 (func $double (export "double") (param i32) (result i32)
                   (i32.mul (local.get 0) (i32.const 2)))
                 (func $hidden (param i32) (result i32)
                   (i32.add (local.get 0) (i32.const 100)))
                 (func $square (param i32) (result i32)
                   (i32.mul (local.get 0) (local.get 0)))
                 (func (export "square_ref") (result funcref) (ref.func $square))
                 (func (export "call") (param i32 i32) (result i32)
                   (call_indirect $t (type $unary) (local.get 1) (local.get 0))))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let table = instance.get_table(&mut store, "table").unwrap();

        // A function never exported is reached first through the table.
        let hidden = table
            .get(&mut store, 1)
            .unwrap()
            .funcref()
            .unwrap()
            .unwrap();
        assert_eq!(
            hidden.ty(&store).to_string(),
            "(func (param i32) (result i32))"
        );
        let mut out = [Val::I32(0)];
        hidden.call(&mut store, &[Val::I32(5)], &mut out).unwrap();
        assert_eq!(out[0], Val::I32(105));
        assert_eq!(
            table.get(&mut store, 1).unwrap().funcref(),
            Some(Some(hidden))
        );

        // The export, the global and the table all name the same function.
        let from_table = table
            .get(&mut store, 0)
            .unwrap()
            .funcref()
            .unwrap()
            .unwrap();
        let exported = instance.get_func(&mut store, "double").unwrap();
        let global = instance.get_global(&mut store, "first").unwrap();
        assert_eq!(from_table, exported);
        assert_eq!(global.get(&mut store).funcref(), Some(Some(exported)));
        assert_ne!(hidden, exported);

        // A reference returned by wasm works once placed back in the table.
        let square_ref = instance.get_func(&mut store, "square_ref").unwrap();
        let mut r = [Val::FuncRef(None)];
        square_ref.call(&mut store, &[], &mut r).unwrap();
        let square = r[0].funcref().unwrap().unwrap();
        table
            .set(&mut store, 2, Val::FuncRef(Some(square)))
            .unwrap();
        let call = instance.get_func(&mut store, "call").unwrap();
        call.call(&mut store, &[Val::I32(2), Val::I32(9)], &mut out)
            .unwrap();
        assert_eq!(out[0], Val::I32(81));
        square_ref.call(&mut store, &[], &mut r).unwrap();
        assert_eq!(r[0].funcref(), Some(Some(square)));
    }

    #[test]
    fn bulk_memory_and_table_operations_follow_the_spec_bounds_rules() {
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            r#"(module
                 (memory (export "mem") 1)
                 (data $d "hello")
                 (table $t 4 funcref)
                 (elem $e func $f $f)
                 (func $f (result i32) i32.const 11)
                 (func (export "init") (param i32) (memory.init $d (local.get 0) (i32.const 0) (i32.const 5)))
                 (func (export "copy") (memory.copy (i32.const 100) (i32.const 0) (i32.const 5)))
                 (func (export "fill") (param i32 i32) (memory.fill (local.get 0) (i32.const 42) (local.get 1)))
                 (func (export "drop") (data.drop $d))
                 (func (export "tinit") (table.init $t $e (i32.const 2) (i32.const 0) (i32.const 2)))
                 (func (export "call2") (result i32) (call_indirect (result i32) (i32.const 3)))
                 (func (export "grow") (result i32) (table.grow $t (ref.null func) (i32.const 3))))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let i = Instance::new(&mut store, &module, &[]).unwrap();
        let mem = i.get_memory(&mut store, "mem").unwrap();
        let init = i.get_typed_func::<i32, ()>(&mut store, "init").unwrap();
        init.call(&mut store, 0).unwrap();
        assert_eq!(&mem.data(&store)[..5], b"hello");
        let err = init.call(&mut store, 65534).unwrap_err();
        assert_eq!(err.to_string(), "out of bounds memory access");
        i.get_typed_func::<(), ()>(&mut store, "copy")
            .unwrap()
            .call(&mut store, ())
            .unwrap();
        assert_eq!(&mem.data(&store)[100..105], b"hello");
        let fill = i
            .get_typed_func::<(i32, i32), ()>(&mut store, "fill")
            .unwrap();
        fill.call(&mut store, (200, 3)).unwrap();
        assert_eq!(&mem.data(&store)[200..204], &[42, 42, 42, 0]);
        let err = fill.call(&mut store, (65535, 2)).unwrap_err();
        assert_eq!(err.to_string(), "out of bounds memory access");
        assert_eq!(
            mem.data(&store)[65535],
            0,
            "nothing is written when out of bounds"
        );
        i.get_typed_func::<(), ()>(&mut store, "drop")
            .unwrap()
            .call(&mut store, ())
            .unwrap();
        let err = init.call(&mut store, 0).unwrap_err();
        assert_eq!(err.to_string(), "out of bounds memory access");
        let call2 = i.get_typed_func::<(), i32>(&mut store, "call2").unwrap();
        assert_eq!(
            call2.call(&mut store, ()).unwrap_err().to_string(),
            "uninitialized element"
        );
        i.get_typed_func::<(), ()>(&mut store, "tinit")
            .unwrap()
            .call(&mut store, ())
            .unwrap();
        assert_eq!(call2.call(&mut store, ()).unwrap(), 11);
        let grow = i.get_typed_func::<(), i32>(&mut store, "grow").unwrap();
        assert_eq!(grow.call(&mut store, ()).unwrap(), 4);
        assert_eq!(i.get_table(&mut store, "t"), None);
    }
}

mod features {
    use kiln::{Config, Engine, ErrorKind, Module};

    fn rejected(configure: impl Fn(&mut Config), wat: &str, feature_words: &str) {
        let mut config = Config::new();
        configure(&mut config);
        let engine = Engine::new(&config).unwrap();
        let err = Module::new(&engine, wat).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation);
        assert!(err.to_string().contains(feature_words), "{err}");
        assert!(
            Module::new(&Engine::default(), wat).is_ok(),
            "on by default: {wat}"
        );
    }

    #[test]
    fn each_2_0_feature_can_be_switched_off_with_an_error_naming_it() {
        rejected(
            |c| {
                c.wasm_bulk_memory(false);
            },
            "(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))",
            "bulk memory",
        );
        rejected(
            |c| {
                c.wasm_reference_types(false);
            },
            "(module (func (param externref)))",
            "reference types",
        );
        rejected(
            |c| {
                c.wasm_multi_value(false);
            },
            "(module (func (result i32 i32) i32.const 0 i32.const 1))",
            "multi-value feature is not enabled",
        );
        rejected(
            |c| {
                c.wasm_sign_extension(false);
            },
            "(module (func (param i32) (result i32) local.get 0 i32.extend8_s))",
            "sign extension",
        );
        rejected(
            |c| {
                c.wasm_saturating_float_to_int(false);
            },
            "(module (func (param f32) (result i32) local.get 0 i32.trunc_sat_f32_s))",
            "saturating float to int",
        );
    }
}

mod artifacts {
    use kiln::{Config, Engine, ErrorKind, Instance, Module, Store};

    const WAT: &str = r#"(module
        (func $fib (export "fib") (param i64) (result i64)
          (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
            (then (local.get 0))
            (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))
                           (call $fib (i64.sub (local.get 0) (i64.const 2)))))))
        (func (export "trap") unreachable))"#;

    #[test]
    fn a_serialized_module_runs_and_traps_like_the_original() {
        let engine = Engine::default();
        let bytes = Module::new(&engine, WAT).unwrap().serialize().unwrap();
        // SAFETY: the bytes were produced by `serialize` just above.
        let module = unsafe { Module::deserialize(&engine, &bytes) }.unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let fib = instance
            .get_typed_func::<i64, i64>(&mut store, "fib")
            .unwrap();
        assert_eq!(fib.call(&mut store, 20).unwrap(), 6765);
        let trap = instance
            .get_typed_func::<(), ()>(&mut store, "trap")
            .unwrap();
        assert_eq!(
            trap.call(&mut store, ()).unwrap_err().to_string(),
            "unreachable"
        );
    }

    #[test]
    fn artifacts_from_another_configuration_or_corrupt_ones_are_refused() {
        let engine = Engine::default();
        let bytes = Module::new(&engine, WAT).unwrap().serialize().unwrap();
        let mut config = Config::new();
        config.wasm_simd(false);
        let other = Engine::new(&config).unwrap();
        // SAFETY: refused before any code is loaded.
        let err = unsafe { Module::deserialize(&other, &bytes) }.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation);
        let message = err.to_string();
        assert!(
            message.starts_with(
                "the compiled module was made by an engine with other wasm features: `0x"
            ),
            "{message}"
        );
        assert_eq!(message.lines().count(), 1);
        for cut in [0, 10, bytes.len() / 2, bytes.len() - 1] {
            // SAFETY: truncated artifacts are refused while parsing.
            let err = unsafe { Module::deserialize(&engine, &bytes[..cut]) }.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Validation, "cut at {cut}");
        }
    }
}

mod data_segments {
    use kiln::{Engine, Instance, Module, Store};

    const DATA: &str = r#"(module
        (memory (export "memory") 2)
        (data (i32.const 0) "first")
        (data (i32.const 4094) "across a page")
        (data (i32.const 2) "ERWRITTEN")
        (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
        (func (export "grow") (result i32) (memory.grow (i32.const 1))))"#;

    fn instance(store: &mut Store<()>, module: &Module) -> (Instance, kiln::Memory) {
        let instance = Instance::new(&mut *store, module, &[]).unwrap();
        let memory = instance.get_memory(&mut *store, "memory").unwrap();
        (instance, memory)
    }

    #[test]
    fn segments_land_in_order_and_each_instance_starts_from_them_unchanged() {
        let engine = Engine::default();
        let module = Module::new(&engine, DATA).unwrap();
        let mut store = Store::new(&engine, ());
        let (first, memory) = instance(&mut store, &module);
        assert_eq!(&memory.data(&store)[..11], b"fiERWRITTEN");
        assert_eq!(&memory.data(&store)[4094..4107], b"across a page");
        assert_eq!(
            memory.data(&store)[4107..]
                .iter()
                .filter(|b| **b != 0)
                .count(),
            0
        );

        let poke = first
            .get_typed_func::<(i32, i32), ()>(&mut store, "poke")
            .unwrap();
        poke.call(&mut store, (0, i32::from(b'F'))).unwrap();
        poke.call(&mut store, (4100, i32::from(b'!'))).unwrap();
        assert_eq!(&memory.data(&store)[..2], b"Fi");
        assert_eq!(&memory.data(&store)[4094..4107], b"across!a page");

        // Another instance, in this store and in another, starts afresh.
        let (_, again) = instance(&mut store, &module);
        assert_eq!(&again.data(&store)[..11], b"fiERWRITTEN");
        assert_eq!(&again.data(&store)[4094..4107], b"across a page");
        let mut other = Store::new(&engine, ());
        let (_, elsewhere) = instance(&mut other, &module);
        assert_eq!(&elsewhere.data(&other)[..11], b"fiERWRITTEN");
        assert_eq!(&memory.data(&store)[..2], b"Fi");
    }

    #[test]
    fn a_memory_made_from_segments_grows_with_zeroed_pages() {
        let engine = Engine::default();
        let module = Module::new(&engine, DATA).unwrap();
        let mut store = Store::new(&engine, ());
        let (instance, memory) = instance(&mut store, &module);
        let grow = instance
            .get_typed_func::<(), i32>(&mut store, "grow")
            .unwrap();
        assert_eq!(grow.call(&mut store, ()).unwrap(), 2);
        assert_eq!(memory.data_size(&store), 3 * 65536);
        assert_eq!(&memory.data(&store)[..5], b"fiERW");
        assert!(memory.data(&store)[2 * 65536..].iter().all(|b| *b == 0));
    }

    #[test]
    fn segments_at_offsets_from_globals_or_out_of_bounds_behave_as_before() {
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            r#"(module
                (import "host" "at" (global $at i32))
                (memory (export "memory") 1)
                (data (global.get $at) "tail"))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let at = kiln::Global::new(
            &mut store,
            kiln::GlobalType::new(kiln::ValType::I32, kiln::Mutability::Const),
            kiln::Val::I32(65530),
        )
        .unwrap();
        let with_global = Instance::new(&mut store, &module, &[at.into()]).unwrap();
        let memory = with_global.get_memory(&mut store, "memory").unwrap();
        assert_eq!(&memory.data(&store)[65530..65534], b"tail");

        let beyond = Module::new(
            &engine,
            r#"(module (memory 1) (data (i32.const 65534) "four"))"#,
        )
        .unwrap();
        let err = Instance::new(&mut store, &beyond, &[]).unwrap_err();
        assert_eq!(err.to_string(), "out of bounds memory access");
    }
}
