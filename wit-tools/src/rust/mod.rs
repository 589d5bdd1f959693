//! The Rust back end: one file, `<world>.rs`, of typed host glue over
//! `kiln::component`.
//!
//! The file holds a module per interface (`kiln::corpus::list_types`, and
//! `exports::...` for exported interfaces) with the interface's types; a
//! `Host` trait per imported interface (and `Host<Resource>` per resource
//! it defines) for the host to implement; and, at its root, the world's own
//! types, a `<World>Imports` trait for its top-level imports, and the world
//! struct whose methods call the exports.

mod names;
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
            src.finish(),
        );
        Ok(files)
    }
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
    // World-level types are imports' (the root of exports defines none).
    for &id in &scope.types {
        types::define(names, id, path, src);
    }
    if scope.direction == Direction::Import {
        host_traits(names, scope, path, src);
    }
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
