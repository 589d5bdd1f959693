//! Component values as text: WAVE (the WebAssembly Value Encoding of the
//! `wasm-wave` crate, which Wasmtime's CLI also reads and writes) for
//! Kiln's dynamic component values, [`Val`] of a [`Type`].
//!
//! The `wasm-wave` traits are implemented on two wrappers, [`WaveType`] and
//! [`WaveVal`], since neither the traits nor the types are the CLI's own.
//! WAVE has no syntax for resource handles: a value holding one cannot be
//! read, and [`format`] writes a handle as `resource<own NAME>`.

use kiln::component::types::Type;
use kiln::component::Val;
use std::borrow::Cow;
use wasm_wave::wasm::{WasmType, WasmTypeKind, WasmValue, WasmValueError};

/// A component value type as `wasm-wave` sees it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct WaveType(pub(crate) Type);

/// A component value as `wasm-wave` sees it: borrowed when written, owned
/// when read. Writing a borrowed value walks it without copying it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct WaveVal<'a>(pub(crate) Cow<'a, Val>);

impl WaveVal<'_> {
    fn owned(val: Val) -> Self {
        WaveVal(Cow::Owned(val))
    }

    fn into_val(self) -> Val {
        self.0.into_owned()
    }
}

/// Parses the WAVE `node` of `source` as a value of type `ty`.
pub(crate) fn parse(
    node: &wasm_wave::ast::Node,
    ty: &Type,
    source: &str,
) -> Result<Val, wasm_wave::parser::ParserError> {
    let val: WaveVal<'static> = node.to_wasm_value(&WaveType(ty.clone()), source)?;
    Ok(val.into_val())
}

/// A value in WAVE, as `wasmtime run --invoke` prints results; a resource
/// handle, which WAVE cannot express, is written `resource<own NAME>` (or
/// `borrow`) wherever it is in the value.
pub(crate) fn format(val: &Val) -> String {
    let mut out = String::new();
    write_value(&mut out, val);
    out
}

/// Writes `val` with `wasm-wave`, or, for a value that holds resource
/// handles, writes its structure here with WAVE's rules and the parts
/// without handles with `wasm-wave`.
fn write_value(out: &mut String, val: &Val) {
    if !has_resources(val) {
        // A value without resources has nothing WAVE cannot encode, and
        // writing to a `String` cannot fail.
        if let Ok(text) = wasm_wave::to_string(&WaveVal(Cow::Borrowed(val))) {
            out.push_str(&text);
        }
        return;
    }
    let sequence = |out: &mut String, open: &str, items: &[Val], close: &str| {
        out.push_str(open);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_value(out, item);
        }
        out.push_str(close);
    };
    // `some`, `ok` and `err` are written as they are; a variant case of a
    // keyword's name with `%`.
    let case = |out: &mut String, name: &str, payload: Option<&Val>| {
        out.push_str(name);
        if let Some(payload) = payload {
            out.push('(');
            write_value(out, payload);
            out.push(')');
        }
    };
    match val {
        Val::Resource(handle) => {
            let kind = if handle.owned() { "own" } else { "borrow" };
            out.push_str(&format!("resource<{kind} {}>", handle.ty()));
        }
        Val::List(items) => sequence(out, "[", items, "]"),
        Val::Tuple(items) => sequence(out, "(", items, ")"),
        Val::Record(fields) => {
            // As WAVE writes records: fields that are `none` are left out.
            out.push('{');
            let shown = fields
                .iter()
                .filter(|(_, v)| !matches!(v, Val::Option(None)));
            for (i, (name, value)) in shown.enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(name);
                out.push_str(": ");
                write_value(out, value);
            }
            out.push('}');
        }
        Val::Variant(name, payload) => {
            if wasm_wave::lex::Keyword::decode(name).is_some() {
                out.push('%');
            }
            case(out, name, payload.as_deref())
        }
        Val::Option(payload) => case(out, "some", payload.as_deref()),
        Val::Result(Ok(payload)) => case(out, "ok", payload.as_deref()),
        Val::Result(Err(payload)) => case(out, "err", payload.as_deref()),
        // Nothing else can hold a handle.
        other => out.push_str(&format!("{other:?}")),
    }
}

/// Whether `val` holds a resource handle anywhere inside.
pub(crate) fn has_resources(val: &Val) -> bool {
    let boxed = |payload: &Option<Box<Val>>| payload.as_deref().is_some_and(has_resources);
    match val {
        Val::Resource(_) => true,
        Val::List(items) | Val::Tuple(items) => items.iter().any(has_resources),
        Val::Record(fields) => fields.iter().any(|(_, v)| has_resources(v)),
        Val::Variant(_, payload) | Val::Option(payload) => boxed(payload),
        Val::Result(Ok(payload) | Err(payload)) => boxed(payload),
        _ => false,
    }
}

impl WasmType for WaveType {
    fn kind(&self) -> WasmTypeKind {
        match &self.0 {
            Type::Bool => WasmTypeKind::Bool,
            Type::S8 => WasmTypeKind::S8,
            Type::U8 => WasmTypeKind::U8,
            Type::S16 => WasmTypeKind::S16,
            Type::U16 => WasmTypeKind::U16,
            Type::S32 => WasmTypeKind::S32,
            Type::U32 => WasmTypeKind::U32,
            Type::S64 => WasmTypeKind::S64,
            Type::U64 => WasmTypeKind::U64,
            Type::Float32 => WasmTypeKind::F32,
            Type::Float64 => WasmTypeKind::F64,
            Type::Char => WasmTypeKind::Char,
            Type::String => WasmTypeKind::String,
            Type::List(_) => WasmTypeKind::List,
            Type::Record(_) => WasmTypeKind::Record,
            Type::Tuple(_) => WasmTypeKind::Tuple,
            Type::Variant(_) => WasmTypeKind::Variant,
            Type::Enum(_) => WasmTypeKind::Enum,
            Type::Option(_) => WasmTypeKind::Option,
            Type::Result(_) => WasmTypeKind::Result,
            Type::Flags(_) => WasmTypeKind::Flags,
            Type::Own(_) | Type::Borrow(_) => WasmTypeKind::Unsupported,
        }
    }

    fn list_element_type(&self) -> Option<Self> {
        match &self.0 {
            Type::List(l) => Some(WaveType(l.ty().clone())),
            _ => None,
        }
    }

    fn record_fields(&self) -> Box<dyn Iterator<Item = (Cow<'_, str>, Self)> + '_> {
        match &self.0 {
            Type::Record(r) => Box::new(
                r.fields()
                    .map(|f| (Cow::Borrowed(f.name), WaveType(f.ty.clone()))),
            ),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn tuple_element_types(&self) -> Box<dyn Iterator<Item = Self> + '_> {
        match &self.0 {
            Type::Tuple(t) => Box::new(t.types().map(|t| WaveType(t.clone()))),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn variant_cases(&self) -> Box<dyn Iterator<Item = (Cow<'_, str>, Option<Self>)> + '_> {
        match &self.0 {
            Type::Variant(v) => Box::new(
                v.cases()
                    .map(|c| (Cow::Borrowed(c.name), c.ty.cloned().map(WaveType))),
            ),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn enum_cases(&self) -> Box<dyn Iterator<Item = Cow<'_, str>> + '_> {
        match &self.0 {
            Type::Enum(e) => Box::new(e.names().map(Cow::Borrowed)),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn option_some_type(&self) -> Option<Self> {
        match &self.0 {
            Type::Option(o) => Some(WaveType(o.ty().clone())),
            _ => None,
        }
    }

    fn result_types(&self) -> Option<(Option<Self>, Option<Self>)> {
        match &self.0 {
            Type::Result(r) => Some((
                r.ok().cloned().map(WaveType),
                r.err().cloned().map(WaveType),
            )),
            _ => None,
        }
    }

    fn flags_names(&self) -> Box<dyn Iterator<Item = Cow<'_, str>> + '_> {
        match &self.0 {
            Type::Flags(f) => Box::new(f.names().map(Cow::Borrowed)),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn map_key_value_types(&self) -> Option<(Self, Self)> {
        // Kiln's component types have no maps.
        None
    }
}

/// Reads payloads back out of a boxed option.
fn unbox(val: Option<Box<WaveVal<'_>>>) -> Option<Box<Val>> {
    val.map(|v| Box::new(v.into_val()))
}

/// The parts of a value (the elements of a list, say) that `pick` finds:
/// borrowed for as long as the whole value is, when the wrapper borrows it,
/// else copied.
fn parts<'s, 'a>(
    whole: &'s WaveVal<'a>,
    pick: for<'x> fn(&'x Val) -> Box<dyn Iterator<Item = &'x Val> + 'x>,
) -> Box<dyn Iterator<Item = Cow<'s, WaveVal<'a>>> + 's> {
    match &whole.0 {
        Cow::Borrowed(val) => Box::new(pick(val).map(|v| Cow::Owned(WaveVal(Cow::Borrowed(v))))),
        Cow::Owned(val) => Box::new(pick(val).map(|v| Cow::Owned(WaveVal::owned(v.clone())))),
    }
}

/// The one part of a value (an option's payload, say) that `pick` finds,
/// as [`parts`] does.
fn part<'s, 'a>(
    whole: &'s WaveVal<'a>,
    pick: for<'x> fn(&'x Val) -> Option<&'x Val>,
) -> Option<Cow<'s, WaveVal<'a>>> {
    match &whole.0 {
        Cow::Borrowed(val) => pick(val).map(|v| Cow::Owned(WaveVal(Cow::Borrowed(v)))),
        Cow::Owned(val) => pick(val).map(|v| Cow::Owned(WaveVal::owned(v.clone()))),
    }
}

impl WasmValue for WaveVal<'_> {
    type Type = WaveType;

    fn kind(&self) -> WasmTypeKind {
        match &*self.0 {
            Val::Bool(_) => WasmTypeKind::Bool,
            Val::S8(_) => WasmTypeKind::S8,
            Val::U8(_) => WasmTypeKind::U8,
            Val::S16(_) => WasmTypeKind::S16,
            Val::U16(_) => WasmTypeKind::U16,
            Val::S32(_) => WasmTypeKind::S32,
            Val::U32(_) => WasmTypeKind::U32,
            Val::S64(_) => WasmTypeKind::S64,
            Val::U64(_) => WasmTypeKind::U64,
            Val::Float32(_) => WasmTypeKind::F32,
            Val::Float64(_) => WasmTypeKind::F64,
            Val::Char(_) => WasmTypeKind::Char,
            Val::String(_) => WasmTypeKind::String,
            Val::List(_) => WasmTypeKind::List,
            Val::Record(_) => WasmTypeKind::Record,
            Val::Tuple(_) => WasmTypeKind::Tuple,
            Val::Variant(..) => WasmTypeKind::Variant,
            Val::Enum(_) => WasmTypeKind::Enum,
            Val::Option(_) => WasmTypeKind::Option,
            Val::Result(_) => WasmTypeKind::Result,
            Val::Flags(_) => WasmTypeKind::Flags,
            Val::Resource(_) => WasmTypeKind::Unsupported,
        }
    }

    fn make_bool(val: bool) -> Self {
        Self::owned(Val::Bool(val))
    }
    fn make_s8(val: i8) -> Self {
        Self::owned(Val::S8(val))
    }
    fn make_s16(val: i16) -> Self {
        Self::owned(Val::S16(val))
    }
    fn make_s32(val: i32) -> Self {
        Self::owned(Val::S32(val))
    }
    fn make_s64(val: i64) -> Self {
        Self::owned(Val::S64(val))
    }
    fn make_u8(val: u8) -> Self {
        Self::owned(Val::U8(val))
    }
    fn make_u16(val: u16) -> Self {
        Self::owned(Val::U16(val))
    }
    fn make_u32(val: u32) -> Self {
        Self::owned(Val::U32(val))
    }
    fn make_u64(val: u64) -> Self {
        Self::owned(Val::U64(val))
    }
    fn make_f32(val: f32) -> Self {
        Self::owned(Val::Float32(val))
    }
    fn make_f64(val: f64) -> Self {
        Self::owned(Val::Float64(val))
    }
    fn make_char(val: char) -> Self {
        Self::owned(Val::Char(val))
    }
    fn make_string(val: Cow<'_, str>) -> Self {
        Self::owned(Val::String(val.into_owned()))
    }

    fn make_list(
        _ty: &WaveType,
        vals: impl IntoIterator<Item = Self>,
    ) -> Result<Self, WasmValueError> {
        Ok(Self::owned(Val::List(
            vals.into_iter().map(WaveVal::into_val).collect(),
        )))
    }

    fn make_record<'b>(
        ty: &WaveType,
        fields: impl IntoIterator<Item = (&'b str, Self)>,
    ) -> Result<Self, WasmValueError> {
        let Type::Record(record) = &ty.0 else {
            return Err(wrong_kind(ty, WasmTypeKind::Record));
        };
        // The fields come in any order; a record value lists them in its
        // type's.
        let mut given: Vec<(&str, Option<Self>)> =
            fields.into_iter().map(|(n, v)| (n, Some(v))).collect();
        if let Some((name, _)) = given
            .iter()
            .find(|(name, _)| !record.fields().any(|f| f.name == *name))
        {
            return Err(WasmValueError::UnknownField(name.to_string()));
        }
        let mut values = Vec::with_capacity(given.len());
        for field in record.fields() {
            let value = given
                .iter_mut()
                .find(|(name, _)| *name == field.name)
                .and_then(|(_, v)| v.take())
                .ok_or_else(|| WasmValueError::MissingField(field.name.to_string()))?;
            values.push((field.name.to_string(), value.into_val()));
        }
        Ok(Self::owned(Val::Record(values)))
    }

    fn make_tuple(
        _ty: &WaveType,
        vals: impl IntoIterator<Item = Self>,
    ) -> Result<Self, WasmValueError> {
        Ok(Self::owned(Val::Tuple(
            vals.into_iter().map(WaveVal::into_val).collect(),
        )))
    }

    fn make_variant(ty: &WaveType, case: &str, val: Option<Self>) -> Result<Self, WasmValueError> {
        let Type::Variant(variant) = &ty.0 else {
            return Err(wrong_kind(ty, WasmTypeKind::Variant));
        };
        let Some(expected) = variant.cases().find(|c| c.name == case) else {
            return Err(WasmValueError::UnknownCase(case.to_string()));
        };
        match (expected.ty, &val) {
            (Some(_), None) => Err(WasmValueError::MissingPayload(case.to_string())),
            (None, Some(_)) => Err(WasmValueError::UnexpectedPayload(case.to_string())),
            _ => Ok(Self::owned(Val::Variant(
                case.to_string(),
                unbox(val.map(Box::new)),
            ))),
        }
    }

    fn make_enum(ty: &WaveType, case: &str) -> Result<Self, WasmValueError> {
        let Type::Enum(e) = &ty.0 else {
            return Err(wrong_kind(ty, WasmTypeKind::Enum));
        };
        if !e.names().any(|n| n == case) {
            return Err(WasmValueError::UnknownCase(case.to_string()));
        }
        Ok(Self::owned(Val::Enum(case.to_string())))
    }

    fn make_option(_ty: &WaveType, val: Option<Self>) -> Result<Self, WasmValueError> {
        Ok(Self::owned(Val::Option(unbox(val.map(Box::new)))))
    }

    fn make_result(
        _ty: &WaveType,
        val: Result<Option<Self>, Option<Self>>,
    ) -> Result<Self, WasmValueError> {
        Ok(Self::owned(Val::Result(match val {
            Ok(v) => Ok(unbox(v.map(Box::new))),
            Err(v) => Err(unbox(v.map(Box::new))),
        })))
    }

    fn make_flags<'b>(
        ty: &WaveType,
        names: impl IntoIterator<Item = &'b str>,
    ) -> Result<Self, WasmValueError> {
        let Type::Flags(flags) = &ty.0 else {
            return Err(wrong_kind(ty, WasmTypeKind::Flags));
        };
        let names: Vec<&str> = names.into_iter().collect();
        if let Some(unknown) = names.iter().find(|n| !flags.names().any(|f| f == **n)) {
            return Err(WasmValueError::UnknownCase(unknown.to_string()));
        }
        // A flags value lists the set flags in its type's order.
        let set = flags
            .names()
            .filter(|f| names.contains(f))
            .map(str::to_string)
            .collect();
        Ok(Self::owned(Val::Flags(set)))
    }

    fn unwrap_bool(&self) -> bool {
        match &*self.0 {
            Val::Bool(v) => *v,
            _ => panic!("not a bool"),
        }
    }
    fn unwrap_s8(&self) -> i8 {
        match &*self.0 {
            Val::S8(v) => *v,
            _ => panic!("not an s8"),
        }
    }
    fn unwrap_s16(&self) -> i16 {
        match &*self.0 {
            Val::S16(v) => *v,
            _ => panic!("not an s16"),
        }
    }
    fn unwrap_s32(&self) -> i32 {
        match &*self.0 {
            Val::S32(v) => *v,
            _ => panic!("not an s32"),
        }
    }
    fn unwrap_s64(&self) -> i64 {
        match &*self.0 {
            Val::S64(v) => *v,
            _ => panic!("not an s64"),
        }
    }
    fn unwrap_u8(&self) -> u8 {
        match &*self.0 {
            Val::U8(v) => *v,
            _ => panic!("not a u8"),
        }
    }
    fn unwrap_u16(&self) -> u16 {
        match &*self.0 {
            Val::U16(v) => *v,
            _ => panic!("not a u16"),
        }
    }
    fn unwrap_u32(&self) -> u32 {
        match &*self.0 {
            Val::U32(v) => *v,
            _ => panic!("not a u32"),
        }
    }
    fn unwrap_u64(&self) -> u64 {
        match &*self.0 {
            Val::U64(v) => *v,
            _ => panic!("not a u64"),
        }
    }
    fn unwrap_f32(&self) -> f32 {
        match &*self.0 {
            Val::Float32(v) => *v,
            _ => panic!("not an f32"),
        }
    }
    fn unwrap_f64(&self) -> f64 {
        match &*self.0 {
            Val::Float64(v) => *v,
            _ => panic!("not an f64"),
        }
    }
    fn unwrap_char(&self) -> char {
        match &*self.0 {
            Val::Char(v) => *v,
            _ => panic!("not a char"),
        }
    }
    fn unwrap_string(&self) -> Cow<'_, str> {
        match &*self.0 {
            Val::String(v) => Cow::Borrowed(v),
            _ => panic!("not a string"),
        }
    }

    fn unwrap_list(&self) -> Box<dyn Iterator<Item = Cow<'_, Self>> + '_> {
        parts(self, |v| match v {
            Val::List(items) => Box::new(items.iter()),
            _ => panic!("not a list"),
        })
    }

    fn unwrap_record(&self) -> Box<dyn Iterator<Item = (Cow<'_, str>, Cow<'_, Self>)> + '_> {
        let names = match &*self.0 {
            Val::Record(fields) => fields.iter().map(|(n, _)| Cow::Borrowed(n.as_str())),
            _ => panic!("not a record"),
        };
        let values = parts(self, |v| match v {
            Val::Record(fields) => Box::new(fields.iter().map(|(_, v)| v)),
            _ => panic!("not a record"),
        });
        Box::new(names.zip(values))
    }

    fn unwrap_tuple(&self) -> Box<dyn Iterator<Item = Cow<'_, Self>> + '_> {
        parts(self, |v| match v {
            Val::Tuple(items) => Box::new(items.iter()),
            _ => panic!("not a tuple"),
        })
    }

    fn unwrap_variant(&self) -> (Cow<'_, str>, Option<Cow<'_, Self>>) {
        let name = match &*self.0 {
            Val::Variant(name, _) => Cow::Borrowed(name.as_str()),
            _ => panic!("not a variant"),
        };
        let payload = part(self, |v| match v {
            Val::Variant(_, payload) => payload.as_deref(),
            _ => panic!("not a variant"),
        });
        (name, payload)
    }

    fn unwrap_enum(&self) -> Cow<'_, str> {
        match &*self.0 {
            Val::Enum(name) => Cow::Borrowed(name),
            _ => panic!("not an enum"),
        }
    }

    fn unwrap_option(&self) -> Option<Cow<'_, Self>> {
        part(self, |v| match v {
            Val::Option(payload) => payload.as_deref(),
            _ => panic!("not an option"),
        })
    }

    fn unwrap_result(&self) -> Result<Option<Cow<'_, Self>>, Option<Cow<'_, Self>>> {
        let payload = part(self, |v| match v {
            Val::Result(Ok(p) | Err(p)) => p.as_deref(),
            _ => panic!("not a result"),
        });
        match &*self.0 {
            Val::Result(Ok(_)) => Ok(payload),
            _ => Err(payload),
        }
    }

    fn unwrap_flags(&self) -> Box<dyn Iterator<Item = Cow<'_, str>> + '_> {
        match &*self.0 {
            Val::Flags(names) => Box::new(names.iter().map(|n| Cow::Borrowed(n.as_str()))),
            _ => panic!("not flags"),
        }
    }
}

fn wrong_kind(ty: &WaveType, kind: WasmTypeKind) -> WasmValueError {
    WasmValueError::WrongTypeKind {
        kind,
        ty: ty.0.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln::component::{ResourceAny, ResourceType};
    use wasm_wave::untyped::UntypedValue;

    /// The type `ty` as a component declares it, the way to get a `Type`,
    /// which has no public constructors: exported (as types in an exported
    /// function's signature must be) and the first of the types of a
    /// function's result `tuple<ty, u64>` (whose core function returns a
    /// pointer, whatever `ty` is).
    fn type_of(ty: &str) -> Type {
        let engine = kiln::Engine::default();
        let text = format!(
            r#"(component
                 (core module $m
                   (memory (export "memory") 1)
                   (func (export "f") (result i32) i32.const 0))
                 (core instance $i (instantiate $m))
                 (type $t' {ty})
                 (export $t "t" (type $t'))
                 (func (export "f") (result (tuple $t u64))
                   (canon lift (core func $i "f") (memory (core memory $i "memory")))))"#
        );
        let component = kiln::component::Component::new(&engine, text).unwrap();
        let mut store = kiln::Store::new(&engine, ());
        let instance = kiln::component::Linker::new(&engine)
            .instantiate(&mut store, &component)
            .unwrap();
        let f = instance.get_func(&mut store, "f").unwrap();
        match &f.results(&store)[0] {
            Type::Tuple(t) => t.types().next().unwrap().clone(),
            other => panic!("{other}"),
        }
    }

    fn read(text: &str, ty: &Type) -> Val {
        let value = UntypedValue::parse(text).unwrap();
        parse(value.node(), ty, value.source()).unwrap()
    }

    #[test]
    fn values_round_trip() {
        for (ty, text) in [
            ("(list (tuple u8 string))", r#"[(1, "a"), (2, "b\n")]"#),
            (
                "(record (field \"b\" bool) (field \"c\" char))",
                "{b: true, c: '☃'}",
            ),
            ("(variant (case \"a\" s16) (case \"b\"))", "a(-3)"),
            ("(option (option f32))", "some(none)"),
            ("(result (error (list u64)))", "err([18446744073709551615])"),
            ("(flags \"x\" \"y\")", "{x, y}"),
            ("(enum \"ok\" \"no\")", "%ok"),
        ] {
            let ty = type_of(ty);
            assert_eq!(format(&read(text, &ty)), text, "{ty}");
        }
    }

    #[test]
    fn values_take_their_types_order() {
        let ty = type_of("(record (field \"a\" u8) (field \"b\" (option u8)))");
        assert_eq!(
            read("{b: some(2), a: 1}", &ty),
            Val::Record(vec![
                ("a".into(), Val::U8(1)),
                ("b".into(), Val::Option(Some(Box::new(Val::U8(2)))))
            ])
        );
        // A `none` field may be left out, and is not written.
        let val = read("{a: 1}", &ty);
        assert_eq!(format(&val), "{a: 1}");
        let ty = type_of("(flags \"x\" \"y\" \"z\")");
        assert_eq!(
            read("{z, x}", &ty),
            Val::Flags(vec!["x".into(), "z".into()])
        );
    }

    #[test]
    fn resources_are_written_by_their_type() {
        let file = ResourceType::host_dynamic(u64::MAX, "file");
        let own = Val::Resource(ResourceAny::new_own(file.clone(), 1).unwrap());
        let borrow = Val::Resource(ResourceAny::new_borrow(file, 2).unwrap());
        assert!(has_resources(&own));
        assert!(!has_resources(&Val::List(vec![Val::U8(1)])));
        assert_eq!(format(&own), "resource<own file>");
        let nested = Val::Record(vec![
            ("files".into(), Val::List(vec![own.clone(), borrow])),
            ("none".into(), Val::Option(None)),
            ("some".into(), Val::Option(Some(Box::new(own.clone())))),
            ("name".into(), Val::String("a\"b".into())),
            ("r".into(), Val::Result(Err(Some(Box::new(own))))),
        ]);
        assert_eq!(
            format(&nested),
            "{files: [resource<own file>, resource<borrow file>], \
             some: some(resource<own file>), name: \"a\\\"b\", r: err(resource<own file>)}"
        );
    }
}
