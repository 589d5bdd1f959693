//! Reads a module's sections with wasmparser, validating as it goes.

use super::{
    ConstExpr, ConstOp, DataSegment, ElementSegment, EntityIndex, Import, ModuleInfo, SegmentMode,
};
use crate::environ::error::{Error, Result};
use crate::environ::types::{
    FuncType, GlobalType, Limits, MemoryType, Mutability, TableType, ValType,
};
use wasmparser::{
    ElementItems, ElementKind, ExternalKind, FuncToValidate, FunctionBody, KnownCustom, Name,
    Operator, Parser, Payload, TypeRef, ValidPayload, Validator, ValidatorResources, WasmFeatures,
};

/// A function body, validated lazily together with its translation.
pub(crate) struct FunctionBodyToCompile<'a> {
    pub validator: FuncToValidate<ValidatorResources>,
    pub body: FunctionBody<'a>,
}

fn wasm_err(e: wasmparser::BinaryReaderError) -> Error {
    Error::validation(e.to_string())
}

fn val_type(ty: wasmparser::ValType, offset: u64) -> Result<ValType> {
    ValType::from_wasmparser(ty).ok_or_else(|| {
        Error::validation(format!(
            "unsupported value type {ty} (at offset {offset:#x})"
        ))
    })
}

fn ref_type(ty: wasmparser::RefType, offset: u64) -> Result<ValType> {
    val_type(wasmparser::ValType::Ref(ty), offset)
}

fn memory_type(ty: &wasmparser::MemoryType, offset: u64) -> Result<MemoryType> {
    let memory = MemoryType {
        limits: Limits {
            min: ty.initial,
            max: ty.maximum,
        },
        memory64: ty.memory64,
        shared: ty.shared,
        page_size_log2: ty
            .page_size_log2
            .unwrap_or(crate::environ::types::DEFAULT_PAGE_SIZE_LOG2),
    };
    // The validator has checked the limits against the spec's bounds; a
    // page size it allows that Kiln cannot give is refused here.
    memory
        .check()
        .map_err(|e| Error::validation(format!("{e} (at offset {offset:#x})")))?;
    Ok(memory)
}

fn table_type(ty: &wasmparser::TableType, offset: u64) -> Result<TableType> {
    if ty.shared {
        return Err(Error::validation(format!(
            "unsupported table type (shared) (at offset {offset:#x})"
        )));
    }
    Ok(TableType {
        element: ref_type(ty.element_type, offset)?,
        limits: Limits {
            min: ty.initial,
            max: ty.maximum,
        },
        table64: ty.table64,
    })
}

fn global_type(ty: &wasmparser::GlobalType, offset: u64) -> Result<GlobalType> {
    Ok(GlobalType {
        content: val_type(ty.content_type, offset)?,
        mutability: if ty.mutable {
            Mutability::Var
        } else {
            Mutability::Const
        },
    })
}

fn const_expr(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr> {
    let mut reader = expr.get_operators_reader();
    let mut ops = Vec::new();
    loop {
        let offset = reader.original_position();
        let op = reader.read().map_err(wasm_err)?;
        ops.push(match op {
            Operator::End => break,
            Operator::I32Const { value } => ConstOp::I32(value),
            Operator::I64Const { value } => ConstOp::I64(value),
            Operator::F32Const { value } => ConstOp::F32(value.bits()),
            Operator::F64Const { value } => ConstOp::F64(value.bits()),
            Operator::V128Const { value } => ConstOp::V128(value.i128() as u128),
            Operator::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            Operator::RefNull { hty } => ConstOp::RefNull(ref_type(
                wasmparser::RefType::new(true, hty).ok_or_else(|| {
                    Error::validation(format!("unsupported heap type (at offset {offset:#x})"))
                })?,
                offset,
            )?),
            Operator::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            Operator::I32Add => ConstOp::I32Add,
            Operator::I32Sub => ConstOp::I32Sub,
            Operator::I32Mul => ConstOp::I32Mul,
            Operator::I64Add => ConstOp::I64Add,
            Operator::I64Sub => ConstOp::I64Sub,
            Operator::I64Mul => ConstOp::I64Mul,
            other => {
                return Err(Error::validation(format!(
                    "unsupported constant expression operator {other:?} (at offset {offset:#x})"
                )))
            }
        });
    }
    Ok(ConstExpr(ops))
}

/// Validates `bytes` and reads their metadata; function bodies are returned for
/// the compiler, which validates each one as it translates it.
/// The most operators a brief function may have.
const BRIEF_MAX_OPERATORS: usize = 1000;

/// Whether a call to this body runs briefly whatever its arguments: it has
/// no loops and makes no calls (so every branch goes forward and each
/// operator runs at most once), no operator whose cost grows with its
/// operands (bulk memory and table operations, growing) and no wait, and at most
/// `BRIEF_MAX_OPERATORS` operators. A body that does not read is not brief.
fn is_brief(body: &FunctionBody<'_>) -> bool {
    let Ok(reader) = body.get_operators_reader() else {
        return false;
    };
    let mut count = 0;
    for op in reader {
        count += 1;
        if count > BRIEF_MAX_OPERATORS {
            return false;
        }
        match op {
            Err(_)
            | Ok(
                Operator::Loop { .. }
                | Operator::Call { .. }
                | Operator::CallIndirect { .. }
                | Operator::ReturnCall { .. }
                | Operator::ReturnCallIndirect { .. }
                | Operator::CallRef { .. }
                | Operator::ReturnCallRef { .. }
                | Operator::MemoryGrow { .. }
                | Operator::MemoryAtomicWait32 { .. }
                | Operator::MemoryAtomicWait64 { .. }
                | Operator::MemoryFill { .. }
                | Operator::MemoryCopy { .. }
                | Operator::MemoryInit { .. }
                | Operator::TableGrow { .. }
                | Operator::TableFill { .. }
                | Operator::TableCopy { .. }
                | Operator::TableInit { .. },
            ) => return false,
            Ok(_) => {}
        }
    }
    true
}

pub(crate) fn parse_module(
    bytes: &[u8],
    features: WasmFeatures,
) -> Result<(ModuleInfo, Vec<FunctionBodyToCompile<'_>>)> {
    let mut validator = Validator::new_with_features(features);
    let mut info = ModuleInfo::default();
    let mut bodies = Vec::new();
    let mut names_section = None;

    let mut parser = Parser::new(0);
    // The reader's decoding (e.g. of limits) depends on the enabled features.
    parser.set_features(features);
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(wasm_err)?;
        match validator.payload(&payload).map_err(wasm_err)? {
            ValidPayload::Func(validator, body) => {
                info.body_offsets.push(body.range().start as u32);
                info.brief.push(is_brief(&body));
                bodies.push(FunctionBodyToCompile { validator, body });
                continue;
            }
            ValidPayload::Parser(_) => {
                return Err(Error::validation("nested modules are not supported"));
            }
            ValidPayload::Ok | ValidPayload::End(_) => {}
        }
        match payload {
            Payload::TypeSection(reader) => {
                let offset = reader.range().start;
                for rec_group in reader {
                    let rec_group = rec_group.map_err(wasm_err)?;
                    for sub in rec_group.into_types() {
                        match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(f) => {
                                let params = f
                                    .params()
                                    .iter()
                                    .map(|t| val_type(*t, offset))
                                    .collect::<Result<Vec<_>>>()?;
                                let results = f
                                    .results()
                                    .iter()
                                    .map(|t| val_type(*t, offset))
                                    .collect::<Result<Vec<_>>>()?;
                                info.types.push(FuncType::new(params, results));
                            }
                            _ => {
                                return Err(Error::validation(format!(
                                    "unsupported non-function type (at offset {offset:#x})"
                                )))
                            }
                        }
                    }
                }
            }
            Payload::ImportSection(reader) => {
                let offset = reader.range().start;
                for import in reader.into_imports() {
                    let import = import.map_err(wasm_err)?;
                    let index = match import.ty {
                        TypeRef::Func(ty) | TypeRef::FuncExact(ty) => EntityIndex::Func(
                            push_import(&mut info.functions, ty, &mut info.num_imported_funcs),
                        ),
                        TypeRef::Table(ty) => EntityIndex::Table(push_import(
                            &mut info.tables,
                            table_type(&ty, offset)?,
                            &mut info.num_imported_tables,
                        )),
                        TypeRef::Memory(ty) => EntityIndex::Memory(push_import(
                            &mut info.memories,
                            memory_type(&ty, offset)?,
                            &mut info.num_imported_memories,
                        )),
                        TypeRef::Global(ty) => EntityIndex::Global(push_import(
                            &mut info.globals,
                            global_type(&ty, offset)?,
                            &mut info.num_imported_globals,
                        )),
                        TypeRef::Tag(_) => {
                            return Err(Error::validation(format!(
                                "unsupported tag import (at offset {offset:#x})"
                            )))
                        }
                    };
                    info.imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        index,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    info.functions.push(ty.map_err(wasm_err)?);
                }
            }
            Payload::TableSection(reader) => {
                let offset = reader.range().start;
                for table in reader {
                    let table = table.map_err(wasm_err)?;
                    info.tables.push(table_type(&table.ty, offset)?);
                    info.table_inits.push(match &table.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(const_expr(e)?),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                let offset = reader.range().start;
                for memory in reader {
                    info.memories
                        .push(memory_type(&memory.map_err(wasm_err)?, offset)?);
                }
            }
            Payload::GlobalSection(reader) => {
                let offset = reader.range().start;
                for global in reader {
                    let global = global.map_err(wasm_err)?;
                    info.globals.push(global_type(&global.ty, offset)?);
                    info.global_inits.push(const_expr(&global.init_expr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(wasm_err)?;
                    let index = match export.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => {
                            EntityIndex::Func(export.index)
                        }
                        ExternalKind::Table => EntityIndex::Table(export.index),
                        ExternalKind::Memory => EntityIndex::Memory(export.index),
                        ExternalKind::Global => EntityIndex::Global(export.index),
                        ExternalKind::Tag => {
                            return Err(Error::validation("unsupported tag export"))
                        }
                    };
                    info.exports.push((export.name.to_string(), index));
                }
            }
            Payload::StartSection { func, .. } => info.start = Some(func),
            Payload::ElementSection(reader) => {
                for element in reader {
                    let element = element.map_err(wasm_err)?;
                    let offset = element.range.start;
                    let mode = match element.kind {
                        ElementKind::Passive => SegmentMode::Passive,
                        ElementKind::Declared => SegmentMode::Declared,
                        ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => SegmentMode::Active {
                            index: table_index.unwrap_or(0),
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    let (_ty, items) = match element.items {
                        ElementItems::Functions(funcs) => (
                            ValType::FuncRef,
                            funcs
                                .into_iter()
                                .map(|f| {
                                    Ok(ConstExpr(vec![ConstOp::RefFunc(f.map_err(wasm_err)?)]))
                                })
                                .collect::<Result<Vec<_>>>()?,
                        ),
                        ElementItems::Expressions(ty, exprs) => (
                            ref_type(ty, offset)?,
                            exprs
                                .into_iter()
                                .map(|e| const_expr(&e.map_err(wasm_err)?))
                                .collect::<Result<Vec<_>>>()?,
                        ),
                    };
                    info.elements.push(ElementSegment { mode, items });
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data.map_err(wasm_err)?;
                    let mode = match data.kind {
                        wasmparser::DataKind::Passive => SegmentMode::Passive,
                        wasmparser::DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => SegmentMode::Active {
                            index: memory_index,
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    info.data.push(DataSegment {
                        mode,
                        bytes: data.data.to_vec(),
                    });
                }
            }
            Payload::CustomSection(reader) => {
                if let KnownCustom::Name(names) = reader.as_known() {
                    names_section = Some(names);
                }
            }
            _ => {}
        }
    }
    if let Some(names) = names_section {
        // A malformed name section is ignored, as the spec requires for custom sections.
        read_names(&mut info, names);
    }
    Ok((info, bodies))
}

/// Appends an imported entity to its index space and counts it; returns its index.
fn push_import<T>(space: &mut Vec<T>, item: T, imported: &mut u32) -> u32 {
    space.push(item);
    *imported += 1;
    space.len() as u32 - 1
}

fn read_names(info: &mut ModuleInfo, names: wasmparser::NameSectionReader<'_>) {
    for name in names {
        let Ok(name) = name else { return };
        match name {
            Name::Module { name, .. } => info.name = Some(name.to_string()),
            Name::Function(map) => {
                for naming in map {
                    let Ok(naming) = naming else { return };
                    info.func_names
                        .insert(naming.index, naming.name.to_string());
                }
            }
            _ => {}
        }
    }
}
