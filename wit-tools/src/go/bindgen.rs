//! The Go code of one function's canonical ABI glue, from the instruction
//! stream `wit-bindgen-core` produces ([`crate::abi::host_call`]).
//!
//! Every instruction's results are bound to fresh locals, so operands are
//! names or constants. Guest memory is read and written through the
//! bounds-checked methods of the generated `glue` type (over a view of the
//! memory fetched again after anything that may grow it); a value that
//! cannot be lifted records the call's first error in `g.err`, checked
//! before the call and at its end. An error from the engine (the call,
//! `realloc`, a handle) returns at once.

use super::names::{upper, GoNames};
use crate::abi::{HostSide, WasmType};
use crate::analysis::{Func, StringPlace};
use crate::blocks::{Block, Blocks};
use wit_bindgen_core::abi::{Bindgen, Bitcast, Instruction};
use wit_parser::{Alignment, ArchitectureSize, Handle, Resolve, SizeAlign, Type, TypeId};

/// The generator of one function's glue.
pub struct FnGen<'a> {
    names: &'a GoNames<'a>,
    func: &'a Func,
    side: HostSide,
    /// The Go expressions of the arguments `GetArg` reads.
    params: Vec<String>,
    b: Blocks,
    /// The statement that returns an error named `{}` from the function.
    fail: String,
    /// The Go expression of the method implementing an import.
    host_fn: String,
    /// How the glue finds the guest's resource types (`w.types[i]`).
    guest_types: &'a dyn Fn(TypeId) -> String,
}

impl<'a> FnGen<'a> {
    pub fn new(
        names: &'a GoNames<'a>,
        func: &'a Func,
        params: Vec<String>,
        fail: String,
        host_fn: String,
        guest_types: &'a dyn Fn(TypeId) -> String,
    ) -> FnGen<'a> {
        FnGen {
            names,
            func,
            side: HostSide::of(func),
            params,
            b: Blocks::default(),
            fail,
            host_fn,
            guest_types,
        }
    }

    /// The generated statements.
    pub fn finish(self) -> String {
        self.b.src.finish()
    }

    fn fresh(&mut self, base: &str) -> String {
        self.b.fresh(base)
    }

    /// `name := expr`, returning `name`.
    fn bind(&mut self, expr: &str) -> String {
        let name = self.fresh("t");
        self.line(&format!("{name} := {expr}"));
        name
    }

    fn line(&mut self, s: &str) {
        self.b.src.line(s);
    }

    /// Returns from the function when `e` is not nil.
    fn check(&mut self, e: &str) {
        let fail = self.fail.replace("{}", e);
        self.line(&format!("if {e} != nil {{"));
        self.line(&fail);
        self.line("}");
    }

    fn size(&self, ty: &Type) -> usize {
        self.names.analysis.sizes().size(ty).size_wasm32()
    }

    fn align(&self, ty: &Type) -> usize {
        self.names.analysis.sizes().align(ty).align_wasm32()
    }

    fn resource_of(&self, handle: &Handle) -> TypeId {
        let (Handle::Own(r) | Handle::Borrow(r)) = handle;
        wit_bindgen_core::dealias(self.names.analysis.resolve(), *r)
    }

    fn resource_type(&self, resource: TypeId) -> String {
        if self.names.analysis.is_host_resource(resource) {
            self.names.host_type_var(resource)
        } else {
            (self.guest_types)(resource)
        }
    }

    fn load(&mut self, method: &str, addr: &str, offset: ArchitectureSize) -> String {
        let expr = format!("g.ld{method}({addr}, {})", offset.size_wasm32());
        self.bind(&expr)
    }

    fn store(&mut self, method: &str, value: &str, addr: &str, offset: ArchitectureSize) {
        self.line(&format!(
            "g.st{method}({addr}, {}, {value})",
            offset.size_wasm32()
        ));
    }

    fn take_blocks(&mut self, n: usize) -> Vec<Block> {
        self.b.take(n)
    }

    /// Declares the flat results of a variant's lowering, zero.
    fn lower_results(&mut self, types: &[WasmType]) -> Vec<String> {
        types
            .iter()
            .map(|t| {
                let name = self.fresh("v");
                self.line(&format!("var {name} {}", wasm_go_type(*t)));
                name
            })
            .collect()
    }

    /// One arm of a variant's lowering: binds the payload, runs the block,
    /// assigns its results.
    fn lower_arm(&mut self, block: &Block, payload: Option<String>, results: &[String]) {
        if let (Some(name), Some(expr)) = (&block.payload, payload) {
            self.line(&format!("{name} := {expr}"));
        }
        self.b.append(&block.code);
        for (r, v) in results.iter().zip(&block.results) {
            self.line(&format!("{r} = {v}"));
        }
    }

    /// The switch of a variant's lifting into a new variable of type `ty`:
    /// `assign(i, result)` is the value of case `i`.
    fn lift_cases(
        &mut self,
        what: &str,
        disc: &str,
        ty: &str,
        n: usize,
        assign: &dyn Fn(usize, Option<&String>) -> Option<String>,
    ) -> String {
        let blocks = self.take_blocks(n);
        let target = self.fresh("t");
        self.line(&format!("var {target} {ty}"));
        self.line(&format!("switch {disc} {{"));
        for (i, block) in blocks.iter().enumerate() {
            self.line(&format!("case {i}:"));
            self.b.append(&block.code);
            if let Some(value) = assign(i, block.results.first()) {
                self.line(&format!("{target} = {value}"));
            }
        }
        self.line("default:");
        self.line(&format!(
            "g.fail(fmt.Errorf(\"invalid {what} discriminant %d\", uint32({disc})))"
        ));
        self.line("}");
        target
    }
}

/// The Go type of a flat core value.
pub fn wasm_go_type(t: WasmType) -> &'static str {
    match t {
        WasmType::I32 => "int32",
        WasmType::I64 | WasmType::PointerOrI64 => "int64",
        WasmType::F32 => "float32",
        WasmType::F64 => "float64",
        WasmType::Pointer | WasmType::Length => "uint32",
    }
}

/// Reads slot `i` as a flat value of type `t`.
pub fn slot_get(t: WasmType, i: usize) -> String {
    match t {
        WasmType::I32 => format!("slots[{i}].I32()"),
        WasmType::I64 | WasmType::PointerOrI64 => format!("slots[{i}].I64()"),
        WasmType::F32 => format!("slots[{i}].F32()"),
        WasmType::F64 => format!("slots[{i}].F64()"),
        WasmType::Pointer | WasmType::Length => format!("uint32(slots[{i}].I32())"),
    }
}

/// Writes `v`, a flat value of type `t`, to slot `i`.
fn slot_set(t: WasmType, i: usize, v: &str) -> String {
    match t {
        WasmType::I32 => format!("slots[{i}].SetI32({v})"),
        WasmType::I64 | WasmType::PointerOrI64 => format!("slots[{i}].SetI64({v})"),
        WasmType::F32 => format!("slots[{i}].SetF32({v})"),
        WasmType::F64 => format!("slots[{i}].SetF64({v})"),
        WasmType::Pointer | WasmType::Length => format!("slots[{i}].SetI32(int32({v}))"),
    }
}

fn bitcast(cast: &Bitcast, op: &str) -> String {
    match cast {
        Bitcast::None => op.to_string(),
        Bitcast::F32ToI32 => format!("int32(math.Float32bits({op}))"),
        Bitcast::I32ToF32 => format!("math.Float32frombits(uint32({op}))"),
        Bitcast::F64ToI64 => format!("int64(math.Float64bits({op}))"),
        Bitcast::I64ToF64 => format!("math.Float64frombits(uint64({op}))"),
        Bitcast::I32ToI64 => format!("int64(uint32({op}))"),
        Bitcast::I64ToI32 => format!("int32({op})"),
        Bitcast::F32ToI64 => format!("int64(math.Float32bits({op}))"),
        Bitcast::I64ToF32 => format!("math.Float32frombits(uint32({op}))"),
        Bitcast::P64ToI64 | Bitcast::I64ToP64 | Bitcast::LToI64 | Bitcast::PToP64 => {
            format!("int64({op})")
        }
        Bitcast::P64ToP | Bitcast::I32ToP | Bitcast::LToP | Bitcast::I64ToL => {
            format!("uint32({op})")
        }
        Bitcast::PToI32 | Bitcast::LToI32 => format!("int32({op})"),
        Bitcast::PToL | Bitcast::I32ToL => format!("uint32({op})"),
        Bitcast::Sequence(seq) => {
            let inner = bitcast(&seq[0], op);
            bitcast(&seq[1], &inner)
        }
    }
}

impl Bindgen for FnGen<'_> {
    type Operand = String;

    fn emit(
        &mut self,
        _resolve: &Resolve,
        inst: &Instruction<'_>,
        operands: &mut Vec<String>,
        results: &mut Vec<String>,
    ) {
        use Instruction as I;
        match inst {
            I::GetArg { nth } => results.push(self.params[*nth].clone()),
            I::I32Const { val } => results.push(format!("int32({val})")),
            I::Bitcasts { casts } => {
                for (cast, op) in casts.iter().zip(operands.iter()) {
                    if *cast == Bitcast::None {
                        results.push(op.clone());
                    } else {
                        let expr = bitcast(cast, op);
                        results.push(self.bind(&expr));
                    }
                }
            }
            I::ConstZero { tys } => {
                for t in tys.iter() {
                    results.push(format!("{}(0)", wasm_go_type(*t)));
                }
            }
            I::I32Load { offset } => results.push(self.load("I32", &operands[0], *offset)),
            I::I32Load8U { offset } => {
                let v = self.load("U8", &operands[0], *offset);
                results.push(format!("int32({v})"));
            }
            I::I32Load8S { offset } => {
                let v = self.load("S8", &operands[0], *offset);
                results.push(format!("int32({v})"));
            }
            I::I32Load16U { offset } => {
                let v = self.load("U16", &operands[0], *offset);
                results.push(format!("int32({v})"));
            }
            I::I32Load16S { offset } => {
                let v = self.load("S16", &operands[0], *offset);
                results.push(format!("int32({v})"));
            }
            I::I64Load { offset } => results.push(self.load("I64", &operands[0], *offset)),
            I::F32Load { offset } => results.push(self.load("F32", &operands[0], *offset)),
            I::F64Load { offset } => results.push(self.load("F64", &operands[0], *offset)),
            I::PointerLoad { offset } | I::LengthLoad { offset } => {
                let v = self.load("I32", &operands[0], *offset);
                results.push(format!("uint32({v})"));
            }
            I::I32Store { offset } | I::PointerStore { offset } | I::LengthStore { offset } => {
                let v = format!("int32({})", operands[0]);
                self.store("I32", &v, &operands[1], *offset)
            }
            I::I32Store8 { offset } => {
                let v = format!("uint8({})", operands[0]);
                self.store("U8", &v, &operands[1], *offset)
            }
            I::I32Store16 { offset } => {
                let v = format!("uint16({})", operands[0]);
                self.store("U16", &v, &operands[1], *offset)
            }
            I::I64Store { offset } => self.store("I64", &operands[0], &operands[1], *offset),
            I::F32Store { offset } => self.store("F32", &operands[0], &operands[1], *offset),
            I::F64Store { offset } => self.store("F64", &operands[0], &operands[1], *offset),

            I::I32FromChar
            | I::I32FromU32
            | I::I32FromU16
            | I::I32FromS16
            | I::I32FromU8
            | I::I32FromS8
            | I::I32FromS32
            | I::EnumLower { .. }
            | I::FlagsLower { .. } => results.push(format!("int32({})", operands[0])),
            I::I64FromS64 | I::I64FromU64 => results.push(format!("int64({})", operands[0])),
            I::CoreF32FromF32 | I::CoreF64FromF64 | I::F32FromCoreF32 | I::F64FromCoreF64 => {
                results.push(operands[0].clone())
            }
            I::S8FromI32 => results.push(format!("int8({})", operands[0])),
            I::U8FromI32 => results.push(format!("uint8({})", operands[0])),
            I::S16FromI32 => results.push(format!("int16({})", operands[0])),
            I::U16FromI32 => results.push(format!("uint16({})", operands[0])),
            I::S32FromI32 => results.push(format!("int32({})", operands[0])),
            I::S64FromI64 => results.push(format!("int64({})", operands[0])),
            I::U32FromI32 => results.push(format!("uint32({})", operands[0])),
            I::U64FromI64 => results.push(format!("uint64({})", operands[0])),
            I::CharFromI32 => {
                let expr = format!("g.liftChar({})", operands[0]);
                results.push(self.bind(&expr));
            }
            I::BoolFromI32 => results.push(format!("({} != 0)", operands[0])),
            I::I32FromBool => results.push(format!("boolToI32({})", operands[0])),

            I::StringLower { .. } | I::ListCanonLower { .. } => {
                let list = operands[0].clone();
                let ptr = self.fresh("ptr");
                let e = self.fresh("e");
                let method = match inst {
                    I::StringLower { .. } => "lowerString",
                    _ => "lowerBytes",
                };
                self.line(&format!("{ptr}, {e} := g.{method}({list})"));
                self.check(&e);
                results.push(ptr);
                results.push(format!("uint32(len({list}))"));
            }
            I::ListLower { element, .. } => {
                let block = self.take_blocks(1).pop().unwrap();
                let size = self.size(element);
                let align = self.align(element);
                let list = operands[0].clone();
                let ptr = self.fresh("ptr");
                let e = self.fresh("e");
                let i = self.fresh("i");
                if let Some(places) = self.names.analysis.element_strings(element) {
                    // The elements' strings are allocated with one call
                    // into C before the elements are lowered.
                    let q = self.fresh("q");
                    self.line(&format!("for _, {q} := range {list} {{"));
                    for place in places {
                        let access = match place {
                            StringPlace::Element => String::new(),
                            StringPlace::Field(name) => format!(".{}", upper(&name)),
                            StringPlace::TupleItem(i) => format!(".F{i}"),
                        };
                        self.line(&format!("g.queueString({q}{access})"));
                    }
                    self.line("}");
                    let qe = self.fresh("e");
                    self.line(&format!("{qe} := g.allocateQueued()"));
                    self.check(&qe);
                }
                self.line(&format!(
                    "{ptr}, {e} := g.alloc(len({list}), {size}, {align})"
                ));
                self.check(&e);
                let elem = block.elem.clone().unwrap_or_else(|| "_".into());
                self.line(&format!("for {i}, {elem} := range {list} {{"));
                match &block.base {
                    Some(base) => self.line(&format!("{base} := {ptr} + uint32({i})*{size}")),
                    None => self.line(&format!("_ = {i}")),
                }
                self.b.append(&block.code);
                self.line("}");
                results.push(ptr);
                results.push(format!("uint32(len({list}))"));
            }
            I::StringLift => {
                let expr = format!("g.liftString({}, {})", operands[0], operands[1]);
                results.push(self.bind(&expr));
            }
            I::ListCanonLift { .. } => {
                let expr = format!("g.liftBytes({}, {})", operands[0], operands[1]);
                results.push(self.bind(&expr));
            }
            I::ListLift { element, .. } => {
                let block = self.take_blocks(1).pop().unwrap();
                let ety = self.names.go_type(element);
                let (size, align) = (self.size(element), self.align(element));
                let (ptr, len) = (operands[0].clone(), operands[1].clone());
                let t = self.fresh("t");
                let i = self.fresh("i");
                self.line(&format!(
                    "{t} := make([]{ety}, g.listLen({ptr}, {len}, {size}, {align}))"
                ));
                self.line(&format!("for {i} := range {t} {{"));
                if let Some(base) = &block.base {
                    self.line(&format!("{base} := {ptr} + uint32({i})*{size}"));
                }
                self.b.append(&block.code);
                self.line(&format!("{t}[{i}] = {}", block.results[0]));
                self.line("}");
                results.push(t);
            }
            I::IterElem { .. } => results.push(self.b.elem_name()),
            I::IterBasePointer => results.push(self.b.base_name()),
            I::RecordLower { record, .. } => {
                for f in &record.fields {
                    results.push(format!("{}.{}", operands[0], upper(&f.name)));
                }
            }
            I::RecordLift { record, ty, .. } => {
                let gty = self.names.type_name(*ty);
                let fields: Vec<String> = record
                    .fields
                    .iter()
                    .zip(operands.iter())
                    .map(|(f, v)| format!("{}: {v}", upper(&f.name)))
                    .collect();
                results.push(self.bind(&format!("{gty}{{{}}}", fields.join(", "))));
            }
            I::TupleLower { tuple, .. } => {
                for i in 0..tuple.types.len() {
                    results.push(format!("{}.F{i}", operands[0]));
                }
            }
            I::TupleLift { ty, .. } => {
                let gty = self.names.go_type(&Type::Id(*ty));
                let fields: Vec<String> = operands
                    .iter()
                    .enumerate()
                    .map(|(i, v)| format!("F{i}: {v}"))
                    .collect();
                results.push(self.bind(&format!("{gty}{{{}}}", fields.join(", "))));
            }
            I::HandleLower { handle, .. } => {
                let resource = self.resource_of(handle);
                let own = matches!(handle, Handle::Own(_));
                let ty = self.resource_type(resource);
                let h = self.fresh("h");
                let e = self.fresh("e");
                if self.names.analysis.is_host_resource(resource) {
                    self.line(&format!(
                        "{h}, {e} := g.lowerHost({ty}, {}.Rep, {own})",
                        operands[0]
                    ));
                } else {
                    self.line(&format!(
                        "{h}, {e} := {}.lower(g, {ty}, {own})",
                        operands[0]
                    ));
                }
                self.check(&e);
                results.push(format!("int32({h})"));
            }
            I::HandleLift { handle, .. } => {
                let resource = self.resource_of(handle);
                let own = matches!(handle, Handle::Own(_));
                let ty = self.resource_type(resource);
                let r = self.fresh("r");
                let e = self.fresh("e");
                if self.names.analysis.is_host_resource(resource) {
                    let gty = self.names.type_name(resource);
                    self.line(&format!(
                        "{r}, {e} := g.liftHost({ty}, uint32({}), {own})",
                        operands[0]
                    ));
                    self.check(&e);
                    results.push(format!("{gty}{{Rep: {r}}}"));
                } else {
                    let gty = self.names.type_name(resource);
                    self.line(&format!(
                        "{r}, {e} := g.call.LiftResource({ty}, uint32({}), {own})",
                        operands[0]
                    ));
                    self.check(&e);
                    results.push(self.bind(&format!("&{gty}{{handle: {r}, w: w}}")));
                }
            }
            I::FlagsLift { flags, ty, .. } => {
                let gty = self.names.type_name(*ty);
                let mask: u64 = if flags.flags.len() >= 32 {
                    u32::MAX as u64
                } else {
                    (1u64 << flags.flags.len()) - 1
                };
                results.push(self.bind(&format!("{gty}(uint32({}) & {mask:#x})", operands[0])));
            }
            I::EnumLift { enum_, ty, .. } => {
                let gty = self.names.type_name(*ty);
                let n = enum_.cases.len();
                self.line(&format!("if uint32({}) >= {n} {{", operands[0]));
                self.line(&format!(
                    "g.fail(fmt.Errorf(\"invalid enum discriminant %d\", uint32({})))",
                    operands[0]
                ));
                self.line("}");
                results.push(self.bind(&format!("{gty}({})", operands[0])));
            }
            I::VariantPayloadName => results.push(self.b.payload_name()),
            I::VariantLower {
                variant,
                ty,
                results: tys,
                ..
            } => {
                let blocks = self.take_blocks(variant.cases.len());
                let out = self.lower_results(tys);
                let gty = self.names.type_name(*ty);
                let any_payload = blocks.iter().any(|b| b.payload.is_some())
                    && variant.cases.iter().any(|c| c.ty.is_some());
                if any_payload {
                    self.line(&format!("switch p := {}.(type) {{", operands[0]));
                } else {
                    self.line(&format!("switch {}.(type) {{", operands[0]));
                }
                for (block, case) in blocks.iter().zip(&variant.cases) {
                    self.line(&format!("case {gty}{}:", upper(&case.name)));
                    let payload = case.ty.map(|_| "p.Value".to_string());
                    self.lower_arm(block, payload, &out);
                }
                self.line("default:");
                self.line(&format!(
                    "g.fail(errors.New(\"a nil {gty} has no case to lower\"))"
                ));
                self.line("}");
                results.extend(out);
            }
            I::OptionLower { results: tys, .. } => {
                let blocks = self.take_blocks(2);
                let out = self.lower_results(tys);
                let x = operands[0].clone();
                self.line(&format!("if {x}.Some {{"));
                self.lower_arm(&blocks[1], Some(format!("{x}.Value")), &out);
                self.line("} else {");
                self.lower_arm(&blocks[0], None, &out);
                self.line("}");
                results.extend(out);
            }
            I::ResultLower {
                result,
                results: tys,
                ..
            } => {
                let blocks = self.take_blocks(2);
                let out = self.lower_results(tys);
                let x = operands[0].clone();
                self.line(&format!("if {x}.IsErr {{"));
                self.lower_arm(&blocks[1], result.err.map(|_| format!("{x}.Err")), &out);
                self.line("} else {");
                self.lower_arm(&blocks[0], result.ok.map(|_| format!("{x}.Ok")), &out);
                self.line("}");
                results.extend(out);
            }
            I::VariantLift { variant, ty, .. } => {
                let gty = self.names.type_name(*ty);
                let cases: Vec<(String, bool)> = variant
                    .cases
                    .iter()
                    .map(|c| (format!("{gty}{}", upper(&c.name)), c.ty.is_some()))
                    .collect();
                let assign = move |i: usize, r: Option<&String>| {
                    let (name, has) = &cases[i];
                    match (has, r) {
                        (true, Some(r)) => Some(format!("{name}{{Value: {r}}}")),
                        _ => Some(format!("{name}{{}}")),
                    }
                };
                let t =
                    self.lift_cases("variant", &operands[0], &gty, variant.cases.len(), &assign);
                results.push(t);
            }
            I::OptionLift { ty, .. } => {
                let gty = self.names.go_type(&Type::Id(*ty));
                let g2 = gty.clone();
                let assign = move |i: usize, r: Option<&String>| match (i, r) {
                    (1, Some(r)) => Some(format!("{g2}{{Some: true, Value: {r}}}")),
                    _ => None,
                };
                let t = self.lift_cases("option", &operands[0], &gty, 2, &assign);
                results.push(t);
            }
            I::ResultLift { result, ty } => {
                let gty = self.names.go_type(&Type::Id(*ty));
                let g2 = gty.clone();
                let (has_ok, has_err) = (result.ok.is_some(), result.err.is_some());
                let assign = move |i: usize, r: Option<&String>| match (i, r) {
                    (0, Some(r)) if has_ok => Some(format!("{g2}{{Ok: {r}}}")),
                    (1, Some(r)) if has_err => Some(format!("{g2}{{IsErr: true, Err: {r}}}")),
                    (1, _) => Some(format!("{g2}{{IsErr: true}}")),
                    _ => None,
                };
                let t = self.lift_cases("result", &operands[0], &gty, 2, &assign);
                results.push(t);
            }
            I::CallWasm { sig, .. } => {
                let n = sig.params.len().max(sig.results.len()).max(1);
                self.check("g.err");
                self.line(&format!("var slots [{n}]kiln.RawSlot"));
                for (i, (t, op)) in sig.params.iter().zip(operands.iter()).enumerate() {
                    self.line(&slot_set(*t, i, op));
                }
                self.line("if err := g.call.Call(slots[:]); err != nil {");
                let fail = self.fail.replace("{}", "err");
                self.line(&fail);
                self.line("}");
                self.line("g.refresh()");
                for (i, t) in sig.results.iter().enumerate() {
                    let expr = slot_get(*t, i);
                    results.push(self.bind(&expr));
                }
            }
            I::CallInterface { func, .. } => {
                self.check("g.err");
                let args: Vec<String> = operands.clone();
                let host_fn = self.host_fn.clone();
                let e = self.fresh("e");
                if let Some((ok, err)) = self.names.returned_result(self.func) {
                    // The host returns (T, error) or error; the guest gets
                    // the result<T, E> back, an error that is not a
                    // *ResultError[E] failing the call as any host error.
                    let r = self.fresh("ret");
                    let err = self.names.opt_type(err.as_ref());
                    let join = match ok {
                        Some(ok) => format!("joinResult[{}, {err}]", self.names.go_type(&ok)),
                        None => format!("joinResultError[{err}]"),
                    };
                    self.line(&format!(
                        "{r}, {e} := {join}({host_fn}({}))",
                        args.join(", ")
                    ));
                    results.push(r);
                } else if func.result.is_some() {
                    let r = self.fresh("ret");
                    self.line(&format!("{r}, {e} := {host_fn}({})", args.join(", ")));
                    results.push(r);
                } else {
                    self.line(&format!("{e} := {host_fn}({})", args.join(", ")));
                }
                self.check(&e);
            }
            I::Return { amt, .. } => match self.side {
                HostSide::CallExport => {
                    self.check("g.err");
                    if *amt == 1 {
                        self.line(&format!("return {}, nil", operands[0]));
                    } else {
                        self.line("return nil");
                    }
                }
                HostSide::ImplementImport => {
                    let sig = self.func.sig.clone();
                    for (i, (t, op)) in sig.results.iter().zip(operands.iter()).enumerate() {
                        self.line(&slot_set(*t, i, op));
                    }
                    self.line("return g.err");
                }
            },
            I::Malloc { size, align, .. } => {
                let ptr = self.fresh("ptr");
                let e = self.fresh("e");
                self.line(&format!(
                    "{ptr}, {e} := g.alloc(1, {}, {})",
                    size.size_wasm32(),
                    align.align_wasm32()
                ));
                self.check(&e);
                results.push(ptr);
            }
            I::Flush { amt } => {
                for op in operands.iter().take(*amt) {
                    results.push(op.clone());
                }
            }
            other => unreachable!("instruction {other:?} in host glue"),
        }
    }

    fn return_pointer(&mut self, _size: ArchitectureSize, _align: Alignment) -> String {
        unreachable!("the host's side of a call never provides a return area")
    }

    fn push_block(&mut self) {
        self.b.push();
    }

    fn finish_block(&mut self, operands: &mut Vec<String>) {
        self.b.finish(operands);
    }

    fn sizes(&self) -> &SizeAlign {
        self.names.analysis.sizes()
    }

    fn is_list_canonical(&self, _resolve: &Resolve, element: &Type) -> bool {
        // Only bytes: a []byte is copied as it is; other lists are read
        // and written element by element (little-endian, whatever the
        // host).
        matches!(self.names.analysis.dealias(element), Type::U8)
    }
}
