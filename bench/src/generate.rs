//! Generated modules: the large module for the compile-time benchmark and the
//! small module for the instantiation benchmark.

use std::fmt::Write;

/// A module with one memory, one table, a global, data and element segments and
/// a few exports: the instantiation benchmark's subject.
pub const SMALL_MODULE: &str = r#"
(module
  (memory (export "memory") 1)
  (table (export "table") 4 funcref)
  (global $g (export "g") (mut i32) (i32.const 7))
  (func $one (export "one") (result i32) i32.const 1)
  (func $add_g (export "add_g") (param i32) (result i32)
    local.get 0
    global.get $g
    i32.add)
  (func (export "mul") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.mul)
  (elem (i32.const 0) $one $add_g)
  (data (i32.const 16) "kiln bench instantiation"))
"#;

/// A deterministic generator of "random" choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // SplitMix64.
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const I32_BINOPS: &[&str] = &[
    "i32.add",
    "i32.sub",
    "i32.mul",
    "i32.xor",
    "i32.or",
    "i32.and",
    "i32.shl",
    "i32.shr_u",
    "i32.shr_s",
    "i32.rotl",
    "i32.rotr",
];

/// Locals 0–3 are i32 (0 and 1 are the parameters), 4 is i64 and 5 is f64.
fn statement(out: &mut String, rng: &mut Rng) {
    let a = rng.below(4);
    let b = rng.below(4);
    let d = 2 + rng.below(2);
    let c = rng.below(1 << 20) as i64 - (1 << 19);
    match rng.below(8) {
        0..=2 => {
            let op1 = rng.pick(I32_BINOPS);
            let op2 = rng.pick(I32_BINOPS);
            let _ = writeln!(
                out,
                "local.get {a} i32.const {c} {op1} local.get {b} {op2} local.set {d}"
            );
        }
        3 => {
            let op = rng.pick(&["i64.add", "i64.mul", "i64.xor", "i64.sub"]);
            let _ = writeln!(
                out,
                "local.get {a} i64.extend_i32_u i64.const {c} {op} local.get 4 i64.add local.set 4"
            );
        }
        4 => {
            let op = rng.pick(&["f64.add", "f64.mul", "f64.sub", "f64.min", "f64.max"]);
            let _ = writeln!(
                out,
                "local.get {a} f64.convert_i32_s f64.const {c}.25 {op} local.get 5 f64.add local.set 5"
            );
        }
        5 => {
            let _ = writeln!(
                out,
                "local.get {a} local.get {b} local.get {d} select local.set {d}"
            );
        }
        6 => {
            let offset = 4 * rng.below(16);
            let _ = writeln!(
                out,
                "local.get {a} i32.const 4032 i32.and i32.load offset={offset} local.get {b} i32.add local.set {d}"
            );
        }
        _ => {
            let offset = 4 * rng.below(16);
            let _ = writeln!(
                out,
                "local.get {a} i32.const 4032 i32.and local.get {b} i32.store offset={offset}"
            );
        }
    }
}

fn function(out: &mut String, rng: &mut Rng, index: usize, statements: usize) {
    let _ = write!(
        out,
        "(func $f{index} (param i32 i32) (result i32) (local i32 i32 i64 f64)\n\
         local.get 0 local.set 2\n\
         block loop\n"
    );
    for _ in 0..statements / 2 {
        statement(out, rng);
    }
    out.push_str(
        "local.get 3 i32.const 1 i32.add local.tee 3 local.get 1 i32.lt_u br_if 0\nend end\n",
    );
    // A four-way switch, lowered from br_table.
    out.push_str("block block block block\nlocal.get 2 i32.const 3 i32.and br_table 0 1 2 3\n");
    let per_case = (statements / 2) / 3;
    for case in 0..3 {
        out.push_str("end\n");
        for _ in 0..per_case {
            statement(out, rng);
        }
        let _ = writeln!(out, "br {}", 2 - case);
    }
    out.push_str("end\n");
    if index > 0 {
        let callee = rng.below(index as u64);
        let _ = writeln!(
            out,
            "local.get 2 local.get 3 i32.const 1 i32.shr_u call $f{callee} local.set 2"
        );
    }
    out.push_str(
        "local.get 2 local.get 4 i32.wrap_i64 i32.add local.get 5 i32.trunc_sat_f64_s i32.add)\n",
    );
}

/// The WebAssembly text of a module with `functions` distinct functions of
/// about `statements` statements each: arithmetic on i32, i64 and f64, loads
/// and stores, a loop, a `br_table` switch and a call to an earlier function.
pub fn large_module_wat(functions: usize, statements: usize) -> String {
    let mut rng = Rng(0x6b69_6c6e);
    let mut out = String::with_capacity(functions * statements * 60);
    out.push_str("(module\n(memory (export \"memory\") 1)\n");
    for index in 0..functions {
        function(&mut out, &mut rng, index, statements);
    }
    let _ = writeln!(out, "(export \"last\" (func $f{}))\n)", functions - 1);
    out
}

/// The size in bytes of the code section of a wasm binary.
pub fn code_section_size(wasm: &[u8]) -> usize {
    let mut pos = 8;
    while pos < wasm.len() {
        let id = wasm[pos];
        pos += 1;
        let (size, used) = read_leb_u32(&wasm[pos..]);
        pos += used;
        if id == 10 {
            return size as usize;
        }
        pos += size as usize;
    }
    0
}

fn read_leb_u32(bytes: &[u8]) -> (u32, usize) {
    let mut result = 0u32;
    let mut shift = 0;
    for (i, byte) in bytes.iter().enumerate().take(5) {
        result |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return (result, i + 1);
        }
        shift += 7;
    }
    (result, 5)
}
