//! The types of component values and functions, as a component declares
//! them: what [`Func::params`](super::Func::params) and
//! [`Func::results`](super::Func::results) describe.
//!
//! ```
//! use kiln::component::{types::Type, Component, Linker};
//! use kiln::{Engine, Store};
//!
//! let engine = Engine::default();
//! let component = Component::new(&engine, r#"
//!     (component
//!       (core module $m (func (export "f") (param i32) (result i32) local.get 0))
//!       (core instance $i (instantiate $m))
//!       (func (export "f") (param "x" u8) (result (option u8))
//!         (canon lift (core func $i "f"))))
//! "#).unwrap_err();
//! // An `option<u8>` result needs memory to be returned: the component is
//! // invalid without it.
//! assert!(component.to_string().contains("canonical option `memory` is required"));
//!
//! let component = Component::new(&engine, r#"
//!     (component
//!       (core module $m (func (export "f") (param i32) (result i32) local.get 0))
//!       (core instance $i (instantiate $m))
//!       (func (export "f") (param "x" u8) (result u8) (canon lift (core func $i "f"))))
//! "#).unwrap();
//! let mut store = Store::new(&engine, ());
//! let instance = Linker::new(&engine).instantiate(&mut store, &component).unwrap();
//! let f = instance.get_func(&mut store, "f").unwrap();
//! assert_eq!(&*f.params(&store), &[("x".to_string(), Type::U8)]);
//! assert_eq!(&*f.results(&store), &[Type::U8]);
//! ```

use super::abi::layout::{self, FlatType, Layout};
use super::resources::ResourceType;
use std::fmt;
use std::sync::Arc;

/// The type of a component value.
///
/// ```
/// use kiln::component::{types::Type, Component, Linker};
/// use kiln::{Engine, Store};
///
/// let engine = Engine::default();
/// let component = Component::new(&engine, r#"
///     (component
///       (core module $m
///         (memory (export "memory") 1)
///         (func (export "realloc") (param i32 i32 i32 i32) (result i32) i32.const 64)
///         (func (export "f") (param i32 i32 i32 i32 i32) (result i32) i32.const 0))
///       (core instance $i (instantiate $m))
///       (type $point' (record (field "x" s32) (field "y" s32)))
///       (export $point "point" (type $point'))
///       (type $shape' (variant (case "dot" $point) (case "none")))
///       (export $shape "shape" (type $shape'))
///       (func (export "f") (param "s" $shape) (param "tags" (list string)) (result (option u8))
///         (canon lift (core func $i "f")
///           (memory (core memory $i "memory")) (realloc (core func $i "realloc")))))
/// "#).unwrap();
/// let mut store = Store::new(&engine, ());
/// let instance = Linker::new(&engine).instantiate(&mut store, &component).unwrap();
/// let f = instance.get_func(&mut store, "f").unwrap();
/// let params = f.params(&store);
/// let Type::Variant(shape) = &params[0].1 else { panic!() };
/// let dot = shape.cases().next().unwrap();
/// assert_eq!(dot.name, "dot");
/// let Some(Type::Record(point)) = dot.ty else { panic!() };
/// assert_eq!(point.fields().map(|f| f.name).collect::<Vec<_>>(), ["x", "y"]);
/// assert_eq!(params[1].1.to_string(), "list<string>");
/// assert_eq!(f.results(&store)[0].to_string(), "option<u8>");
/// assert_eq!(
///     f.ty(&store).to_string(),
///     "func(s: variant { dot(record { x: s32, y: s32 }), none }, tags: list<string>) -> option<u8>"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// `bool`
    Bool,
    /// `s8`
    S8,
    /// `u8`
    U8,
    /// `s16`
    S16,
    /// `u16`
    U16,
    /// `s32`
    S32,
    /// `u32`
    U32,
    /// `s64`
    S64,
    /// `u64`
    U64,
    /// `f32`
    Float32,
    /// `f64`
    Float64,
    /// `char`
    Char,
    /// `string`
    String,
    /// `list<T>`
    List(List),
    /// `record { ... }`
    Record(Record),
    /// `tuple<...>`
    Tuple(Tuple),
    /// `variant { ... }`
    Variant(Variant),
    /// `enum { ... }`
    Enum(Enum),
    /// `option<T>`
    Option(OptionType),
    /// `result<T, E>`
    Result(ResultType),
    /// `flags { ... }`
    Flags(Flags),
    /// `own<R>`: an owned handle to a resource.
    Own(ResourceType),
    /// `borrow<R>`: a handle to a resource borrowed for one call.
    Borrow(ResourceType),
}

/// A `list<T>` type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct List(pub(crate) Arc<ListInner>);

#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct ListInner {
    pub element: Type,
    pub resources: bool,
}

/// A `record` type: named fields, in order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Record(pub(crate) Arc<RecordInner>);

#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct RecordInner {
    pub fields: Box<[(String, Type)]>,
    pub layout: Layout,
}

/// A `tuple` type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tuple(pub(crate) Arc<TupleInner>);

#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct TupleInner {
    pub types: Box<[Type]>,
    pub layout: Layout,
}

/// A `variant` type: named cases, each with an optional payload.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Variant(pub(crate) Arc<VariantInner>);

#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct VariantInner {
    pub cases: Box<[(String, Option<Type>)]>,
    pub layout: Layout,
}

/// An `enum` type: a variant whose cases have no payload.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Enum(pub(crate) Arc<EnumInner>);

#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct EnumInner {
    pub names: Box<[String]>,
    pub layout: Layout,
}

/// An `option<T>` type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OptionType(pub(crate) Arc<OptionInner>);

#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct OptionInner {
    pub ty: Type,
    pub layout: Layout,
}

/// A `result<T, E>` type; either side may have no payload.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ResultType(pub(crate) Arc<ResultInner>);

#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct ResultInner {
    pub ok: Option<Type>,
    pub err: Option<Type>,
    pub layout: Layout,
}

/// A `flags` type: a set of named bits.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Flags(pub(crate) Arc<FlagsInner>);

#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct FlagsInner {
    pub names: Box<[String]>,
    pub layout: Layout,
}

/// A field of a [`Record`].
#[derive(Clone, Copy, Debug)]
pub struct Field<'a> {
    /// The field's name.
    pub name: &'a str,
    /// The field's type.
    pub ty: &'a Type,
}

/// A case of a [`Variant`].
#[derive(Clone, Copy, Debug)]
pub struct Case<'a> {
    /// The case's name.
    pub name: &'a str,
    /// The case's payload type, if it has one.
    pub ty: Option<&'a Type>,
}

impl List {
    /// The type `list<element>`.
    pub fn new(element: Type) -> List {
        let resources = element.has_resources();
        List(Arc::new(ListInner { element, resources }))
    }

    /// The element type.
    pub fn ty(&self) -> &Type {
        &self.0.element
    }
}

impl Record {
    /// A record of `fields` (names and types), in order.
    ///
    /// ```
    /// use kiln::component::types::{Record, Type};
    /// let score = Record::new(vec![("name".into(), Type::String), ("value".into(), Type::Float64)]);
    /// assert_eq!(score.field_offsets(), [0, 8]);
    /// let ty = Type::Record(score);
    /// assert_eq!((ty.size(), ty.align(), ty.flat_count()), (16, 8, 3));
    /// ```
    pub fn new(fields: Vec<(String, Type)>) -> Record {
        let layout = layout::record(fields.iter().map(|(_, t)| t));
        Record(Arc::new(RecordInner {
            fields: fields.into(),
            layout,
        }))
    }

    /// The fields, in order.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = Field<'_>> + '_ {
        self.0.fields.iter().map(|(name, ty)| Field { name, ty })
    }

    /// Where each field starts in a record in memory, in order.
    pub fn field_offsets(&self) -> &[u32] {
        &self.0.layout.offsets
    }
}

impl Tuple {
    /// A tuple of `types`, in order.
    pub fn new(types: Vec<Type>) -> Tuple {
        let layout = layout::record(types.iter());
        Tuple(Arc::new(TupleInner {
            types: types.into(),
            layout,
        }))
    }

    /// The element types, in order.
    pub fn types(&self) -> impl ExactSizeIterator<Item = &Type> + '_ {
        self.0.types.iter()
    }

    /// Where each element starts in a tuple in memory, in order.
    pub fn offsets(&self) -> &[u32] {
        &self.0.layout.offsets
    }
}

impl Variant {
    /// A variant of `cases` (names and payload types), in order.
    pub fn new(cases: Vec<(String, Option<Type>)>) -> Variant {
        let layout = layout::variant(cases.iter().map(|(_, t)| t.as_ref()));
        Variant(Arc::new(VariantInner {
            cases: cases.into(),
            layout,
        }))
    }

    /// The cases, in order.
    pub fn cases(&self) -> impl ExactSizeIterator<Item = Case<'_>> + '_ {
        self.0.cases.iter().map(|(name, ty)| Case {
            name,
            ty: ty.as_ref(),
        })
    }

    /// Where a case's payload starts, after the discriminant, in memory.
    pub fn payload_offset(&self) -> u32 {
        self.0.layout.payload_offset
    }

    /// The size in bytes of the discriminant in memory.
    pub fn discriminant_size(&self) -> u32 {
        layout::discriminant_size(self.0.cases.len())
    }
}

impl Enum {
    /// An enum of the case `names`, in order.
    pub fn new(names: Vec<String>) -> Enum {
        let layout = layout::variant(names.iter().map(|_| None));
        Enum(Arc::new(EnumInner {
            names: names.into(),
            layout,
        }))
    }

    /// The case names, in order.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.0.names.iter().map(|s| s.as_str())
    }
}

impl OptionType {
    /// The type `option<ty>`.
    pub fn new(ty: Type) -> OptionType {
        let layout = layout::variant([None, Some(&ty)].into_iter());
        OptionType(Arc::new(OptionInner { ty, layout }))
    }

    /// The payload type of `some`.
    pub fn ty(&self) -> &Type {
        &self.0.ty
    }

    /// Where the payload of `some` starts, after the discriminant, in memory.
    pub fn payload_offset(&self) -> u32 {
        self.0.layout.payload_offset
    }
}

impl ResultType {
    /// The type `result<ok, err>` (either side may have no payload).
    pub fn new(ok: Option<Type>, err: Option<Type>) -> ResultType {
        let layout = layout::variant([ok.as_ref(), err.as_ref()].into_iter());
        ResultType(Arc::new(ResultInner { ok, err, layout }))
    }

    /// The payload type of `ok`, if any.
    pub fn ok(&self) -> Option<&Type> {
        self.0.ok.as_ref()
    }

    /// The payload type of `err`, if any.
    pub fn err(&self) -> Option<&Type> {
        self.0.err.as_ref()
    }

    /// Where the payload starts, after the discriminant, in memory.
    pub fn payload_offset(&self) -> u32 {
        self.0.layout.payload_offset
    }
}

impl Flags {
    /// A flags type of the flag `names`, in bit order.
    pub fn new(names: Vec<String>) -> Flags {
        let layout = layout::flags(names.len());
        Flags(Arc::new(FlagsInner {
            names: names.into(),
            layout,
        }))
    }

    /// The flag names, in bit order.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.0.names.iter().map(|s| s.as_str())
    }
}

impl Type {
    /// Whether values of this type hold resource handles anywhere inside
    /// (known from the type's layout, without walking it).
    ///
    /// ```
    /// use kiln::component::types::{List, Type};
    ///
    /// assert!(!Type::List(List::new(Type::String)).has_resources());
    /// ```
    pub fn has_resources(&self) -> bool {
        match self {
            Type::Own(_) | Type::Borrow(_) => true,
            Type::List(l) => l.0.resources,
            Type::Record(r) => r.0.layout.resources,
            Type::Tuple(t) => t.0.layout.resources,
            Type::Variant(v) => v.0.layout.resources,
            Type::Option(o) => o.0.layout.resources,
            Type::Result(r) => r.0.layout.resources,
            _ => false,
        }
    }

    /// This type with every resource type replaced by `f`'s answer: how a
    /// type a component declares becomes the type of one instance of it.
    pub(crate) fn map_resources<E>(
        &self,
        f: &mut impl FnMut(&ResourceType) -> Result<ResourceType, E>,
    ) -> Result<Type, E> {
        if !self.has_resources() {
            return Ok(self.clone());
        }
        Ok(match self {
            Type::Own(r) => Type::Own(f(r)?),
            Type::Borrow(r) => Type::Borrow(f(r)?),
            Type::List(l) => Type::List(List::new(l.0.element.map_resources(f)?)),
            Type::Record(r) => Type::Record(Record::new(
                r.0.fields
                    .iter()
                    .map(|(n, t)| Ok((n.clone(), t.map_resources(f)?)))
                    .collect::<Result<_, E>>()?,
            )),
            Type::Tuple(t) => Type::Tuple(Tuple::new(
                t.0.types
                    .iter()
                    .map(|t| t.map_resources(f))
                    .collect::<Result<_, E>>()?,
            )),
            Type::Variant(v) => Type::Variant(Variant::new(
                v.0.cases
                    .iter()
                    .map(|(n, t)| {
                        Ok((
                            n.clone(),
                            t.as_ref().map(|t| t.map_resources(f)).transpose()?,
                        ))
                    })
                    .collect::<Result<_, E>>()?,
            )),
            Type::Option(o) => Type::Option(OptionType::new(o.0.ty.map_resources(f)?)),
            Type::Result(r) => Type::Result(ResultType::new(
                r.0.ok.as_ref().map(|t| t.map_resources(f)).transpose()?,
                r.0.err.as_ref().map(|t| t.map_resources(f)).transpose()?,
            )),
            other => other.clone(),
        })
    }

    /// The canonical ABI's flattening of this type.
    pub(crate) fn push_flat(&self, out: &mut Vec<FlatType>) {
        match self {
            Type::Bool
            | Type::S8
            | Type::U8
            | Type::S16
            | Type::U16
            | Type::S32
            | Type::U32
            | Type::Char
            | Type::Own(_)
            | Type::Borrow(_) => out.push(FlatType::I32),
            Type::S64 | Type::U64 => out.push(FlatType::I64),
            Type::Float32 => out.push(FlatType::F32),
            Type::Float64 => out.push(FlatType::F64),
            Type::String | Type::List(_) => out.extend([FlatType::I32, FlatType::I32]),
            _ => out.extend_from_slice(&self.compound_layout().expect("compound").flat),
        }
    }

    fn compound_layout(&self) -> Option<&Layout> {
        Some(match self {
            Type::Record(r) => &r.0.layout,
            Type::Tuple(t) => &t.0.layout,
            Type::Variant(v) => &v.0.layout,
            Type::Enum(e) => &e.0.layout,
            Type::Option(o) => &o.0.layout,
            Type::Result(r) => &r.0.layout,
            Type::Flags(f) => &f.0.layout,
            _ => return None,
        })
    }

    /// How many core values this type flattens to, as the canonical ABI
    /// passes it in a call.
    pub fn flat_count(&self) -> usize {
        match self {
            Type::String | Type::List(_) => 2,
            _ => self.compound_layout().map_or(1, |l| l.flat.len()),
        }
    }

    /// The canonical ABI's size of this type in memory.
    pub fn size(&self) -> u32 {
        match self {
            Type::Bool | Type::S8 | Type::U8 => 1,
            Type::S16 | Type::U16 => 2,
            Type::S32 | Type::U32 | Type::Float32 | Type::Char => 4,
            Type::Own(_) | Type::Borrow(_) => 4,
            Type::S64 | Type::U64 | Type::Float64 => 8,
            Type::String | Type::List(_) => 8,
            _ => self.compound_layout().expect("compound").size,
        }
    }

    /// The canonical ABI's alignment of this type in memory.
    pub fn align(&self) -> u32 {
        match self {
            Type::Bool | Type::S8 | Type::U8 => 1,
            Type::S16 | Type::U16 => 2,
            Type::S32 | Type::U32 | Type::Float32 | Type::Char => 4,
            Type::Own(_) | Type::Borrow(_) => 4,
            Type::S64 | Type::U64 | Type::Float64 => 8,
            Type::String | Type::List(_) => 4,
            _ => self.compound_layout().expect("compound").align,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::S8 => f.write_str("s8"),
            Type::U8 => f.write_str("u8"),
            Type::S16 => f.write_str("s16"),
            Type::U16 => f.write_str("u16"),
            Type::S32 => f.write_str("s32"),
            Type::U32 => f.write_str("u32"),
            Type::S64 => f.write_str("s64"),
            Type::U64 => f.write_str("u64"),
            Type::Float32 => f.write_str("f32"),
            Type::Float64 => f.write_str("f64"),
            Type::Char => f.write_str("char"),
            Type::String => f.write_str("string"),
            Type::List(l) => write!(f, "list<{}>", l.ty()),
            Type::Record(r) => {
                f.write_str("record { ")?;
                for (i, field) in r.fields().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}: {}", field.name, field.ty)?;
                }
                f.write_str(" }")
            }
            Type::Tuple(t) => {
                f.write_str("tuple<")?;
                for (i, ty) in t.types().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{ty}")?;
                }
                f.write_str(">")
            }
            Type::Variant(v) => {
                f.write_str("variant { ")?;
                for (i, case) in v.cases().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match case.ty {
                        Some(ty) => write!(f, "{}({ty})", case.name)?,
                        None => f.write_str(case.name)?,
                    }
                }
                f.write_str(" }")
            }
            Type::Enum(e) => write!(f, "enum {{ {} }}", e.names().collect::<Vec<_>>().join(", ")),
            Type::Option(o) => write!(f, "option<{}>", o.ty()),
            Type::Result(r) => match (r.ok(), r.err()) {
                (None, None) => f.write_str("result"),
                (Some(ok), None) => write!(f, "result<{ok}>"),
                (None, Some(err)) => write!(f, "result<_, {err}>"),
                (Some(ok), Some(err)) => write!(f, "result<{ok}, {err}>"),
            },
            Type::Flags(fl) => {
                write!(
                    f,
                    "flags {{ {} }}",
                    fl.names().collect::<Vec<_>>().join(", ")
                )
            }
            Type::Own(r) => write!(f, "own<{r}>"),
            Type::Borrow(r) => write!(f, "borrow<{r}>"),
        }
    }
}

/// The type of a component function: named parameters and at most one
/// result.
///
/// ```
/// use kiln::component::{types::Type, Component, Linker};
/// use kiln::{Engine, Store};
///
/// let engine = Engine::default();
/// let component = Component::new(&engine, r#"(component
///     (core module $m (func (export "f") (param i32 i64) (result f32) f32.const 0))
///     (core instance $i (instantiate $m))
///     (func (export "f") (param "a" u16) (param "b" s64) (result f32) (canon lift (core func $i "f"))))"#).unwrap();
/// let mut store = Store::new(&engine, ());
/// let instance = Linker::new(&engine).instantiate(&mut store, &component).unwrap();
/// let ty = instance.get_func(&mut store, "f").unwrap().ty(&store);
/// assert_eq!(ty.params().collect::<Vec<_>>(), [("a", &Type::U16), ("b", &Type::S64)]);
/// assert_eq!(ty.results().collect::<Vec<_>>(), [&Type::Float32]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ComponentFunc(pub(crate) Arc<FuncTypeInner>);

#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct FuncTypeInner {
    pub params: Box<[(String, Type)]>,
    pub results: Box<[Type]>,
    /// The parameters as one tuple, for passing them through memory.
    pub params_tuple: Tuple,
    /// The results as one tuple, for passing them through memory.
    pub results_tuple: Tuple,
}

impl ComponentFunc {
    pub(crate) fn new(params: Vec<(String, Type)>, results: Vec<Type>) -> ComponentFunc {
        let params_tuple = Tuple::new(params.iter().map(|(_, t)| t.clone()).collect());
        let results_tuple = Tuple::new(results.clone());
        ComponentFunc(Arc::new(FuncTypeInner {
            params: params.into(),
            results: results.into(),
            params_tuple,
            results_tuple,
        }))
    }

    /// The parameters: names and types, in order.
    pub fn params(&self) -> impl ExactSizeIterator<Item = (&str, &Type)> + '_ {
        self.0.params.iter().map(|(n, t)| (n.as_str(), t))
    }

    /// The result types (none or one).
    pub fn results(&self) -> impl ExactSizeIterator<Item = &Type> + '_ {
        self.0.results.iter()
    }

    pub(crate) fn has_resources(&self) -> bool {
        self.0.params_tuple.0.layout.resources || self.0.results_tuple.0.layout.resources
    }

    pub(crate) fn map_resources<E>(
        &self,
        f: &mut impl FnMut(&ResourceType) -> Result<ResourceType, E>,
    ) -> Result<ComponentFunc, E> {
        if !self.has_resources() {
            return Ok(self.clone());
        }
        let params = self
            .0
            .params
            .iter()
            .map(|(n, t)| Ok((n.clone(), t.map_resources(f)?)))
            .collect::<Result<_, E>>()?;
        let results = self
            .0
            .results
            .iter()
            .map(|t| t.map_resources(f))
            .collect::<Result<_, E>>()?;
        Ok(ComponentFunc::new(params, results))
    }

    /// The flat core parameter types of the parameters alone.
    pub(crate) fn flat_params(&self) -> &[FlatType] {
        &self.0.params_tuple.0.layout.flat
    }

    /// The flat core types of the results alone.
    pub(crate) fn flat_results(&self) -> &[FlatType] {
        &self.0.results_tuple.0.layout.flat
    }
}

impl fmt::Display for ComponentFunc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("func(")?;
        for (i, (name, ty)) in self.params().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name}: {ty}")?;
        }
        f.write_str(")")?;
        if let Some(r) = self.results().next() {
            write!(f, " -> {r}")?;
        }
        Ok(())
    }
}

/// What a component imports or exports under one name, with its type, as
/// [`ComponentType`] lists them.
#[derive(Clone, Debug)]
pub enum ComponentItem {
    /// A function.
    ComponentFunc(ComponentFunc),
    /// An instance, with the types of its exports.
    ComponentInstance(ComponentInstance),
    /// A resource type: abstract until instantiation binds it (equal to
    /// the resource types of the functions that use it).
    Resource(ResourceType),
    /// A type that is not a resource.
    Type,
    /// A core module.
    Module,
    /// A component.
    Component,
}

impl ComponentItem {
    /// What kind of item it is: `"function"`, `"instance"`, `"resource
    /// type"`, `"type"`, `"module"` or `"component"`.
    pub fn kind(&self) -> &'static str {
        match self {
            ComponentItem::ComponentFunc(_) => "function",
            ComponentItem::ComponentInstance(_) => "instance",
            ComponentItem::Resource(_) => "resource type",
            ComponentItem::Type => "type",
            ComponentItem::Module => "module",
            ComponentItem::Component => "component",
        }
    }
}

/// The type of an instance a component imports or exports: its exports,
/// by name, in order.
#[derive(Clone, Debug)]
pub struct ComponentInstance(pub(crate) Arc<[(String, ComponentItem)]>);

impl ComponentInstance {
    /// The instance's exports, in order.
    pub fn exports(&self) -> impl ExactSizeIterator<Item = (&str, &ComponentItem)> + '_ {
        self.0.iter().map(|(n, i)| (n.as_str(), i))
    }

    /// The export `name`, if the instance has it.
    pub fn get(&self, name: &str) -> Option<&ComponentItem> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, i)| i)
    }
}

/// A component's type: what it imports and exports, with their types,
/// known before it is instantiated.
///
/// ```
/// use kiln::component::types::{ComponentItem, Type};
/// use kiln::component::Component;
/// use kiln::Engine;
///
/// let component = Component::new(&Engine::default(), r#"(component
///     (import "host:demo/log" (instance
///       (export "line" (func (param "s" string)))))
///     (core module $m (func (export "f") (param i32) (result i32) local.get 0))
///     (core instance $i (instantiate $m))
///     (func (export "twice") (param "x" u32) (result u32) (canon lift (core func $i "f"))))"#).unwrap();
/// let ty = component.component_type();
/// let (name, ComponentItem::ComponentInstance(log)) = ty.imports().next().unwrap() else { panic!() };
/// assert_eq!(name, "host:demo/log");
/// let Some(ComponentItem::ComponentFunc(line)) = log.get("line") else { panic!() };
/// assert_eq!(line.to_string(), "func(s: string)");
/// let (name, ComponentItem::ComponentFunc(twice)) = ty.exports().next().unwrap() else { panic!() };
/// assert_eq!((name, twice.results().collect::<Vec<_>>()), ("twice", vec![&Type::U32]));
/// ```
#[derive(Clone, Debug)]
pub struct ComponentType {
    pub(crate) imports: Arc<[(String, ComponentItem)]>,
    pub(crate) exports: Arc<[(String, ComponentItem)]>,
}

impl ComponentType {
    /// The component's imports, in order.
    pub fn imports(&self) -> impl ExactSizeIterator<Item = (&str, &ComponentItem)> + '_ {
        self.imports.iter().map(|(n, i)| (n.as_str(), i))
    }

    /// The component's exports, in order.
    pub fn exports(&self) -> impl ExactSizeIterator<Item = (&str, &ComponentItem)> + '_ {
        self.exports.iter().map(|(n, i)| (n.as_str(), i))
    }
}
