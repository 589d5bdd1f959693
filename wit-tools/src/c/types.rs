//! C definitions of the world's types (structs, tagged unions, integer
//! enums and flags, list/option/result/tuple structs, resource handles)
//! and their `_free` functions.

use super::names::{shouty, snake, CNames};
use crate::source::Source;
use std::collections::HashSet;
use wit_parser::{FlagsRepr, Type, TypeDefKind, TypeId};

/// Writes every type's definition to `h` (in dependency order) and the
/// bodies of their `_free` functions to `c`.
pub fn define_all(names: &CNames<'_>, h: &mut Source, c: &mut Source) {
    let mut done = HashSet::new();
    for &id in names.analysis.types() {
        define(names, id, &mut done, h, c);
    }
}

fn define(
    names: &CNames<'_>,
    id: TypeId,
    done: &mut HashSet<String>,
    h: &mut Source,
    c: &mut Source,
) {
    let resolve = names.analysis.resolve();
    let def = &resolve.types[id];
    let kind = &def.kind;
    if def.name.is_none() && matches!(kind, TypeDefKind::Handle(_) | TypeDefKind::Type(_)) {
        return;
    }
    let name = names.type_name(id);
    if !done.insert(name.clone()) {
        return;
    }
    let upper = name.strip_suffix("_t").unwrap_or(&name).to_uppercase();
    h.blank();
    h.docs("//", def.docs.contents.as_deref());
    match kind {
        TypeDefKind::Record(r) => {
            h.line(&format!("typedef struct {name} {{"));
            for f in &r.fields {
                h.docs("//", f.docs.contents.as_deref());
                h.line(&format!("{} {};", names.c_type(&f.ty), snake(&f.name)));
            }
            h.line(&format!("}} {name};"));
        }
        TypeDefKind::Tuple(t) => {
            h.line(&format!("typedef struct {name} {{"));
            for (i, ty) in t.types.iter().enumerate() {
                h.line(&format!("{} f{i};", names.c_type(ty)));
            }
            h.line(&format!("}} {name};"));
        }
        TypeDefKind::List(t) => {
            h.line(&format!("typedef struct {name} {{"));
            h.line(&format!("{} *ptr;", names.c_type(t)));
            h.line("size_t len;");
            h.line(&format!("}} {name};"));
        }
        TypeDefKind::Option(t) => {
            h.line(&format!("typedef struct {name} {{"));
            h.line("bool is_some;");
            h.line(&format!("{} val;", names.c_type(t)));
            h.line(&format!("}} {name};"));
        }
        TypeDefKind::Result(r) => {
            h.line(&format!("typedef struct {name} {{"));
            h.line("bool is_err;");
            if r.ok.is_some() || r.err.is_some() {
                h.line("union {");
                if let Some(ok) = &r.ok {
                    h.line(&format!("{} ok;", names.c_type(ok)));
                }
                if let Some(err) = &r.err {
                    h.line(&format!("{} err;", names.c_type(err)));
                }
                h.line("} val;");
            }
            h.line(&format!("}} {name};"));
        }
        TypeDefKind::Variant(v) => {
            h.line(&format!("typedef struct {name} {{"));
            h.line(&format!("{} tag;", tag_type(v.cases.len())));
            if v.cases.iter().any(|c| c.ty.is_some()) {
                h.line("union {");
                for case in &v.cases {
                    if let Some(ty) = &case.ty {
                        h.line(&format!("{} {};", names.c_type(ty), snake(&case.name)));
                    }
                }
                h.line("} val;");
            }
            h.line(&format!("}} {name};"));
            h.blank();
            for (i, case) in v.cases.iter().enumerate() {
                h.docs("//", case.docs.contents.as_deref());
                h.line(&format!("#define {upper}_{} {i}", shouty(&case.name)));
            }
        }
        TypeDefKind::Enum(e) => {
            h.line(&format!("typedef {} {name};", tag_type(e.cases.len())));
            h.blank();
            for (i, case) in e.cases.iter().enumerate() {
                h.docs("//", case.docs.contents.as_deref());
                h.line(&format!("#define {upper}_{} {i}", shouty(&case.name)));
            }
        }
        TypeDefKind::Flags(f) => {
            let (int, one) = match f.repr() {
                FlagsRepr::U8 => ("uint8_t", "1"),
                FlagsRepr::U16 => ("uint16_t", "1"),
                FlagsRepr::U32(_) => ("uint32_t", "UINT32_C(1)"),
            };
            h.line(&format!("typedef {int} {name};"));
            h.blank();
            for (i, flag) in f.flags.iter().enumerate() {
                h.docs("//", flag.docs.contents.as_deref());
                h.line(&format!(
                    "#define {upper}_{} ({one} << {i})",
                    shouty(&flag.name)
                ));
            }
        }
        TypeDefKind::Type(t) => {
            h.line(&format!("typedef {} {name};", names.c_type(t)));
        }
        TypeDefKind::Resource => {
            let own = names.own_name(id);
            let borrow = names.borrow_name(id);
            done.insert(own.clone());
            if names.analysis.is_host_resource(id) {
                h.line(
                    "// The host implements this resource: a handle is the host's own number\n\
                     // for it (`rep`), which the guest only holds through a handle.",
                );
                h.line(&format!("typedef struct {own} {{"));
                h.line("uint32_t rep;");
                h.line(&format!("}} {own};"));
                h.blank();
                h.line(&format!("typedef struct {borrow} {{"));
                h.line("uint32_t rep;");
                h.line(&format!("}} {borrow};"));
            } else {
                h.line(
                    "// The guest implements this resource: an owned handle holds the host's\n\
                     // handle object (free it with the _free function, which does not run the\n\
                     // guest's destructor; the _drop function does); a borrowed one points at\n\
                     // an owned handle the host keeps.",
                );
                h.line(&format!("typedef struct {own} {{"));
                h.line("kiln_component_resource_t *handle;");
                h.line(&format!("}} {own};"));
                h.blank();
                h.line(&format!("typedef struct {borrow} {{"));
                h.line("kiln_component_resource_t *handle;");
                h.line(&format!("}} {borrow};"));
            }
        }
        other => unreachable!("{} refused by the analysis", other.as_str()),
    }

    // The free function.
    let ty = Type::Id(id);
    if names.needs_free(&ty) {
        let free_name = names.free_fn(&name);
        let target = if let TypeDefKind::Resource = kind {
            names.own_name(id)
        } else {
            name.clone()
        };
        let free_name = if matches!(kind, TypeDefKind::Resource) {
            names.free_fn(&target)
        } else {
            free_name
        };
        h.blank();
        h.line("// Releases what `*ptr` owns (not `ptr` itself); `*ptr` is left empty.");
        h.line(&format!("void {free_name}({target} *ptr);"));
        c.blank();
        c.line(&format!("void {free_name}({target} *ptr) {{"));
        free_body(names, kind, id, c);
        c.line("}");
    }
}

/// The integer type of a discriminant of `n` cases.
pub fn tag_type(n: usize) -> &'static str {
    match n {
        0..=256 => "uint8_t",
        257..=65536 => "uint16_t",
        _ => "uint32_t",
    }
}

/// `free_fn(&expr)` if `ty` owns anything.
fn free_call(names: &CNames<'_>, ty: &Type, expr: &str, c: &mut Source) {
    if names.needs_free(ty) {
        c.line(&format!("{}(&{expr});", names.free_fn(&names.c_type(ty))));
    }
}

fn free_body(names: &CNames<'_>, kind: &TypeDefKind, id: TypeId, c: &mut Source) {
    match kind {
        TypeDefKind::Record(r) => {
            for f in &r.fields {
                free_call(names, &f.ty, &format!("ptr->{}", snake(&f.name)), c);
            }
        }
        TypeDefKind::Tuple(t) => {
            for (i, ty) in t.types.iter().enumerate() {
                free_call(names, ty, &format!("ptr->f{i}"), c);
            }
        }
        TypeDefKind::List(t) => {
            if names.needs_free(t) {
                c.line("for (size_t i = 0; i < ptr->len; i++) {");
                free_call(names, t, "ptr->ptr[i]", c);
                c.line("}");
            }
            c.line("free(ptr->ptr);");
            c.line("ptr->ptr = NULL;");
            c.line("ptr->len = 0;");
        }
        TypeDefKind::Option(t) => {
            c.line("if (ptr->is_some) {");
            free_call(names, t, "ptr->val", c);
            c.line("}");
            c.line("ptr->is_some = false;");
        }
        TypeDefKind::Result(r) => {
            c.line("if (!ptr->is_err) {");
            if let Some(ok) = &r.ok {
                free_call(names, ok, "ptr->val.ok", c);
            }
            c.line("} else {");
            if let Some(err) = &r.err {
                free_call(names, err, "ptr->val.err", c);
            }
            c.line("}");
            c.line("ptr->is_err = false;");
        }
        TypeDefKind::Variant(v) => {
            c.line("switch (ptr->tag) {");
            for (i, case) in v.cases.iter().enumerate() {
                if let Some(ty) = &case.ty {
                    if names.needs_free(ty) {
                        c.line(&format!("case {i}:"));
                        free_call(names, ty, &format!("ptr->val.{}", snake(&case.name)), c);
                        c.line("break;");
                    }
                }
            }
            c.line("default:");
            c.line("break;");
            c.line("}");
            c.line("ptr->tag = 0;");
        }
        TypeDefKind::Type(t) => free_call(names, t, "(*ptr)", c),
        TypeDefKind::Resource => {
            c.line("kiln_component_resource_delete(ptr->handle);");
            c.line("ptr->handle = NULL;");
        }
        _ => {
            let _ = id;
        }
    }
}
