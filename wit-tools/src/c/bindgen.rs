//! The C code of one function's canonical ABI glue, from the instruction
//! stream `wit-bindgen-core` produces ([`crate::abi::host_call`]).
//!
//! Every instruction's results are bound to fresh locals, so operands are
//! names or constants and may be used more than once. Guest memory is read
//! and written through bounds-checked helpers over a `P_mem_t` (the
//! memory's base and length, fetched again after anything that may grow
//! it); a value that cannot be lifted (bad UTF-8, a surrogate `char`, an
//! unknown discriminant, a list out of bounds or misaligned) records a
//! message in `err`, and the call then traps with it. A trap from the
//! engine (the call itself, `realloc`, a handle) jumps to `fail`.

use super::names::{snake, CNames};
use crate::abi::{HostSide, WasmType};
use crate::analysis::Func;
use crate::blocks::{Block, Blocks};
use wit_bindgen_core::abi::{Bindgen, Bitcast, Instruction};
use wit_parser::{
    Alignment, ArchitectureSize, Handle, Resolve, SizeAlign, Type, TypeDefKind, TypeId,
};

/// Where a guest resource type comes from in the code being generated.
pub trait ResourceTypes {
    /// A C expression of type `const kiln_component_resource_type_t *` for
    /// `resource`.
    fn resource_type(&self, resource: TypeId) -> String;
}

/// The generator of one function's glue.
pub struct FnGen<'a> {
    pub names: &'a CNames<'a>,
    pub func: &'a Func,
    side: HostSide,
    /// The C expressions of the arguments `GetArg` reads.
    params: Vec<String>,
    b: Blocks,
    types: &'a dyn ResourceTypes,
    /// The function the host program implements (`ImplementImport`).
    pub host_fn: String,
}

impl<'a> FnGen<'a> {
    pub fn new(
        names: &'a CNames<'a>,
        func: &'a Func,
        params: Vec<String>,
        types: &'a dyn ResourceTypes,
        host_fn: String,
    ) -> FnGen<'a> {
        FnGen {
            names,
            func,
            side: HostSide::of(func),
            params,
            b: Blocks::default(),
            types,
            host_fn,
        }
    }

    /// The generated statements.
    pub fn finish(self) -> String {
        self.b.src.finish()
    }

    fn p(&self) -> &str {
        &self.names.prefix
    }

    fn fresh(&mut self, base: &str) -> String {
        self.b.fresh(base)
    }

    /// `T name = expr;`, returning `name`.
    fn bind(&mut self, ty: &str, expr: &str) -> String {
        let name = self.fresh("t");
        self.b.src.line(&format!("{ty} {name} = {expr};"));
        name
    }

    fn line(&mut self, s: &str) {
        self.b.src.line(s);
    }

    fn c_type(&self, ty: &Type) -> String {
        self.names.c_type(ty)
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

    fn load(&mut self, ty: &str, helper: &str, addr: &str, offset: ArchitectureSize) -> String {
        let p = self.p().to_string();
        let expr = format!(
            "{p}_load_{helper}(&mem, {addr}, {}, &err)",
            offset.size_wasm32()
        );
        self.bind(ty, &expr)
    }

    fn store(&mut self, helper: &str, ops: &[String], offset: ArchitectureSize) {
        let p = self.p().to_string();
        self.line(&format!(
            "{p}_store_{helper}(&mem, {}, {}, {}, &err);",
            ops[1],
            offset.size_wasm32(),
            ops[0]
        ));
    }

    fn take_blocks(&mut self, n: usize) -> Vec<Block> {
        self.b.take(n)
    }

    /// The switch of a variant's lowering: one case per block, each
    /// assigning the block's results to `results`.
    fn lower_cases(
        &mut self,
        tag: &str,
        cases: &[(Option<String>, Option<Type>)],
        result_types: &[WasmType],
    ) -> Vec<String> {
        let blocks = self.take_blocks(cases.len());
        let results: Vec<String> = result_types
            .iter()
            .map(|t| {
                let name = self.fresh("v");
                self.b.src.line(&format!("{} {name} = 0;", wasm_c_type(*t)));
                name
            })
            .collect();
        self.line(&format!("switch ((int)({tag})) {{"));
        for (i, (block, (payload_expr, payload_ty))) in blocks.iter().zip(cases).enumerate() {
            self.line(&format!("case {i}: {{"));
            if let (Some(name), Some(expr), Some(ty)) = (&block.payload, payload_expr, payload_ty) {
                let cty = self.c_type(ty);
                self.line(&format!("{cty} {name} = {expr};"));
            }
            self.b.append(&block.code);
            for (r, v) in results.iter().zip(&block.results) {
                self.line(&format!("{r} = {v};"));
            }
            self.line("break;");
            self.line("}");
        }
        self.line("default:");
        self.line("break;");
        self.line("}");
        results
    }

    /// The switch of a variant's lifting into `target` (declared and zeroed
    /// here), one case per block: `assign(i, result)` writes the case.
    fn lift_cases(
        &mut self,
        what: &str,
        disc: &str,
        ty: &str,
        n: usize,
        assign: &dyn Fn(usize, Option<&String>) -> Vec<String>,
    ) -> String {
        let blocks = self.take_blocks(n);
        let target = self.fresh("t");
        self.line(&format!("{ty} {target};"));
        self.line(&format!("memset(&{target}, 0, sizeof {target});"));
        self.line(&format!("switch ({disc}) {{"));
        for (i, block) in blocks.iter().enumerate() {
            self.line(&format!("case {i}: {{"));
            self.b.append(&block.code);
            for stmt in assign(i, block.results.first()) {
                self.line(&format!("{target}{stmt};"));
            }
            self.line("break;");
            self.line("}");
        }
        self.line("default:");
        let p = self.p().to_string();
        self.line(&format!(
            "{p}_error_fmt(&err, \"invalid {what} discriminant %u\", (unsigned)({disc}));"
        ));
        self.line("break;");
        self.line("}");
        target
    }
}

/// The C type of a flat core value.
pub fn wasm_c_type(t: WasmType) -> &'static str {
    match t {
        WasmType::I32 => "int32_t",
        WasmType::I64 | WasmType::PointerOrI64 => "int64_t",
        WasmType::F32 => "float",
        WasmType::F64 => "double",
        WasmType::Pointer | WasmType::Length => "uint32_t",
    }
}

/// The member of `kiln_val_raw_t` holding a flat value.
pub fn slot_field(t: WasmType) -> &'static str {
    match t {
        WasmType::I32 | WasmType::Pointer | WasmType::Length => "i32",
        WasmType::I64 | WasmType::PointerOrI64 => "i64",
        WasmType::F32 => "f32",
        WasmType::F64 => "f64",
    }
}

fn bitcast(p: &str, cast: &Bitcast, op: &str) -> String {
    match cast {
        Bitcast::None => op.to_string(),
        Bitcast::F32ToI32 => format!("{p}_f32_bits({op})"),
        Bitcast::I32ToF32 => format!("{p}_f32_from_bits({op})"),
        Bitcast::F64ToI64 => format!("{p}_f64_bits({op})"),
        Bitcast::I64ToF64 => format!("{p}_f64_from_bits({op})"),
        Bitcast::I32ToI64 => format!("(int64_t)(uint32_t)({op})"),
        Bitcast::I64ToI32 => format!("(int32_t)({op})"),
        Bitcast::F32ToI64 => format!("(int64_t)(uint32_t){p}_f32_bits({op})"),
        Bitcast::I64ToF32 => format!("{p}_f32_from_bits((int32_t)({op}))"),
        Bitcast::P64ToI64 | Bitcast::I64ToP64 | Bitcast::LToI64 | Bitcast::I64ToL => {
            format!("(int64_t)({op})")
        }
        Bitcast::P64ToP | Bitcast::I32ToP | Bitcast::LToP => format!("(uint32_t)({op})"),
        Bitcast::PToP64 => format!("(int64_t)(uint32_t)({op})"),
        Bitcast::PToI32 | Bitcast::PToL | Bitcast::I32ToL | Bitcast::LToI32 => {
            format!("(int32_t)({op})")
        }
        Bitcast::Sequence(seq) => {
            let inner = bitcast(p, &seq[0], op);
            bitcast(p, &seq[1], &inner)
        }
    }
}

/// The C type a bitcast produces.
fn bitcast_type(cast: &Bitcast) -> &'static str {
    match cast {
        Bitcast::None => "int32_t",
        Bitcast::F32ToI32 | Bitcast::I64ToI32 | Bitcast::PToI32 | Bitcast::LToI32 => "int32_t",
        Bitcast::I32ToF32 | Bitcast::I64ToF32 => "float",
        Bitcast::I64ToF64 => "double",
        Bitcast::F64ToI64
        | Bitcast::I32ToI64
        | Bitcast::F32ToI64
        | Bitcast::P64ToI64
        | Bitcast::I64ToP64
        | Bitcast::PToP64
        | Bitcast::LToI64 => "int64_t",
        Bitcast::P64ToP
        | Bitcast::I32ToP
        | Bitcast::LToP
        | Bitcast::I64ToL
        | Bitcast::PToL
        | Bitcast::I32ToL => "uint32_t",
        Bitcast::Sequence(seq) => bitcast_type(&seq[1]),
    }
}

impl Bindgen for FnGen<'_> {
    type Operand = String;

    fn emit(
        &mut self,
        resolve: &Resolve,
        inst: &Instruction<'_>,
        operands: &mut Vec<String>,
        results: &mut Vec<String>,
    ) {
        use Instruction as I;
        let p = self.p().to_string();
        match inst {
            I::GetArg { nth } => results.push(self.params[*nth].clone()),
            I::I32Const { val } => results.push(format!("{val}")),
            I::Bitcasts { casts } => {
                for (cast, op) in casts.iter().zip(operands.iter()) {
                    if *cast == Bitcast::None {
                        results.push(op.clone());
                    } else {
                        let expr = bitcast(&p, cast, op);
                        let ty = bitcast_type(cast);
                        results.push(self.bind(ty, &expr));
                    }
                }
            }
            I::ConstZero { tys } => {
                for t in tys.iter() {
                    results.push(format!("({})0", wasm_c_type(*t)));
                }
            }
            I::I32Load { offset } => {
                results.push(self.load("int32_t", "i32", &operands[0], *offset))
            }
            I::I32Load8U { offset } => {
                let v = self.load("uint8_t", "u8", &operands[0], *offset);
                results.push(format!("(int32_t){v}"));
            }
            I::I32Load8S { offset } => {
                let v = self.load("int8_t", "s8", &operands[0], *offset);
                results.push(format!("(int32_t){v}"));
            }
            I::I32Load16U { offset } => {
                let v = self.load("uint16_t", "u16", &operands[0], *offset);
                results.push(format!("(int32_t){v}"));
            }
            I::I32Load16S { offset } => {
                let v = self.load("int16_t", "s16", &operands[0], *offset);
                results.push(format!("(int32_t){v}"));
            }
            I::I64Load { offset } => {
                results.push(self.load("int64_t", "i64", &operands[0], *offset))
            }
            I::F32Load { offset } => results.push(self.load("float", "f32", &operands[0], *offset)),
            I::F64Load { offset } => {
                results.push(self.load("double", "f64", &operands[0], *offset))
            }
            I::PointerLoad { offset } | I::LengthLoad { offset } => {
                let v = self.load("int32_t", "i32", &operands[0], *offset);
                results.push(format!("(uint32_t){v}"));
            }
            I::I32Store { offset } | I::PointerStore { offset } | I::LengthStore { offset } => {
                let ops = [format!("(int32_t)({})", operands[0]), operands[1].clone()];
                self.store("i32", &ops, *offset)
            }
            I::I32Store8 { offset } => {
                let ops = [format!("(uint8_t)({})", operands[0]), operands[1].clone()];
                self.store("u8", &ops, *offset)
            }
            I::I32Store16 { offset } => {
                let ops = [format!("(uint16_t)({})", operands[0]), operands[1].clone()];
                self.store("u16", &ops, *offset)
            }
            I::I64Store { offset } => self.store("i64", operands, *offset),
            I::F32Store { offset } => self.store("f32", operands, *offset),
            I::F64Store { offset } => self.store("f64", operands, *offset),

            I::I32FromChar
            | I::I32FromU32
            | I::I32FromU16
            | I::I32FromS16
            | I::I32FromU8
            | I::I32FromS8 => results.push(format!("(int32_t)({})", operands[0])),
            I::I32FromS32 | I::I64FromS64 | I::CoreF32FromF32 | I::CoreF64FromF64 => {
                results.push(operands[0].clone())
            }
            I::I64FromU64 => results.push(format!("(int64_t)({})", operands[0])),
            I::S8FromI32 => results.push(format!("(int8_t)({})", operands[0])),
            I::U8FromI32 => results.push(format!("(uint8_t)({})", operands[0])),
            I::S16FromI32 => results.push(format!("(int16_t)({})", operands[0])),
            I::U16FromI32 => results.push(format!("(uint16_t)({})", operands[0])),
            I::S32FromI32 | I::S64FromI64 | I::F32FromCoreF32 | I::F64FromCoreF64 => {
                results.push(operands[0].clone())
            }
            I::U32FromI32 => results.push(format!("(uint32_t)({})", operands[0])),
            I::U64FromI64 => results.push(format!("(uint64_t)({})", operands[0])),
            I::CharFromI32 => {
                let expr = format!("{p}_lift_char((uint32_t)({}), &err)", operands[0]);
                results.push(self.bind("uint32_t", &expr));
            }
            I::BoolFromI32 => results.push(format!("(({}) != 0)", operands[0])),
            I::I32FromBool => results.push(format!("(int32_t)(({}) ? 1 : 0)", operands[0])),

            I::StringLower { .. } | I::ListCanonLower { .. } => {
                let (size, align) = match inst {
                    I::ListCanonLower { element, .. } => (self.size(element), self.align(element)),
                    _ => (1, 1),
                };
                let list = &operands[0];
                let ptr = self.fresh("ptr");
                self.line(&format!("uint32_t {ptr} = 0;"));
                self.line(&format!(
                    "trap = {p}_lower_bytes(cx, &mem, {list}.ptr, {list}.len, {size}, {align}, &{ptr});"
                ));
                self.line("if (trap) goto fail;");
                results.push(ptr);
                results.push(format!("(uint32_t){list}.len"));
            }
            I::ListLower { element, .. } => {
                let block = self.take_blocks(1).pop().unwrap();
                let size = self.size(element);
                let align = self.align(element);
                let list = &operands[0];
                let ptr = self.fresh("ptr");
                let i = self.fresh("i");
                self.line(&format!("uint32_t {ptr} = 0;"));
                self.line(&format!(
                    "trap = {p}_alloc(cx, &mem, {list}.len, {size}, {align}, &{ptr});"
                ));
                self.line("if (trap) goto fail;");
                self.line(&format!("for (size_t {i} = 0; {i} < {list}.len; {i}++) {{"));
                if let Some(elem) = &block.elem {
                    let cty = self.c_type(element);
                    self.line(&format!("{cty} {elem} = {list}.ptr[{i}];"));
                }
                if let Some(base) = &block.base {
                    self.line(&format!(
                        "uint32_t {base} = {ptr} + (uint32_t){i} * {size};"
                    ));
                }
                self.b.append(&block.code);
                self.line("}");
                results.push(ptr);
                results.push(format!("(uint32_t){list}.len"));
            }
            I::StringLift => {
                let t = self.fresh("t");
                self.line(&format!("{p}_string_t {t};"));
                self.line(&format!(
                    "{t}.ptr = {p}_lift_string(&mem, {}, {}, &err);",
                    operands[0], operands[1]
                ));
                self.line(&format!("{t}.len = {t}.ptr ? {} : 0;", operands[1]));
                results.push(t);
            }
            I::ListCanonLift { element, ty } => {
                let cty = self.names.type_name(*ty);
                let ety = self.c_type(element);
                let (size, align) = (self.size(element), self.align(element));
                let t = self.fresh("t");
                self.line(&format!("{cty} {t};"));
                self.line(&format!(
                    "{t}.ptr = ({ety} *){p}_lift_bytes(&mem, {}, {}, {size}, {align}, &err);",
                    operands[0], operands[1]
                ));
                self.line(&format!("{t}.len = {t}.ptr ? {} : 0;", operands[1]));
                results.push(t);
            }
            I::ListLift { element, ty } => {
                let block = self.take_blocks(1).pop().unwrap();
                let cty = self.names.type_name(*ty);
                let ety = self.c_type(element);
                let (size, align) = (self.size(element), self.align(element));
                let (ptr, len) = (&operands[0], &operands[1]);
                let t = self.fresh("t");
                let i = self.fresh("i");
                self.line(&format!("{cty} {t};"));
                self.line(&format!(
                    "{t}.ptr = ({ety} *){p}_lift_array(&mem, {ptr}, {len}, {size}, {align}, sizeof({ety}), &err);"
                ));
                self.line(&format!("{t}.len = {t}.ptr ? {len} : 0;"));
                self.line(&format!("for (size_t {i} = 0; {i} < {t}.len; {i}++) {{"));
                if let Some(base) = &block.base {
                    self.line(&format!(
                        "uint32_t {base} = {ptr} + (uint32_t){i} * {size};"
                    ));
                }
                self.b.append(&block.code);
                self.line(&format!("{t}.ptr[{i}] = {};", block.results[0]));
                self.line("}");
                results.push(t);
            }
            I::IterElem { .. } => {
                results.push(self.b.elem_name());
            }
            I::IterBasePointer => {
                results.push(self.b.base_name());
            }
            I::RecordLower { record, .. } => {
                for f in &record.fields {
                    results.push(format!("{}.{}", operands[0], snake(&f.name)));
                }
            }
            I::RecordLift { record, ty, .. } => {
                let cty = self.names.type_name(*ty);
                let fields: Vec<String> = record
                    .fields
                    .iter()
                    .zip(operands.iter())
                    .map(|(f, v)| format!(".{} = {v}", snake(&f.name)))
                    .collect();
                results.push(self.bind(&cty, &format!("{{ {} }}", fields.join(", "))));
            }
            I::TupleLower { tuple, .. } => {
                for i in 0..tuple.types.len() {
                    results.push(format!("{}.f{i}", operands[0]));
                }
            }
            I::TupleLift { ty, .. } => {
                let cty = self.names.type_name(*ty);
                let fields: Vec<String> = operands
                    .iter()
                    .enumerate()
                    .map(|(i, v)| format!(".f{i} = {v}"))
                    .collect();
                results.push(self.bind(&cty, &format!("{{ {} }}", fields.join(", "))));
            }
            I::HandleLower { handle, .. } => {
                let resource = self.resource_of(handle);
                let own = matches!(handle, Handle::Own(_));
                let h = self.fresh("h");
                let ty = self.types.resource_type(resource);
                self.line(&format!("uint32_t {h} = 0;"));
                if self.names.analysis.is_host_resource(resource) {
                    let r = self.fresh("r");
                    self.line(&format!(
                        "kiln_component_resource_t *{r} = kiln_component_resource_new_host({ty}, {}.rep, {own});",
                        operands[0]
                    ));
                    self.line(&format!(
                        "trap = kiln_component_cx_resource_lower(cx, {ty}, {r}, {own}, &{h});"
                    ));
                    self.line(&format!("kiln_component_resource_delete({r});"));
                } else {
                    self.line(&format!(
                        "trap = kiln_component_cx_resource_lower(cx, {ty}, {}.handle, {own}, &{h});",
                        operands[0]
                    ));
                }
                self.line("if (trap) goto fail;");
                results.push(format!("(int32_t){h}"));
            }
            I::HandleLift { handle, .. } => {
                let resource = self.resource_of(handle);
                let own = matches!(handle, Handle::Own(_));
                let ty = self.types.resource_type(resource);
                let cty = if own {
                    self.names.own_name(resource)
                } else {
                    self.names.borrow_name(resource)
                };
                let r = self.fresh("r");
                self.line(&format!("kiln_component_resource_t *{r} = NULL;"));
                self.line(&format!(
                    "trap = kiln_component_cx_resource_lift(cx, {ty}, (uint32_t)({}), {own}, &{r});",
                    operands[0]
                ));
                self.line("if (trap) goto fail;");
                if self.names.analysis.is_host_resource(resource) {
                    let rep = self.fresh("rep");
                    self.line(&format!("uint32_t {rep} = 0;"));
                    self.line(&format!("kiln_component_resource_host_rep({r}, &{rep});"));
                    self.line(&format!("kiln_component_resource_delete({r});"));
                    results.push(self.bind(&cty, &format!("{{ {rep} }}")));
                } else {
                    results.push(self.bind(&cty, &format!("{{ {r} }}")));
                }
            }
            I::FlagsLower { .. } => results.push(format!("(int32_t)({})", operands[0])),
            I::FlagsLift { flags, ty, .. } => {
                let cty = self.names.type_name(*ty);
                let mask: u64 = if flags.flags.len() >= 32 {
                    u32::MAX as u64
                } else {
                    (1u64 << flags.flags.len()) - 1
                };
                results.push(self.bind(
                    &cty,
                    &format!("({cty})((uint32_t)({}) & {mask:#x}u)", operands[0]),
                ));
            }
            I::EnumLower { .. } => results.push(format!("(int32_t)({})", operands[0])),
            I::EnumLift { enum_, ty, .. } => {
                let cty = self.names.type_name(*ty);
                let n = enum_.cases.len();
                self.line(&format!(
                    "if ((uint32_t)({0}) >= {n}u) {p}_error_fmt(&err, \"invalid enum discriminant %u\", (unsigned)({0}));",
                    operands[0]
                ));
                results.push(self.bind(&cty, &format!("({cty})({})", operands[0])));
            }
            I::VariantPayloadName => {
                results.push(self.b.payload_name());
            }
            I::VariantLower {
                variant,
                results: tys,
                ..
            } => {
                let x = &operands[0];
                let cases: Vec<(Option<String>, Option<Type>)> = variant
                    .cases
                    .iter()
                    .map(|c| (c.ty.map(|_| format!("{x}.val.{}", snake(&c.name))), c.ty))
                    .collect();
                results.extend(self.lower_cases(&format!("{x}.tag"), &cases, tys));
            }
            I::OptionLower {
                payload,
                results: tys,
                ..
            } => {
                let x = &operands[0];
                let cases = vec![(None, None), (Some(format!("{x}.val")), Some(**payload))];
                results.extend(self.lower_cases(&format!("{x}.is_some"), &cases, tys));
            }
            I::ResultLower {
                result,
                results: tys,
                ..
            } => {
                let x = &operands[0];
                let cases = vec![
                    (result.ok.map(|_| format!("{x}.val.ok")), result.ok),
                    (result.err.map(|_| format!("{x}.val.err")), result.err),
                ];
                results.extend(self.lower_cases(&format!("{x}.is_err"), &cases, tys));
            }
            I::VariantLift { variant, ty, .. } => {
                let cty = self.names.type_name(*ty);
                let names: Vec<(String, bool)> = variant
                    .cases
                    .iter()
                    .map(|c| (snake(&c.name), c.ty.is_some()))
                    .collect();
                let assign = move |i: usize, r: Option<&String>| {
                    let mut v = vec![format!(".tag = {i}")];
                    if let (true, Some(r)) = (names[i].1, r) {
                        v.push(format!(".val.{} = {r}", names[i].0));
                    }
                    v
                };
                let t =
                    self.lift_cases("variant", &operands[0], &cty, variant.cases.len(), &assign);
                results.push(t);
            }
            I::OptionLift { ty, .. } => {
                let cty = self.names.type_name(*ty);
                let assign = |i: usize, r: Option<&String>| match (i, r) {
                    (1, Some(r)) => vec![".is_some = true".to_string(), format!(".val = {r}")],
                    _ => vec![".is_some = false".to_string()],
                };
                let t = self.lift_cases("option", &operands[0], &cty, 2, &assign);
                results.push(t);
            }
            I::ResultLift { result, ty } => {
                let cty = self.names.type_name(*ty);
                let (has_ok, has_err) = (result.ok.is_some(), result.err.is_some());
                let assign = move |i: usize, r: Option<&String>| {
                    let mut v = vec![format!(".is_err = {}", i == 1)];
                    match (i, r) {
                        (0, Some(r)) if has_ok => v.push(format!(".val.ok = {r}")),
                        (1, Some(r)) if has_err => v.push(format!(".val.err = {r}")),
                        _ => {}
                    }
                    v
                };
                let t = self.lift_cases("result", &operands[0], &cty, 2, &assign);
                results.push(t);
            }
            I::CallWasm { sig, .. } => {
                let n = sig.params.len().max(sig.results.len()).max(1);
                self.line("if (err) goto fail;");
                self.line(&format!("kiln_val_raw_t slots[{n}];"));
                self.line("memset(slots, 0, sizeof slots);");
                for (i, (t, op)) in sig.params.iter().zip(operands.iter()).enumerate() {
                    self.line(&format!("slots[{i}].{} = {op};", slot_field(*t)));
                }
                self.line(&format!("trap = kiln_component_cx_call(cx, slots, {n});"));
                self.line("if (trap) goto fail;");
                self.line(&format!("{p}_mem_refresh(cx, &mem);"));
                for (i, t) in sig.results.iter().enumerate() {
                    let expr = match t {
                        WasmType::Pointer | WasmType::Length => format!("(uint32_t)slots[{i}].i32"),
                        _ => format!("slots[{i}].{}", slot_field(*t)),
                    };
                    results.push(self.bind(wasm_c_type(*t), &expr));
                }
            }
            I::CallInterface { func, .. } => {
                self.line("if (err) goto fail;");
                let mut args = vec!["data".to_string()];
                for (param, op) in func.params.iter().zip(operands.iter()) {
                    let cty = self.c_type(&param.ty);
                    if by_pointer(resolve, &param.ty) {
                        let a = self.bind(&cty, op);
                        args.push(format!("&{a}"));
                    } else {
                        args.push(op.clone());
                    }
                }
                // `ret` is declared and zeroed at the top of the function,
                // so that the epilogue may free it on every path.
                if func.result.is_some() {
                    args.push("&ret".to_string());
                    results.push("ret".to_string());
                }
                let host_fn = self.host_fn.clone();
                self.line(&format!("trap = {host_fn}({});", args.join(", ")));
                self.line("if (trap) goto fail;");
            }
            I::Return { amt, .. } => match self.side {
                HostSide::CallExport => {
                    if *amt == 1 {
                        let ty = self.func.func.result.expect("one result");
                        let cty = self.c_type(&ty);
                        let res = self.bind(&cty, &operands[0]);
                        self.line("if (err) {");
                        if self.names.needs_free(&ty) {
                            let free = self.names.free_fn(&cty);
                            self.line(&format!("{free}(&{res});"));
                        }
                        self.line("goto fail;");
                        self.line("}");
                        self.line(&format!("*ret = {res};"));
                    } else {
                        self.line("if (err) goto fail;");
                    }
                }
                HostSide::ImplementImport => {
                    let sig = &self.func.sig;
                    let fields: Vec<&str> = sig.results.iter().map(|t| slot_field(*t)).collect();
                    for (i, (field, op)) in fields.iter().zip(operands.iter()).enumerate() {
                        self.line(&format!("slots[{i}].{field} = {op};"));
                    }
                    self.line("if (err) goto fail;");
                }
            },
            I::Malloc { size, align, .. } => {
                let ptr = self.fresh("ptr");
                self.line(&format!("uint32_t {ptr} = 0;"));
                self.line(&format!(
                    "trap = {p}_alloc(cx, &mem, 1, {}, {}, &{ptr});",
                    size.size_wasm32(),
                    align.align_wasm32()
                ));
                self.line("if (trap) goto fail;");
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

    fn is_list_canonical(&self, resolve: &Resolve, element: &Type) -> bool {
        crate::abi::is_canonical_element(resolve, element)
    }
}

/// Whether a value of `ty` is passed to and from C functions by pointer:
/// everything but the scalars, enums, flags and handles.
pub fn by_pointer(resolve: &Resolve, ty: &Type) -> bool {
    match ty {
        Type::String => true,
        Type::Id(id) => match &resolve.types[*id].kind {
            TypeDefKind::Type(t) => by_pointer(resolve, t),
            TypeDefKind::Enum(_) | TypeDefKind::Flags(_) | TypeDefKind::Handle(_) => false,
            TypeDefKind::Resource => false,
            _ => true,
        },
        _ => false,
    }
}
