//! The Python back end: one module, `<world>.py`, of typed host glue over
//! the `kiln` package's `kiln.component`.
//!
//! The module holds a `dataclass` per record, an `enum.Enum` per enum, an
//! `enum.Flag` per flags type, a frozen `dataclass` per variant case under
//! a `Union` alias per variant; a handle class per resource (a context
//! manager whose exit drops it); a `Protocol` per imported interface (and
//! one per resource the host implements) for the host to implement; a class
//! per exported interface; and the world class, whose constructor links the
//! host's implementations and instantiates the component, and whose
//! methods call the world's exports.
//!
//! Values are not converted in Python: each function's parameter and
//! result types are described once as specs (see [`types`]), and the
//! package's native `TypedFunc` and `LinkerInstance.add_typed_func` lower
//! and lift them straight between these classes and the guest's memory.

mod types;

use crate::analysis::{Direction, Func, Scope, WorldAnalysis};
use crate::backend::{Backend, Files, GENERATED_BANNER};
use std::fmt::Write;
use types::{camel, short_name, snake, tuple_items, upper, Names};
use wit_parser::{FunctionKind, Type, TypeDefKind, TypeId};

/// The Python back end (`--lang python`), with its default options.
#[derive(Debug, Clone, Copy, Default)]
pub struct Python;

impl Backend for Python {
    fn lang(&self) -> &'static str {
        "python"
    }

    fn generate(&self, analysis: &WorldAnalysis) -> anyhow::Result<Files> {
        Options::default().generate(analysis)
    }
}

/// The Python back end with options (`kiln bindgen --lang python
/// --raise-errors NAME`).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The functions whose `result<T, E>` the glue returns as its `T`,
    /// raising a generated exception (a `kiln.component.ResultError`
    /// carrying the `E`) for an `err`, instead of returning `Ok`/`Err`: by
    /// the name a component gives each (`iface#func`, or `func` at the
    /// world's top level), or `*` for every function returning a `result`.
    /// For an import, the host's implementation returns the `T` and
    /// raises the exception for an `err`.
    pub raise_errors: Vec<String>,
}

impl Backend for Options {
    fn lang(&self) -> &'static str {
        "python"
    }

    fn generate(&self, analysis: &WorldAnalysis) -> anyhow::Result<Files> {
        let names = Names::new(analysis, self.raise_errors.clone());
        let mut out = Out::default();
        let world = analysis.name();
        out.line(&format!("# {GENERATED_BANNER}"));
        out.line(&format!(
            "\"\"\"Python host bindings of the WIT world `{world}`, for `kiln.component`.\"\"\""
        ));
        out.blank();
        out.line("from __future__ import annotations");
        out.blank();
        out.line("import dataclasses as _dc");
        out.line("import enum as _enum");
        out.line("import typing as _t");
        out.blank();
        out.line("import kiln as _kiln");
        out.line("import kiln.component as _kc");
        for &id in analysis.types() {
            define_type(&names, id, &mut out);
        }
        error_classes(&names, &mut out);
        resource_classes(&names, &mut out);
        import_protocols(&names, &mut out);
        export_classes(&names, &mut out);
        world_class(&names, &mut out);
        let mut files = Files::default();
        files.push(format!("{}.py", world.replace('-', "_")), out.text);
        Ok(files)
    }
}

/// Python source with indentation.
#[derive(Default)]
struct Out {
    text: String,
    indent: usize,
}

impl Out {
    fn line(&mut self, s: &str) {
        for l in s.lines() {
            if !l.is_empty() {
                for _ in 0..self.indent {
                    self.text.push_str("    ");
                }
            }
            self.text.push_str(l);
            self.text.push('\n');
        }
    }

    fn blank(&mut self) {
        self.text.push('\n');
    }

    fn classes_gap(&mut self) {
        self.blank();
        self.blank();
    }

    fn docs(&mut self, docs: Option<&str>, fallback: &str) {
        let text = docs
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .unwrap_or(fallback);
        let text = text.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
        if text.contains('\n') {
            self.line(&format!("\"\"\"{text}\n\"\"\""));
        } else {
            self.line(&format!("\"\"\"{text}\"\"\""));
        }
    }

    fn indented(&mut self, f: impl FnOnce(&mut Out)) {
        self.indent += 1;
        f(self);
        self.indent -= 1;
    }
}

fn define_type(names: &Names<'_>, id: TypeId, out: &mut Out) {
    let resolve = names.analysis.resolve();
    let def = &resolve.types[id];
    let docs = def.docs.contents.as_deref();
    let wit_name = def.name.as_deref().unwrap_or("");
    match &def.kind {
        TypeDefKind::Record(r) => {
            out.classes_gap();
            out.line("@_dc.dataclass");
            out.line(&format!("class {}:", names.class(id)));
            out.indented(|out| {
                out.docs(docs, &format!("The record `{wit_name}`."));
                for f in &r.fields {
                    out.line(&format!(
                        "{}: {}",
                        snake(&f.name),
                        names.hint(&f.ty, Direction::Export)
                    ));
                    if let Some(d) = f.docs.contents.as_deref() {
                        out.docs(Some(d), "");
                    }
                }
                if r.fields.is_empty() {
                    out.line("pass");
                }
            });
        }
        TypeDefKind::Variant(v) => {
            let mut cases = Vec::new();
            for c in &v.cases {
                let class = names.case_class(id, &c.name);
                out.classes_gap();
                out.line("@_dc.dataclass(frozen=True)");
                out.line(&format!("class {class}:"));
                out.indented(|out| {
                    out.docs(
                        c.docs.contents.as_deref(),
                        &format!("The case `{}` of `{wit_name}`.", c.name),
                    );
                    if let Some(t) = &c.ty {
                        out.line(&format!("value: {}", names.hint(t, Direction::Export)));
                    }
                });
                cases.push(class);
            }
            out.classes_gap();
            out.line(&format!(
                "{} = _t.Union[{}]",
                names.class(id),
                cases.join(", ")
            ));
            let fallback = format!("The variant `{wit_name}`: one class per case.");
            out.docs(docs, &fallback);
        }
        TypeDefKind::Enum(e) => {
            out.classes_gap();
            out.line(&format!("class {}(_enum.Enum):", names.class(id)));
            out.indented(|out| {
                out.docs(docs, &format!("The enum `{wit_name}`."));
                for (i, c) in e.cases.iter().enumerate() {
                    out.line(&format!("{} = {i}", upper(&c.name)));
                }
            });
        }
        TypeDefKind::Flags(f) => {
            out.classes_gap();
            out.line(&format!("class {}(_enum.Flag):", names.class(id)));
            out.indented(|out| {
                out.docs(docs, &format!("The flags `{wit_name}`."));
                for (i, c) in f.flags.iter().enumerate() {
                    out.line(&format!("{} = 1 << {i}", upper(&c.name)));
                }
            });
        }
        _ => {}
    }
}

/// Every resource of the world, as the scopes define them.
fn resources(names: &Names<'_>) -> Vec<(TypeId, Direction)> {
    let mut all = Vec::new();
    for scope in names.analysis.scopes() {
        for &r in &scope.resources {
            if !all.iter().any(|(id, _)| *id == r) {
                all.push((r, scope.direction));
            }
        }
    }
    all
}

fn resource_name(names: &Names<'_>, id: TypeId) -> String {
    snake(
        names.analysis.resolve().types[id]
            .name
            .as_deref()
            .unwrap_or("resource"),
    )
}

/// A method name of a handle class that does not hide `Resource`'s own.
fn handle_method(name: &str) -> String {
    let s = snake(name);
    if s == "drop" || s == "dropped" {
        format!("{s}_")
    } else {
        s
    }
}

/// The name the host's side uses for a function: `new_<resource>` for a
/// constructor, `<resource>_<name>` for a static function, the method's
/// name for a method, the function's own otherwise.
fn func_name(names: &Names<'_>, f: &Func) -> String {
    match (&f.func.kind, f.resource) {
        (FunctionKind::Constructor(_), Some(r)) => format!("new_{}", resource_name(names, r)),
        (FunctionKind::Static(_), Some(r)) => {
            format!("{}_{}", resource_name(names, r), snake(f.func.item_name()))
        }
        (FunctionKind::Method(_), _) => handle_method(f.func.item_name()),
        _ => snake(&f.func.name),
    }
}

fn is_method(f: &Func) -> bool {
    matches!(f.func.kind, FunctionKind::Method(_))
}

/// `name: hint` for each parameter (without a method's `self`).
fn params(names: &Names<'_>, f: &Func, side: Direction) -> String {
    let skip = usize::from(is_method(f));
    f.func
        .params
        .iter()
        .skip(skip)
        .map(|p| format!(", {}: {}", snake(&p.name), names.hint(&p.ty, side)))
        .collect()
}

fn result_hint(names: &Names<'_>, f: &Func, side: Direction) -> String {
    if let Some(r) = raising(names, f) {
        return match r.ok {
            Some(t) => names.hint(t, side),
            None => "None".into(),
        };
    }
    match &f.func.result {
        Some(t) => names.hint(t, side),
        None => "None".into(),
    }
}

/// A function whose `err` the glue raises: its `result`'s sides and the
/// exception's class.
struct Raising<'a> {
    ok: Option<&'a Type>,
    err: Option<&'a Type>,
    class: String,
}

fn scope_of_func<'a>(names: &Names<'a>, f: &Func) -> Option<&'a Scope> {
    names
        .analysis
        .scopes()
        .iter()
        .find(|s| s.funcs.iter().any(|g| std::ptr::eq(g, f)))
}

/// Whether `f` raises its `err` (see [`Options::raise_errors`]).
fn raising<'a>(names: &Names<'a>, f: &'a Func) -> Option<Raising<'a>> {
    let scope = scope_of_func(names, f)?;
    let full = scope.wire_name(f);
    if !names.raising.iter().any(|n| *n == full || n == "*") {
        return None;
    }
    let result = f.func.result.as_ref()?;
    let Type::Id(id) = names.analysis.dealias(result) else {
        return None;
    };
    let TypeDefKind::Result(r) = &names.analysis.resolve().types[id].kind else {
        return None;
    };
    let base = match (&f.func.kind, f.resource) {
        (FunctionKind::Method(_), Some(res)) => {
            format!("{}-{}", resource_name(names, res), f.func.item_name())
        }
        _ => func_name(names, f).replace('_', "-"),
    };
    let prefix = if scope.is_root() {
        String::new()
    } else {
        camel(short_name(&scope.name))
    };
    Some(Raising {
        ok: r.ok.as_ref(),
        err: r.err.as_ref(),
        class: format!("{prefix}{}Error", camel(&base)),
    })
}

/// An exception class per function that raises its `err`.
fn error_classes(names: &Names<'_>, out: &mut Out) {
    for scope in names.analysis.scopes() {
        for f in &scope.funcs {
            let Some(r) = raising(names, f) else { continue };
            let err = match r.err {
                Some(t) => names.hint(t, Direction::Export),
                None => "None".into(),
            };
            out.classes_gap();
            out.line(&format!("class {}(_kc.ResultError[{err}]):", r.class));
            out.indented(|out| {
                out.docs(
                    None,
                    &format!(
                        "The `err` of `{}`, raised: its value is in `value`.",
                        f.func.name
                    ),
                );
            });
        }
    }
}

/// The handle classes: one per resource, for the handles the host holds.
fn resource_classes(names: &Names<'_>, out: &mut Out) {
    let world = camel(names.analysis.name());
    for (id, dir) in resources(names) {
        let class = names.handle_class(id);
        let def = &names.analysis.resolve().types[id];
        let wit_name = def.name.as_deref().unwrap_or("");
        out.classes_gap();
        out.line(&format!("class {class}(_kc.Resource):"));
        out.indented(|out| {
            let fallback = match dir {
                Direction::Export => format!(
                    "A handle to a `{wit_name}` the guest implements; dropping it (or leaving a `with` block) runs the guest's destructor."
                ),
                Direction::Import => format!(
                    "A handle to a `{wit_name}` the host implements, as the guest hands it back; dropping it runs the host's destructor."
                ),
            };
            out.docs(def.docs.contents.as_deref().filter(|_| dir == Direction::Export), &fallback);
            out.blank();
            out.line(&format!(
                "def __init__(self, w: {world}, handle: _kc.ResourceAny) -> None:"
            ));
            out.indented(|out| {
                out.line("super().__init__(w._store, handle)");
                out.line("self._w = w");
            });
            if dir == Direction::Export {
                for scope in names.analysis.scopes() {
                    for f in &scope.funcs {
                        if f.resource != Some(id) || !is_method(f) {
                            continue;
                        }
                        out.blank();
                        out.line(&format!(
                            "def {}(self{}) -> {}:",
                            func_name(names, f),
                            params(names, f, Direction::Export),
                            result_hint(names, f, Direction::Export)
                        ));
                        out.indented(|out| {
                            out.docs(f.func.docs.contents.as_deref(), &format!("`{}`.", f.func.name));
                            let args: String = f
                                .func
                                .params
                                .iter()
                                .skip(1)
                                .map(|p| format!(", {}", snake(&p.name)))
                                .collect();
                            let call = format!(
                                "self._w.{}(self._w._store, self{args})",
                                typed_attr(names, scope, f)
                            );
                            out.line(&returned(names, f, &call));
                        });
                    }
                }
            }
        });
    }
}

/// The attribute of the world object holding an export's `TypedFunc`.
fn typed_attr(names: &Names<'_>, scope: &Scope, f: &Func) -> String {
    let index = names
        .analysis
        .scopes()
        .iter()
        .position(|s| std::ptr::eq(s, scope))
        .unwrap_or(0);
    let pos = scope
        .funcs
        .iter()
        .position(|g| std::ptr::eq(g, f))
        .unwrap_or(0);
    format!("_f{index}_{pos}")
}

/// `return <call>`, cast to the result's hint for the type checker.
fn returned(names: &Names<'_>, f: &Func, call: &str) -> String {
    if let Some(r) = raising(names, f) {
        let ok = match r.ok {
            Some(t) => format!(
                "\nreturn _t.cast({:?}, result.value)",
                names.hint(t, Direction::Export)
            ),
            None => String::new(),
        };
        return format!(
            "result = {call}\nif isinstance(result, _kc.Err):\n    raise {}(result.value){ok}",
            r.class
        );
    }
    match &f.func.result {
        Some(t) => format!(
            "return _t.cast({:?}, {call})",
            names.hint(t, Direction::Export)
        ),
        None => call.to_string(),
    }
}

fn import_scopes<'a>(names: &Names<'a>) -> Vec<&'a Scope> {
    names
        .analysis
        .scopes()
        .iter()
        .filter(|s| {
            s.direction == Direction::Import && (!s.funcs.is_empty() || !s.resources.is_empty())
        })
        .collect()
}

fn protocol_name(names: &Names<'_>, scope: &Scope) -> String {
    if scope.is_root() {
        format!("{}Imports", camel(names.analysis.name()))
    } else {
        format!("{}Imports", camel(short_name(&scope.name)))
    }
}

fn import_arg(scope: &Scope) -> String {
    if scope.is_root() {
        "imports".into()
    } else {
        snake(short_name(&scope.name))
    }
}

/// A `Protocol` per resource the host implements (its methods) and per
/// imported interface (its functions, constructors, static functions and
/// destructors).
fn import_protocols(names: &Names<'_>, out: &mut Out) {
    for scope in import_scopes(names) {
        for &r in &scope.resources {
            let def = &names.analysis.resolve().types[r];
            out.classes_gap();
            out.line(&format!("class {}(_t.Protocol):", names.class(r)));
            out.indented(|out| {
                out.docs(
                    def.docs.contents.as_deref(),
                    &format!("The host's `{}`.", def.name.as_deref().unwrap_or("")),
                );
                for f in scope
                    .funcs
                    .iter()
                    .filter(|f| f.resource == Some(r) && is_method(f))
                {
                    out.blank();
                    out.line(&format!(
                        "def {}(self{}) -> {}:",
                        func_name(names, f),
                        params(names, f, Direction::Import),
                        result_hint(names, f, Direction::Import)
                    ));
                    out.indented(|out| {
                        out.docs(
                            f.func.docs.contents.as_deref(),
                            &format!("`{}`.", f.func.name),
                        );
                        out.line("...");
                    });
                }
            });
        }
        let vars: Vec<String> = scope.resources.iter().map(|r| names.type_var(*r)).collect();
        for (r, v) in scope.resources.iter().zip(&vars) {
            out.classes_gap();
            out.line(&format!(
                "{v} = _t.TypeVar({v:?}, bound={})",
                names.class(*r)
            ));
        }
        out.classes_gap();
        if vars.is_empty() {
            out.line(&format!(
                "class {}(_t.Protocol):",
                protocol_name(names, scope)
            ));
        } else {
            out.line(&format!(
                "class {}(_t.Protocol[{}]):",
                protocol_name(names, scope),
                vars.join(", ")
            ));
        }
        out.indented(|out| {
            let docs = scope.interface.and_then(|i| {
                names.analysis.resolve().interfaces[i]
                    .docs
                    .contents
                    .as_deref()
            });
            let fallback = if scope.is_root() {
                format!(
                    "The functions the world `{}` imports.",
                    names.analysis.name()
                )
            } else {
                format!("The interface `{}`, as the host implements it.", scope.name)
            };
            out.docs(docs, &fallback);
            for f in scope.funcs.iter().filter(|f| !is_method(f)) {
                out.blank();
                let ps: String = f
                    .func
                    .params
                    .iter()
                    .map(|p| format!(", {}: {}", snake(&p.name), names.generic_hint(&p.ty)))
                    .collect();
                let result = match (raising(names, f), &f.func.result) {
                    (Some(Raising { ok: Some(t), .. }), _) => names.generic_hint(t),
                    (Some(_), _) | (None, None) => "None".into(),
                    (None, Some(t)) => names.generic_hint(t),
                };
                out.line(&format!(
                    "def {}(self{ps}) -> {result}:",
                    func_name(names, f)
                ));
                out.indented(|out| {
                    out.docs(
                        f.func.docs.contents.as_deref(),
                        &format!("`{}`.", f.func.name),
                    );
                    out.line("...");
                });
            }
            for &r in &scope.resources {
                let rn = resource_name(names, r);
                out.blank();
                out.line(&format!(
                    "def drop_{rn}(self, {rn}: {}) -> None:",
                    names.type_var(r)
                ));
                out.indented(|out| {
                    out.docs(
                        None,
                        &format!("The destructor of `{rn}`: the guest dropped its last handle."),
                    );
                    out.line("...");
                });
            }
        });
    }
}

fn export_scopes<'a>(names: &Names<'a>) -> Vec<&'a Scope> {
    names
        .analysis
        .scopes()
        .iter()
        .filter(|s| s.direction == Direction::Export && !s.is_root())
        .collect()
}

/// A class per exported interface: its functions, constructors and
/// static functions.
fn export_classes(names: &Names<'_>, out: &mut Out) {
    let world = camel(names.analysis.name());
    for scope in export_scopes(names) {
        out.classes_gap();
        out.line(&format!("class {}Exports:", camel(short_name(&scope.name))));
        out.indented(|out| {
            let docs = scope.interface.and_then(|i| {
                names.analysis.resolve().interfaces[i]
                    .docs
                    .contents
                    .as_deref()
            });
            out.docs(
                docs,
                &format!("The interface `{}` the guest exports.", scope.name),
            );
            out.blank();
            out.line(&format!("def __init__(self, w: {world}) -> None:"));
            out.indented(|out| out.line("self._w = w"));
            for f in scope.funcs.iter().filter(|f| !is_method(f)) {
                export_method(names, scope, f, "self._w", out);
            }
        });
    }
}

fn export_method(names: &Names<'_>, scope: &Scope, f: &Func, world: &str, out: &mut Out) {
    out.blank();
    out.line(&format!(
        "def {}(self{}) -> {}:",
        func_name(names, f),
        params(names, f, Direction::Export),
        result_hint(names, f, Direction::Export)
    ));
    out.indented(|out| {
        out.docs(
            f.func.docs.contents.as_deref(),
            &format!("`{}`.", f.func.name),
        );
        let args: String = f
            .func
            .params
            .iter()
            .map(|p| format!(", {}", snake(&p.name)))
            .collect();
        let call = format!(
            "{world}.{}({world}._store{args})",
            typed_attr(names, scope, f)
        );
        out.line(&returned(names, f, &call));
    });
}

fn spec_list(names: &Names<'_>, tys: &[&Type], side: Direction) -> String {
    let items: Vec<String> = tys.iter().map(|t| names.spec(t, side)).collect();
    format!("({})", tuple_items(&items))
}

fn result_spec(names: &Names<'_>, f: &Func, side: Direction) -> String {
    match &f.func.result {
        Some(t) => names.spec(t, side),
        None => "None".into(),
    }
}

/// The world class.
fn world_class(names: &Names<'_>, out: &mut Out) {
    let analysis = names.analysis;
    let world = camel(analysis.name());
    let imports = import_scopes(names);
    let exports = export_scopes(names);
    out.classes_gap();
    out.line(&format!("class {world}:"));
    out.indented(|out| {
        let docs = analysis.resolve().worlds[analysis.world()].docs.contents.as_deref();
        out.docs(
            docs,
            &format!("The world `{}`: an instance of a component that implements it.", analysis.name()),
        );
        out.blank();
        let mut sig = String::from("def __init__(self, store: _kiln.Store, component: _kc.Component");
        if !imports.is_empty() {
            sig.push_str(", *");
            for scope in &imports {
                let generic = if scope.resources.is_empty() {
                    String::new()
                } else {
                    format!("[{}]", vec!["_t.Any"; scope.resources.len()].join(", "))
                };
                let _ = write!(
                    sig,
                    ", {}: {}{generic}",
                    import_arg(scope),
                    protocol_name(names, scope)
                );
            }
        }
        sig.push_str(") -> None:");
        out.line(&sig);
        out.indented(|out| {
            out.line("\"\"\"Links the host's implementations of the imports and instantiates `component` in `store`.\"\"\"");
            out.line("w = self");
            out.line("self._store = store");
            for (r, dir) in resources(names) {
                if dir == Direction::Import {
                    out.line(&format!(
                        "self._table_{}: _kc.ResourceTable[{}] = _kc.ResourceTable()",
                        resource_name(names, r),
                        names.class(r)
                    ));
                }
            }
            out.line("linker = _kc.Linker(store.engine)");
            out.line("root = linker.root()");
            for scope in names.analysis.scopes() {
                if scope.direction != Direction::Import || scope.is_root() {
                    continue;
                }
                if scope.funcs.is_empty() && scope.resources.is_empty() {
                    // An interface of types only: an instance with nothing in it.
                    out.line(&format!("root.add_instance({:?})", scope.name));
                }
            }
            for scope in &imports {
                let imp = import_arg(scope);
                let target = if scope.is_root() {
                    "root".to_string()
                } else {
                    out.line(&format!("i = root.add_instance({:?})", scope.name));
                    "i".to_string()
                };
                for &r in &scope.resources {
                    let rn = resource_name(names, r);
                    let wit_name = names.analysis.resolve().types[r].name.clone().unwrap_or_default();
                    out.line(&format!(
                        "{target}.add_resource({wit_name:?}, _kc.ResourceType.host(self._table_{rn}.key), lambda _s, rep: {imp}.drop_{rn}(w._table_{rn}.remove(rep)))"
                    ));
                }
                for f in &scope.funcs {
                    let tys: Vec<&Type> = f.func.params.iter().map(|p| &p.ty).collect();
                    let mut callable = if is_method(f) {
                        format!("lambda self_, *a: self_.{}(*a)", func_name(names, f))
                    } else {
                        format!("{imp}.{}", func_name(names, f))
                    };
                    if let Some(r) = raising(names, f) {
                        callable = format!("_kc.returning_result({callable}, {})", r.class);
                    }
                    out.line(&format!(
                        "{target}.add_typed_func({:?}, {}, {}, {callable})",
                        f.func.name,
                        spec_list(names, &tys, Direction::Import),
                        result_spec(names, f, Direction::Import)
                    ));
                }
            }
            out.line("instance = linker.instantiate(store, component)");
            let mut table = Vec::new();
            for (index, scope) in analysis.scopes().iter().enumerate() {
                if scope.direction != Direction::Export {
                    continue;
                }
                let iface = if scope.is_root() {
                    "None".to_string()
                } else {
                    format!("{:?}", scope.name)
                };
                for (pos, f) in scope.funcs.iter().enumerate() {
                    let tys: Vec<&Type> = f.func.params.iter().map(|p| &p.ty).collect();
                    out.line(&format!(
                        "p{index}_{pos} = {}",
                        spec_list(names, &tys, Direction::Export)
                    ));
                    out.line(&format!(
                        "r{index}_{pos} = {}",
                        result_spec(names, f, Direction::Export)
                    ));
                    out.line(&format!(
                        "self._f{index}_{pos} = _kc.TypedFunc(_kc.export_func(store, instance, {iface}, {:?}), p{index}_{pos}, r{index}_{pos})",
                        f.func.name
                    ));
                    let name = scope.wire_name(f);
                    let callable = if is_method(f) {
                        let r = f.resource.expect("a method has a resource");
                        format!("{}.{}", names.handle_class(r), func_name(names, f))
                    } else if scope.is_root() {
                        format!("self.{}", func_name(names, f))
                    } else {
                        format!("self.{}.{}", snake(short_name(&scope.name)), func_name(names, f))
                    };
                    table.push(format!("{name:?}: ({callable}, p{index}_{pos}, r{index}_{pos}),"));
                }
            }
            for scope in &exports {
                out.line(&format!(
                    "self.{} = {}Exports(self)",
                    snake(short_name(&scope.name)),
                    camel(short_name(&scope.name))
                ));
                out.line(&format!(
                    "\"\"\"The interface `{}`.\"\"\"",
                    scope.name
                ));
            }
            out.line("self.exports: _t.Dict[str, _t.Tuple[_t.Callable[..., _t.Any], _t.Any, _t.Any]] = {");
            out.indented(|out| {
                for entry in &table {
                    out.line(entry);
                }
            });
            out.line("}");
            out.line("\"\"\"Each export by the name a component gives it: the method that calls it, with its parameters' and result's type specs.\"\"\"");
        });
        for (r, _) in resources(names) {
            out.blank();
            out.line(&format!(
                "def _wrap_{}(self, handle: _kc.ResourceAny) -> {}:",
                resource_name(names, r),
                names.handle_class(r)
            ));
            out.indented(|out| out.line(&format!("return {}(self, handle)", names.handle_class(r))));
        }
        if let Some(root) = analysis.scopes().iter().find(|s| s.direction == Direction::Export && s.is_root()) {
            for f in &root.funcs {
                export_method(names, root, f, "self", out);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The corpus's `variants` world with every `result` raising its `err`
    /// is checked in under `golden/python-raising/`, as the golden test
    /// keeps the default glue (`KILN_BLESS=1` rewrites it); the Python
    /// tests run it.
    #[test]
    fn raising_glue_matches_its_golden_file() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let wit = crate::Wit::load(&root.join("tests").join("wit")).unwrap();
        let analysis = wit.analyse(Some("variants")).unwrap();
        let options = Options {
            raise_errors: vec!["*".into()],
        };
        let files = options.generate(&analysis).unwrap();
        let dir = root.join("golden").join("python-raising").join("variants");
        if std::env::var_os("KILN_BLESS").is_some_and(|v| v == "1") {
            files.write_to(&dir).unwrap();
            return;
        }
        let text = files.get("variants.py").unwrap();
        let golden = std::fs::read_to_string(dir.join("variants.py")).unwrap();
        assert!(
            text == golden,
            "{} differs (KILN_BLESS=1 rewrites it)",
            dir.display()
        );
        assert!(text.contains("class VariantApiSafeDivError(_kc.ResultError[MathError]):"));
        assert!(text.contains("def safe_div(self, a: int, b: int) -> int:"));
    }

    /// Only the functions named raise, and only those returning a `result`.
    #[test]
    fn raising_is_chosen_per_function() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let wit = crate::Wit::load(&root.join("tests").join("wit")).unwrap();
        let analysis = wit.analyse(Some("variants")).unwrap();
        let options = Options {
            raise_errors: vec![
                "kiln:corpus/variant-api#parse-u32".into(),
                "kiln:corpus/variant-api#echo-shape".into(),
            ],
        };
        let files = options.generate(&analysis).unwrap();
        let text = files.get("variants.py").unwrap();
        assert!(text.contains("def parse_u32(self, s: str) -> int:"));
        assert!(text.contains("class VariantApiParseU32Error(_kc.ResultError[None]):"));
        assert!(text.contains(
            "def safe_div(self, a: int, b: int) -> _t.Union[_kc.Ok[int], _kc.Err[MathError]]:"
        ));
        assert_eq!(text.matches("(_kc.ResultError[").count(), 1);
    }
}
