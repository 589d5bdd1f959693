//! `kiln run` for a component: call the exported function that `--invoke
//! 'NAME(ARGS)'` names, with arguments and results in WAVE, as `wasmtime
//! run --invoke` does.
//!
//! NAME is a function the component exports, or one of an instance it
//! exports (an interface), in Wasmtime's syntax: `iface.func` for the
//! function `func` of the exported instance `iface`, and
//! `ns:pkg/iface.func@1.0.0` for that of `ns:pkg/iface@1.0.0`. A bare name
//! that the component does not export itself is looked for in every
//! exported instance, and used if exactly one has it.

use crate::args::RunOptions;
use crate::component_value;
use crate::{run, Failure};
use kiln::component::{types::Type, Component, Func, Instance, Linker, Val};
use kiln::{Engine, Store};
use wasm_wave::untyped::UntypedFuncCall;

/// Runs the function `--invoke` names and prints each result on its own
/// line; a component without `--invoke` is an error, since running it as a
/// WASI command (`wasi:cli/run`) is not supported yet.
pub(crate) fn command(
    options: &RunOptions,
    engine: &Engine,
    component: &Component,
) -> Result<(), Failure> {
    let file = options.file.display();
    let Some(invoke) = &options.invoke else {
        return Err(format!(
            "{file} is a component: call one of its functions with --invoke 'NAME(ARGS)' \
             (running a component as a WASI command, `wasi:cli/run`, is not supported yet)"
        )
        .into());
    };
    if !options.args.is_empty() {
        return Err(format!(
            "a component function's arguments go inside --invoke, in WAVE: \
             --invoke '{}(...)', not after FILE",
            invoke.split('(').next().unwrap_or(invoke).trim()
        )
        .into());
    }
    // Everything about the call's text is checked before instantiation
    // runs any code.
    let call = UntypedFuncCall::parse(invoke).map_err(|e| {
        let hint = if invoke.contains('(') {
            ""
        } else {
            " (a component's function is called as NAME(ARGS), with the arguments in WAVE)"
        };
        format!("--invoke `{invoke}`: {}{hint}", describe(&e, invoke))
    })?;
    let target = Target::parse(call.name());

    let mut store = Store::new(engine, ());
    run::apply_budget(&mut store, engine, &options.budget)?;
    let mut linker = Linker::<()>::new(engine);
    if options.trap_unknown_imports {
        linker
            .define_unknown_imports_as_traps(component)
            .map_err(|e| format!("cannot define the unknown imports: {}", e.message()))?;
    }
    let instance = linker.instantiate(&mut store, component).map_err(|e| {
        // kiln gives components nothing to import yet.
        let hint = if e.kind() == kiln::ErrorKind::Link && !options.trap_unknown_imports {
            " (kiln provides no imports to components; --trap-unknown-imports \
             lets functions that do not call them run)"
        } else {
            ""
        };
        Failure::from_kiln(e, &format!("cannot instantiate {file}")).with_hint(hint)
    })?;
    let (func, name) = target.find(&mut store, &instance, component)?;

    let params = func.params(&store);
    let args = arguments(&call, &name, &params)?;
    let mut results = vec![Val::Bool(false); func.results(&store).len()];
    func.call(&mut store, &args, &mut results)
        .map_err(|e| Failure::from_kiln(e, &format!("calling `{name}` failed")))?;
    for result in &results {
        println!("{}", component_value::format(result));
    }
    // The handles the call gave the CLI are its to drop, which runs their
    // destructors.
    for result in results {
        drop_handles(&mut store, result)
            .map_err(|e| Failure::from_kiln(e, "dropping a returned resource failed"))?;
    }
    Ok(())
}

/// What `--invoke` names: an export of the component, or a function of an
/// instance it exports.
#[derive(Debug, PartialEq)]
enum Target {
    /// A bare name: the component's own export, else the one function of
    /// that name among its exported instances.
    Name(String),
    /// `instance.func`: the function `func` of the exported instance
    /// `instance`.
    Nested { instance: String, func: String },
}

impl Target {
    /// Splits what WAVE's function-name syntax accepts,
    /// `[ns:pkg/]iface.func[@version]`, into the instance's name
    /// (`ns:pkg/iface@version`, where the version belongs) and the
    /// function's.
    fn parse(name: &str) -> Target {
        let (path, version) = match name.split_once('@') {
            Some((path, version)) => (path, Some(version)),
            None => (name, None),
        };
        match path.rsplit_once('.') {
            Some((instance, func)) => Target::Nested {
                instance: match version {
                    Some(version) => format!("{instance}@{version}"),
                    None => instance.to_string(),
                },
                func: func.to_string(),
            },
            None => Target::Name(name.to_string()),
        }
    }

    /// The function named and its name as errors show it.
    fn find(
        &self,
        store: &mut Store<()>,
        instance: &Instance,
        component: &Component,
    ) -> Result<(Func, String), Failure> {
        let exports: Vec<(&str, &str)> = component.exports().collect();
        let kind = |name: &str| exports.iter().find(|(n, _)| *n == name).map(|(_, k)| *k);
        match self {
            Target::Nested {
                instance: outer,
                func,
            } => {
                let shown = qualified(outer, func);
                match kind(outer) {
                    Some("instance") => {}
                    Some(other) => {
                        return Err(format!(
                            "export `{outer}` is a {other}, not an instance, so it has no function `{func}`"
                        )
                        .into())
                    }
                    None => {
                        return Err(format!(
                            "component has no exported instance `{outer}`{}",
                            listing(&exports)
                        )
                        .into())
                    }
                }
                let f = instance
                    .get_func(&mut *store, (outer.as_str(), func.as_str()))
                    .ok_or_else(|| {
                        format!("the component's instance `{outer}` has no function `{func}`")
                    })?;
                Ok((f, shown))
            }
            Target::Name(name) => {
                match kind(name) {
                    Some("function") => {
                        let f = instance
                            .get_func(&mut *store, name.as_str())
                            .ok_or_else(|| {
                                format!("component has no exported function `{name}`")
                            })?;
                        return Ok((f, name.clone()));
                    }
                    Some("instance") => {
                        return Err(format!(
                            "export `{name}` is an instance: name one of its functions, as in \
                             --invoke '{}(...)'",
                            qualified(name, "FUNC")
                        )
                        .into())
                    }
                    Some(other) => {
                        return Err(format!("export `{name}` is a {other}, not a function").into())
                    }
                    None => {}
                }
                let mut found: Vec<(Func, String)> = exports
                    .iter()
                    .filter(|(_, kind)| *kind == "instance")
                    .filter_map(|(outer, _)| {
                        let f = instance.get_func(&mut *store, (*outer, name.as_str()))?;
                        Some((f, qualified(outer, name)))
                    })
                    .collect();
                match found.len() {
                    0 => Err(format!(
                        "component has no exported function `{name}`{}",
                        listing(&exports)
                    )
                    .into()),
                    1 => Ok(found.remove(0)),
                    _ => {
                        let names: Vec<String> =
                            found.iter().map(|(_, n)| format!("`{n}`")).collect();
                        Err(format!(
                            "more than one exported instance has a function `{name}`; name one: {}",
                            names.join(", ")
                        )
                        .into())
                    }
                }
            }
        }
    }
}

/// The name of the function `func` of the instance `instance` in WAVE's
/// syntax: `iface.func`, or `ns:pkg/iface.func@version`.
fn qualified(instance: &str, func: &str) -> String {
    match instance.split_once('@') {
        Some((path, version)) => format!("{path}.{func}@{version}"),
        None => format!("{instance}.{func}"),
    }
}

/// `; it exports `a` (function), `b` (instance)`: the functions and
/// instances a component exports, for an error about a name it does not.
fn listing(exports: &[(&str, &str)]) -> String {
    let items: Vec<String> = exports
        .iter()
        .filter(|(_, kind)| matches!(*kind, "function" | "instance"))
        .map(|(name, kind)| format!("`{name}` ({kind})"))
        .collect();
    if items.is_empty() {
        return "; it exports no functions".to_string();
    }
    format!("; it exports {}", items.join(", "))
}

/// The call's arguments as values of the function's parameter types. As in
/// WAVE, trailing `option` arguments may be left out, and are `none`.
fn arguments(
    call: &UntypedFuncCall<'_>,
    name: &str,
    params: &[(String, Type)],
) -> Result<Vec<Val>, Failure> {
    let signature = || {
        let params: Vec<String> = params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        params.join(", ")
    };
    if let Some((param, ty)) = params.iter().find(|(_, ty)| ty.has_resources()) {
        return Err(format!(
            "`{name}` takes `{param}: {ty}`, a resource handle, which cannot be written in WAVE \
             on the command line"
        )
        .into());
    }
    let nodes: Vec<&wasm_wave::ast::Node> = match call.params_node() {
        Some(node) => node
            .as_tuple()
            .map_err(|e| {
                format!(
                    "--invoke `{}`: {}",
                    call.source(),
                    describe(&e, call.source())
                )
            })?
            .collect(),
        None => Vec::new(),
    };
    let required = params
        .iter()
        .rposition(|(_, ty)| !matches!(ty, Type::Option(_)))
        .map_or(0, |i| i + 1);
    if nodes.len() > params.len() || nodes.len() < required {
        return Err(format!(
            "`{name}` takes {} argument(s) ({}), got {}",
            params.len(),
            signature(),
            nodes.len()
        )
        .into());
    }
    let mut args = Vec::with_capacity(params.len());
    for (i, (param, ty)) in params.iter().enumerate() {
        let arg = match nodes.get(i) {
            Some(node) => component_value::parse(node, ty, call.source()).map_err(|e| {
                format!(
                    "argument {} of `{name}` (`{param}: {ty}`): {}",
                    i + 1,
                    describe(&e, call.source())
                )
            })?,
            None => Val::Option(None),
        };
        args.push(arg);
    }
    Ok(args)
}

/// A WAVE error on one line: what is wrong, and where in `source`.
fn describe(err: &wasm_wave::parser::ParserError, source: &str) -> String {
    // The cause, if there is one, says more than the kind of error.
    let message = match (std::error::Error::source(err), err.detail()) {
        (Some(cause), _) => cause.to_string(),
        (None, Some(detail)) => format!("{}: {detail}", err.kind()),
        (None, None) => err.kind().to_string(),
    };
    let span = err.span();
    match source.get(span.clone()) {
        Some(text) if !text.is_empty() => {
            format!("{message} at `{text}` (column {})", span.start + 1)
        }
        _ => format!("{message} at column {}", span.start + 1),
    }
}

/// Drops every owned resource handle in `val`.
fn drop_handles(store: &mut Store<()>, val: Val) -> kiln::Result<()> {
    let boxed = |store: &mut Store<()>, payload: Option<Box<Val>>| match payload {
        Some(v) => drop_handles(store, *v),
        None => Ok(()),
    };
    match val {
        Val::Resource(handle) if handle.owned() => handle.resource_drop(store),
        Val::List(items) | Val::Tuple(items) => {
            items.into_iter().try_for_each(|v| drop_handles(store, v))
        }
        Val::Record(fields) => fields
            .into_iter()
            .try_for_each(|(_, v)| drop_handles(store, v)),
        Val::Variant(_, payload) | Val::Option(payload) => boxed(store, payload),
        Val::Result(Ok(payload) | Err(payload)) => boxed(store, payload),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(Target::parse("greet"), Target::Name("greet".into()));
        assert_eq!(
            Target::parse("math.add"),
            Target::Nested {
                instance: "math".into(),
                func: "add".into()
            }
        );
        assert_eq!(
            Target::parse("wasi:cli/run.run@0.2.0"),
            Target::Nested {
                instance: "wasi:cli/run@0.2.0".into(),
                func: "run".into()
            }
        );
        assert_eq!(
            Target::parse("demo:math/ops.add"),
            Target::Nested {
                instance: "demo:math/ops".into(),
                func: "add".into()
            }
        );
        assert_eq!(
            Target::parse("demo:math/ops"),
            Target::Name("demo:math/ops".into())
        );
    }

    #[test]
    fn qualified_names_round_trip() {
        for name in ["math.add", "wasi:cli/run.run@0.2.0", "demo:math/ops.add"] {
            let Target::Nested { instance, func } = Target::parse(name) else {
                panic!("{name}")
            };
            assert_eq!(qualified(&instance, &func), name);
        }
    }

    #[test]
    fn syntax_errors_name_the_place() {
        let source = "greet(\"Ada\" 36)";
        let err = UntypedFuncCall::parse(source).err().unwrap();
        let text = describe(&err, source);
        assert!(text.contains("column"), "{text}");
        assert!(!text.contains('\n'), "{text}");
    }
}
