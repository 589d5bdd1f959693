//! Which memory accesses the translator checks explicitly, under which
//! memory settings: the IR of a function has one unsigned comparison with
//! the memory's length per checked access.

use crate::environ::tunables::{MemoryTunables, Tunables};
use cranelift_codegen::ir::{Function, UserFuncName};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use wasmparser::{FuncValidatorAllocations, WasmFeatures};

const GIB: u64 = 1 << 30;

fn tunables(reservation: u64, guard_size: u64) -> Tunables {
    Tunables {
        features: WasmFeatures::default(),
        consume_fuel: false,
        epoch_interruption: false,
        explicit_bounds_checks: false,
        memory: MemoryTunables {
            reservation,
            guard_size,
            reservation_for_growth: 2 * GIB,
            may_move: true,
            pool: None,
        },
    }
}

/// The IR of the module's first defined function.
fn ir(wat: &str, tunables: &Tunables) -> String {
    let wasm = wat::parse_str(wat).unwrap();
    let (info, mut bodies) = crate::environ::parse_module(&wasm, tunables.features).unwrap();
    let body = bodies.remove(0);
    let mut validator = body
        .validator
        .into_validator(FuncValidatorAllocations::default());
    let func_type = info.func_type(validator.index()).clone();
    let offsets = crate::environ::VMOffsets::new(&info);
    let isa = crate::compiler::host_isa("none").unwrap();
    let mut func = Function::with_name_signature(
        UserFuncName::user(0, 0),
        crate::compiler::wasm_signature(&func_type),
    );
    let mut fb_ctx = FunctionBuilderContext::new();
    let builder = FunctionBuilder::new(&mut func, &mut fb_ctx);
    super::FuncTranslator::new(builder, &info, &offsets, isa.frontend_config(), tunables)
        .translate(&func_type, &body.body, &mut validator)
        .unwrap();
    func.display().to_string()
}

/// How many accesses of the function are checked against the length.
fn checks(wat: &str, tunables: &Tunables) -> usize {
    ir(wat, tunables).matches("icmp ugt").count()
}

fn loads(memory: &str, offsets: &[u64]) -> String {
    let body: String = offsets
        .iter()
        .map(|o| format!("(drop (i32.load offset={o} (local.get 0)))"))
        .collect();
    format!("(module {memory} (func (param i32) {body}))")
}

#[test]
fn the_default_reservation_and_guard_cover_offsets_up_to_the_guard() {
    let defaults = tunables(4 * GIB, 32 << 20);
    // An index of 2^32 - 1 plus an offset and size of at most the guard
    // plus one stays inside the reservation and its guard.
    let wat = loads("(memory 1)", &[0, (32 << 20) - 3, (32 << 20) - 2]);
    assert_eq!(checks(&wat, &defaults), 1);
}

#[test]
fn a_small_reservation_or_maximum_checks_every_access() {
    let wat = loads("(memory 1)", &[0, 8]);
    assert_eq!(checks(&wat, &tunables(1 << 20, 32 << 20)), 2);
    let small_max = loads("(memory 1 16)", &[0, 8]);
    assert_eq!(checks(&small_max, &tunables(4 * GIB, 32 << 20)), 2);
}

#[test]
fn without_a_guard_only_byte_accesses_at_offset_zero_are_free() {
    let wat = r#"(module (memory 1) (func (param i32)
        (drop (i32.load8_u (local.get 0)))
        (drop (i32.load8_u offset=1 (local.get 0)))
        (drop (i32.load16_u (local.get 0)))))"#;
    assert_eq!(checks(wat, &tunables(4 * GIB, 0)), 2);
}

#[test]
fn an_imported_memory_is_checked_unless_its_minimum_fills_the_reservation() {
    let defaults = tunables(4 * GIB, 32 << 20);
    let small = loads(r#"(import "env" "m" (memory 1))"#, &[0]);
    assert_eq!(checks(&small, &defaults), 1);
    let full = loads(r#"(import "env" "m" (memory 65536))"#, &[0]);
    assert_eq!(checks(&full, &defaults), 0);
}

#[test]
fn the_base_of_a_memory_that_may_move_is_not_a_readonly_load() {
    let wat = loads("(memory 1)", &[0]);
    let readonly = |ir: String| ir.matches("readonly").count();
    let fixed = readonly(ir(&wat, &tunables(4 * GIB, 32 << 20)));
    let moving = readonly(ir(&wat, &tunables(1 << 20, 0)));
    assert_eq!(moving, fixed - 1);
}
