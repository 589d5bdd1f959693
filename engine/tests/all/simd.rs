//! Fixed-width SIMD: a few focused checks of the v128 instructions. The spec
//! testsuite's `simd_*.wast` files cover every instruction in depth.

use kiln::{Config, Engine, Instance, Module, Store, Val};

fn engine() -> Engine {
    let mut config = Config::new();
    config.wasm_simd(true);
    Engine::new(&config).unwrap()
}

/// Instantiates `wat` and calls its export `name` with `params`.
fn call(wat: &str, name: &str, params: &[Val]) -> Val {
    let engine = engine();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let func = instance.get_func(&mut store, name).unwrap();
    let mut out = [Val::I32(0)];
    func.call(&mut store, params, &mut out).unwrap();
    out[0].clone()
}

/// Packs 16 bytes, lane 0 first, into a `Val::V128`.
fn bytes(lanes: [u8; 16]) -> Val {
    Val::V128(u128::from_le_bytes(lanes))
}

fn i32x4(lanes: [i32; 4]) -> Val {
    let mut b = [0u8; 16];
    for (i, lane) in lanes.iter().enumerate() {
        b[i * 4..i * 4 + 4].copy_from_slice(&lane.to_le_bytes());
    }
    bytes(b)
}

fn f32x4(lanes: [f32; 4]) -> Val {
    i32x4(lanes.map(|f| f.to_bits() as i32))
}

#[test]
fn simd_is_on_by_default_and_rejected_when_disabled() {
    let wat = "(module (func (result v128) v128.const i32x4 0 0 0 0))";
    assert!(Module::new(&Engine::default(), wat).is_ok());
    let mut config = Config::new();
    config.wasm_simd(false);
    let err = Module::new(&Engine::new(&config).unwrap(), wat).unwrap_err();
    assert_eq!(err.kind(), kiln::ErrorKind::Validation);
    assert!(
        err.to_string().contains("SIMD support is not enabled"),
        "{err}"
    );
}

#[test]
fn v128_params_results_and_integer_arithmetic() {
    let wat = r#"(module
      (func (export "f") (param v128 v128) (result v128)
        local.get 0 local.get 1 i32x4.add
        local.get 1 i32x4.mul))"#;
    let r = call(
        wat,
        "f",
        &[i32x4([1, 2, 3, -4]), i32x4([10, 20, 30, i32::MAX])],
    );
    // (a + b) * b, wrapping.
    assert_eq!(
        r,
        i32x4([110, 440, 990, (-4i32 + i32::MAX).wrapping_mul(i32::MAX)])
    );
}

#[test]
fn shuffle_swizzle_and_lanes() {
    let wat = r#"(module
      (func (export "shuffle") (param v128 v128) (result v128)
        local.get 0 local.get 1
        i8x16.shuffle 31 0 30 1 29 2 28 3 27 4 26 5 25 6 24 7)
      (func (export "swizzle") (param v128 v128) (result v128)
        local.get 0 local.get 1 i8x16.swizzle)
      (func (export "lanes") (param v128) (result i32)
        local.get 0 i32.const 0x1ff i8x16.replace_lane 3
        i8x16.extract_lane_s 3))"#;
    let a = bytes(std::array::from_fn(|i| i as u8));
    let b = bytes(std::array::from_fn(|i| 0x10 + i as u8));
    let expected: [u8; 16] = [
        0x1f, 0, 0x1e, 1, 0x1d, 2, 0x1c, 3, 0x1b, 4, 0x1a, 5, 0x19, 6, 0x18, 7,
    ];
    assert_eq!(call(wat, "shuffle", &[a.clone(), b]), bytes(expected));
    // Indices past 15 select zero.
    let idx = bytes([15, 0, 16, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x80]);
    let expected = [15, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0];
    assert_eq!(call(wat, "swizzle", &[a.clone(), idx]), bytes(expected));
    assert_eq!(call(wat, "lanes", &[a]), Val::I32(-1));
}

#[test]
fn shifts_mask_the_count_by_the_lane_width() {
    let wat = r#"(module
      (func (export "shr_s") (param v128 i32) (result v128)
        local.get 0 local.get 1 i8x16.shr_s))"#;
    let a = bytes([0x80; 16]);
    // 9 is 1 modulo 8.
    let r = call(wat, "shr_s", &[a, Val::I32(9)]);
    assert_eq!(r, bytes([0xc0; 16]));
}

#[test]
fn float_min_pmin_and_nearest() {
    let wat = r#"(module
      (func (export "min") (param v128 v128) (result v128)
        local.get 0 local.get 1 f32x4.min)
      (func (export "pmin") (param v128 v128) (result v128)
        local.get 0 local.get 1 f32x4.pmin)
      (func (export "nearest") (param v128) (result v128)
        local.get 0 f32x4.nearest))"#;
    let a = f32x4([0.0, 1.0, f32::NAN, 5.0]);
    let b = f32x4([-0.0, f32::NAN, 2.0, -5.0]);
    let Val::V128(min) = call(wat, "min", &[a.clone(), b.clone()]) else {
        panic!("v128 expected")
    };
    let lane = |v: u128, i: u32| f32::from_bits((v >> (32 * i)) as u32);
    assert_eq!(lane(min, 0).to_bits(), (-0.0f32).to_bits());
    assert!(lane(min, 1).is_nan() && lane(min, 2).is_nan());
    assert_eq!(lane(min, 3), -5.0);
    // pmin is `b < a ? b : a`: NaN comparisons pick `a`.
    let Val::V128(pmin) = call(wat, "pmin", &[a, b]) else {
        panic!("v128 expected")
    };
    assert_eq!(lane(pmin, 0).to_bits(), 0.0f32.to_bits());
    assert_eq!(lane(pmin, 1), 1.0);
    assert!(lane(pmin, 2).is_nan());
    assert_eq!(lane(pmin, 3), -5.0);
    let r = call(wat, "nearest", &[f32x4([0.5, 1.5, 2.5, -2.5])]);
    assert_eq!(r, f32x4([0.0, 2.0, 2.0, -2.0]));
}

#[test]
fn conversions_saturate_and_zero_the_high_lanes() {
    let wat = r#"(module
      (func (export "trunc") (param v128) (result v128)
        local.get 0 i32x4.trunc_sat_f64x2_s_zero)
      (func (export "narrow") (param v128 v128) (result v128)
        local.get 0 local.get 1 i16x8.narrow_i32x4_u))"#;
    let mut f = [0u8; 16];
    f[..8].copy_from_slice(&1e10f64.to_le_bytes());
    f[8..].copy_from_slice(&f64::NAN.to_le_bytes());
    assert_eq!(call(wat, "trunc", &[bytes(f)]), i32x4([i32::MAX, 0, 0, 0]));
    let r = call(
        wat,
        "narrow",
        &[i32x4([-1, 70000, 5, 65535]), i32x4([0, 1, 2, 3])],
    );
    let expected = i32x4([
        0xffff_0000u32 as i32,
        0xffff_0005u32 as i32,
        0x0001_0000,
        0x0003_0002,
    ]);
    assert_eq!(r, expected);
}

#[test]
fn memory_lane_loads_and_stores() {
    let wat = r#"(module
      (memory 1)
      (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
      (func (export "f") (result v128)
        ;; lane 1 of a zeroed vector takes bytes 4..8; store lane 1 at 100.
        i32.const 100
        i32.const 4 v128.const i64x2 0 0 v128.load32_lane 1
        v128.store32_lane 1
        i32.const 100 v128.load32_zero)
      (func (export "extend") (result v128)
        i32.const 8 v128.load8x8_s)
      (func (export "splat") (result v128)
        i32.const 14 v128.load16_splat))"#;
    assert_eq!(call(wat, "f", &[]), i32x4([0x0807_0605, 0, 0, 0]));
    let extend: [u8; 16] = [9, 0, 10, 0, 11, 0, 12, 0, 13, 0, 14, 0, 15, 0, 16, 0];
    assert_eq!(call(wat, "extend", &[]), bytes(extend));
    assert_eq!(
        call(wat, "splat", &[]),
        bytes([15, 16].repeat(8).try_into().unwrap())
    );
}

#[test]
fn bitmask_all_true_and_dot() {
    let wat = r#"(module
      (func (export "bitmask") (param v128) (result i32)
        local.get 0 i32x4.bitmask)
      (func (export "all_true") (param v128) (result i32)
        local.get 0 i16x8.all_true)
      (func (export "dot") (param v128 v128) (result v128)
        local.get 0 local.get 1 i32x4.dot_i16x8_s))"#;
    assert_eq!(
        call(wat, "bitmask", &[i32x4([-1, 0, -5, 7])]),
        Val::I32(0b0101)
    );
    assert_eq!(call(wat, "all_true", &[i32x4([1, 1, 1, 1])]), Val::I32(0));
    assert_eq!(call(wat, "all_true", &[i32x4([0x10001; 4])]), Val::I32(1));
    // Lanes as i16: a = [1, 2, 3, 4, -32768, -32768, 0, 0], b = [5, 6, 7, 8, -32768, -32768, 0, 0].
    let a = i32x4([0x0002_0001, 0x0004_0003, 0x8000_8000u32 as i32, 0]);
    let b = i32x4([0x0006_0005, 0x0008_0007, 0x8000_8000u32 as i32, 0]);
    assert_eq!(call(wat, "dot", &[a, b]), i32x4([17, 53, i32::MIN, 0]));
}
