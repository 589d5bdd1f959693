//! The glue between the generated Rust types and `kiln::component`:
//! `add_to_linker` for imports and typed calls of exports, over the typed
//! path (`FlatFunc`, `LinkerInstance::func_new_flat`): the bodies, from
//! [`super::flat`], lower and lift every value through a `FlatContext`
//! with the canonical ABI's instructions ([`crate::abi::host_call`]).
//!
//! Each named type also converts to and from `kiln::component::Val`
//! (`rt::Lower`, `rt::Lift`), for tools that hold dynamic values.

use super::names::{relative, snake, Mode, Names};
use super::rt::RT;
use crate::analysis::{Func, Scope};
use crate::source::Source;
use wit_parser::{FunctionKind, TypeDefKind, TypeId};

/// `use <root>::__kiln_rt as rt;` for a module at `path`.
pub fn use_rt(path: &[String], src: &mut Source) {
    src.line("#[allow(unused_imports)]");
    src.line(&format!("use {} as rt;", relative(path, &[], RT)));
}

/// The conversions of the named type `id` to and from `Val`.
pub fn conversions(names: &Names<'_>, id: TypeId, src: &mut Source) {
    let analysis = names.analysis;
    let def = &analysis.resolve().types[id];
    let name = names.type_name(id);
    let wit = def.name.as_deref().unwrap_or_default();
    match &def.kind {
        TypeDefKind::Record(r) => {
            src.blank();
            src.line(&format!("impl rt::Lower for {name} {{"));
            src.line("fn lower(&self) -> rt::Val {");
            src.line("rt::Val::Record(vec![");
            for f in &r.fields {
                src.line(&format!(
                    "({:?}.to_string(), rt::Lower::lower(&self.{})),",
                    f.name,
                    snake(&f.name)
                ));
            }
            src.line("])");
            src.line("}");
            src.line("}");
            src.blank();
            src.line(&format!("impl rt::Lift for {name} {{"));
            src.line(&format!(
                "fn lift(v: &rt::Val) -> ::kiln::Result<{name}> {{"
            ));
            src.line(&format!(
                "let fields = rt::record(v, {wit:?}, &[{}])?;",
                r.fields
                    .iter()
                    .map(|f| format!("{:?}", f.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            src.line(&format!("Ok({name} {{"));
            for (i, f) in r.fields.iter().enumerate() {
                src.line(&format!(
                    "{}: rt::Lift::lift(fields[{i}])?,",
                    snake(&f.name)
                ));
            }
            src.line("})");
            src.line("}");
            src.line("}");
        }
        TypeDefKind::Variant(v) => {
            src.blank();
            src.line(&format!("impl rt::Lower for {name} {{"));
            src.line("fn lower(&self) -> rt::Val {");
            src.line("match self {");
            for case in &v.cases {
                let cname = super::names::camel(&case.name);
                match &case.ty {
                    Some(_) => src.line(&format!(
                        "{name}::{cname}(x) => rt::Val::Variant({:?}.to_string(), Some(Box::new(rt::Lower::lower(x)))),",
                        case.name
                    )),
                    None => src.line(&format!(
                        "{name}::{cname} => rt::Val::Variant({:?}.to_string(), None),",
                        case.name
                    )),
                }
            }
            src.line("}");
            src.line("}");
            src.line("}");
            src.blank();
            src.line(&format!("impl rt::Lift for {name} {{"));
            src.line(&format!(
                "fn lift(v: &rt::Val) -> ::kiln::Result<{name}> {{"
            ));
            let binding = if v.cases.iter().any(|c| c.ty.is_some()) {
                "payload"
            } else {
                "_"
            };
            src.line(&format!(
                "let (case, {binding}) = rt::variant(v, {wit:?})?;"
            ));
            src.line("match case {");
            for case in &v.cases {
                let cname = super::names::camel(&case.name);
                match &case.ty {
                    Some(_) => src.line(&format!(
                        "{:?} => Ok({name}::{cname}(rt::Lift::lift(rt::payload(payload, {wit:?})?)?)),",
                        case.name
                    )),
                    None => src.line(&format!("{:?} => Ok({name}::{cname}),", case.name)),
                }
            }
            src.line(&format!("other => Err(rt::unknown_case({wit:?}, other)),"));
            src.line("}");
            src.line("}");
            src.line("}");
        }
        TypeDefKind::Enum(e) => {
            src.blank();
            src.line(&format!("impl rt::Lower for {name} {{"));
            src.line("fn lower(&self) -> rt::Val {");
            src.line("rt::Val::Enum(match self {");
            for case in &e.cases {
                src.line(&format!(
                    "{name}::{} => {:?},",
                    super::names::camel(&case.name),
                    case.name
                ));
            }
            src.line("}.to_string())");
            src.line("}");
            src.line("}");
            src.blank();
            src.line(&format!("impl rt::Lift for {name} {{"));
            src.line(&format!(
                "fn lift(v: &rt::Val) -> ::kiln::Result<{name}> {{"
            ));
            src.line(&format!("match rt::enum_case(v, {wit:?})? {{"));
            for case in &e.cases {
                src.line(&format!(
                    "{:?} => Ok({name}::{}),",
                    case.name,
                    super::names::camel(&case.name)
                ));
            }
            src.line(&format!("other => Err(rt::unknown_case({wit:?}, other)),"));
            src.line("}");
            src.line("}");
            src.line("}");
        }
        TypeDefKind::Flags(_) => {
            src.blank();
            src.line(&format!(
                "impl rt::Lower for {name} {{
fn lower(&self) -> rt::Val {{
rt::Val::Flags(self.names().map(str::to_string).collect())
}}
}}

impl rt::Lift for {name} {{
fn lift(v: &rt::Val) -> ::kiln::Result<{name}> {{
let mut flags = {name}::empty();
for flag in rt::flags(v, {wit:?})? {{
flags |= {name}::from_name(flag).ok_or_else(|| rt::unknown_case({wit:?}, flag))?;
}}
Ok(flags)
}}
}}"
            ));
        }
        TypeDefKind::Resource => {
            src.blank();
            if analysis.is_host_resource(id) {
                src.line(&format!(
                    "impl rt::Lower for {name} {{
fn lower(&self) -> rt::Val {{
rt::host_resource::<{name}>(self.rep, true)
}}
}}

impl rt::Lower for &{name} {{
fn lower(&self) -> rt::Val {{
rt::host_resource::<{name}>(self.rep, false)
}}
}}

impl rt::Lift for {name} {{
fn lift(v: &rt::Val) -> ::kiln::Result<{name}> {{
Ok({name}::new(rt::host_rep(v, {wit:?})?))
}}
}}"
                ));
            } else {
                src.line(&format!(
                    "impl rt::Lower for {name} {{
fn lower(&self) -> rt::Val {{
rt::Val::Resource(self.handle.clone())
}}
}}

impl rt::Lower for &{name} {{
fn lower(&self) -> rt::Val {{
rt::Val::Resource(self.handle.clone())
}}
}}

impl rt::Lift for {name} {{
fn lift(v: &rt::Val) -> ::kiln::Result<{name}> {{
Ok({name} {{ handle: rt::resource(v, {wit:?})? }})
}}
}}"
                ));
            }
        }
        _ => {}
    }
}

/// A Rust function's parameter list and result type for calling `func`.
fn export_signature(names: &Names<'_>, func: &Func, path: &[String]) -> (Vec<String>, String) {
    let params = func
        .func
        .params
        .iter()
        .map(|p| {
            format!(
                "{}: {}",
                snake(&p.name),
                names.ty(&p.ty, path, Mode::ExportParam)
            )
        })
        .collect();
    let result = match &func.func.result {
        Some(ty) => names.ty(ty, path, Mode::Owned),
        None => "()".to_string(),
    };
    (params, result)
}

/// The name of the field holding `func` in a guest struct.
fn field(names: &Names<'_>, func: &Func) -> String {
    match func.resource {
        Some(r) => format!(
            "{}_{}",
            snake(
                names.analysis.resolve().types[r]
                    .name
                    .as_deref()
                    .unwrap_or("resource")
            ),
            snake(func.item_name()).trim_start_matches("r#")
        ),
        None => snake(&func.func.name),
    }
}

/// The name of the method calling the export `func`.
pub fn method_name(func: &Func) -> String {
    match func.func.kind {
        FunctionKind::Constructor(_) => "call_constructor".to_string(),
        _ => format!("call_{}", snake(func.item_name()).trim_start_matches("r#")),
    }
}

/// The method calling `func` on a struct whose field `field` holds it.
fn call_method(names: &Names<'_>, func: &Func, path: &[String], field: &str, src: &mut Source) {
    let (params, result) = export_signature(names, func, path);
    let method = method_name(func);
    src.blank();
    src.docs("///", func.func.docs.contents.as_deref());
    let mut all = vec![
        "&self".to_string(),
        "mut store: impl ::kiln::AsContextMut<Data = T>".to_string(),
    ];
    all.extend(params);
    src.line(&format!(
        "pub fn {method}<T: 'static>({}) -> ::kiln::Result<{result}> {{",
        all.join(", ")
    ));
    call_body(names, func, path, field, src);
    src.line("}");
}

/// Renames a closure parameter that its body does not use.
fn param(body: &str, name: &str) -> String {
    let used = body.match_indices(name).any(|(i, _)| {
        let before = body[..i].chars().last();
        let after = body[i + name.len()..].chars().next();
        let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !ident(before) && !ident(after)
    });
    if used {
        name.to_string()
    } else {
        format!("_{name}")
    }
}

/// The body of a call of an export over the typed path: a closure lowering
/// the arguments, the core call, a closure lifting the results.
fn call_body(names: &Names<'_>, func: &Func, path: &[String], field: &str, src: &mut Source) {
    let params: Vec<String> = func
        .func
        .params
        .iter()
        .map(|p| format!("&{}", snake(&p.name)))
        .collect();
    let owner = match field.split_once('.') {
        Some((outer, _)) => format!("self.{outer}."),
        None => "self.".to_string(),
    };
    let resolve = names.analysis.resolve();
    let guest_types = move |r: wit_parser::TypeId| {
        format!(
            "{owner}{}_ty",
            snake(resolve.types[r].name.as_deref().unwrap_or("resource")).trim_start_matches("r#")
        )
    };
    let mut gen = super::flat::FlatGen::new(names, func, path, params, &guest_types, String::new());
    crate::abi::host_call(names.analysis, func, &mut gen);
    let lower = gen.lower.take().expect("a call of an export calls wasm");
    let lift = gen.finish();
    src.line(&format!("self.{field}.call("));
    src.line("&mut store,");
    src.line(&format!("|{}| {{", param(&lower, "cx")));
    for l in lower.lines() {
        src.verbatim(l);
    }
    src.line("},");
    src.line(&format!(
        "|{}, {}| {{",
        param(&lift, "cx"),
        param(&lift, "ret")
    ));
    for l in lift.lines() {
        src.verbatim(l);
    }
    src.line("},");
    src.line(")");
}

/// A method of the world struct calling its top-level export `func`.
pub fn world_call(names: &Names<'_>, func: &Func, field: &str, src: &mut Source) {
    call_method(names, func, &[], field, src);
}

/// The type of the field holding an export for flat calls.
pub fn flat_func_type(func: &Func) -> String {
    format!(
        "::kiln::component::FlatFunc<{}, {}>",
        super::flat::core_types(&func.sig.params, true),
        super::flat::core_types(&func.sig.results, false)
    )
}

/// The snake-case name of a resource, for the fields holding its type.
fn resource_field(names: &Names<'_>, resource: wit_parser::TypeId) -> String {
    snake(
        names.analysis.resolve().types[resource]
            .name
            .as_deref()
            .unwrap_or("resource"),
    )
    .trim_start_matches("r#")
    .to_string()
}

/// The lookup of `func` in `instance`, under `iface` (or the root), as a
/// function for flat calls.
pub fn lookup(func: &Func, iface: Option<&str>) -> String {
    let flat = format!(
        ".typed_flat::<{}, {}>(&store)?",
        super::flat::core_types(&func.sig.params, true),
        super::flat::core_types(&func.sig.results, false)
    );
    match iface {
        Some(iface) => format!(
            "instance.get_func(&mut store, ({iface:?}, {:?})).ok_or_else(|| rt::missing(\"`{iface}#{}`\"))?{flat}",
            func.func.name, func.func.name
        ),
        None => format!(
            "instance.get_func(&mut store, {:?}).ok_or_else(|| rt::missing(\"`{}`\"))?{flat}",
            func.func.name, func.func.name
        ),
    }
}

/// The `Guest` struct of an exported interface: its functions found in an
/// instance, with a typed method per function (resource functions through
/// `guest.<resource>()`).
pub fn guest_struct(names: &Names<'_>, scope: &Scope, path: &[String], src: &mut Source) {
    src.blank();
    src.line(&format!(
        "/// The functions of the exported interface `{}`, found in an instance.",
        scope.name
    ));
    src.line("#[derive(Clone, Debug)]");
    src.line("pub struct Guest {");
    for func in &scope.funcs {
        src.line(&format!(
            "{}: {},",
            field(names, func),
            flat_func_type(func)
        ));
    }
    let guest_resources = names.analysis.guest_resources_of(scope);
    for &resource in &guest_resources {
        src.line(&format!(
            "{}_ty: ::kiln::component::ResourceType,",
            resource_field(names, resource)
        ));
    }
    src.line("}");
    src.blank();
    src.line("impl Guest {");
    src.line("/// Finds the interface's functions in `instance`.");
    src.line("pub fn new(mut store: impl ::kiln::AsContextMut, instance: &::kiln::component::Instance) -> ::kiln::Result<Guest> {");
    if scope.funcs.is_empty() {
        src.line("let _ = (&mut store, instance);");
    }
    src.line("Ok(Guest {");
    for func in &scope.funcs {
        src.line(&format!(
            "{}: {},",
            field(names, func),
            lookup(func, Some(&scope.name))
        ));
    }
    for &resource in &guest_resources {
        let wit = names.analysis.resolve().types[resource]
            .name
            .clone()
            .unwrap_or_default();
        let owner = names
            .analysis
            .scope_of(resource)
            .map_or(scope.name.as_str(), |s| s.name.as_str());
        src.line(&format!(
            "{}_ty: instance.get_resource(&mut store, ({owner:?}, {wit:?})).ok_or_else(|| rt::missing(\"the resource `{owner}#{wit}`\"))?,",
            resource_field(names, resource),
        ));
    }
    src.line("})");
    src.line("}");
    for &resource in &scope.resources {
        let rname = names.type_name(resource);
        let wit = names.analysis.resolve().types[resource]
            .name
            .clone()
            .unwrap_or_default();
        src.blank();
        src.line(&format!(
            "/// The constructor, methods and static functions of the resource `{wit}`."
        ));
        src.line(&format!(
            "pub fn {}(&self) -> Guest{rname}<'_> {{",
            snake(&wit).trim_start_matches("r#")
        ));
        src.line(&format!("Guest{rname} {{ guest: self }}"));
        src.line("}");
    }
    for func in scope.funcs.iter().filter(|f| f.resource.is_none()) {
        call_method(names, func, path, &field(names, func), src);
    }
    src.line("}");
    for &resource in &scope.resources {
        let rname = names.type_name(resource);
        let wit = names.analysis.resolve().types[resource]
            .name
            .clone()
            .unwrap_or_default();
        src.blank();
        src.line(&format!(
            "/// The functions of the resource `{wit}` that the guest exports."
        ));
        src.line("#[derive(Clone, Copy, Debug)]");
        src.line(&format!("pub struct Guest{rname}<'a> {{"));
        src.line("guest: &'a Guest,");
        src.line("}");
        src.blank();
        src.line(&format!("impl Guest{rname}<'_> {{"));
        for func in scope.funcs.iter().filter(|f| f.resource == Some(resource)) {
            call_method(
                names,
                func,
                path,
                &format!("guest.{}", field(names, func)),
                src,
            );
        }
        src.line("}");
    }
}

/// The `add_to_linker` of an imported interface (or, with `root`, the body
/// defining the world's top-level imports).
pub fn add_to_linker(names: &Names<'_>, scope: &Scope, path: &[String], src: &mut Source) {
    let trait_name = super::host_trait_name(names, scope);
    src.blank();
    src.line(&format!(
        "/// Defines the interface `{}` in `linker`, implemented by the `{trait_name}` that `get` finds in the store's data.",
        scope.name
    ));
    src.line(&format!("pub fn add_to_linker<T: 'static, U: {trait_name} + 'static>(linker: &mut ::kiln::component::Linker<T>, get: fn(&mut T) -> &mut U) -> ::kiln::Result<()> {{"));
    src.line(&format!(
        "let mut inst = linker.instance({:?})?;",
        scope.name
    ));
    define_funcs(names, scope, path, src);
    src.line("Ok(())");
    src.line("}");
}

/// `inst.resource(...)` and `inst.func_new(...)` for every resource and
/// function of `scope`, into the linker instance `inst`.
pub fn define_funcs(names: &Names<'_>, scope: &Scope, path: &[String], src: &mut Source) {
    let analysis = names.analysis;
    for &resource in &scope.resources {
        let rname = names.type_name(resource);
        let wit = analysis.resolve().types[resource]
            .name
            .clone()
            .unwrap_or_default();
        src.line(&format!(
            "inst.resource({wit:?}, ::kiln::component::ResourceType::host::<{rname}>(), move |mut store, rep| Host{rname}::drop(get(store.data_mut()), {rname}::new(rep)))?;"
        ));
    }
    for func in &scope.funcs {
        let trait_name = match func.resource {
            Some(r) => format!("Host{}", names.type_name(r)),
            None => super::host_trait_name(names, scope),
        };
        let params: Vec<String> = func
            .sig
            .params
            .iter()
            .enumerate()
            .map(|(i, t)| super::flat::from_slot(*t, i))
            .collect();
        let no_guest_types = |_: wit_parser::TypeId| -> String {
            unreachable!("an imported function refers to imported resources only")
        };
        let host_call = format!("{trait_name}::{}", snake(func.item_name()));
        let mut gen =
            super::flat::FlatGen::new(names, func, path, params, &no_guest_types, host_call);
        crate::abi::host_call(analysis, func, &mut gen);
        let body = gen.finish();
        src.line(&format!(
            "inst.func_new_flat({:?}, move |cx, {}| {{",
            func.func.name,
            param(&body, "slots")
        ));
        for l in body.lines() {
            src.verbatim(l);
        }
        src.line("})?;");
    }
}
