//! The bodies of the Rust glue's calls over `kiln::component`'s typed path:
//! each value is lowered into flat core values and the guest's memory, and
//! lifted back, by the code the canonical ABI's instructions
//! ([`crate::abi::host_call`]) spell, through a `FlatContext`; no `Val` in
//! between.
//!
//! A lowered list element is assembled in a local buffer (`baseN_buf`, as
//! big as the element) and copied into the guest's memory once complete:
//! one bounds check per element instead of one per field. Only a guest
//! whose `realloc`, called for an element's string, looks at the list
//! being filled (or hands out memory overlapping it) could tell; see
//! RATIONALE.md.
//!
//! Lowering works on references (an argument `a` is `&a`, a field
//! `&x.f`, a list element `e` of `x.iter()`), lifting on owned values; flat
//! core values are `i32`, `i64`, `f32` and `f64`.

use super::names::{camel, snake, Mode, Names};
use crate::abi::{HostSide, WasmType};
use crate::analysis::Func;
use crate::blocks::{Block, Blocks};
use std::collections::HashSet;
use wit_bindgen_core::abi::{Bindgen, Bitcast, Instruction};
use wit_parser::{Alignment, ArchitectureSize, Handle, Resolve, SizeAlign, Type, TypeId};

/// The Rust type of a flat core value.
pub fn wasm_type(t: WasmType) -> &'static str {
    match t {
        WasmType::I32 | WasmType::Pointer | WasmType::Length => "i32",
        WasmType::I64 | WasmType::PointerOrI64 => "i64",
        WasmType::F32 => "f32",
        WasmType::F64 => "f64",
    }
}

/// The tuple of core parameter types, or the core result type, of a call.
pub fn core_types(tys: &[WasmType], tuple: bool) -> String {
    let items: Vec<&str> = tys.iter().map(|t| wasm_type(*t)).collect();
    match (items.len(), tuple) {
        (0, _) => "()".into(),
        (1, false) => items[0].into(),
        (1, true) => format!("({},)", items[0]),
        _ => format!("({})", items.join(", ")),
    }
}

/// A lifted variant's case: its value from the block's result.
type Arm = Box<dyn Fn(Option<&String>) -> String>;

/// One function's glue.
pub struct FlatGen<'a> {
    names: &'a Names<'a>,
    func: &'a Func,
    side: HostSide,
    /// The module the code is in.
    from: &'a [String],
    /// The expressions `GetArg` reads.
    params: Vec<String>,
    /// How a guest resource's type is reached (`self.counter_ty`).
    guest_types: &'a dyn Fn(TypeId) -> String,
    /// The host trait call (`ImplementImport`): `Trait::method`.
    host_call: String,
    b: Blocks,
    /// The names of list elements' addresses (`IterBasePointer`): stores
    /// to them go to the element's buffer.
    elem_bases: HashSet<String>,
    /// The element addresses that some store wrote to, whose buffers the
    /// lists' loops declare and copy into memory.
    buffered: HashSet<String>,
    /// With `CallExport`: the lowering closure's body, once `CallWasm` ends it.
    pub lower: Option<String>,
}

impl<'a> FlatGen<'a> {
    pub fn new(
        names: &'a Names<'a>,
        func: &'a Func,
        from: &'a [String],
        params: Vec<String>,
        guest_types: &'a dyn Fn(TypeId) -> String,
        host_call: String,
    ) -> FlatGen<'a> {
        FlatGen {
            names,
            func,
            side: HostSide::of(func),
            from,
            params,
            guest_types,
            host_call,
            b: Blocks::default(),
            elem_bases: HashSet::new(),
            buffered: HashSet::new(),
            lower: None,
        }
    }

    /// The code after `CallWasm` (the lifting closure's body), or all of it
    /// for an import.
    pub fn finish(self) -> String {
        self.b.src.finish()
    }

    fn fresh(&mut self, base: &str) -> String {
        self.b.fresh(base)
    }

    fn bind(&mut self, expr: &str) -> String {
        let name = self.fresh("t");
        self.b.src.line(&format!("let {name} = {expr};"));
        name
    }

    fn line(&mut self, s: &str) {
        self.b.src.line(s);
    }

    fn size(&self, ty: &Type) -> usize {
        self.names.analysis.sizes().size(ty).size_wasm32()
    }

    fn align(&self, ty: &Type) -> usize {
        self.names.analysis.sizes().align(ty).align_wasm32()
    }

    fn path(&self, id: TypeId) -> String {
        self.names.type_path(id, self.from)
    }

    fn rust_type(&self, ty: &Type) -> String {
        self.names.ty(ty, self.from, Mode::Owned)
    }

    fn resource_type(&self, resource: TypeId) -> String {
        if self.names.analysis.is_host_resource(resource) {
            format!(
                "::kiln::component::ResourceType::host::<{}>()",
                self.path(resource)
            )
        } else {
            format!("&{}", (self.guest_types)(resource))
        }
    }

    fn take_blocks(&mut self, n: usize) -> Vec<Block> {
        self.b.take(n)
    }

    fn push_code(&mut self, code: &str) {
        self.b.append(code);
    }

    fn load(&mut self, helper: &str, cast: &str, addr: &str, offset: ArchitectureSize) -> String {
        let expr = format!(
            "rt::load_{helper}(cx, {addr}, {})?{cast}",
            offset.size_wasm32()
        );
        self.bind(&expr)
    }

    fn store(&mut self, helper: &str, value: &str, addr: &str, offset: ArchitectureSize) {
        let offset = offset.size_wasm32();
        if self.elem_bases.contains(addr) {
            self.buffered.insert(addr.to_string());
            self.line(&format!(
                "rt::put_{helper}(&mut {addr}_buf, {offset}, {value});"
            ));
        } else {
            self.line(&format!(
                "rt::store_{helper}(cx, {addr}, {offset}, {value})?;"
            ));
        }
    }

    /// `match x { arms }` lowering a variant: each arm binds its payload and
    /// yields the block's results.
    fn lower_match(
        &mut self,
        x: &str,
        arms: Vec<String>,
        result_types: &[WasmType],
    ) -> Vec<String> {
        let blocks = self.take_blocks(arms.len());
        let results: Vec<String> = result_types.iter().map(|_| self.fresh("v")).collect();
        let tuple = |items: &[String]| match items.len() {
            1 => items[0].clone(),
            _ => format!("({})", items.join(", ")),
        };
        let head = if results.is_empty() {
            format!("match {x} {{")
        } else {
            format!("let {} = match {x} {{", tuple(&results))
        };
        self.line(&head);
        for (pattern, block) in arms.iter().zip(&blocks) {
            let payload = block.payload.clone().unwrap_or_default();
            let pattern = pattern.replace("PAYLOAD", &payload);
            self.line(&format!("{pattern} => {{"));
            self.push_code(&block.code);
            if !results.is_empty() {
                let r = tuple(&block.results);
                self.line(&r);
            }
            self.line("}");
        }
        self.line(if results.is_empty() { "}" } else { "};" });
        results
    }

    /// `match d { i => { block; value } ... }` lifting a variant.
    fn lift_match(&mut self, d: &str, what: &str, arms: Vec<Arm>) -> String {
        let blocks = self.take_blocks(arms.len());
        let t = self.fresh("t");
        self.line(&format!("let {t} = match {d} {{"));
        for (i, (arm, block)) in arms.iter().zip(&blocks).enumerate() {
            self.line(&format!("{i} => {{"));
            self.push_code(&block.code);
            let value = arm(block.results.first());
            self.line(&value);
            self.line("}");
        }
        self.line(&format!(
            "d => return Err(rt::invalid_discriminant({what:?}, d as u32)),"
        ));
        self.line("};");
        t
    }
}

fn bitcast(cast: &Bitcast, op: &str) -> String {
    match cast {
        Bitcast::None => op.to_string(),
        Bitcast::F32ToI32 => format!("({op}).to_bits() as i32"),
        Bitcast::I32ToF32 => format!("f32::from_bits(({op}) as u32)"),
        Bitcast::F64ToI64 => format!("({op}).to_bits() as i64"),
        Bitcast::I64ToF64 => format!("f64::from_bits(({op}) as u64)"),
        Bitcast::I32ToI64 => format!("(({op}) as u32 as i64)"),
        Bitcast::I64ToI32 => format!("(({op}) as i32)"),
        Bitcast::F32ToI64 => format!("(({op}).to_bits() as i64)"),
        Bitcast::I64ToF32 => format!("f32::from_bits(({op}) as u32)"),
        Bitcast::P64ToI64 | Bitcast::I64ToP64 | Bitcast::LToI64 | Bitcast::I64ToL => {
            format!("(({op}) as i64)")
        }
        Bitcast::PToP64 => format!("(({op}) as u32 as i64)"),
        Bitcast::P64ToP
        | Bitcast::I32ToP
        | Bitcast::LToP
        | Bitcast::PToI32
        | Bitcast::PToL
        | Bitcast::I32ToL
        | Bitcast::LToI32 => format!("(({op}) as i32)"),
        Bitcast::Sequence(seq) => bitcast(&seq[1], &bitcast(&seq[0], op)),
    }
}

/// The expression reading flat argument `nth` of type `t` from `slots`.
pub fn from_slot(t: WasmType, nth: usize) -> String {
    match t {
        WasmType::I32 | WasmType::Pointer | WasmType::Length => {
            format!("slots[{nth}] as u32 as i32")
        }
        WasmType::I64 | WasmType::PointerOrI64 => format!("slots[{nth}] as u64 as i64"),
        WasmType::F32 => format!("f32::from_bits(slots[{nth}] as u32)"),
        WasmType::F64 => format!("f64::from_bits(slots[{nth}] as u64)"),
    }
}

fn to_slot(t: WasmType, v: &str) -> String {
    match t {
        WasmType::I32 | WasmType::Pointer | WasmType::Length => format!("({v}) as u32 as u128"),
        WasmType::I64 | WasmType::PointerOrI64 => format!("({v}) as u64 as u128"),
        WasmType::F32 => format!("({v}).to_bits() as u128"),
        WasmType::F64 => format!("({v}).to_bits() as u128"),
    }
}

impl Bindgen for FlatGen<'_> {
    type Operand = String;

    fn emit(
        &mut self,
        resolve: &Resolve,
        inst: &Instruction<'_>,
        operands: &mut Vec<String>,
        results: &mut Vec<String>,
    ) {
        use Instruction as I;
        let op = operands.first().cloned().unwrap_or_default();
        match inst {
            I::GetArg { nth } => results.push(self.params[*nth].clone()),
            I::I32Const { val } => results.push(format!("{val}i32")),
            I::Bitcasts { casts } => {
                for (cast, op) in casts.iter().zip(operands.iter()) {
                    results.push(bitcast(cast, op));
                }
            }
            I::ConstZero { tys } => {
                for t in tys.iter() {
                    results.push(format!("0{}", wasm_type(*t)));
                }
            }
            I::I32Load { offset } | I::PointerLoad { offset } | I::LengthLoad { offset } => {
                results.push(self.load("i32", "", &op, *offset))
            }
            I::I32Load8U { offset } => results.push(self.load("u8", " as i32", &op, *offset)),
            I::I32Load8S { offset } => results.push(self.load("i8", " as i32", &op, *offset)),
            I::I32Load16U { offset } => results.push(self.load("u16", " as i32", &op, *offset)),
            I::I32Load16S { offset } => results.push(self.load("i16", " as i32", &op, *offset)),
            I::I64Load { offset } => results.push(self.load("i64", "", &op, *offset)),
            I::F32Load { offset } => results.push(self.load("f32", "", &op, *offset)),
            I::F64Load { offset } => results.push(self.load("f64", "", &op, *offset)),
            I::I32Store { offset } | I::PointerStore { offset } | I::LengthStore { offset } => {
                self.store("i32", &op, &operands[1], *offset)
            }
            I::I32Store8 { offset } => {
                self.store("u8", &format!("({op}) as u8"), &operands[1], *offset)
            }
            I::I32Store16 { offset } => {
                self.store("u16", &format!("({op}) as u16"), &operands[1], *offset)
            }
            I::I64Store { offset } => self.store("i64", &op, &operands[1], *offset),
            I::F32Store { offset } => self.store("f32", &op, &operands[1], *offset),
            I::F64Store { offset } => self.store("f64", &op, &operands[1], *offset),

            // Lowering: the operand is a reference.
            I::I32FromChar
            | I::I32FromU32
            | I::I32FromS32
            | I::I32FromU16
            | I::I32FromS16
            | I::I32FromU8
            | I::I32FromS8
            | I::I32FromBool => results.push(format!("(*{op} as i32)")),
            I::I64FromU64 | I::I64FromS64 => results.push(format!("(*{op} as i64)")),
            I::CoreF32FromF32 | I::CoreF64FromF64 => results.push(format!("(*{op})")),
            // Lifting: the operand is a core value.
            I::S8FromI32 => results.push(format!("(({op}) as i8)")),
            I::U8FromI32 => results.push(format!("(({op}) as u8)")),
            I::S16FromI32 => results.push(format!("(({op}) as i16)")),
            I::U16FromI32 => results.push(format!("(({op}) as u16)")),
            I::S32FromI32 | I::S64FromI64 | I::F32FromCoreF32 | I::F64FromCoreF64 => {
                results.push(op)
            }
            I::U32FromI32 => results.push(format!("(({op}) as u32)")),
            I::U64FromI64 => results.push(format!("(({op}) as u64)")),
            I::CharFromI32 => {
                let t = self.bind(&format!("rt::lift_char({op})?"));
                results.push(t);
            }
            I::BoolFromI32 => results.push(format!("(({op}) != 0)")),

            I::StringLower { .. } => {
                let (p, l) = (self.fresh("ptr"), self.fresh("len"));
                self.line(&format!("let ({p}, {l}) = cx.store_string({op})?;"));
                results.push(format!("({p} as i32)"));
                results.push(format!("({l} as i32)"));
            }
            I::ListCanonLower { .. } => {
                let (p, l) = (self.fresh("ptr"), self.fresh("len"));
                self.line(&format!("let ({p}, {l}) = rt::lower_canon(cx, {op})?;"));
                results.push(p);
                results.push(l);
            }
            I::ListLower { element, .. } => {
                let block = self.take_blocks(1).pop().unwrap();
                let (size, align) = (self.size(element), self.align(element));
                let (p, i) = (self.fresh("ptr"), self.fresh("i"));
                self.line(&format!(
                    "let {p} = cx.realloc({align}, rt::list_bytes(({op}).len(), {size})?)?;"
                ));
                let elem = block.elem.clone().unwrap_or_else(|| "_".into());
                self.line(&format!(
                    "for ({i}, {elem}) in ({op}).iter().enumerate() {{"
                ));
                let buffered = block.base.as_ref().filter(|b| self.buffered.contains(*b));
                if let Some(base) = &block.base {
                    self.line(&format!("let {base} = ({p} + {i} as u32 * {size}) as i32;"));
                }
                if let Some(base) = buffered {
                    self.line(&format!("let mut {base}_buf = [0u8; {size}];"));
                }
                self.push_code(&block.code);
                if let Some(base) = buffered {
                    self.line(&format!("rt::store_bytes(cx, {base}, &{base}_buf)?;"));
                }
                self.line("}");
                results.push(format!("({p} as i32)"));
                results.push(format!("(({op}).len() as i32)"));
            }
            I::StringLift => {
                let t = self.bind(&format!(
                    "cx.load_string({} as u32, {} as u32)?",
                    operands[0], operands[1]
                ));
                results.push(t);
            }
            I::ListCanonLift { element, .. } => {
                let ety = self.rust_type(element);
                let t = self.bind(&format!(
                    "rt::lift_canon::<_, {ety}>(cx, {}, {})?",
                    operands[0], operands[1]
                ));
                results.push(t);
            }
            I::ListLift { element, .. } => {
                let block = self.take_blocks(1).pop().unwrap();
                let (size, align) = (self.size(element), self.align(element));
                let (ptr, len) = (&operands[0], &operands[1]);
                let (t, i) = (self.fresh("t"), self.fresh("i"));
                self.line(&format!(
                    "cx.list({ptr} as u32, {len} as u32, {size}, {align})?;"
                ));
                self.line(&format!(
                    "let mut {t} = Vec::with_capacity({len} as u32 as usize);"
                ));
                self.line(&format!("for {i} in 0..{len} as u32 {{"));
                if let Some(base) = &block.base {
                    self.line(&format!(
                        "let {base} = ({ptr} as u32 + {i} * {size}) as i32;"
                    ));
                }
                self.push_code(&block.code);
                self.line(&format!("{t}.push({});", block.results[0]));
                self.line("}");
                results.push(t);
            }
            I::IterElem { .. } => {
                results.push(self.b.elem_name());
            }
            I::IterBasePointer => {
                let base = self.b.base_name();
                self.elem_bases.insert(base.clone());
                results.push(base);
            }
            I::RecordLower { record, .. } => {
                for f in &record.fields {
                    results.push(format!("(&({op}).{})", snake(&f.name)));
                }
            }
            I::RecordLift { record, ty, .. } => {
                let path = self.path(*ty);
                let fields: Vec<String> = record
                    .fields
                    .iter()
                    .zip(operands.iter())
                    .map(|(f, v)| format!("{}: {v}", snake(&f.name)))
                    .collect();
                let t = self.bind(&format!("{path} {{ {} }}", fields.join(", ")));
                results.push(t);
            }
            I::TupleLower { tuple, .. } => {
                for i in 0..tuple.types.len() {
                    results.push(format!("(&({op}).{i})"));
                }
            }
            I::TupleLift { .. } => {
                let t = self.bind(&format!("({},)", operands.join(", ")));
                results.push(t);
            }
            I::HandleLower { handle, .. } => {
                let (Handle::Own(r) | Handle::Borrow(r)) = handle;
                let r = wit_bindgen_core::dealias(resolve, *r);
                let own = matches!(handle, Handle::Own(_));
                let ty = self.resource_type(r);
                let method = if own { "lower_own" } else { "lower_borrow" };
                let h = if self.names.analysis.is_host_resource(r) {
                    let ty_var = self.bind(&ty);
                    format!(
                        "cx.{method}(&rt::host_handle(&{ty_var}, ({op}).rep(), {own})?, &{ty_var})?"
                    )
                } else {
                    format!("cx.{method}(({op}).as_resource(), {ty})?")
                };
                let t = self.bind(&format!("{h} as i32"));
                results.push(t);
            }
            I::HandleLift { handle, .. } => {
                let (Handle::Own(r) | Handle::Borrow(r)) = handle;
                let r = wit_bindgen_core::dealias(resolve, *r);
                let own = matches!(handle, Handle::Own(_));
                let method = if own { "lift_own" } else { "lift_borrow" };
                let path = self.path(r);
                let expr = if self.names.analysis.is_host_resource(r) {
                    let ty = self.resource_type(r);
                    format!("{path}::new(rt::rep(&cx.{method}({op} as u32, &{ty})?)?)")
                } else {
                    let ty = self.resource_type(r);
                    format!("{path}::from_resource(cx.{method}({op} as u32, {ty})?)")
                };
                let t = self.bind(&expr);
                results.push(t);
            }
            I::FlagsLower { .. } => results.push(format!("(({op}).bits() as i32)")),
            I::FlagsLift { flags, ty, .. } => {
                let path = self.path(*ty);
                let int = super::types::flags_int(flags);
                results.push(format!("{path}::from_bits_truncate(({op}) as {int})"));
            }
            I::EnumLower { .. } => results.push(format!("(*{op} as i32)")),
            I::EnumLift { ty, .. } => {
                let path = self.path(*ty);
                let t = self.bind(&format!(
                    "*{path}::CASES.get({op} as u32 as usize).ok_or_else(|| rt::invalid_discriminant(\"enum\", {op} as u32))?"
                ));
                results.push(t);
            }
            I::VariantPayloadName => {
                results.push(self.b.payload_name());
            }
            I::VariantLower {
                variant,
                ty,
                results: tys,
                ..
            } => {
                let path = self.path(*ty);
                let arms = variant
                    .cases
                    .iter()
                    .map(|c| match c.ty {
                        Some(_) => format!("{path}::{}(PAYLOAD)", camel(&c.name)),
                        None => format!("{path}::{}", camel(&c.name)),
                    })
                    .collect();
                results.extend(self.lower_match(&op, arms, tys));
            }
            I::OptionLower { results: tys, .. } => {
                let arms = vec!["None".to_string(), "Some(PAYLOAD)".to_string()];
                results.extend(self.lower_match(&op, arms, tys));
            }
            I::ResultLower {
                result,
                results: tys,
                ..
            } => {
                let arms = vec![
                    if result.ok.is_some() {
                        "Ok(PAYLOAD)"
                    } else {
                        "Ok(_)"
                    }
                    .to_string(),
                    if result.err.is_some() {
                        "Err(PAYLOAD)"
                    } else {
                        "Err(_)"
                    }
                    .to_string(),
                ];
                results.extend(self.lower_match(&op, arms, tys));
            }
            I::VariantLift { variant, ty, .. } => {
                let path = self.path(*ty);
                let arms: Vec<Arm> = variant
                    .cases
                    .iter()
                    .map(|c| {
                        let name = format!("{path}::{}", camel(&c.name));
                        let has = c.ty.is_some();
                        Box::new(move |r: Option<&String>| match (has, r) {
                            (true, Some(r)) => format!("{name}({r})"),
                            _ => name.clone(),
                        }) as Arm
                    })
                    .collect();
                let t = self.lift_match(&op, "variant", arms);
                results.push(t);
            }
            I::OptionLift { .. } => {
                let arms: Vec<Arm> = vec![
                    Box::new(|_| "None".to_string()),
                    Box::new(|r| format!("Some({})", r.cloned().unwrap_or_default())),
                ];
                let t = self.lift_match(&op, "option", arms);
                results.push(t);
            }
            I::ResultLift { result, .. } => {
                let (has_ok, has_err) = (result.ok.is_some(), result.err.is_some());
                let arms: Vec<Arm> = vec![
                    Box::new(move |r| match (has_ok, r) {
                        (true, Some(r)) => format!("Ok({r})"),
                        _ => "Ok(())".to_string(),
                    }),
                    Box::new(move |r| match (has_err, r) {
                        (true, Some(r)) => format!("Err({r})"),
                        _ => "Err(())".to_string(),
                    }),
                ];
                let t = self.lift_match(&op, "result", arms);
                results.push(t);
            }
            I::CallWasm { sig, .. } => {
                // The end of the lowering closure, the start of the lifting one.
                let params: Vec<String> = operands.clone();
                let tuple = match params.len() {
                    0 => "()".to_string(),
                    1 => format!("({},)", params[0]),
                    _ => format!("({})", params.join(", ")),
                };
                self.line(&format!("Ok({tuple})"));
                let lower = std::mem::take(&mut self.b.src).finish();
                self.lower = Some(lower);
                if sig.results.len() == 1 {
                    results.push("ret".to_string());
                }
            }
            I::CallInterface { func, .. } => {
                let mut args = vec!["host".to_string()];
                for (p, a) in func.params.iter().zip(operands.iter()) {
                    let ty = self.names.ty(&p.ty, self.from, Mode::ImportParam);
                    if ty.starts_with('&') {
                        args.push(format!("&{a}"));
                    } else {
                        args.push(a.clone());
                    }
                }
                self.line("let host = get(cx.data_mut());");
                let call = format!("{}({})?", self.host_call, args.join(", "));
                if func.result.is_some() {
                    self.line(&format!("let r = {call};"));
                    results.push("(&r)".to_string());
                } else {
                    self.line(&format!("{call};"));
                }
            }
            I::Return { amt, .. } => match self.side {
                HostSide::CallExport => {
                    if *amt == 1 {
                        self.line(&format!("Ok({op})"));
                    } else {
                        self.line("Ok(())");
                    }
                }
                HostSide::ImplementImport => {
                    let tys = self.func.sig.results.clone();
                    for (i, (t, v)) in tys.iter().zip(operands.iter()).enumerate() {
                        let slot = to_slot(*t, v);
                        self.line(&format!("slots[{i}] = {slot};"));
                    }
                    self.line("Ok(())");
                }
            },
            I::Malloc { size, align, .. } => {
                let t = self.bind(&format!(
                    "cx.realloc({}, {})? as i32",
                    align.align_wasm32(),
                    size.size_wasm32()
                ));
                results.push(t);
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
