//! Component types as wasmparser's validator knows them, converted to
//! Kiln's: resources stay declared (`ResourceType::declared`) until
//! instantiation gives them concrete types.

use super::plan::ImportShape;
use super::resources::ResourceType;
use super::types::{
    ComponentFunc, Enum, Flags, List, OptionType, Record, ResultType, Tuple, Type, Variant,
};
use crate::environ::error::{Error, Result};
use std::collections::HashMap;
use wasmparser::component_types::{
    ComponentAnyTypeId, ComponentDefinedType, ComponentDefinedTypeId, ComponentEntityType,
    ComponentFuncTypeId, ComponentInstanceTypeId, ComponentValType,
};
use wasmparser::types::TypesRef;
use wasmparser::PrimitiveValType;

/// An error for a component feature Kiln does not implement.
pub(crate) fn unsupported(what: impl std::fmt::Display) -> Error {
    Error::validation(format!("{what} is not supported yet"))
}

/// Converts validator types, remembering the defined types it has seen
/// (their ids are unique within one validation).
#[derive(Default)]
pub(crate) struct Converter {
    cache: HashMap<ComponentDefinedTypeId, Type>,
}

impl Converter {
    pub fn valtype(&mut self, types: TypesRef<'_>, ty: &ComponentValType) -> Result<Type> {
        match ty {
            ComponentValType::Primitive(p) => primitive(*p),
            ComponentValType::Type(id) => self.defined(types, *id),
        }
    }

    fn opt(&mut self, types: TypesRef<'_>, ty: &Option<ComponentValType>) -> Result<Option<Type>> {
        ty.as_ref().map(|t| self.valtype(types, t)).transpose()
    }

    fn defined(&mut self, types: TypesRef<'_>, id: ComponentDefinedTypeId) -> Result<Type> {
        if let Some(t) = self.cache.get(&id) {
            return Ok(t.clone());
        }
        let ty = match &types[id] {
            ComponentDefinedType::Primitive(p) => primitive(*p)?,
            ComponentDefinedType::Record(r) => Type::Record(Record::new(
                r.fields
                    .iter()
                    .map(|(n, t)| Ok((n.to_string(), self.valtype(types, t)?)))
                    .collect::<Result<_>>()?,
            )),
            ComponentDefinedType::Variant(v) => Type::Variant(Variant::new(
                v.cases
                    .iter()
                    .map(|(n, c)| Ok((n.to_string(), self.opt(types, &c.ty)?)))
                    .collect::<Result<_>>()?,
            )),
            ComponentDefinedType::List { element, .. } => {
                Type::List(List::new(self.valtype(types, element)?))
            }
            ComponentDefinedType::Tuple(t) => Type::Tuple(Tuple::new(
                t.types
                    .iter()
                    .map(|t| self.valtype(types, t))
                    .collect::<Result<_>>()?,
            )),
            ComponentDefinedType::Flags(names) => {
                Type::Flags(Flags::new(names.iter().map(|n| n.to_string()).collect()))
            }
            ComponentDefinedType::Enum(names) => {
                Type::Enum(Enum::new(names.iter().map(|n| n.to_string()).collect()))
            }
            ComponentDefinedType::Option { ty, .. } => {
                Type::Option(OptionType::new(self.valtype(types, ty)?))
            }
            ComponentDefinedType::Result { ok, err, .. } => {
                Type::Result(ResultType::new(self.opt(types, ok)?, self.opt(types, err)?))
            }
            ComponentDefinedType::Own(r) => Type::Own(ResourceType::declared(r.resource())),
            ComponentDefinedType::Borrow(r) => Type::Borrow(ResourceType::declared(r.resource())),
            ComponentDefinedType::Map { .. } => return Err(unsupported("the `map` type")),
            ComponentDefinedType::FixedLengthList { .. } => {
                return Err(unsupported("the fixed-length `list` type"))
            }
            ComponentDefinedType::Future { .. } => return Err(unsupported("the `future` type")),
            ComponentDefinedType::Stream { .. } => return Err(unsupported("the `stream` type")),
        };
        self.cache.insert(id, ty.clone());
        Ok(ty)
    }

    pub fn func(&mut self, types: TypesRef<'_>, id: ComponentFuncTypeId) -> Result<ComponentFunc> {
        let f = &types[id];
        if f.async_ {
            return Err(unsupported("an `async` function type"));
        }
        let params = f
            .params
            .iter()
            .map(|(n, t)| Ok((n.to_string(), self.valtype(types, t)?)))
            .collect::<Result<_>>()?;
        let results = match &f.result {
            Some(t) => vec![self.valtype(types, t)?],
            None => Vec::new(),
        };
        Ok(ComponentFunc::new(params, results))
    }

    pub fn instance(
        &mut self,
        types: TypesRef<'_>,
        id: ComponentInstanceTypeId,
    ) -> Result<Vec<(String, ImportShape)>> {
        types[id]
            .exports
            .iter()
            .map(|(name, item)| Ok((name.clone(), self.entity(types, &item.ty)?)))
            .collect()
    }

    pub fn entity(&mut self, types: TypesRef<'_>, ty: &ComponentEntityType) -> Result<ImportShape> {
        Ok(match ty {
            ComponentEntityType::Module(_) => ImportShape::Module,
            ComponentEntityType::Func(id) => ImportShape::Func(self.func(types, *id)?),
            ComponentEntityType::Value(_) => return Err(unsupported("a component value")),
            ComponentEntityType::Type { created, .. } => match created {
                ComponentAnyTypeId::Resource(r) => ImportShape::Resource(r.resource()),
                _ => ImportShape::Type,
            },
            ComponentEntityType::Instance(id) => ImportShape::Instance(self.instance(types, *id)?),
            ComponentEntityType::Component(_) => ImportShape::Component,
        })
    }
}

fn primitive(p: PrimitiveValType) -> Result<Type> {
    Ok(match p {
        PrimitiveValType::Bool => Type::Bool,
        PrimitiveValType::S8 => Type::S8,
        PrimitiveValType::U8 => Type::U8,
        PrimitiveValType::S16 => Type::S16,
        PrimitiveValType::U16 => Type::U16,
        PrimitiveValType::S32 => Type::S32,
        PrimitiveValType::U32 => Type::U32,
        PrimitiveValType::S64 => Type::S64,
        PrimitiveValType::U64 => Type::U64,
        PrimitiveValType::F32 => Type::Float32,
        PrimitiveValType::F64 => Type::Float64,
        PrimitiveValType::Char => Type::Char,
        PrimitiveValType::String => Type::String,
        PrimitiveValType::ErrorContext => return Err(unsupported("the `error-context` type")),
    })
}
