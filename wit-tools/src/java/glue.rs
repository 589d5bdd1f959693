//! The world class: its nested types, the host's interfaces and
//! `addToLinker`, instantiation, and a method per export.

use super::bindgen::{case_name, from_slot, FnGen};
use super::names::{lower, shouty, upper, JNames};
use crate::analysis::{Direction, Func};
use crate::backend::GENERATED_BANNER;
use crate::source::Source;
use wit_parser::{FunctionKind, Type, TypeDefKind, TypeId};

fn javadoc(src: &mut Source, docs: Option<&str>) {
    javadoc_with(src, docs, &[]);
}

/// A Javadoc comment of the WIT's `docs` followed by the glue's `extra`
/// paragraphs; nothing when both are empty.
fn javadoc_with(src: &mut Source, docs: Option<&str>, extra: &[&str]) {
    let docs = docs.map(str::trim).filter(|d| !d.is_empty());
    if docs.is_none() && extra.is_empty() {
        return;
    }
    let mut lines: Vec<String> = Vec::new();
    if let Some(docs) = docs {
        lines.extend(docs.lines().map(|l| l.trim_end().replace("*/", "*&#47;")));
    }
    for (i, e) in extra.iter().enumerate() {
        if i > 0 || docs.is_some() {
            lines.push(String::new());
        }
        lines.extend(e.lines().map(str::to_string));
    }
    if lines.len() == 1 {
        src.verbatim(&format!("/** {} */", lines[0]));
        return;
    }
    src.verbatim("/**");
    for line in lines {
        if line.trim().is_empty() {
            src.verbatim(" *");
        } else {
            src.verbatim(&format!(" * {line}"));
        }
    }
    src.verbatim(" */");
}

/// The names of a function's Java parameters, clear of the glue's locals.
fn param_names(func: &Func) -> Vec<String> {
    func.func
        .params
        .iter()
        .map(|p| {
            let n = lower(&p.name);
            if matches!(n.as_str(), "cx" | "slots")
                || n.starts_with('t') && n[1..].parse::<u32>().is_ok()
            {
                format!("{n}_")
            } else {
                n
            }
        })
        .collect()
}

/// `T a, U b` for a function's parameters.
fn param_list(names: &JNames<'_>, func: &Func) -> String {
    func.func
        .params
        .iter()
        .zip(param_names(func))
        .map(|(p, n)| format!("{} {n}", names.java_type(&p.ty, false)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn result_type(names: &JNames<'_>, func: &Func) -> String {
    match &func.func.result {
        Some(t) => names.java_type(t, false),
        None => "void".to_string(),
    }
}

/// Whether the world has a flags type (for the glue's flag helpers).
fn has_flags(names: &JNames<'_>) -> bool {
    let resolve = names.analysis.resolve();
    names
        .analysis
        .types()
        .iter()
        .any(|id| matches!(resolve.types[*id].kind, TypeDefKind::Flags(_)))
}

/// The funcs the host calls, with their scope index, and the field each
/// is kept in.
fn export_funcs<'a>(names: &JNames<'a>) -> Vec<(usize, &'a Func, String)> {
    let mut out = Vec::new();
    for (i, scope) in names.analysis.scopes().iter().enumerate() {
        if scope.direction != Direction::Export {
            continue;
        }
        for f in &scope.funcs {
            let field = format!("f{}", out.len());
            out.push((i, f, field));
        }
    }
    out
}

/// The guest resources the world's exports use, with the scope that
/// exports each.
fn guest_resources(names: &JNames<'_>) -> Vec<(usize, TypeId)> {
    let mut out = Vec::new();
    for (i, scope) in names.analysis.scopes().iter().enumerate() {
        if scope.direction == Direction::Export {
            for r in &scope.resources {
                out.push((i, *r));
            }
        }
    }
    out
}

fn scope_name_arg(names: &JNames<'_>, scope: usize) -> String {
    let s = &names.analysis.scopes()[scope];
    if s.is_root() {
        "null".to_string()
    } else {
        format!("\"{}\"", s.name)
    }
}

fn define_types(names: &JNames<'_>, src: &mut Source) {
    let resolve = names.analysis.resolve();
    for n in &names.tuples {
        if *n == 0 {
            src.line("/** The empty tuple. */");
            src.line("public record Tuple0() {}");
        } else {
            let params: Vec<String> = (0..*n).map(|i| format!("T{i}")).collect();
            let fields: Vec<String> = (0..*n).map(|i| format!("T{i} f{i}")).collect();
            src.line(&format!("/** A tuple of {n}. */"));
            src.line(&format!(
                "public record Tuple{n}<{}>({}) {{}}",
                params.join(", "),
                fields.join(", ")
            ));
        }
        src.blank();
    }
    for &id in names.analysis.types() {
        if !names.declares(id) {
            continue;
        }
        let def = &resolve.types[id];
        let name = names.type_name(id);
        let docs = def.docs.contents.as_deref();
        match &def.kind {
            TypeDefKind::Flags(_) => javadoc_with(
                src,
                docs,
                &["The flags of this type: a value is an {@code EnumSet} of them."],
            ),
            TypeDefKind::Resource if names.analysis.is_host_resource(id) => javadoc_with(
                src,
                docs,
                &["A handle to a resource the host implements: its representation, which\nthe host chooses. Passing it to the guest as an {@code own} gives it\naway: the handle cannot be used again."],
            ),
            TypeDefKind::Resource => javadoc_with(
                src,
                docs,
                &["A handle to a resource the guest implements: close it to drop it (closing\ntwice is safe)."],
            ),
            _ => javadoc(src, docs),
        }
        match &def.kind {
            TypeDefKind::Record(r) => {
                let fields: Vec<String> = r
                    .fields
                    .iter()
                    .map(|f| format!("{} {}", names.java_type(&f.ty, false), lower(&f.name)))
                    .collect();
                src.line(&format!("public record {name}({}) {{}}", fields.join(", ")));
            }
            TypeDefKind::Variant(v) => {
                src.line(&format!("public sealed interface {name} {{"));
                for c in &v.cases {
                    javadoc(src, c.docs.contents.as_deref());
                    let case = case_name(&name, &c.name);
                    let field = match &c.ty {
                        Some(t) => format!("{} value", names.java_type(t, false)),
                        None => String::new(),
                    };
                    src.line(&format!("record {case}({field}) implements {name} {{}}"));
                }
                src.line("}");
            }
            TypeDefKind::Enum(e) => {
                src.line(&format!("public enum {name} {{"));
                let cases: Vec<String> = e.cases.iter().map(|c| shouty(&c.name)).collect();
                src.line(&cases.join(",\n"));
                src.line("}");
            }
            TypeDefKind::Flags(f) => {
                src.line(&format!("public enum {name} {{"));
                let flags: Vec<String> = f.flags.iter().map(|c| shouty(&c.name)).collect();
                src.line(&flags.join(",\n"));
                src.line("}");
            }
            TypeDefKind::Resource => {
                if names.analysis.is_host_resource(id) {
                    host_resource_class(&name, src);
                } else {
                    guest_resource_class(names, id, &name, src);
                }
            }
            _ => {}
        }
        src.blank();
    }
}

fn host_resource_class(name: &str, src: &mut Source) {
    src.line(&format!("public static final class {name} {{"));
    src.line("private final int rep;");
    src.line("private boolean moved;");
    src.blank();
    src.line("/** A handle to the host's resource {@code rep}. */");
    src.line(&format!("public {name}(int rep) {{"));
    src.line("this.rep = rep;");
    src.line("}");
    src.blank();
    src.line("/** The representation. */");
    src.line("public int rep() {");
    src.line("return rep;");
    src.line("}");
    src.blank();
    src.line(
        "/** Whether the handle is still the host's (not given to the guest as an {@code own}). */",
    );
    src.line("public boolean isLive() {");
    src.line("return !moved;");
    src.line("}");
    src.blank();
    src.line("private int lend() {");
    src.line("if (moved) {");
    src.line(&format!(
        "throw new IllegalStateException(\"this {name} was passed to the guest, which owns it now\");"
    ));
    src.line("}");
    src.line("return rep;");
    src.line("}");
    src.blank();
    src.line("private int give() {");
    src.line("int r = lend();");
    src.line("moved = true;");
    src.line("return r;");
    src.line("}");
    src.blank();
    src.line("@Override");
    src.line("public boolean equals(Object o) {");
    src.line(&format!(
        "return o instanceof {name} other && other.rep == rep;"
    ));
    src.line("}");
    src.blank();
    src.line("@Override");
    src.line("public int hashCode() {");
    src.line("return Integer.hashCode(rep);");
    src.line("}");
    src.blank();
    src.line("@Override");
    src.line("public String toString() {");
    src.line(&format!("return \"{name}(\" + rep + \")\";"));
    src.line("}");
    src.line("}");
}

fn guest_resource_class(names: &JNames<'_>, id: TypeId, name: &str, src: &mut Source) {
    let scope = names
        .analysis
        .scope_index_of(id)
        .expect("a resource has a scope");
    let api = names.scope_class[scope].clone();
    src.line(&format!(
        "public static final class {name} implements AutoCloseable {{"
    ));
    src.line(&format!("private final {api} api;"));
    src.line("private final ComponentResource handle;");
    src.blank();
    src.line(&format!(
        "private {name}({api} api, ComponentResource handle) {{"
    ));
    src.line("this.api = api;");
    src.line("this.handle = handle;");
    src.line("}");
    let s = &names.analysis.scopes()[scope];
    for f in &s.funcs {
        if f.resource != Some(id) || !matches!(f.func.kind, FunctionKind::Method(_)) {
            continue;
        }
        let method = lower(f.func.item_name());
        if matches!(
            method.as_str(),
            "close" | "isLive" | "resource" | "api" | "handle"
        ) {
            continue;
        }
        let params: Vec<String> = f.func.params[1..]
            .iter()
            .zip(param_names(f).into_iter().skip(1))
            .map(|(p, n)| format!("{} {n}", names.java_type(&p.ty, false)))
            .collect();
        let mut args = vec!["this".to_string()];
        args.extend(param_names(f).into_iter().skip(1));
        src.blank();
        javadoc(src, f.func.docs.contents.as_deref());
        let ret = result_type(names, f);
        let call = format!("api.{}({})", names.method_name(f), args.join(", "));
        src.line(&format!("public {ret} {method}({}) {{", params.join(", ")));
        if ret == "void" {
            src.line(&format!("{call};"));
        } else {
            src.line(&format!("return {call};"));
        }
        src.line("}");
    }
    src.blank();
    src.line("/** The host's handle to the resource. */");
    src.line("public ComponentResource resource() {");
    src.line("return handle;");
    src.line("}");
    src.blank();
    src.line(
        "/** Whether the handle may still be used (not dropped, moved to the guest or closed). */",
    );
    src.line("public boolean isLive() {");
    src.line("return handle.isLive();");
    src.line("}");
    src.blank();
    src.line("/** Drops the handle (the guest's destructor runs for an owned one); safe to call twice. */");
    src.line("@Override");
    src.line("public void close() {");
    src.line("handle.close();");
    src.line("}");
    src.line("}");
}

fn host_interfaces(names: &JNames<'_>, src: &mut Source) {
    for (i, scope) in names.analysis.scopes().iter().enumerate() {
        if scope.direction != Direction::Import
            || (scope.funcs.is_empty() && scope.resources.is_empty())
        {
            continue;
        }
        let class = &names.scope_class[i];
        if scope.is_root() {
            src.line("/** The functions the world imports: the host implements them. */");
        } else {
            src.line(&format!(
                "/** The imported interface `{}`: the host implements it. */",
                scope.name
            ));
        }
        src.line(&format!("public interface {class} {{"));
        for f in &scope.funcs {
            javadoc(src, f.func.docs.contents.as_deref());
            src.line(&format!(
                "{} {}({});",
                result_type(names, f),
                names.method_name(f),
                param_list(names, f)
            ));
            src.blank();
        }
        for &r in &scope.resources {
            let rname = names.resource_name(r);
            src.line(&format!(
                "/** The destructor of a `{rname}`: the guest dropped its last owned handle. */"
            ));
            src.line(&format!("void {}({rname} rep);", names.drop_method(r)));
            src.blank();
        }
        src.line("}");
        src.blank();
    }
}

fn add_to_linker(names: &JNames<'_>, src: &mut Source) {
    let scopes: Vec<usize> = names
        .analysis
        .scopes()
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s.direction == Direction::Import && !(s.funcs.is_empty() && s.resources.is_empty())
        })
        .map(|(i, _)| i)
        .collect();
    let params: Vec<String> = scopes
        .iter()
        .map(|&i| format!("{} {}", names.scope_class[i], names.scope_var[i]))
        .collect();
    javadoc(
        src,
        Some("Defines the world's imports in {@code linker}, implemented by the host's objects."),
    );
    let mut all = vec!["ComponentLinker<?> linker".to_string()];
    all.extend(params);
    src.line(&format!(
        "public static void addToLinker({}) {{",
        all.join(", ")
    ));
    for scope in names.analysis.scopes() {
        if scope.direction == Direction::Import
            && !scope.is_root()
            && scope.funcs.is_empty()
            && scope.resources.is_empty()
        {
            src.line(&format!("linker.instance(\"{}\");", scope.name));
        }
    }
    for &i in &scopes {
        let scope = &names.analysis.scopes()[i];
        let var = &names.scope_var[i];
        for &r in &scope.resources {
            let rname = names.resource_name(r);
            let wit_name = names.analysis.resolve().types[r]
                .name
                .clone()
                .unwrap_or_default();
            src.line(&format!(
                "linker.resource(\"{}\", \"{wit_name}\", {}, rep -> {var}.{}(new {rname}(rep)));",
                scope.name,
                names.resource_type_field(r),
                names.drop_method(r)
            ));
        }
        for f in &scope.funcs {
            src.line(&format!(
                "linker.funcNewFlat(\"{}\", \"{}\", (cx, slots) -> {{",
                scope.name, f.func.name
            ));
            let mut args = Vec::new();
            for (k, t) in f.sig.params.iter().enumerate() {
                let a = format!("a{k}");
                src.line(&format!(
                    "{} {a} = {};",
                    super::bindgen::wasm_type(*t),
                    from_slot(*t, &format!("slots[{k}]"))
                ));
                args.push(a);
            }
            let mut gen = FnGen::new(names, f, args, var.clone());
            crate::abi::host_call(names.analysis, f, &mut gen);
            for l in gen.finish().lines() {
                src.verbatim(l);
            }
            src.line("});");
        }
    }
    src.line("}");
}

fn export_method(names: &JNames<'_>, func: &Func, field: &str, src: &mut Source) {
    javadoc(src, func.func.docs.contents.as_deref());
    src.line(&format!(
        "public {} {}({}) {{",
        result_type(names, func),
        names.method_name(func),
        param_list(names, func)
    ));
    // Handles are checked before the call begins: a closed or moved one is
    // refused with the instance still usable.
    for (p, name) in func.func.params.iter().zip(param_names(func)) {
        let Type::Id(id) = names.analysis.dealias(&p.ty) else {
            continue;
        };
        if let Some((resource, _)) = names.analysis.handle(id) {
            if names.analysis.is_host_resource(resource) {
                src.line(&format!("{name}.lend();"));
            } else {
                src.line(&format!("{name}.handle.checkLive();"));
            }
        }
    }
    src.line(&format!("try (FlatCall cx = {field}.flatCall()) {{"));
    let mut gen = FnGen::new(names, func, param_names(func), String::new());
    crate::abi::host_call(names.analysis, func, &mut gen);
    for l in gen.finish().lines() {
        src.verbatim(l);
    }
    src.line("}");
    src.line("}");
}

/// The whole `<World>.java`.
pub fn world_class(names: &JNames<'_>) -> String {
    let analysis = names.analysis;
    let class = &names.class;
    let mut src = Source::default();
    src.verbatim(&format!("// {GENERATED_BANNER}"));
    src.verbatim(&format!(
        "// Java host bindings of the WIT world `{}`, over the Kiln package dev.kiln.",
        analysis.name()
    ));
    src.line(&format!("package {};", names.package));
    src.blank();
    for import in [
        "dev.kiln.Component",
        "dev.kiln.ComponentFunc",
        "dev.kiln.ComponentInstance",
        "dev.kiln.ComponentLinker",
        "dev.kiln.ComponentResource",
        "dev.kiln.ComponentResourceType",
        "dev.kiln.FlatAccess",
        "dev.kiln.FlatCall",
        "dev.kiln.Result",
        "dev.kiln.Store",
        "java.util.ArrayList",
        "java.util.EnumSet",
        "java.util.List",
        "java.util.Optional",
        "java.util.Set",
    ] {
        src.line(&format!("import {import};"));
    }
    src.blank();
    let world = &analysis.resolve().worlds[analysis.world()];
    let about = format!(
        "The WIT world `{}`: {{@link #addToLinker}} defines its imports, {{@link #instantiate}}\nmakes an instance whose methods call its exports.",
        analysis.name()
    );
    javadoc_with(&mut src, world.docs.contents.as_deref(), &[&about]);
    src.line("@SuppressWarnings({\"unused\", \"UnnecessaryLocalVariable\"})");
    src.line(&format!(
        "public final class {class} implements AutoCloseable {{"
    ));
    define_types(names, &mut src);
    host_interfaces(names, &mut src);

    // Host resource types: one per class, shared by every linker.
    for (i, scope) in analysis.scopes().iter().enumerate() {
        if scope.direction != Direction::Import {
            continue;
        }
        let _ = i;
        for &r in &scope.resources {
            let wit_name = analysis.resolve().types[r].name.clone().unwrap_or_default();
            src.line(&format!("/** The host resource type `{wit_name}`. */"));
            src.line(&format!(
                "public static final ComponentResourceType {} = ComponentResourceType.host(\"{wit_name}\");",
                names.resource_type_field(r)
            ));
            src.blank();
        }
    }

    add_to_linker(names, &mut src);
    src.blank();

    let funcs = export_funcs(names);
    let resources = guest_resources(names);
    src.line(
        "/** Instantiates {@code component} in {@code store} with {@code linker}'s definitions. */",
    );
    src.line(&format!(
        "public static <T> {class} instantiate(Store<T> store, ComponentLinker<T> linker, Component component) {{"
    ));
    src.line(&format!(
        "return new {class}(linker.instantiate(store, component));"
    ));
    src.line("}");
    src.blank();
    src.line("private final ComponentInstance instance;");
    for (_, f, field) in &funcs {
        src.line(&format!(
            "private final ComponentFunc {field}; // {}",
            f.func.name
        ));
    }
    for (_, r) in &resources {
        src.line(&format!(
            "private final ComponentResourceType {};",
            names.resource_type_field(*r)
        ));
    }
    for (i, scope) in analysis.scopes().iter().enumerate() {
        if scope.direction == Direction::Export && !scope.is_root() {
            src.line(&format!(
                "private final {} {};",
                names.scope_class[i], names.scope_var[i]
            ));
        }
    }
    src.blank();
    javadoc(
        &mut src,
        Some("The world's exports in {@code instance}.\n\n@throws IllegalArgumentException if the instance lacks one of them"),
    );
    src.line(&format!("public {class}(ComponentInstance instance) {{"));
    src.line("this.instance = instance;");
    for (scope, f, field) in &funcs {
        src.line(&format!(
            "{field} = export(instance.getFunc({}, \"{}\"), \"{}\");",
            scope_name_arg(names, *scope),
            f.func.name,
            f.func.name
        ));
    }
    for (scope, r) in &resources {
        let wit_name = analysis.resolve().types[*r]
            .name
            .clone()
            .unwrap_or_default();
        src.line(&format!(
            "{} = export(instance.getResourceType({}, \"{wit_name}\"), \"{wit_name}\");",
            names.resource_type_field(*r),
            scope_name_arg(names, *scope)
        ));
    }
    for (i, scope) in analysis.scopes().iter().enumerate() {
        if scope.direction == Direction::Export && !scope.is_root() {
            src.line(&format!(
                "{} = new {}();",
                names.scope_var[i], names.scope_class[i]
            ));
        }
    }
    src.line("}");
    src.blank();
    src.line("private static <X> X export(X item, String name) {");
    src.line("if (item == null) {");
    src.line(
        "throw new IllegalArgumentException(\"the component does not export `\" + name + \"`\");",
    );
    src.line("}");
    src.line("return item;");
    src.line("}");
    src.blank();
    src.line("/** The component instance. */");
    src.line("public ComponentInstance instance() {");
    src.line("return instance;");
    src.line("}");
    for (i, scope) in analysis.scopes().iter().enumerate() {
        if scope.direction == Direction::Export && !scope.is_root() {
            src.blank();
            src.line(&format!("/** The exported interface `{}`. */", scope.name));
            src.line(&format!(
                "public {} {}() {{",
                names.scope_class[i], names.scope_var[i]
            ));
            src.line(&format!("return {};", names.scope_var[i]));
            src.line("}");
        }
    }
    for (scope, f, field) in &funcs {
        if analysis.scopes()[*scope].is_root() {
            src.blank();
            export_method(names, f, field, &mut src);
        }
    }
    for (i, scope) in analysis.scopes().iter().enumerate() {
        if scope.direction != Direction::Export || scope.is_root() {
            continue;
        }
        src.blank();
        src.line(&format!("/** The exported interface `{}`. */", scope.name));
        src.line(&format!("public final class {} {{", names.scope_class[i]));
        src.line(&format!("private {}() {{}}", names.scope_class[i]));
        for (s, f, field) in &funcs {
            if *s == i {
                src.blank();
                export_method(names, f, field, &mut src);
            }
        }
        src.line("}");
    }
    if has_flags(names) {
        src.blank();
        src.line("private static int flagBits(Set<? extends Enum<?>> flags) {");
        src.line("int bits = 0;");
        src.line("for (Enum<?> flag : flags) {");
        src.line("bits |= 1 << flag.ordinal();");
        src.line("}");
        src.line("return bits;");
        src.line("}");
        src.blank();
        src.line(
            "private static <E extends Enum<E>> EnumSet<E> flagSet(Class<E> type, int bits) {",
        );
        src.line("EnumSet<E> flags = EnumSet.noneOf(type);");
        src.line("for (E flag : type.getEnumConstants()) {");
        src.line("if ((bits & (1 << flag.ordinal())) != 0) {");
        src.line("flags.add(flag);");
        src.line("}");
        src.line("}");
        src.line("return flags;");
        src.line("}");
    }
    src.blank();
    src.line(
        "/** Releases the instance's handles (the instance itself lives as long as its store). */",
    );
    src.line("@Override");
    src.line("public void close() {");
    for (_, _, field) in &funcs {
        src.line(&format!("{field}.close();"));
    }
    src.line("instance.close();");
    src.line("}");
    src.line("}");
    let _ = upper;
    src.finish()
}
