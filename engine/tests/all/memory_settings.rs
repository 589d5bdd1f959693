//! `Config::memory_reservation`, `memory_guard_size`,
//! `memory_reservation_for_growth` and `memory_may_move`: every combination
//! traps exactly at a memory's end, whether the guard or an explicit check
//! catches the access, and a memory that moves keeps its contents.

use kiln::{
    Caller, Config, Engine, Extern, Func, Instance, Memory, MemoryType, Module, Store, TrapCode,
};

const PAGE: i32 = 65536;

/// A module probing memory 0, declared by `memory` (which exports it as
/// "memory").
fn prober(memory: &str) -> String {
    format!(
        r#"(module
        {memory}
        (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
        (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
        (func (export "load_4k") (param i32) (result i32) (i32.load offset=4096 (local.get 0)))
        (func (export "load_2g") (param i32) (result i32) (i32.load offset=0x80000000 (local.get 0)))
        (func (export "load_v128") (param i32) (result i32)
            (i32x4.extract_lane 3 (v128.load (local.get 0))))
        (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#
    )
}

/// What a call returned: its value, or the trap that stopped it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Value(i32),
    Trap(TrapCode),
}

struct Probe {
    store: Store<()>,
    instance: Instance,
}

impl Probe {
    fn new(
        engine: &Engine,
        memory: &str,
        imports: impl FnOnce(&mut Store<()>) -> Vec<Extern>,
    ) -> Probe {
        let module = Module::new(engine, prober(memory)).unwrap();
        let mut store = Store::new(engine, ());
        let imports = imports(&mut store);
        let instance = Instance::new(&mut store, &module, &imports).unwrap();
        Probe { store, instance }
    }

    fn call(&mut self, name: &str, arg: i32) -> Outcome {
        let f = self
            .instance
            .get_typed_func::<i32, i32>(&mut self.store, name)
            .unwrap();
        match f.call(&mut self.store, arg) {
            Ok(v) => Outcome::Value(v),
            Err(e) => Outcome::Trap(e.trap().expect("a trap").code()),
        }
    }

    fn store(&mut self, address: i32, value: i32) {
        let f = self
            .instance
            .get_typed_func::<(i32, i32), ()>(&mut self.store, "store")
            .unwrap();
        f.call(&mut self.store, (address, value)).unwrap();
    }

    /// Checks every access around the end of a memory of `pages` pages
    /// whose last word holds `last`.
    fn check_bounds(&mut self, pages: i32, last: i32, what: &str) {
        use Outcome::{Trap, Value};
        let oob = Trap(TrapCode::MemoryOutOfBounds);
        let end = pages * PAGE;
        let cases = [
            ("load", 0, Value(0)),
            ("load", end - 4, Value(last)),
            ("load", end - 3, oob),
            ("load", end, oob),
            ("load", -4, oob),
            ("load", -1, oob),
            ("load8", end - 1, Value((last as u32 >> 24) as i32)),
            ("load8", end, oob),
            ("load8", -1, oob),
            ("load_4k", end - 4096 - 4, Value(last)),
            ("load_4k", end - 4096 - 3, oob),
            ("load_4k", -1, oob),
            ("load_2g", 0, oob),
            ("load_2g", -1, oob),
            ("load_v128", end - 16, Value(last)),
            ("load_v128", end - 15, oob),
            ("load_v128", -16, oob),
        ];
        for (name, address, expected) in cases {
            assert_eq!(
                self.call(name, address),
                expected,
                "{what}: {name}({address:#x})"
            );
        }
    }
}

fn engine(configure: impl FnOnce(&mut Config)) -> Engine {
    let mut config = Config::new();
    configure(&mut config);
    Engine::new(&config).unwrap()
}

/// Every combination of settings: the default, no guard, a guard smaller
/// than the offsets used, a reservation of one page that moves or not, no
/// reservation at all, and explicit checks on top.
fn combinations() -> Vec<(&'static str, Engine)> {
    vec![
        ("default", engine(|_| {})),
        (
            "no guard",
            engine(|c| {
                c.memory_guard_size(0);
            }),
        ),
        (
            "4 KiB guard",
            engine(|c| {
                c.memory_guard_size(4096);
            }),
        ),
        (
            "one-page reservation that moves",
            engine(|c| {
                c.memory_reservation(PAGE as u64).memory_guard_size(0);
            }),
        ),
        (
            "one-page reservation that stays",
            engine(|c| {
                c.memory_reservation(PAGE as u64).memory_may_move(false);
            }),
        ),
        (
            "no reservation, no room to grow",
            engine(|c| {
                c.memory_reservation(0)
                    .memory_guard_size(0)
                    .memory_reservation_for_growth(0);
            }),
        ),
        (
            "explicit checks",
            engine(|c| {
                c.explicit_bounds_checks(true);
            }),
        ),
    ]
}

#[test]
fn out_of_bounds_accesses_trap_at_the_end_under_every_combination() {
    for (name, engine) in combinations() {
        for memory in [
            r#"(memory (export "memory") 1)"#,
            r#"(memory (export "memory") 1 2)"#,
            r#"(memory (export "memory") 1 1)"#,
        ] {
            let mut probe = Probe::new(&engine, memory, |_| Vec::new());
            probe.store(PAGE - 4, 0x0102_0304);
            probe.check_bounds(1, 0x0102_0304, &format!("{name}, {memory}"));
        }
    }
}

#[test]
fn growing_keeps_contents_and_moves_the_end_under_every_combination() {
    for (name, engine) in combinations() {
        let mut probe = Probe::new(&engine, r#"(memory (export "memory") 1 4)"#, |_| Vec::new());
        probe.store(8, 77);
        if name == "one-page reservation that stays" {
            // Its maximum is past the reservation it may not leave.
            assert_eq!(probe.call("grow", 2), Outcome::Value(-1));
            continue;
        }
        assert_eq!(probe.call("grow", 2), Outcome::Value(1), "{name}");
        probe.store(3 * PAGE - 4, 0x0a0b_0c0d);
        assert_eq!(probe.call("load", 8), Outcome::Value(77), "{name}");
        probe.check_bounds(3, 0x0a0b_0c0d, name);
        assert_eq!(
            probe.call("grow", 2),
            Outcome::Value(-1),
            "{name}: past the maximum"
        );
    }
}

#[test]
fn a_memory_that_may_not_move_cannot_grow_past_its_reservation() {
    let engine = engine(|c| {
        c.memory_reservation(2 * PAGE as u64).memory_may_move(false);
    });
    let mut probe = Probe::new(&engine, r#"(memory (export "memory") 1)"#, |_| Vec::new());
    assert_eq!(probe.call("grow", 1), Outcome::Value(1));
    assert_eq!(probe.call("grow", 1), Outcome::Value(-1));
    probe.store(2 * PAGE - 4, 5);
    probe.check_bounds(2, 5, "two pages");
}

#[test]
fn a_memory_that_moves_keeps_its_contents_and_leaves_its_old_place() {
    let engine = engine(|c| {
        c.memory_reservation(PAGE as u64)
            .memory_reservation_for_growth(0);
    });
    let mut store = Store::new(&engine, ());
    let memory = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    memory.data_mut(&mut store)[..4].copy_from_slice(b"kiln");
    memory.data_mut(&mut store)[PAGE as usize - 1] = 0xee;
    let before = memory.data(&store).as_ptr();
    for pages in 2..=5u64 {
        memory.grow(&mut store, 1).unwrap();
        let data = memory.data(&store);
        assert_eq!(data.len(), pages as usize * PAGE as usize);
        assert_eq!(&data[..4], b"kiln");
        assert_eq!(data[PAGE as usize - 1], 0xee);
        assert!(data[PAGE as usize..].iter().all(|&b| b == 0));
    }
    assert_ne!(memory.data(&store).as_ptr(), before);
    assert_eq!(store.memory_growths(), 4);
}

#[test]
fn compiled_code_sees_a_memory_that_a_host_call_moved() {
    let engine = engine(|c| {
        c.memory_reservation(PAGE as u64)
            .memory_guard_size(0)
            .memory_reservation_for_growth(0);
    });
    let mut store = Store::new(&engine, ());
    let grow = Func::wrap(&mut store, |mut caller: Caller<'_, ()>| {
        let memory = caller.get_export("memory").unwrap().into_memory().unwrap();
        memory.grow(&mut caller, 4).unwrap();
    });
    let wat = r#"(module
        (import "env" "grow" (func $grow))
        (memory (export "memory") 1)
        (func (export "run") (result i32)
            (i32.store (i32.const 100) (i32.const 42))
            (drop (i32.load (i32.const 100)))
            (call $grow)
            (i32.store (i32.const 300000) (i32.const 5))
            (i32.add (i32.load (i32.const 100)) (i32.load (i32.const 300000)))))"#;
    let module = Module::new(&engine, wat).unwrap();
    let instance = Instance::new(&mut store, &module, &[grow.into()]).unwrap();
    let run = instance
        .get_typed_func::<(), i32>(&mut store, "run")
        .unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 47);
    let memory = instance.get_memory(&mut store, "memory").unwrap();
    assert_eq!(memory.size(&store), 5);
}

#[test]
fn an_imported_memory_with_a_small_maximum_is_checked_by_its_importer() {
    // The importer declares no maximum, so it would leave checks to a 4 GiB
    // reservation; the memory it gets reserves only its two pages.
    let engine = Engine::default();
    let mut probe = Probe::new(&engine, r#"(import "env" "memory" (memory 1))"#, |store| {
        let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2))).unwrap();
        vec![memory.into()]
    });
    probe.store(PAGE - 4, 0x7777_7777);
    probe.check_bounds(1, 0x7777_7777, "one page");
    assert_eq!(probe.call("grow", 1), Outcome::Value(1));
    probe.store(2 * PAGE - 4, 3);
    probe.check_bounds(2, 3, "two pages");
    assert_eq!(probe.call("grow", 1), Outcome::Value(-1));
}

/// A change to the default configuration.
type Configure = fn(&mut Config);

#[test]
fn a_module_compiled_with_other_memory_settings_is_refused() {
    let wat = "(module (memory 1) (func (export \"f\")))";
    let default = Engine::default();
    let bytes = Module::new(&default, wat).unwrap().serialize().unwrap();
    let cases: [(Configure, &str); 4] = [
        (
            |c| {
                c.memory_reservation(1 << 20);
            },
            "the compiled module was made by an engine with other memory reservation: `4294967296` where this engine has `1048576`",
        ),
        (
            |c| {
                c.memory_guard_size(0);
            },
            "the compiled module was made by an engine with other memory guard size: `33554432` where this engine has `0`",
        ),
        (
            |c| {
                c.memory_reservation_for_growth(0);
            },
            "the compiled module was made by an engine with other memory reservation for growth: `2147483648` where this engine has `0`",
        ),
        (
            |c| {
                c.memory_may_move(false);
            },
            "the compiled module was made by an engine with other memory may move: `true` where this engine has `false`",
        ),
    ];
    for (configure, message) in cases {
        let other = engine(configure);
        // SAFETY: the bytes were just made by `serialize`.
        let err = unsafe { Module::deserialize(&other, &bytes) }.unwrap_err();
        assert_eq!(err.to_string(), message);
    }
    // SAFETY: as above; the same settings load.
    let same = unsafe { Module::deserialize(&Engine::default(), &bytes) };
    assert!(same.is_ok());
}

#[test]
fn settings_past_the_address_space_are_refused_by_name() {
    let mut config = Config::new();
    config.memory_reservation(1 << 50);
    let err = Engine::new(&config).unwrap_err();
    assert_eq!(
        err.to_string(),
        "memory_reservation of 1125899906842624 bytes is more than the 70368744177664 bytes a host's address space can hold"
    );
    let mut config = Config::new();
    config.memory_guard_size(u64::MAX);
    let err = Engine::new(&config).unwrap_err();
    assert!(err
        .to_string()
        .starts_with("memory_guard_size of 18446744073709551615 bytes"));
}
