//! The Rust back end: one file, `<world>.rs`, of typed host glue over
//! `kiln::component`.
//!
//! The file holds a module per interface (`kiln::corpus::list_types`, and
//! `exports::...` for exported interfaces) with the interface's types; a
//! `Host` trait per imported interface (and `Host<Resource>` per resource
//! it defines) for the host to implement; and, at its root, the world's own
//! types, a `<World>Imports` trait for its top-level imports, and the world
//! struct whose methods call the exports. Calls go through the engine's
//! typed path: the glue lowers and lifts values itself, over flat core
//! values and the guest's memory.

mod flat;
mod glue;
mod names;
mod rt;
mod types;

use crate::analysis::{Direction, Func, Scope, WorldAnalysis};
use crate::backend::{Backend, Files, GENERATED_BANNER};
use crate::source::Source;
use names::{camel, snake, Mode, Names};

/// The Rust back end (`--lang rust`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Rust;

impl Backend for Rust {
    fn lang(&self) -> &'static str {
        "rust"
    }

    fn generate(&self, analysis: &WorldAnalysis) -> anyhow::Result<Files> {
        let names = Names::new(analysis);
        let mut root = Module::default();
        for (index, scope) in analysis.scopes().iter().enumerate() {
            let path = names.scope_path(index).to_vec();
            let module = root.at(&path);
            if let Some(iface) = scope.interface {
                let docs = &analysis.resolve().interfaces[iface].docs;
                if module.docs.is_none() {
                    module.docs = Some(match docs.contents.as_deref() {
                        Some(d) if !d.trim().is_empty() => d.to_string(),
                        _ => format!("The `{}` interface.", scope.name),
                    });
                }
            }
            scope_body(&names, scope, &path, &mut module.body);
        }
        world_struct(&names, &mut root.body);
        rt::rt_module(&mut root.body);

        let world = analysis.name();
        let mut src = Source::default();
        src.verbatim(&format!("// {GENERATED_BANNER}"));
        src.verbatim(&format!(
            "// Rust host bindings of the WIT world `{world}`, for `kiln::component`."
        ));
        root.render(&mut src, &[]);
        let mut files = Files::default();
        files.push(
            format!("{}.rs", snake(world).trim_start_matches("r#")),
            allow_lints(&src.finish()),
        );
        Ok(files)
    }
}

/// Marks each top-level item of the file `#[allow(clippy::all)]`: WIT
/// decides the shape of the code (long tuples, many parameters), not the
/// crate that includes it.
fn allow_lints(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1024);
    for line in text.lines() {
        let item = [
            "pub mod ",
            "pub struct ",
            "pub enum ",
            "pub trait ",
            "pub type ",
            "impl",
        ]
        .iter()
        .any(|p| line.starts_with(p));
        if item {
            out.push_str("#[allow(clippy::all, unused_parens, missing_docs)]\n");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A module of the generated file: its own items, then its submodules.
#[derive(Default)]
struct Module {
    docs: Option<String>,
    body: Source,
    children: Vec<(String, Module)>,
}

impl Module {
    fn at(&mut self, path: &[String]) -> &mut Module {
        let Some((first, rest)) = path.split_first() else {
            return self;
        };
        let index = match self.children.iter().position(|(n, _)| n == first) {
            Some(i) => i,
            None => {
                self.children.push((first.clone(), Module::default()));
                self.children.len() - 1
            }
        };
        self.children[index].1.at(rest)
    }

    /// Writes the module's items and submodules; `package` is the WIT
    /// namespace and package names on the way down (not `exports`).
    fn render(&self, src: &mut Source, package: &[&str]) {
        for line in self.body.as_str().lines() {
            src.verbatim(line);
        }
        for (name, child) in &self.children {
            src.blank();
            let mut inner = package.to_vec();
            let docs = match &child.docs {
                Some(d) => d.clone(),
                None if name == "exports" && package.is_empty() => {
                    "The interfaces the world exports.".to_string()
                }
                None => {
                    inner.push(name);
                    match inner.len() {
                        1 => format!("Interfaces of the WIT namespace `{name}`."),
                        _ => format!("Interfaces of the WIT package `{}`.", inner.join(":")),
                    }
                }
            };
            src.docs("///", Some(&docs));
            src.line(&format!("pub mod {name} {{"));
            child.render(src, &inner);
            src.line("}");
        }
    }
}

fn scope_body(names: &Names<'_>, scope: &Scope, path: &[String], src: &mut Source) {
    if !scope.is_root() {
        glue::use_rt(path, src);
    }
    // World-level types are imports' (the root of exports defines none).
    for &id in &scope.types {
        types::define(names, id, path, src);
        glue::conversions(names, id, src);
    }
    match scope.direction {
        Direction::Import => {
            host_traits(names, scope, path, src);
            if !scope.is_root() && (!scope.funcs.is_empty() || !scope.resources.is_empty()) {
                glue::add_to_linker(names, scope, path, src);
            }
        }
        Direction::Export => {
            if !scope.is_root() {
                glue::guest_struct(names, scope, path, src);
            }
        }
    }
}

/// The world struct: the exports found in an instance, typed calls of the
/// world's top-level exports, and `add_to_linker` for all its imports.
fn world_struct(names: &Names<'_>, src: &mut Source) {
    let analysis = names.analysis;
    let world = analysis.name();
    let name = camel(world);
    let scopes = analysis.scopes();
    glue::use_rt(&[], src);

    // The exports.
    let exported: Vec<(usize, &Scope)> = scopes
        .iter()
        .enumerate()
        .filter(|(_, s)| s.direction == Direction::Export && !s.is_root())
        .collect();
    let root_exports = &scopes[1].funcs;
    let accessor = accessor_name;
    src.blank();
    src.docs(
        "///",
        analysis.resolve().worlds[analysis.world()]
            .docs
            .contents
            .as_deref(),
    );
    if analysis.resolve().worlds[analysis.world()]
        .docs
        .contents
        .is_some()
    {
        src.line("///");
    }
    src.line(&format!(
        "/// An instance of the world `{world}`: its exported interfaces and functions, called with a store."
    ));
    src.line("#[derive(Clone, Debug)]");
    src.line(&format!("pub struct {name} {{"));
    for (index, scope) in &exported {
        let path = names.scope_path(*index).join("::");
        src.line(&format!("{}: {path}::Guest,", accessor(scope)));
    }
    for func in root_exports {
        src.line(&format!(
            "{}: {},",
            snake(&func.func.name),
            glue::flat_func_type(func)
        ));
    }
    src.line("}");
    src.blank();
    src.line(&format!("impl {name} {{"));
    src.line(&format!(
        "/// Instantiates `component` with `linker`'s definitions and finds the world's exports in it.
pub fn instantiate<T: 'static>(mut store: impl ::kiln::AsContextMut<Data = T>, component: &::kiln::component::Component, linker: &::kiln::component::Linker<T>) -> ::kiln::Result<{name}> {{
let instance = linker.instantiate(&mut store, component)?;
{name}::new(store, &instance)
}}

/// Finds the world's exports in `instance`.
pub fn new(mut store: impl ::kiln::AsContextMut, instance: &::kiln::component::Instance) -> ::kiln::Result<{name}> {{"
    ));
    if exported.is_empty() && root_exports.is_empty() {
        src.line("let _ = (&mut store, instance);");
    }
    src.line(&format!("Ok({name} {{"));
    for (index, scope) in &exported {
        let path = names.scope_path(*index).join("::");
        src.line(&format!(
            "{}: {path}::Guest::new(&mut store, instance)?,",
            accessor(scope)
        ));
    }
    for func in root_exports {
        src.line(&format!(
            "{}: {},",
            snake(&func.func.name),
            glue::lookup(func, None)
        ));
    }
    src.line("})");
    src.line("}");
    for (index, scope) in &exported {
        let path = names.scope_path(*index).join("::");
        src.blank();
        src.line(&format!("/// The exported interface `{}`.", scope.name));
        src.line(&format!(
            "pub fn {}(&self) -> &{path}::Guest {{",
            accessor(scope)
        ));
        src.line(&format!("&self.{}", accessor(scope)));
        src.line("}");
    }
    for func in root_exports {
        glue::world_call(names, func, &snake(&func.func.name), src);
    }

    // The imports.
    let imported: Vec<(usize, &Scope)> = scopes
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s.direction == Direction::Import
                && !s.is_root()
                && (!s.funcs.is_empty() || !s.resources.is_empty())
        })
        .collect();
    let mut bounds: Vec<String> = Vec::new();
    if !scopes[0].funcs.is_empty() {
        bounds.push(host_trait_name(names, &scopes[0]));
    }
    for (index, _) in &imported {
        bounds.push(format!("{}::Host", names.scope_path(*index).join("::")));
    }
    src.blank();
    src.line("/// Defines every import of the world in `linker`, implemented by what `get` finds in the store's data.");
    if bounds.is_empty() {
        src.line("pub fn add_to_linker<T: 'static, U>(linker: &mut ::kiln::component::Linker<T>, get: fn(&mut T) -> &mut U) -> ::kiln::Result<()> {");
        src.line("let _ = (&linker, get);");
    } else {
        src.line(&format!("pub fn add_to_linker<T: 'static, U: {} + 'static>(linker: &mut ::kiln::component::Linker<T>, get: fn(&mut T) -> &mut U) -> ::kiln::Result<()> {{", bounds.join(" + ")));
        if !scopes[0].funcs.is_empty() {
            src.line("let mut inst = linker.root();");
            glue::define_funcs(names, &scopes[0], &[], src);
        }
        for (index, _) in &imported {
            src.line(&format!(
                "{}::add_to_linker(linker, get)?;",
                names.scope_path(*index).join("::")
            ));
        }
    }
    // Interfaces of types only are instances the component imports too.
    for scope in scopes.iter().filter(|s| {
        s.direction == Direction::Import
            && !s.is_root()
            && s.funcs.is_empty()
            && s.resources.is_empty()
    }) {
        src.line(&format!("linker.instance({:?})?;", scope.name));
    }
    src.line("Ok(())");
    src.line("}");
    src.line("}");
}

/// The name of the world struct's method returning an exported interface:
/// its full name without the version, in snake case
/// (`kiln_corpus_list_api`).
fn accessor_name(scope: &Scope) -> String {
    snake(
        &scope
            .name
            .split('@')
            .next()
            .unwrap_or_default()
            .replace([':', '/'], "-"),
    )
}

/// How code in the module `from` of the generated file (`&[]` for its
/// root) spells `ty` as a value the host owns (the type an export returns,
/// or a host function receives).
pub fn type_spelling(analysis: &WorldAnalysis, ty: &wit_parser::Type, from: &[&str]) -> String {
    let from: Vec<String> = from.iter().map(|s| s.to_string()).collect();
    Names::new(analysis).ty(ty, &from, Mode::Owned)
}

/// The path, from a value of the world struct, of the method calling the
/// export `func` of scope `scope` (an index of
/// [`WorldAnalysis::scopes`]): `call_f` for a function of the world,
/// `kiln_corpus_api().call_f` for one of an interface,
/// `kiln_corpus_api().counter().call_get` for a resource's.
pub fn export_call_path(analysis: &WorldAnalysis, scope: usize, func: &Func) -> String {
    let method = glue::method_name(func);
    let scope = &analysis.scopes()[scope];
    if scope.is_root() {
        return method;
    }
    let mut path = format!("{}()", accessor_name(scope));
    if let Some(r) = func.resource {
        let wit = analysis.resolve().types[r].name.clone().unwrap_or_default();
        path.push_str(&format!(".{}()", snake(&wit).trim_start_matches("r#")));
    }
    format!("{path}.{method}")
}

/// The name of the trait the host implements for an import scope.
fn host_trait_name(names: &Names<'_>, scope: &Scope) -> String {
    if scope.is_root() {
        format!("{}Imports", camel(names.analysis.name()))
    } else {
        "Host".to_string()
    }
}

/// The `Host` trait of an imported scope, and a `Host<Resource>` trait per
/// resource it defines.
fn host_traits(names: &Names<'_>, scope: &Scope, path: &[String], src: &mut Source) {
    let analysis = names.analysis;
    for &resource in &scope.resources {
        let rname = names.type_name(resource);
        src.blank();
        src.line(&format!(
            "/// What the host implements for its resource `{}`.",
            analysis.resolve().types[resource]
                .name
                .as_deref()
                .unwrap_or_default()
        ));
        src.line(&format!("pub trait Host{rname} {{"));
        for func in scope.funcs.iter().filter(|f| f.resource == Some(resource)) {
            host_method(names, func, path, src);
        }
        src.line(&format!(
            "/// Drops the resource `rep`: the guest dropped its last handle to it.\nfn drop(&mut self, rep: {rname}) -> ::kiln::Result<()>;"
        ));
        src.line("}");
    }
    let free: Vec<&Func> = scope
        .funcs
        .iter()
        .filter(|f| f.resource.is_none())
        .collect();
    if free.is_empty() && scope.resources.is_empty() {
        return;
    }
    let name = host_trait_name(names, scope);
    src.blank();
    if scope.is_root() {
        src.line(&format!(
            "/// What the host implements for the top-level imports of the world `{}`.",
            analysis.name()
        ));
    } else {
        src.line(&format!(
            "/// What the host implements for the imported interface `{}`.",
            scope.name
        ));
    }
    let supertraits: Vec<String> = scope
        .resources
        .iter()
        .map(|&r| format!("Host{}", names.type_name(r)))
        .collect();
    if supertraits.is_empty() {
        src.line(&format!("pub trait {name} {{"));
    } else {
        src.line(&format!("pub trait {name}: {} {{", supertraits.join(" + ")));
    }
    for func in free {
        host_method(names, func, path, src);
    }
    src.line("}");
}

/// A method of a host trait: `fn f(&mut self, params) -> ::kiln::Result<R>;`.
fn host_method(names: &Names<'_>, func: &Func, path: &[String], src: &mut Source) {
    src.docs("///", func.func.docs.contents.as_deref());
    let mut params = vec!["&mut self".to_string()];
    for param in &func.func.params {
        params.push(format!(
            "{}: {}",
            snake(&param.name),
            names.ty(&param.ty, path, Mode::ImportParam)
        ));
    }
    let result = match (&func.func.kind, &func.func.result) {
        (_, Some(ty)) => names.ty(ty, path, Mode::Owned),
        (_, None) => "()".to_string(),
    };
    src.line(&format!(
        "fn {}({}) -> ::kiln::Result<{result}>;",
        snake(func.item_name()),
        params.join(", ")
    ));
}
