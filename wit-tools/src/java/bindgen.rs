//! The Java code of one function's canonical ABI glue, from the instruction
//! stream `wit-bindgen-core` produces ([`crate::abi::host_call`]).
//!
//! Every instruction's results are bound to fresh locals (`var` where the
//! type follows from the expression), so operands are names or constants
//! and may be used more than once. Memory goes through the call's
//! `FlatAccess` (`cx`), which checks bounds and fetches the memory again
//! after anything that may grow it; a value that breaks a canonical ABI
//! rule throws its `TrapException` at once, and the call, not finished,
//! poisons the component instance as the engine's own lifting does.

use super::names::{upper, JNames};
use crate::abi::{HostSide, WasmType};
use crate::analysis::{Func, StringPlace};
use crate::blocks::{Block, Blocks};
use wit_bindgen_core::abi::{Bindgen, Bitcast, Instruction};
use wit_parser::{Alignment, ArchitectureSize, Handle, Resolve, SizeAlign, Type, TypeId};

/// The generator of one function's glue.
pub struct FnGen<'a> {
    pub names: &'a JNames<'a>,
    pub func: &'a Func,
    side: HostSide,
    /// The Java expressions of the arguments `GetArg` reads.
    params: Vec<String>,
    b: Blocks,
    /// The host object whose method `CallInterface` calls.
    pub host: String,
}

/// The Java type of a flat core value.
pub fn wasm_type(t: WasmType) -> &'static str {
    match t {
        WasmType::I32 | WasmType::Pointer | WasmType::Length => "int",
        WasmType::I64 | WasmType::PointerOrI64 => "long",
        WasmType::F32 => "float",
        WasmType::F64 => "double",
    }
}

/// A flat value as a slot (`long`): the expression.
pub fn to_slot(t: WasmType, op: &str) -> String {
    match t {
        WasmType::I32 | WasmType::Pointer | WasmType::Length => format!("({op}) & 0xFFFFFFFFL"),
        WasmType::I64 | WasmType::PointerOrI64 => op.to_string(),
        WasmType::F32 => format!("Float.floatToRawIntBits({op}) & 0xFFFFFFFFL"),
        WasmType::F64 => format!("Double.doubleToRawLongBits({op})"),
    }
}

/// A slot (`long`) as a flat value of type `t`: the expression.
pub fn from_slot(t: WasmType, slot: &str) -> String {
    match t {
        WasmType::I32 | WasmType::Pointer | WasmType::Length => format!("(int) {slot}"),
        WasmType::I64 | WasmType::PointerOrI64 => slot.to_string(),
        WasmType::F32 => format!("Float.intBitsToFloat((int) {slot})"),
        WasmType::F64 => format!("Double.longBitsToDouble({slot})"),
    }
}

fn bitcast(cast: &Bitcast, op: &str) -> String {
    match cast {
        Bitcast::None => op.to_string(),
        Bitcast::F32ToI32 => format!("Float.floatToRawIntBits({op})"),
        Bitcast::I32ToF32 => format!("Float.intBitsToFloat({op})"),
        Bitcast::F64ToI64 => format!("Double.doubleToRawLongBits({op})"),
        Bitcast::I64ToF64 => format!("Double.longBitsToDouble({op})"),
        Bitcast::I32ToI64 | Bitcast::PToP64 | Bitcast::LToI64 => {
            format!("(({op}) & 0xFFFFFFFFL)")
        }
        Bitcast::I64ToI32 | Bitcast::P64ToP | Bitcast::I64ToL => format!("((int) ({op}))"),
        Bitcast::F32ToI64 => format!("(Float.floatToRawIntBits({op}) & 0xFFFFFFFFL)"),
        Bitcast::I64ToF32 => format!("Float.intBitsToFloat((int) ({op}))"),
        Bitcast::P64ToI64 | Bitcast::I64ToP64 => op.to_string(),
        Bitcast::I32ToP
        | Bitcast::LToP
        | Bitcast::PToI32
        | Bitcast::PToL
        | Bitcast::I32ToL
        | Bitcast::LToI32 => op.to_string(),
        Bitcast::Sequence(seq) => {
            let inner = bitcast(&seq[0], op);
            bitcast(&seq[1], &inner)
        }
    }
}

impl<'a> FnGen<'a> {
    pub fn new(
        names: &'a JNames<'a>,
        func: &'a Func,
        params: Vec<String>,
        host: String,
    ) -> FnGen<'a> {
        FnGen {
            names,
            func,
            side: HostSide::of(func),
            params,
            b: Blocks::default(),
            host,
        }
    }

    /// The generated statements.
    pub fn finish(self) -> String {
        self.b.src.finish()
    }

    fn fresh(&mut self, base: &str) -> String {
        self.b.fresh(base)
    }

    /// `var name = expr;`, returning `name`.
    fn bind(&mut self, expr: &str) -> String {
        let name = self.fresh("t");
        self.b.src.line(&format!("var {name} = {expr};"));
        name
    }

    /// `T name = expr;`, returning `name`.
    fn bind_as(&mut self, ty: &str, expr: &str) -> String {
        let name = self.fresh("t");
        self.b.src.line(&format!("{ty} {name} = {expr};"));
        name
    }

    fn line(&mut self, s: &str) {
        self.b.src.line(s);
    }

    fn java_type(&self, ty: &Type) -> String {
        self.names.java_type(ty, false)
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

    fn load(&mut self, method: &str, addr: &str, offset: ArchitectureSize) -> String {
        let expr = format!("cx.{method}({addr}, {})", offset.size_wasm32());
        self.bind(&expr)
    }

    fn store(&mut self, method: &str, value: &str, addr: &str, offset: ArchitectureSize) {
        self.line(&format!(
            "cx.{method}({addr}, {}, {value});",
            offset.size_wasm32()
        ));
    }

    fn take_blocks(&mut self, n: usize) -> Vec<Block> {
        self.b.take(n)
    }

    /// The lowering of a variant-like value: one branch per block, chosen
    /// by `tests[i]` (a condition binding the payload as `payloads[i]`),
    /// each assigning the block's results to the flat results.
    fn lower_cases(
        &mut self,
        cases: &[(String, Option<String>)],
        result_types: &[WasmType],
    ) -> Vec<String> {
        let blocks = self.take_blocks(cases.len());
        let results: Vec<String> = result_types
            .iter()
            .map(|t| {
                let name = self.fresh("v");
                let zero = match wasm_type(*t) {
                    "long" => "0L",
                    "float" => "0.0f",
                    "double" => "0.0",
                    _ => "0",
                };
                self.b
                    .src
                    .line(&format!("{} {name} = {zero};", wasm_type(*t)));
                name
            })
            .collect();
        for (i, (block, (test, payload))) in blocks.iter().zip(cases).enumerate() {
            let keyword = if i == 0 { "if" } else { "} else if" };
            self.line(&format!("{keyword} ({test}) {{"));
            if let (Some(name), Some(expr)) = (&block.payload, payload) {
                self.line(&format!("var {name} = {expr};"));
            }
            self.b.append(&block.code);
            for (r, v) in results.iter().zip(&block.results) {
                self.line(&format!("{r} = {v};"));
            }
        }
        self.line("} else {");
        self.line("throw new NullPointerException(\"a value to lower is null\");");
        self.line("}");
        results
    }

    /// The lifting of a variant-like value into a new local of type `ty`:
    /// a switch on `disc`, one case per block, `make(i, result)` the value.
    fn lift_cases(
        &mut self,
        what: &str,
        disc: &str,
        ty: &str,
        n: usize,
        make: &dyn Fn(usize, Option<&String>) -> String,
    ) -> String {
        let blocks = self.take_blocks(n);
        let target = self.fresh("t");
        self.line(&format!("{ty} {target};"));
        self.line(&format!("switch ({disc}) {{"));
        for (i, block) in blocks.iter().enumerate() {
            self.line(&format!("case {i}: {{"));
            self.b.append(&block.code);
            let value = make(i, block.results.first());
            self.line(&format!("{target} = {value};"));
            self.line("break;");
            self.line("}");
        }
        self.line("default:");
        self.line(&format!(
            "throw FlatAccess.badDiscriminant(\"{what}\", {disc});"
        ));
        self.line("}");
        target
    }

    /// The strings of a list element that its lowering allocates, as
    /// accessors of the element (`""` for a string element, `.name()` for a
    /// record's field; see `element_strings`).
    fn queued_strings(&self, element: &Type) -> Option<Vec<String>> {
        let places = self.names.analysis.element_strings(element)?;
        Some(
            places
                .into_iter()
                .map(|p| match p {
                    StringPlace::Element => String::new(),
                    StringPlace::Field(name) => format!(".{}()", super::names::lower(&name)),
                    StringPlace::TupleItem(i) => format!(".f{i}()"),
                })
                .collect(),
        )
    }

    /// The expression of the resource type `resource`.
    fn resource_type(&self, resource: TypeId) -> String {
        self.names.resource_type_field(resource)
    }

    /// The object whose methods call the functions of the guest resource
    /// `resource`: its exported interface's, or the world's.
    fn resource_api(&self, resource: TypeId) -> String {
        let scope = self
            .names
            .analysis
            .scope_index_of(resource)
            .expect("a resource belongs to a scope");
        if self.names.analysis.scopes()[scope].is_root() {
            format!("{}.this", self.names.class)
        } else {
            format!("{}.this.{}", self.names.class, self.names.scope_var[scope])
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
            I::I32Const { val } => results.push(format!("{val}")),
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
                    results.push(
                        match wasm_type(*t) {
                            "long" => "0L",
                            "float" => "0.0f",
                            "double" => "0.0",
                            _ => "0",
                        }
                        .to_string(),
                    );
                }
            }
            I::I32Load { offset } | I::PointerLoad { offset } | I::LengthLoad { offset } => {
                results.push(self.load("loadI32", &operands[0], *offset))
            }
            I::I32Load8U { offset } => results.push(self.load("loadU8", &operands[0], *offset)),
            I::I32Load8S { offset } => results.push(self.load("loadS8", &operands[0], *offset)),
            I::I32Load16U { offset } => results.push(self.load("loadU16", &operands[0], *offset)),
            I::I32Load16S { offset } => results.push(self.load("loadS16", &operands[0], *offset)),
            I::I64Load { offset } => results.push(self.load("loadI64", &operands[0], *offset)),
            I::F32Load { offset } => results.push(self.load("loadF32", &operands[0], *offset)),
            I::F64Load { offset } => results.push(self.load("loadF64", &operands[0], *offset)),
            I::I32Store { offset } | I::PointerStore { offset } | I::LengthStore { offset } => {
                self.store("storeI32", &operands[0], &operands[1], *offset)
            }
            I::I32Store8 { offset } => self.store("storeI8", &operands[0], &operands[1], *offset),
            I::I32Store16 { offset } => self.store("storeI16", &operands[0], &operands[1], *offset),
            I::I64Store { offset } => self.store("storeI64", &operands[0], &operands[1], *offset),
            I::F32Store { offset } => self.store("storeF32", &operands[0], &operands[1], *offset),
            I::F64Store { offset } => self.store("storeF64", &operands[0], &operands[1], *offset),

            I::I32FromU8 => results.push(format!("(({}) & 0xFF)", operands[0])),
            I::I32FromU16 => results.push(format!("(({}) & 0xFFFF)", operands[0])),
            I::I32FromS8 | I::I32FromS16 => results.push(format!("((int) ({}))", operands[0])),
            I::I32FromChar
            | I::I32FromU32
            | I::I32FromS32
            | I::I64FromS64
            | I::I64FromU64
            | I::CoreF32FromF32
            | I::CoreF64FromF64
            | I::S32FromI32
            | I::U32FromI32
            | I::S64FromI64
            | I::U64FromI64
            | I::F32FromCoreF32
            | I::F64FromCoreF64 => results.push(operands[0].clone()),
            I::S8FromI32 | I::U8FromI32 => results.push(format!("((byte) ({}))", operands[0])),
            I::S16FromI32 | I::U16FromI32 => results.push(format!("((short) ({}))", operands[0])),
            I::CharFromI32 => {
                let expr = format!("FlatAccess.liftChar({})", operands[0]);
                results.push(self.bind(&expr));
            }
            I::BoolFromI32 => results.push(format!("(({}) != 0)", operands[0])),
            I::I32FromBool => results.push(format!("(({}) ? 1 : 0)", operands[0])),

            I::StringLower { .. } => {
                let stored = self.bind(&format!("cx.storeString({})", operands[0]));
                results.push(self.bind(&format!("(int) {stored}")));
                results.push(self.bind(&format!("(int) ({stored} >>> 32)")));
            }
            I::ListCanonLower { element, .. } => {
                let method = match self.names.canonical_array(element) {
                    Some("byte[]") => "storeBytes",
                    Some("short[]") => "storeShorts",
                    Some("int[]") => "storeInts",
                    Some("long[]") => "storeLongs",
                    Some("float[]") => "storeFloats",
                    Some("double[]") => "storeDoubles",
                    _ => unreachable!("a canonical list of {element:?}"),
                };
                let list = self.bind(&operands[0]);
                let expr = if method == "storeBytes" {
                    format!("cx.storeBytes({list}, 1)")
                } else {
                    format!("cx.{method}({list})")
                };
                let ptr = self.bind(&expr);
                results.push(ptr);
                results.push(format!("{list}.length"));
            }
            I::ListLower { element, .. } => {
                let block = self.take_blocks(1).pop().unwrap();
                let size = self.size(element);
                let align = self.align(element);
                let list = self.bind(&operands[0]);
                let len = self.bind(&format!("{list}.size()"));
                if let Some(strings) = self.queued_strings(element) {
                    // The elements' strings are allocated in one native
                    // call before the elements are lowered.
                    let q = self.fresh("q");
                    self.line(&format!("for (var {q} : {list}) {{"));
                    for s in strings {
                        self.line(&format!("cx.queueString({q}{s});"));
                    }
                    self.line("}");
                    self.line("cx.allocateQueued();");
                }
                let ptr = self.bind(&format!("cx.allocList({len}, {size}, {align})"));
                let i = self.fresh("i");
                let elem = block.elem.clone().unwrap_or_else(|| self.fresh("e"));
                self.line(&format!("int {i} = 0;"));
                self.line(&format!("for (var {elem} : {list}) {{"));
                if let Some(base) = &block.base {
                    self.line(&format!("int {base} = {ptr} + {i} * {size};"));
                }
                self.b.append(&block.code);
                self.line(&format!("{i}++;"));
                self.line("}");
                results.push(ptr);
                results.push(len);
            }
            I::StringLift => {
                let expr = format!("cx.loadString({}, {})", operands[0], operands[1]);
                results.push(self.bind_as("String", &expr));
            }
            I::ListCanonLift { element, .. } => {
                let method = match self.names.canonical_array(element) {
                    Some("byte[]") => "loadBytes",
                    Some("short[]") => "loadShorts",
                    Some("int[]") => "loadInts",
                    Some("long[]") => "loadLongs",
                    Some("float[]") => "loadFloats",
                    Some("double[]") => "loadDoubles",
                    _ => unreachable!("a canonical list of {element:?}"),
                };
                let expr = format!("cx.{method}({}, {})", operands[0], operands[1]);
                results.push(self.bind(&expr));
            }
            I::ListLift { element, .. } => {
                let block = self.take_blocks(1).pop().unwrap();
                let ety = self.names.java_type(element, true);
                let (size, align) = (self.size(element), self.align(element));
                let (ptr, len) = (&operands[0], &operands[1]);
                self.line(&format!("cx.checkList({ptr}, {len}, {size}, {align});"));
                let t = self.bind_as(&format!("List<{ety}>"), &format!("new ArrayList<>({len})"));
                let i = self.fresh("i");
                self.line(&format!("for (int {i} = 0; {i} < {len}; {i}++) {{"));
                if let Some(base) = &block.base {
                    self.line(&format!("int {base} = {ptr} + {i} * {size};"));
                }
                self.b.append(&block.code);
                self.line(&format!("{t}.add({});", block.results[0]));
                self.line("}");
                results.push(t);
            }
            I::IterElem { .. } => results.push(self.b.elem_name()),
            I::IterBasePointer => results.push(self.b.base_name()),
            I::RecordLower { record, .. } => {
                let x = self.bind(&operands[0]);
                for f in &record.fields {
                    results.push(format!("{x}.{}()", super::names::lower(&f.name)));
                }
            }
            I::RecordLift { ty, .. } => {
                let name = self.names.type_name(*ty);
                let expr = format!("new {name}({})", operands.join(", "));
                results.push(self.bind_as(&name, &expr));
            }
            I::TupleLower { tuple, .. } => {
                let x = self.bind(&operands[0]);
                for i in 0..tuple.types.len() {
                    results.push(format!("{x}.f{i}()"));
                }
            }
            I::TupleLift { ty, .. } => {
                let jty = self.names.java_type(&Type::Id(*ty), false);
                let expr = if operands.is_empty() {
                    "new Tuple0()".to_string()
                } else {
                    format!("new Tuple{}<>({})", operands.len(), operands.join(", "))
                };
                results.push(self.bind_as(&jty, &expr));
            }
            I::HandleLower { handle, .. } => {
                let resource = self.resource_of(handle);
                let own = matches!(handle, Handle::Own(_));
                let ty = self.resource_type(resource);
                let expr = if self.names.analysis.is_host_resource(resource) {
                    let (m, take) = if own {
                        ("lowerHostOwn", "give")
                    } else {
                        ("lowerHostBorrow", "lend")
                    };
                    format!("cx.{m}({}.{take}(), {ty})", operands[0])
                } else {
                    let m = if own { "lowerOwn" } else { "lowerBorrow" };
                    format!("cx.{m}({}.handle, {ty})", operands[0])
                };
                results.push(self.bind(&expr));
            }
            I::HandleLift { handle, .. } => {
                let resource = self.resource_of(handle);
                let own = matches!(handle, Handle::Own(_));
                let ty = self.resource_type(resource);
                let name = self.names.resource_name(resource);
                let expr = if self.names.analysis.is_host_resource(resource) {
                    let m = if own { "liftHostOwn" } else { "liftHostBorrow" };
                    format!("new {name}(cx.{m}({}, {ty}))", operands[0])
                } else {
                    let m = if own { "liftOwn" } else { "liftBorrow" };
                    let api = self.resource_api(resource);
                    format!("new {name}({api}, cx.{m}({}, {ty}))", operands[0])
                };
                results.push(self.bind_as(&name, &expr));
            }
            I::FlagsLower { .. } => {
                results.push(format!("{}.flagBits({})", self.names.class, operands[0]))
            }
            I::FlagsLift { ty, .. } => {
                let name = self.names.type_name(*ty);
                let expr = format!(
                    "{}.flagSet({name}.class, {})",
                    self.names.class, operands[0]
                );
                results.push(self.bind_as(&format!("EnumSet<{name}>"), &expr));
            }
            I::EnumLower { .. } => results.push(format!("{}.ordinal()", operands[0])),
            I::EnumLift { enum_, ty, .. } => {
                let name = self.names.type_name(*ty);
                let n = enum_.cases.len();
                let d = &operands[0];
                self.line(&format!(
                    "if ({d} < 0 || {d} >= {n}) throw FlatAccess.badDiscriminant(\"enum\", {d});"
                ));
                results.push(self.bind_as(&name, &format!("{name}.values()[{d}]")));
            }
            I::VariantPayloadName => results.push(self.b.payload_name()),
            I::VariantLower {
                variant,
                results: tys,
                ty,
                ..
            } => {
                let name = self.names.type_name(*ty);
                let x = self.bind(&operands[0]);
                let cases: Vec<(String, Option<String>)> = variant
                    .cases
                    .iter()
                    .map(|c| {
                        let case = format!("{name}.{}", case_name(&name, &c.name));
                        let test = format!("{x} instanceof {case}");
                        let payload = c.ty.map(|_| format!("(({case}) {x}).value()"));
                        (test, payload)
                    })
                    .collect();
                results.extend(self.lower_cases(&cases, tys));
            }
            I::OptionLower { results: tys, .. } => {
                let x = self.bind(&operands[0]);
                let cases = vec![
                    (format!("{x}.isEmpty()"), None),
                    (format!("{x}.isPresent()"), Some(format!("{x}.get()"))),
                ];
                results.extend(self.lower_cases(&cases, tys));
            }
            I::ResultLower {
                result,
                results: tys,
                ..
            } => {
                let x = self.bind(&operands[0]);
                let side = |t: &Option<Type>| match t {
                    Some(t) => self.names.java_type(t, true),
                    None => "Void".to_string(),
                };
                let (ok, err) = (side(&result.ok), side(&result.err));
                let cases = vec![
                    (
                        format!("{x} instanceof Result.Ok"),
                        result
                            .ok
                            .map(|_| format!("((Result.Ok<{ok}, {err}>) {x}).value()")),
                    ),
                    (
                        format!("{x} instanceof Result.Err"),
                        result
                            .err
                            .map(|_| format!("((Result.Err<{ok}, {err}>) {x}).value()")),
                    ),
                ];
                results.extend(self.lower_cases(&cases, tys));
            }
            I::VariantLift { variant, ty, .. } => {
                let name = self.names.type_name(*ty);
                let cases: Vec<(String, bool)> = variant
                    .cases
                    .iter()
                    .map(|c| (case_name(&name, &c.name), c.ty.is_some()))
                    .collect();
                let n2 = name.clone();
                let make = move |i: usize, r: Option<&String>| {
                    let (case, has) = &cases[i];
                    match (has, r) {
                        (true, Some(r)) => format!("new {n2}.{case}({r})"),
                        _ => format!("new {n2}.{case}()"),
                    }
                };
                let t = self.lift_cases("variant", &operands[0], &name, variant.cases.len(), &make);
                results.push(t);
            }
            I::OptionLift { ty, .. } => {
                let jty = self.names.java_type(&Type::Id(*ty), false);
                let make = |i: usize, r: Option<&String>| match (i, r) {
                    (1, Some(r)) => format!("Optional.of({r})"),
                    _ => "Optional.empty()".to_string(),
                };
                let t = self.lift_cases("option", &operands[0], &jty, 2, &make);
                results.push(t);
            }
            I::ResultLift { result, ty } => {
                let jty = self.names.java_type(&Type::Id(*ty), false);
                let (has_ok, has_err) = (result.ok.is_some(), result.err.is_some());
                let make = move |i: usize, r: Option<&String>| match (i, r) {
                    (0, Some(r)) if has_ok => format!("Result.ok({r})"),
                    (0, _) => "Result.ok(null)".to_string(),
                    (_, Some(r)) if has_err => format!("Result.err({r})"),
                    _ => "Result.err(null)".to_string(),
                };
                let t = self.lift_cases("result", &operands[0], &jty, 2, &make);
                results.push(t);
            }
            I::CallWasm { sig, .. } => {
                let n = sig.params.len().max(sig.results.len()).max(1);
                let slots = self.fresh("slots");
                self.line(&format!("long[] {slots} = new long[{n}];"));
                for (i, (t, op)) in sig.params.iter().zip(operands.iter()).enumerate() {
                    self.line(&format!("{slots}[{i}] = {};", to_slot(*t, op)));
                }
                self.line(&format!("cx.call({slots});"));
                for (i, t) in sig.results.iter().enumerate() {
                    let expr = from_slot(*t, &format!("{slots}[{i}]"));
                    results.push(self.bind(&expr));
                }
            }
            I::CallInterface { func, .. } => {
                let method = self.names.method_name(self.func);
                let call = format!("{}.{method}({})", self.host, operands.join(", "));
                match &func.result {
                    Some(ty) => {
                        let jty = self.java_type(ty);
                        results.push(self.bind_as(&jty, &call));
                    }
                    None => self.line(&format!("{call};")),
                }
            }
            I::Return { amt, .. } => match self.side {
                HostSide::CallExport => {
                    self.line("cx.finish();");
                    if *amt == 1 {
                        self.line(&format!("return {};", operands[0]));
                    }
                }
                HostSide::ImplementImport => {
                    let sig = &self.func.sig;
                    for (i, (t, op)) in sig.results.iter().zip(operands.iter()).enumerate() {
                        self.line(&format!("slots[{i}] = {};", to_slot(*t, op)));
                    }
                }
            },
            I::Malloc { size, align, .. } => {
                let expr = format!(
                    "cx.realloc({}, {})",
                    align.align_wasm32(),
                    size.size_wasm32()
                );
                results.push(self.bind(&expr));
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

/// The record of a variant's case: its name, unless that is the variant's
/// own (a nested type cannot share its enclosing type's name).
pub fn case_name(variant: &str, case: &str) -> String {
    let name = upper(case);
    if name == variant {
        format!("{name}Case")
    } else {
        name
    }
}
