//! The TypeScript of one function's canonical ABI glue, from the
//! instruction stream `wit-bindgen-core` produces
//! ([`crate::abi::host_call`]). Every result is bound to a fresh `const`,
//! so operands are names or constants. Guest memory is read and written
//! through the module's `DV`/`U8` views, shown again after anything that
//! may grow it (`alloc`, the core call).

use super::Names;
use crate::abi::{HostSide, WasmType};
use crate::analysis::Func;
use crate::blocks::Blocks;
use crate::source::Source;
use wit_bindgen_core::abi::{Bindgen, Bitcast, Instruction};
use wit_parser::{Alignment, ArchitectureSize, Handle, Resolve, SizeAlign, Type};

/// Makes the expression calling the host's implementation from the arguments.
pub type CallHost<'a> = Box<dyn Fn(&[String]) -> String + 'a>;

/// The generator of one function's glue.
pub struct FnGen<'a> {
    names: &'a Names<'a>,
    side: HostSide,
    params: Vec<String>,
    b: Blocks,
    /// The expression calling the host's implementation, given the
    /// arguments (`ImplementImport`).
    pub call_host: CallHost<'a>,
    result_types: Vec<WasmType>,
}

impl<'a> FnGen<'a> {
    pub fn new(names: &'a Names<'a>, func: &Func, params: Vec<String>) -> FnGen<'a> {
        FnGen {
            names,
            side: HostSide::of(func),
            params,
            b: Blocks::default(),
            call_host: Box::new(|_| String::new()),
            result_types: func.sig.results.clone(),
        }
    }

    pub fn finish(self) -> String {
        self.b.src.finish()
    }

    fn bind(&mut self, expr: &str) -> String {
        let name = self.b.fresh("t");
        self.b.src.line(&format!("const {name} = {expr};"));
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

    fn load(&mut self, method: &str, addr: &str, offset: ArchitectureSize) -> String {
        let le = if method.ends_with("8") { "" } else { ", true" };
        self.bind(&format!(
            "DV.{method}({addr} + {}{le})",
            offset.size_wasm32()
        ))
    }

    fn store(&mut self, method: &str, ops: &[String], offset: ArchitectureSize) {
        let le = if method.ends_with("8") { "" } else { ", true" };
        self.line(&format!(
            "DV.{method}({} + {}, {}{le});",
            ops[1],
            offset.size_wasm32(),
            ops[0]
        ));
    }

    /// Lowers a variant-like value: `arms` are (condition, payload
    /// expression) per case, in case order.
    fn lower_cases(&mut self, arms: &[(String, Option<String>)], tys: &[WasmType]) -> Vec<String> {
        let blocks = self.b.take(arms.len());
        let results: Vec<String> = tys
            .iter()
            .map(|t| {
                let name = self.b.fresh("v");
                self.line(&format!("let {name}: {} = {};", core_ts(*t), zero(*t)));
                name
            })
            .collect();
        for (i, (block, (cond, payload))) in blocks.iter().zip(arms).enumerate() {
            let head = if i == 0 {
                format!("if ({cond}) {{")
            } else if i + 1 == arms.len() {
                "} else {".to_string()
            } else {
                format!("}} else if ({cond}) {{")
            };
            self.line(&head);
            if let (Some(name), Some(expr)) = (&block.payload, payload) {
                self.line(&format!("const {name} = {expr};"));
            }
            self.b.append(&block.code);
            for (r, v) in results.iter().zip(&block.results) {
                self.line(&format!("{r} = {v};"));
            }
        }
        self.line("}");
        results
    }

    /// Lifts a variant-like value by discriminant: `make(i, result)` is the
    /// JS value of case `i`.
    fn lift_cases(
        &mut self,
        what: &str,
        disc: &str,
        n: usize,
        make: &dyn Fn(usize, Option<&String>) -> String,
    ) -> String {
        let blocks = self.b.take(n);
        let target = self.b.fresh("t");
        self.line(&format!("let {target};"));
        self.line(&format!("switch ({disc}) {{"));
        for (i, block) in blocks.iter().enumerate() {
            self.line(&format!("case {i}: {{"));
            self.b.append(&block.code);
            let v = make(i, block.results.first());
            self.line(&format!("{target} = {v};"));
            self.line("break;");
            self.line("}");
        }
        self.line("default:");
        self.line(&format!(
            "return trap(`invalid {what} discriminant ${{{disc} >>> 0}}`);"
        ));
        self.line("}");
        target
    }

    fn resource_expr(&self, handle: &Handle) -> (String, bool, bool) {
        let (Handle::Own(r) | Handle::Borrow(r)) = handle;
        let id = wit_bindgen_core::dealias(self.names.analysis.resolve(), *r);
        let own = matches!(handle, Handle::Own(_));
        let host = self.names.analysis.is_host_resource(id);
        (self.names.resource_var(id), own, host)
    }
}

/// The TS type of a flat core value.
fn core_ts(t: WasmType) -> &'static str {
    match t {
        WasmType::I64 | WasmType::PointerOrI64 => "bigint",
        _ => "number",
    }
}

fn zero(t: WasmType) -> &'static str {
    match t {
        WasmType::I64 | WasmType::PointerOrI64 => "0n",
        _ => "0",
    }
}

/// Reads flat value `i` of type `t` from the shared slots.
pub fn slot_read(t: WasmType, i: usize) -> String {
    match t {
        WasmType::I32 | WasmType::Pointer | WasmType::Length => format!("flat.i32[{}]", 2 * i),
        WasmType::I64 | WasmType::PointerOrI64 => format!("flat.i64[{i}]"),
        WasmType::F32 => format!("flat.f32[{}]", 2 * i),
        WasmType::F64 => format!("flat.f64[{i}]"),
    }
}

fn bitcast(cast: &Bitcast, op: &str) -> String {
    match cast {
        Bitcast::None => op.to_string(),
        Bitcast::F32ToI32 => format!("f32Bits({op})"),
        Bitcast::I32ToF32 => format!("f32FromBits({op})"),
        Bitcast::F64ToI64 => format!("f64Bits({op})"),
        Bitcast::I64ToF64 => format!("f64FromBits({op})"),
        Bitcast::I32ToI64 | Bitcast::PToP64 | Bitcast::LToI64 => format!("BigInt(({op}) >>> 0)"),
        Bitcast::I64ToI32 | Bitcast::P64ToP | Bitcast::I64ToL => {
            format!("Number(BigInt.asIntN(32, {op}))")
        }
        Bitcast::F32ToI64 => format!("BigInt(f32Bits({op}) >>> 0)"),
        Bitcast::I64ToF32 => format!("f32FromBits(Number(BigInt.asIntN(32, {op})))"),
        Bitcast::P64ToI64 | Bitcast::I64ToP64 => op.to_string(),
        Bitcast::I32ToP
        | Bitcast::LToP
        | Bitcast::PToI32
        | Bitcast::PToL
        | Bitcast::I32ToL
        | Bitcast::LToI32 => op.to_string(),
        Bitcast::Sequence(seq) => bitcast(&seq[1], &bitcast(&seq[0], op)),
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
        match inst {
            I::GetArg { nth } => results.push(self.params[*nth].clone()),
            I::I32Const { val } => results.push(format!("{val}")),
            I::Bitcasts { casts } => {
                for (cast, op) in casts.iter().zip(operands.iter()) {
                    if *cast == Bitcast::None {
                        results.push(op.clone());
                    } else {
                        let e = bitcast(cast, op);
                        results.push(self.bind(&e));
                    }
                }
            }
            I::ConstZero { tys } => results.extend(tys.iter().map(|t| zero(*t).to_string())),
            I::I32Load { offset } | I::PointerLoad { offset } | I::LengthLoad { offset } => {
                results.push(self.load("getInt32", &operands[0], *offset))
            }
            I::I32Load8U { offset } => results.push(self.load("getUint8", &operands[0], *offset)),
            I::I32Load8S { offset } => results.push(self.load("getInt8", &operands[0], *offset)),
            I::I32Load16U { offset } => results.push(self.load("getUint16", &operands[0], *offset)),
            I::I32Load16S { offset } => results.push(self.load("getInt16", &operands[0], *offset)),
            I::I64Load { offset } => results.push(self.load("getBigInt64", &operands[0], *offset)),
            I::F32Load { offset } => results.push(self.load("getFloat32", &operands[0], *offset)),
            I::F64Load { offset } => results.push(self.load("getFloat64", &operands[0], *offset)),
            I::I32Store { offset } | I::PointerStore { offset } | I::LengthStore { offset } => {
                self.store("setInt32", operands, *offset)
            }
            I::I32Store8 { offset } => self.store("setUint8", operands, *offset),
            I::I32Store16 { offset } => self.store("setUint16", operands, *offset),
            I::I64Store { offset } => self.store("setBigInt64", operands, *offset),
            I::F32Store { offset } => self.store("setFloat32", operands, *offset),
            I::F64Store { offset } => self.store("setFloat64", operands, *offset),

            I::I32FromChar => results.push(format!("charCode({})", operands[0])),
            I::I32FromU32 => results.push(format!("int({}, 0, 4294967295, 'u32')", operands[0])),
            I::I32FromS32 => results.push(format!(
                "int({}, -2147483648, 2147483647, 's32')",
                operands[0]
            )),
            I::I32FromU16 => results.push(format!("int({}, 0, 65535, 'u16')", operands[0])),
            I::I32FromS16 => results.push(format!("int({}, -32768, 32767, 's16')", operands[0])),
            I::I32FromU8 => results.push(format!("int({}, 0, 255, 'u8')", operands[0])),
            I::I32FromS8 => results.push(format!("int({}, -128, 127, 's8')", operands[0])),
            I::I64FromU64 => results.push(format!("u64({})", operands[0])),
            I::I64FromS64 => results.push(format!("s64({})", operands[0])),
            I::CoreF32FromF32 | I::CoreF64FromF64 => results.push(format!("num({})", operands[0])),
            I::F32FromCoreF32 | I::F64FromCoreF64 => results.push(operands[0].clone()),
            I::S8FromI32 => results.push(format!("(({} << 24) >> 24)", operands[0])),
            I::U8FromI32 => results.push(format!("({} & 0xff)", operands[0])),
            I::S16FromI32 => results.push(format!("(({} << 16) >> 16)", operands[0])),
            I::U16FromI32 => results.push(format!("({} & 0xffff)", operands[0])),
            I::S32FromI32 => results.push(format!("({} | 0)", operands[0])),
            I::U32FromI32 => results.push(format!("({} >>> 0)", operands[0])),
            I::S64FromI64 => results.push(operands[0].clone()),
            I::U64FromI64 => results.push(format!("BigInt.asUintN(64, {})", operands[0])),
            I::CharFromI32 => {
                let e = format!("liftChar({})", operands[0]);
                results.push(self.bind(&e))
            }
            I::BoolFromI32 => results.push(format!("({} !== 0)", operands[0])),
            I::I32FromBool => results.push(format!("({} ? 1 : 0)", operands[0])),

            I::StringLower { .. } => {
                let ptr = self.bind(&format!("lowerString({})", operands[0]));
                let len = self.bind("LEN");
                results.push(ptr);
                results.push(len);
            }
            I::ListCanonLower { element, .. } => {
                let size = self.size(element);
                let ctor = self.names.typed_array(element).expect("a number type");
                let list = &operands[0];
                let ptr = self.bind(&format!(
                    "lowerBytes({list} instanceof {ctor} ? {list} : {ctor}.from({list} as never), {size})"
                ));
                let len = self.bind("LEN");
                results.push(ptr);
                results.push(len);
            }
            I::StringLift => {
                let e = format!("liftString({}, {})", operands[0], operands[1]);
                results.push(self.bind(&e));
            }
            I::ListCanonLift { element, .. } => {
                let size = self.size(element);
                let ctor = self.names.typed_array(element).expect("a number type");
                let e = format!(
                    "new {ctor}(liftBytes({}, {}, {size}))",
                    operands[0], operands[1]
                );
                results.push(self.bind(&e));
            }
            I::ListLower { element, .. } => {
                let block = self.b.take(1).pop().expect("a block");
                let size = self.size(element);
                let align = self.align(element);
                let list = &operands[0];
                let batch = self.names.allocates(element);
                let outer = self.b.fresh("batch");
                if batch {
                    // The outermost list that allocates plans every
                    // allocation of its value and makes them in one call.
                    self.line(&format!("const {outer} = !BATCH;"));
                    self.line(&format!("if ({outer}) {{"));
                    self.line("BATCH = true;");
                    let mut plan = Source::default();
                    self.names.plan_list(element, list, &mut plan, &mut 0);
                    self.b.append(&plan.finish());
                    self.line("startBatch();");
                    self.line("}");
                }
                let ptr = self.bind(&format!("alloc({align}, {list}.length * {size})"));
                let i = self.b.fresh("i");
                self.line(&format!("for (let {i} = 0; {i} < {list}.length; {i}++) {{"));
                if let Some(e) = &block.elem {
                    self.line(&format!("const {e} = {list}[{i}];"));
                }
                if let Some(base) = &block.base {
                    self.line(&format!("const {base} = {ptr} + {i} * {size};"));
                }
                self.b.append(&block.code);
                self.line("}");
                if batch {
                    self.line(&format!("if ({outer}) endBatch();"));
                }
                results.push(ptr);
                results.push(format!("{list}.length"));
            }
            I::ListLift { element, .. } => {
                let block = self.b.take(1).pop().expect("a block");
                let size = self.size(element);
                let align = self.align(element);
                let (ptr, len) = (&operands[0], &operands[1]);
                let at = self.bind(&format!("listBytes({ptr}, {len}, {size}, {align})"));
                let out = self.bind(&format!("new Array({len} >>> 0)"));
                let i = self.b.fresh("i");
                self.line(&format!("for (let {i} = 0; {i} < {out}.length; {i}++) {{"));
                if let Some(base) = &block.base {
                    self.line(&format!("const {base} = {at} + {i} * {size};"));
                }
                self.b.append(&block.code);
                self.line(&format!("{out}[{i}] = {};", block.results[0]));
                self.line("}");
                results.push(out);
            }
            I::IterElem { .. } => results.push(self.b.elem_name()),
            I::IterBasePointer => results.push(self.b.base_name()),
            I::RecordLower { record, .. } => {
                for f in &record.fields {
                    results.push(format!("{}.{}", operands[0], super::camel(&f.name)));
                }
            }
            I::RecordLift { record, .. } => {
                let fields: Vec<String> = record
                    .fields
                    .iter()
                    .zip(operands.iter())
                    .map(|(f, v)| format!("{}: {v}", super::camel(&f.name)))
                    .collect();
                results.push(self.bind(&format!("{{ {} }}", fields.join(", "))));
            }
            I::TupleLower { tuple, .. } => {
                for i in 0..tuple.types.len() {
                    results.push(format!("{}[{i}]", operands[0]));
                }
            }
            I::TupleLift { .. } => {
                let e = format!("[{}] as const", operands.join(", "));
                results.push(self.bind(&e));
            }
            I::HandleLower { handle, .. } => {
                let (ty, own, host) = self.resource_expr(handle);
                let x = &operands[0];
                let value = if host {
                    format!("{ty}Table.rep({x})")
                } else if own {
                    format!("{x}._move()")
                } else {
                    format!("{x}._use()")
                };
                let e = format!("lowerHandle({ty}, {value}, {own})");
                results.push(self.bind(&e));
            }
            I::HandleLift { handle, .. } => {
                let (ty, own, host) = self.resource_expr(handle);
                let (Handle::Own(r) | Handle::Borrow(r)) = handle;
                let id = wit_bindgen_core::dealias(resolve, *r);
                let x = &operands[0];
                let lifted = format!("flat.liftHandle({ty}, {x}, {own})");
                let e = if host {
                    format!("{ty}Table.get({lifted} as number)")
                } else {
                    let class = self.names.type_name(id);
                    format!("new {class}({lifted} as component.Resource, {ty}Fns)")
                };
                results.push(self.bind(&e));
            }
            I::FlagsLower { flags, .. } => {
                let bits: Vec<String> = flags
                    .flags
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        format!(
                            "({}.{} ? {} : 0)",
                            operands[0],
                            super::camel(&f.name),
                            1u32 << i
                        )
                    })
                    .collect();
                let e = if bits.is_empty() {
                    "0".to_string()
                } else {
                    format!("({}) | 0", bits.join(" | "))
                };
                results.push(self.bind(&e));
            }
            I::FlagsLift { flags, .. } => {
                let fields: Vec<String> = flags
                    .flags
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        format!(
                            "{}: ({} & {}) !== 0",
                            super::camel(&f.name),
                            operands[0],
                            1u32 << i
                        )
                    })
                    .collect();
                results.push(self.bind(&format!("{{ {} }}", fields.join(", "))));
            }
            I::EnumLower { ty, .. } => {
                let name = self.names.type_name(*ty);
                results.push(self.bind(&format!("{name}Cases.indexOf({})", operands[0])));
            }
            I::EnumLift { enum_, ty, .. } => {
                let name = self.names.type_name(*ty);
                let n = enum_.cases.len();
                let d = &operands[0];
                self.line(&format!(
                    "if (({d} >>> 0) >= {n}) trap(`invalid enum discriminant ${{{d} >>> 0}}`);"
                ));
                results.push(self.bind(&format!("{name}Cases[{d}]")));
            }
            I::VariantPayloadName => results.push(self.b.payload_name()),
            I::VariantLower {
                variant,
                results: tys,
                ..
            } => {
                let x = &operands[0];
                let arms: Vec<(String, Option<String>)> = variant
                    .cases
                    .iter()
                    .map(|c| {
                        (
                            format!("{x}.tag === '{}'", c.name),
                            c.ty.map(|_| format!("{x}.val")),
                        )
                    })
                    .collect();
                results.extend(self.lower_cases(&arms, tys));
            }
            I::OptionLower {
                payload,
                results: tys,
                ..
            } => {
                let x = &operands[0];
                let arms = if self.names.tagged_option(payload) {
                    vec![
                        (format!("{x}.tag === 'none'"), None),
                        (String::new(), Some(format!("{x}.val"))),
                    ]
                } else {
                    vec![
                        (format!("{x} === undefined"), None),
                        (String::new(), Some(x.clone())),
                    ]
                };
                results.extend(self.lower_cases(&arms, tys));
            }
            I::ResultLower {
                result,
                results: tys,
                ..
            } => {
                let x = &operands[0];
                let arms = vec![
                    (
                        format!("{x}.tag === 'ok'"),
                        result.ok.map(|_| format!("{x}.val")),
                    ),
                    (String::new(), result.err.map(|_| format!("{x}.val"))),
                ];
                results.extend(self.lower_cases(&arms, tys));
            }
            I::VariantLift { variant, .. } => {
                let cases: Vec<(String, bool)> = variant
                    .cases
                    .iter()
                    .map(|c| (c.name.clone(), c.ty.is_some()))
                    .collect();
                let make = move |i: usize, r: Option<&String>| match (cases[i].1, r) {
                    (true, Some(r)) => format!("{{ tag: '{}' as const, val: {r} }}", cases[i].0),
                    _ => format!("{{ tag: '{}' as const }}", cases[i].0),
                };
                let t = self.lift_cases("variant", &operands[0], variant.cases.len(), &make);
                results.push(t);
            }
            I::OptionLift { payload, .. } => {
                let tagged = self.names.tagged_option(payload);
                let make = move |i: usize, r: Option<&String>| match (i, r, tagged) {
                    (1, Some(r), true) => format!("{{ tag: 'some' as const, val: {r} }}"),
                    (1, Some(r), false) => r.clone(),
                    (_, _, true) => "{ tag: 'none' as const }".to_string(),
                    _ => "undefined".to_string(),
                };
                let t = self.lift_cases("option", &operands[0], 2, &make);
                results.push(t);
            }
            I::ResultLift { result, .. } => {
                let (has_ok, has_err) = (result.ok.is_some(), result.err.is_some());
                let make = move |i: usize, r: Option<&String>| {
                    let tag = if i == 0 { "ok" } else { "err" };
                    match r {
                        Some(r) if (i == 0 && has_ok) || (i == 1 && has_err) => {
                            format!("{{ tag: '{tag}' as const, val: {r} }}")
                        }
                        _ => format!("{{ tag: '{tag}' as const }}"),
                    }
                };
                let t = self.lift_cases("result", &operands[0], 2, &make);
                results.push(t);
            }
            I::CallWasm { sig, .. } => {
                // The arguments' last checks run before the call begins.
                let ops: Vec<String> = operands
                    .iter()
                    .map(|op| {
                        if op
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
                        {
                            op.clone()
                        } else {
                            self.bind(op)
                        }
                    })
                    .collect();
                self.line("enter();");
                for (i, (t, op)) in sig.params.iter().zip(ops.iter()).enumerate() {
                    let slot = slot_read(*t, i);
                    self.line(&format!("{slot} = {op};"));
                }
                // What the call throws (a trap, or a host function's own
                // error) passes through `failed` as it is.
                self.line("inCall$ = true;");
                self.line("flat.call();");
                self.line("inCall$ = false;");
                self.line("refresh();");
                for (i, t) in sig.results.iter().enumerate() {
                    let e = slot_read(*t, i);
                    results.push(self.bind(&e));
                }
            }
            I::CallInterface { func, .. } => {
                let call = (self.call_host)(operands);
                if func.result.is_some() {
                    results.push(self.bind(&call));
                } else {
                    self.line(&format!("{call};"));
                }
                self.line("refresh();");
            }
            I::Return { amt, .. } => match self.side {
                HostSide::CallExport => {
                    self.line("flat.finish();");
                    if *amt == 1 {
                        self.line(&format!("return {};", operands[0]));
                    }
                }
                HostSide::ImplementImport => {
                    let tys = self.result_types.clone();
                    for (i, (t, op)) in tys.iter().zip(operands.iter()).enumerate() {
                        let slot = slot_read(*t, i);
                        self.line(&format!("{slot} = {op};"));
                    }
                }
            },
            I::Malloc { size, align, .. } => {
                let e = format!("alloc({}, {})", align.align_wasm32(), size.size_wasm32());
                results.push(self.bind(&e));
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
