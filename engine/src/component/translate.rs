//! Decoding and validating a component binary into its instantiation plan
//! ([`ComponentDef`]), compiling its core modules on the way.
//!
//! The validator runs section by section, and after each section the
//! translator reads what it needs (function types, resource identities) from
//! the validator's view of the component being parsed.

use super::abi::StringEncoding;
use super::convert::{unsupported, Converter};
use super::plan::{ComponentDef, CoreSort, ImportShape, Init, ItemRef, OptionsDef, Sort};
use crate::environ::error::{Error, Result};
use crate::Engine;
use std::collections::HashMap;
use std::sync::Arc;
use wasmparser::component_types::{ComponentAnyTypeId, ResourceId};
use wasmparser::types::TypesRef;
use wasmparser::{
    CanonicalFunction, CanonicalOption, ComponentAlias, ComponentDefinedType,
    ComponentExternalKind, ComponentInstance, ComponentOuterAliasKind, ComponentType,
    ComponentTypeRef, Encoding, ExternalKind, Instance, Parser, Payload, PrimitiveValType,
    TypeBounds, ValidPayload, Validator, WasmFeatures,
};

/// The features a component is validated with: the engine's core features,
/// the component model, and the parts of it Kiln rejects itself with a
/// clearer message than the validator's (async, streams, futures, ...).
fn features(engine: &Engine) -> WasmFeatures {
    engine.0.config.features
        | WasmFeatures::COMPONENT_MODEL
        | WasmFeatures::CM_ASYNC
        | WasmFeatures::CM_ASYNC_STACKFUL
        | WasmFeatures::CM_MORE_ASYNC_BUILTINS
        | WasmFeatures::CM_ERROR_CONTEXT
        | WasmFeatures::CM_FIXED_LENGTH_LISTS
        | WasmFeatures::CM_MAP
        | WasmFeatures::CM_IMPLEMENTS
}

/// How many items each index space of a component has so far.
#[derive(Default)]
struct Counts {
    core_funcs: u32,
    core_instances: u32,
    modules: u32,
    funcs: u32,
    instances: u32,
    components: u32,
    types: u32,
}

/// A component being translated.
#[derive(Default)]
struct Frame {
    inits: Vec<Init>,
    modules: Vec<crate::Module>,
    components: Vec<Arc<ComponentDef>>,
    imports: Vec<(String, ImportShape)>,
    exports: Vec<(String, ImportShape)>,
    counts: Counts,
    /// Names for resource types, from the first import or export of each.
    names: HashMap<ResourceId, String>,
}

impl Frame {
    fn finish(mut self) -> ComponentDef {
        for init in &mut self.inits {
            if let Init::DefineResource { id, name, .. } = init {
                if let Some(n) = self.names.get(id) {
                    *name = n.clone();
                }
            }
        }
        ComponentDef {
            inits: self.inits,
            modules: self.modules,
            components: self.components,
            imports: self.imports,
            exports: self.exports,
        }
    }
}

fn validation(e: wasmparser::BinaryReaderError) -> Error {
    Error::validation(e.to_string())
}

/// Decodes, validates and compiles the component `bytes`.
pub(crate) fn translate(engine: &Engine, bytes: &[u8]) -> Result<ComponentDef> {
    let mut validator = Validator::new_with_features(features(engine));
    let mut converter = Converter::default();
    let mut stack: Vec<Frame> = Vec::new();
    // The byte range of the core module being parsed, if any: its payloads
    // go to the validator only.
    let mut module: Option<std::ops::Range<usize>> = None;
    let mut parser = Parser::new(0);
    parser.set_features(features(engine));
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(validation)?;
        let valid = validator.payload(&payload).map_err(validation)?;
        if let Some(range) = &module {
            if let Payload::End(_) = payload {
                let module_bytes = bytes.get(range.clone()).ok_or_else(|| {
                    Error::validation("a nested module extends past the end of the component")
                })?;
                let compiled = crate::Module::from_binary(engine, module_bytes)?;
                module = None;
                let frame = stack.last_mut().expect("a module is inside a component");
                frame.modules.push(compiled);
                let index = frame.modules.len() as u32 - 1;
                frame.inits.push(Init::Module(index));
                frame.counts.modules += 1;
            }
            continue;
        }
        if let ValidPayload::Func(..) = valid {
            // Function bodies are validated again when their module compiles.
            continue;
        }
        let types = || validator.types(0).expect("a component is being validated");
        match payload {
            Payload::Version { encoding, .. } => match encoding {
                Encoding::Component => stack.push(Frame::default()),
                Encoding::Module => {
                    return Err(Error::validation(
                        "expected a component, but the bytes are a core module",
                    ))
                }
            },
            Payload::ModuleSection {
                unchecked_range, ..
            } => module = Some(unchecked_range.start as usize..unchecked_range.end as usize),
            Payload::ComponentSection { .. } => {}
            Payload::End(_) => {
                let frame = stack.pop().expect("a component was being parsed");
                let def = Arc::new(frame.finish());
                match stack.last_mut() {
                    Some(parent) => {
                        parent.components.push(def);
                        let index = parent.components.len() as u32 - 1;
                        parent.inits.push(Init::Component(index));
                        parent.counts.components += 1;
                    }
                    None => {
                        return Arc::try_unwrap(def)
                            .map_err(|_| Error::validation("internal error: shared definition"))
                    }
                }
            }
            Payload::CoreTypeSection(_) => {}
            Payload::InstanceSection(s) => {
                let frame = stack.last_mut().expect("in a component");
                for instance in s {
                    frame.inits.push(match instance.map_err(validation)? {
                        Instance::Instantiate { module_index, args } => Init::CoreInstantiate {
                            module: module_index,
                            args: args.iter().map(|a| (a.name.to_string(), a.index)).collect(),
                        },
                        Instance::FromExports(exports) => Init::CoreExports(
                            exports
                                .iter()
                                .map(|e| Ok((e.name.to_string(), core_sort(e.kind)?, e.index)))
                                .collect::<Result<_>>()?,
                        ),
                    });
                    frame.counts.core_instances += 1;
                }
            }
            Payload::ComponentAliasSection(s) => {
                let frame = stack.last_mut().expect("in a component");
                for alias in s {
                    translate_alias(frame, alias.map_err(validation)?)?;
                }
            }
            Payload::ComponentTypeSection(s) => {
                let frame = stack.last_mut().expect("in a component");
                let types = types();
                for ty in s {
                    let ty = ty.map_err(validation)?;
                    check_type_supported(&ty)?;
                    if let ComponentType::Resource { dtor, .. } = ty {
                        let id = resource_at(types, frame.counts.types)?;
                        frame.inits.push(Init::DefineResource {
                            id,
                            dtor,
                            name: "resource".to_string(),
                        });
                    }
                    frame.counts.types += 1;
                }
            }
            Payload::ComponentInstanceSection(s) => {
                let frame = stack.last_mut().expect("in a component");
                let types = types();
                for instance in s {
                    let init = match instance.map_err(validation)? {
                        ComponentInstance::Instantiate {
                            component_index,
                            args,
                        } => {
                            let id = types.component_instance_at(frame.counts.instances);
                            let shape = ImportShape::Instance(converter.instance(types, id)?);
                            let mut resources = Vec::new();
                            shape.resources(&mut Vec::new(), &mut resources);
                            Init::Instantiate {
                                component: component_index,
                                args: args
                                    .iter()
                                    .map(|a| {
                                        Ok((a.name.to_string(), item_ref(types, a.kind, a.index)?))
                                    })
                                    .collect::<Result<_>>()?,
                                resources,
                            }
                        }
                        ComponentInstance::FromExports(exports) => Init::InstanceExports(
                            exports
                                .iter()
                                .map(|e| {
                                    Ok((e.name.name.to_string(), item_ref(types, e.kind, e.index)?))
                                })
                                .collect::<Result<_>>()?,
                        ),
                    };
                    frame.inits.push(init);
                    frame.counts.instances += 1;
                }
            }
            Payload::ComponentCanonicalSection(s) => {
                let frame = stack.last_mut().expect("in a component");
                let types = types();
                for func in s {
                    translate_canon(frame, &mut converter, types, func.map_err(validation)?)?;
                }
            }
            Payload::ComponentStartSection { .. } => {
                return Err(unsupported("a component start function"))
            }
            Payload::ComponentImportSection(s) => {
                let frame = stack.last_mut().expect("in a component");
                let types = types();
                for import in s {
                    let import = import.map_err(validation)?;
                    let name = import.name.name.to_string();
                    let shape = match import.ty {
                        ComponentTypeRef::Module(_) => {
                            frame.counts.modules += 1;
                            ImportShape::Module
                        }
                        ComponentTypeRef::Func(_) => {
                            let id = types.component_function_at(frame.counts.funcs);
                            frame.counts.funcs += 1;
                            ImportShape::Func(converter.func(types, id)?)
                        }
                        ComponentTypeRef::Value(_) => {
                            return Err(unsupported("importing a component value"))
                        }
                        ComponentTypeRef::Type(bounds) => {
                            let created = types.component_any_type_at(frame.counts.types);
                            let shape = match (bounds, created) {
                                // A type equal to another is bound already.
                                (TypeBounds::Eq(_), _) => ImportShape::Type,
                                (_, ComponentAnyTypeId::Resource(r)) => {
                                    frame.names.entry(r.resource()).or_insert(name.clone());
                                    ImportShape::Resource(r.resource())
                                }
                                _ => ImportShape::Type,
                            };
                            frame.counts.types += 1;
                            shape
                        }
                        ComponentTypeRef::Instance(_) => {
                            let id = types.component_instance_at(frame.counts.instances);
                            frame.counts.instances += 1;
                            let shape = ImportShape::Instance(converter.instance(types, id)?);
                            name_resources(&mut frame.names, &shape);
                            shape
                        }
                        ComponentTypeRef::Component(_) => {
                            frame.counts.components += 1;
                            ImportShape::Component
                        }
                    };
                    frame.imports.push((name.clone(), shape.clone()));
                    frame.inits.push(Init::Import { name, shape });
                }
            }
            Payload::ComponentExportSection(s) => {
                let frame = stack.last_mut().expect("in a component");
                let types = types();
                for export in s {
                    let export = export.map_err(validation)?;
                    let name = export.name.name.to_string();
                    let item = item_ref(types, export.kind, export.index)?;
                    let shape = match export.kind {
                        ComponentExternalKind::Func => {
                            let id = types.component_function_at(export.index);
                            frame.counts.funcs += 1;
                            ImportShape::Func(converter.func(types, id)?)
                        }
                        ComponentExternalKind::Instance => {
                            let id = types.component_instance_at(export.index);
                            frame.counts.instances += 1;
                            let shape = ImportShape::Instance(converter.instance(types, id)?);
                            name_resources(&mut frame.names, &shape);
                            shape
                        }
                        ComponentExternalKind::Type => {
                            frame.counts.types += 1;
                            match item {
                                ItemRef::Type(Some(id)) => {
                                    frame.names.entry(id).or_insert(name.clone());
                                    ImportShape::Resource(id)
                                }
                                _ => ImportShape::Type,
                            }
                        }
                        ComponentExternalKind::Module => {
                            frame.counts.modules += 1;
                            ImportShape::Module
                        }
                        ComponentExternalKind::Component => {
                            frame.counts.components += 1;
                            ImportShape::Component
                        }
                        ComponentExternalKind::Value => {
                            return Err(unsupported("exporting a component value"))
                        }
                    };
                    frame.exports.push((name.clone(), shape));
                    frame.inits.push(Init::Export { name, item });
                }
            }
            Payload::CustomSection(_) => {}
            Payload::UnknownSection { .. } => {}
            _ => {
                return Err(Error::validation(
                    "internal error: a core module section outside of a module",
                ))
            }
        }
    }
    Err(Error::validation("unexpected end of the component"))
}

/// Names resource types after the exports of an imported or exported
/// instance that carry them.
fn name_resources(names: &mut HashMap<ResourceId, String>, shape: &ImportShape) {
    let mut found = Vec::new();
    shape.resources(&mut Vec::new(), &mut found);
    for (path, id) in found {
        if let Some(last) = path.last() {
            names.entry(id).or_insert_with(|| last.clone());
        }
    }
}

fn resource_at(types: TypesRef<'_>, index: u32) -> Result<ResourceId> {
    match types.component_any_type_at(index) {
        ComponentAnyTypeId::Resource(r) => Ok(r.resource()),
        _ => Err(Error::validation(format!(
            "type {index} is not a resource type"
        ))),
    }
}

fn core_sort(kind: ExternalKind) -> Result<CoreSort> {
    Ok(match kind {
        ExternalKind::Func | ExternalKind::FuncExact => CoreSort::Func,
        ExternalKind::Table => CoreSort::Table,
        ExternalKind::Memory => CoreSort::Memory,
        ExternalKind::Global => CoreSort::Global,
        ExternalKind::Tag => return Err(unsupported("a core tag in a component")),
    })
}

fn item_ref(types: TypesRef<'_>, kind: ComponentExternalKind, index: u32) -> Result<ItemRef> {
    Ok(match kind {
        ComponentExternalKind::Func => ItemRef::Func(index),
        ComponentExternalKind::Instance => ItemRef::Instance(index),
        ComponentExternalKind::Module => ItemRef::Module(index),
        ComponentExternalKind::Component => ItemRef::Component(index),
        ComponentExternalKind::Type => match types.component_any_type_at(index) {
            ComponentAnyTypeId::Resource(r) => ItemRef::Type(Some(r.resource())),
            _ => ItemRef::Type(None),
        },
        ComponentExternalKind::Value => return Err(unsupported("a component value")),
    })
}

fn translate_alias(frame: &mut Frame, alias: ComponentAlias<'_>) -> Result<()> {
    match alias {
        ComponentAlias::CoreInstanceExport {
            kind,
            instance_index,
            name,
        } => {
            let sort = core_sort(kind)?;
            if sort == CoreSort::Func {
                frame.counts.core_funcs += 1;
            }
            frame.inits.push(Init::AliasCoreExport {
                instance: instance_index,
                name: name.to_string(),
                sort,
            });
        }
        ComponentAlias::InstanceExport {
            kind,
            instance_index,
            name,
        } => {
            let sort = match kind {
                ComponentExternalKind::Func => {
                    frame.counts.funcs += 1;
                    Sort::Func
                }
                ComponentExternalKind::Instance => {
                    frame.counts.instances += 1;
                    Sort::Instance
                }
                ComponentExternalKind::Module => {
                    frame.counts.modules += 1;
                    Sort::Module
                }
                ComponentExternalKind::Component => {
                    frame.counts.components += 1;
                    Sort::Component
                }
                ComponentExternalKind::Type => {
                    frame.counts.types += 1;
                    Sort::Type
                }
                ComponentExternalKind::Value => return Err(unsupported("a component value")),
            };
            frame.inits.push(Init::AliasExport {
                instance: instance_index,
                name: name.to_string(),
                sort,
            });
        }
        ComponentAlias::Outer { kind, count, index } => {
            let sort = match kind {
                ComponentOuterAliasKind::CoreModule => {
                    frame.counts.modules += 1;
                    Sort::Module
                }
                ComponentOuterAliasKind::Component => {
                    frame.counts.components += 1;
                    Sort::Component
                }
                ComponentOuterAliasKind::Type => {
                    frame.counts.types += 1;
                    return Ok(());
                }
                ComponentOuterAliasKind::CoreType => return Ok(()),
            };
            frame.inits.push(Init::AliasOuter { sort, count, index });
        }
    }
    Ok(())
}

fn options(opts: &[CanonicalOption]) -> Result<OptionsDef> {
    let mut def = OptionsDef {
        memory: None,
        realloc: None,
        post_return: None,
        encoding: StringEncoding::Utf8,
    };
    for opt in opts {
        match opt {
            CanonicalOption::UTF8 => def.encoding = StringEncoding::Utf8,
            CanonicalOption::UTF16 => def.encoding = StringEncoding::Utf16,
            CanonicalOption::CompactUTF16 => def.encoding = StringEncoding::CompactUtf16,
            CanonicalOption::Memory(m) => def.memory = Some(*m),
            CanonicalOption::Realloc(f) => def.realloc = Some(*f),
            CanonicalOption::PostReturn(f) => def.post_return = Some(*f),
            CanonicalOption::Async => return Err(unsupported("the `async` canonical option")),
            CanonicalOption::Callback(_) => {
                return Err(unsupported("the `callback` canonical option"))
            }
            CanonicalOption::CoreType(_) => {
                return Err(unsupported("the `core-type` canonical option"))
            }
            CanonicalOption::Gc => return Err(unsupported("the `gc` canonical option")),
        }
    }
    Ok(def)
}

fn translate_canon(
    frame: &mut Frame,
    converter: &mut Converter,
    types: TypesRef<'_>,
    func: CanonicalFunction,
) -> Result<()> {
    let init = match func {
        CanonicalFunction::Lift {
            core_func_index,
            options: opts,
            ..
        } => {
            let id = types.component_function_at(frame.counts.funcs);
            frame.counts.funcs += 1;
            Init::Lift {
                core_func: core_func_index,
                ty: converter.func(types, id)?,
                opts: options(&opts)?,
            }
        }
        CanonicalFunction::Lower {
            func_index,
            options: opts,
        } => {
            let id = types.component_function_at(func_index);
            frame.counts.core_funcs += 1;
            Init::Lower {
                func: func_index,
                ty: converter.func(types, id)?,
                opts: options(&opts)?,
            }
        }
        CanonicalFunction::ResourceNew { resource } => {
            frame.counts.core_funcs += 1;
            Init::ResourceNew(resource_at(types, resource)?)
        }
        CanonicalFunction::ResourceRep { resource } => {
            frame.counts.core_funcs += 1;
            Init::ResourceRep(resource_at(types, resource)?)
        }
        CanonicalFunction::ResourceDrop { resource } => {
            frame.counts.core_funcs += 1;
            Init::ResourceDrop(resource_at(types, resource)?)
        }
        other => return Err(unsupported(format_args!("`canon {}`", canon_name(&other)))),
    };
    frame.inits.push(init);
    Ok(())
}

/// The text-format name of a canonical built-in Kiln does not implement.
fn canon_name(func: &CanonicalFunction) -> String {
    let debug = format!("{func:?}");
    let name = debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    // Split `WaitableSetWait` into its words: `waitable`, `set`, `wait`.
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        if c.is_uppercase() || words.is_empty() {
            words.push(String::new());
        }
        words.last_mut().unwrap().push(c.to_ascii_lowercase());
    }
    // The part before the `.` names the kind of thing the built-in acts on:
    // one word (`task.return`, `thread.spawn-ref`) except for the kinds that
    // are two (`waitable-set.wait`, `error-context.new`).
    let kind_words = match words.as_slice() {
        [a, b, _, ..] if (a == "waitable" && b == "set") || (a == "error" && b == "context") => 2,
        _ => 1,
    };
    let kind = words[..kind_words.min(words.len())].join("-");
    let rest = words[kind_words.min(words.len())..].join("-");
    if rest.is_empty() {
        kind
    } else {
        format!("{kind}.{rest}")
    }
}

/// Rejects type definitions of the parts of the component model Kiln does
/// not implement, naming them.
fn check_type_supported(ty: &ComponentType<'_>) -> Result<()> {
    match ty {
        ComponentType::Defined(d) => match d {
            ComponentDefinedType::Future(_) => Err(unsupported("the `future` type")),
            ComponentDefinedType::Stream(_) => Err(unsupported("the `stream` type")),
            ComponentDefinedType::Map(..) => Err(unsupported("the `map` type")),
            ComponentDefinedType::FixedLengthList(..) => {
                Err(unsupported("the fixed-length `list` type"))
            }
            ComponentDefinedType::Primitive(PrimitiveValType::ErrorContext) => {
                Err(unsupported("the `error-context` type"))
            }
            _ => Ok(()),
        },
        ComponentType::Func(f) if f.async_ => Err(unsupported("an `async` function type")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::canon_name;
    use wasmparser::CanonicalFunction;

    #[test]
    fn canon_names_follow_the_text_format() {
        assert_eq!(canon_name(&CanonicalFunction::TaskCancel), "task.cancel");
        assert_eq!(
            canon_name(&CanonicalFunction::BackpressureInc),
            "backpressure.inc"
        );
        assert_eq!(
            canon_name(&CanonicalFunction::ThreadAvailableParallelism),
            "thread.available-parallelism"
        );
        assert_eq!(
            canon_name(&CanonicalFunction::WaitableSetNew),
            "waitable-set.new"
        );
        assert_eq!(
            canon_name(&CanonicalFunction::WaitableJoin),
            "waitable.join"
        );
        assert_eq!(
            canon_name(&CanonicalFunction::ErrorContextDrop),
            "error-context.drop"
        );
    }
}
