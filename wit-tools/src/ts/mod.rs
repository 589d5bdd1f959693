//! The TypeScript back end: `<world>.ts`, host glue over `kiln-wasm`'s
//! component API (`component.Linker`, and the typed path `component.flat`).
//!
//! The file declares the world's types (interfaces for records and flags,
//! discriminated unions for variants and results, string-literal unions
//! for enums, `bigint` for 64-bit integers, typed arrays for lists of
//! numbers), a class per guest resource (with `[Symbol.dispose]`), an
//! interface per host resource, `<World>Imports` (what the host implements)
//! and `<World>Exports`, and `instantiate(component, imports)`. The glue
//! lowers and lifts every value itself, through the canonical ABI
//! instructions of [`crate::abi::host_call`], straight in the guest's
//! memory. `exportTypes` describes each export's types at run time.

mod bindgen;

use crate::analysis::{Direction, Func, Scope, WorldAnalysis};
use crate::backend::{Backend, Files, GENERATED_BANNER};
use crate::source::Source;
use wit_parser::{FunctionKind, Handle, Type, TypeDefKind, TypeId};

/// The TypeScript back end (`--lang ts`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Ts;

/// `kebab-case` as `camelCase`.
pub fn camel(name: &str) -> String {
    let mut out = String::new();
    for (i, w) in name.split('-').enumerate() {
        if i == 0 {
            out.push_str(w);
        } else {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
        }
    }
    out
}

/// `kebab-case` as `PascalCase`.
pub fn pascal(name: &str) -> String {
    let c = camel(name);
    let mut chars = c.chars();
    match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => c,
    }
}

/// The key of a scope in the imports and exports objects.
fn scope_key(scope: &Scope) -> String {
    let short = scope.name.rsplit('/').next().unwrap_or(&scope.name);
    camel(short.split('@').next().unwrap_or(short))
}

/// Names and types as the generated TypeScript spells them.
pub struct Names<'a> {
    analysis: &'a WorldAnalysis,
}

impl Names<'_> {
    fn resolve(&self) -> &wit_parser::Resolve {
        self.analysis.resolve()
    }

    /// The name of a named type.
    pub fn type_name(&self, id: TypeId) -> String {
        let ty = &self.resolve().types[id];
        pascal(ty.name.as_deref().unwrap_or("anonymous"))
    }

    /// The variable holding a resource's type in `instantiate`.
    pub fn resource_var(&self, id: TypeId) -> String {
        format!(
            "{}Type",
            camel(self.resolve().types[id].name.as_deref().unwrap_or("r"))
        )
    }

    /// The typed array of a list of `ty`, for the number types.
    pub fn typed_array(&self, ty: &Type) -> Option<&'static str> {
        Some(match self.analysis.dealias(ty) {
            Type::U8 => "Uint8Array",
            Type::S8 => "Int8Array",
            Type::U16 => "Uint16Array",
            Type::S16 => "Int16Array",
            Type::U32 => "Uint32Array",
            Type::S32 => "Int32Array",
            Type::U64 => "BigUint64Array",
            Type::S64 => "BigInt64Array",
            Type::F32 => "Float32Array",
            Type::F64 => "Float64Array",
            _ => return None,
        })
    }

    /// Whether an option of `payload` is written `{ tag, val }`.
    pub fn tagged_option(&self, payload: &Type) -> bool {
        match self.analysis.dealias(payload) {
            Type::Id(id) => matches!(self.resolve().types[id].kind, TypeDefKind::Option(_)),
            _ => false,
        }
    }

    /// The TypeScript type of `ty`.
    pub fn ts_type(&self, ty: &Type) -> String {
        match ty {
            Type::Bool => "boolean".into(),
            Type::U8
            | Type::S8
            | Type::U16
            | Type::S16
            | Type::U32
            | Type::S32
            | Type::F32
            | Type::F64 => "number".into(),
            Type::U64 | Type::S64 => "bigint".into(),
            Type::Char | Type::String => "string".into(),
            Type::ErrorContext => "never".into(),
            Type::Id(id) => {
                let def = &self.resolve().types[*id];
                if def.name.is_some() && !matches!(def.kind, TypeDefKind::Handle(_)) {
                    return self.type_name(*id);
                }
                self.type_def(&def.kind)
            }
        }
    }

    fn opt_val(&self, ty: Option<&Type>) -> String {
        match ty {
            Some(t) => format!(", val: {}", self.ts_type(t)),
            None => String::new(),
        }
    }

    /// The TypeScript type of a type definition's structure.
    fn type_def(&self, kind: &TypeDefKind) -> String {
        match kind {
            TypeDefKind::Type(t) => self.ts_type(t),
            TypeDefKind::List(t) => match self.typed_array(t) {
                Some(a) => a.into(),
                None => format!("Array<{}>", self.ts_type(t)),
            },
            TypeDefKind::Tuple(t) => {
                let items: Vec<String> = t.types.iter().map(|t| self.ts_type(t)).collect();
                format!("readonly [{}]", items.join(", "))
            }
            TypeDefKind::Option(t) => {
                if self.tagged_option(t) {
                    format!(
                        "{{ tag: 'some', val: {} }} | {{ tag: 'none' }}",
                        self.ts_type(t)
                    )
                } else {
                    format!("{} | undefined", self.ts_type(t))
                }
            }
            TypeDefKind::Result(r) => format!(
                "{{ tag: 'ok'{} }} | {{ tag: 'err'{} }}",
                self.opt_val(r.ok.as_ref()),
                self.opt_val(r.err.as_ref())
            ),
            TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => {
                let id = wit_bindgen_core::dealias(self.resolve(), *r);
                self.type_name(id)
            }
            TypeDefKind::Record(r) => {
                let fields: Vec<String> = r
                    .fields
                    .iter()
                    .map(|f| format!("{}: {}", camel(&f.name), self.ts_type(&f.ty)))
                    .collect();
                format!("{{ {} }}", fields.join("; "))
            }
            TypeDefKind::Variant(v) => v
                .cases
                .iter()
                .map(|c| format!("{{ tag: '{}'{} }}", c.name, self.opt_val(c.ty.as_ref())))
                .collect::<Vec<_>>()
                .join(" | "),
            TypeDefKind::Enum(e) => e
                .cases
                .iter()
                .map(|c| format!("'{}'", c.name))
                .collect::<Vec<_>>()
                .join(" | "),
            TypeDefKind::Flags(f) => {
                let fields: Vec<String> = f
                    .flags
                    .iter()
                    .map(|x| format!("{}?: boolean", camel(&x.name)))
                    .collect();
                format!("{{ {} }}", fields.join("; "))
            }
            _ => "never".into(),
        }
    }

    /// Whether lowering a value of `ty` allocates in the guest (it holds a
    /// string or a list).
    pub fn allocates(&self, ty: &Type) -> bool {
        match ty {
            Type::String => true,
            Type::Id(id) => match &self.resolve().types[*id].kind {
                TypeDefKind::Type(t) => self.allocates(t),
                TypeDefKind::List(_) => true,
                TypeDefKind::Record(r) => r.fields.iter().any(|f| self.allocates(&f.ty)),
                TypeDefKind::Tuple(t) => t.types.iter().any(|t| self.allocates(t)),
                TypeDefKind::Variant(v) => v
                    .cases
                    .iter()
                    .any(|c| c.ty.as_ref().is_some_and(|t| self.allocates(t))),
                TypeDefKind::Option(t) => self.allocates(t),
                TypeDefKind::Result(r) => {
                    r.ok.as_ref().is_some_and(|t| self.allocates(t))
                        || r.err.as_ref().is_some_and(|t| self.allocates(t))
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// Code planning the allocations of a list of `element` held in
    /// `expr`: the list's own, then its elements', in the order lowering
    /// makes them (see `plan` in the runtime).
    pub fn plan_list(&self, element: &Type, expr: &str, out: &mut Source, n: &mut usize) {
        let sizes = self.analysis.sizes();
        let (size, align) = (
            sizes.size(element).size_wasm32(),
            sizes.align(element).align_wasm32(),
        );
        out.line(&format!("plan({align}, {expr}.length * {size});"));
        if self.allocates(element) {
            *n += 1;
            let e = format!("q{n}");
            out.line(&format!("for (const {e} of {expr}) {{"));
            self.plan(element, &e, out, n);
            out.line("}");
        }
    }

    /// Code planning the allocations of lowering `expr`, a value of `ty`.
    pub fn plan(&self, ty: &Type, expr: &str, out: &mut Source, n: &mut usize) {
        if !self.allocates(ty) {
            return;
        }
        let Type::Id(id) = ty else {
            out.line(&format!("plan(1, utf8Length({expr}));"));
            return;
        };
        match &self.resolve().types[*id].kind {
            TypeDefKind::Type(t) => self.plan(t, expr, out, n),
            TypeDefKind::List(t) => {
                if self.typed_array(t).is_some() {
                    let size = self.analysis.sizes().size(t).size_wasm32();
                    out.line(&format!("plan({size}, {expr}.length * {size});"));
                } else {
                    self.plan_list(t, expr, out, n);
                }
            }
            TypeDefKind::Record(r) => {
                for f in &r.fields {
                    self.plan(&f.ty, &format!("{expr}.{}", camel(&f.name)), out, n);
                }
            }
            TypeDefKind::Tuple(t) => {
                for (i, t) in t.types.iter().enumerate() {
                    self.plan(t, &format!("{expr}[{i}]"), out, n);
                }
            }
            TypeDefKind::Variant(v) => {
                for c in &v.cases {
                    if let Some(t) = c.ty.as_ref().filter(|t| self.allocates(t)) {
                        out.line(&format!("if ({expr}.tag === '{}') {{", c.name));
                        self.plan(t, &format!("{expr}.val"), out, n);
                        out.line("}");
                    }
                }
            }
            TypeDefKind::Option(t) => {
                if self.tagged_option(t) {
                    out.line(&format!("if ({expr}.tag === 'some') {{"));
                    self.plan(t, &format!("{expr}.val"), out, n);
                } else {
                    *n += 1;
                    let x = format!("q{n}");
                    out.line(&format!("const {x} = {expr};"));
                    out.line(&format!("if ({x} !== undefined) {{"));
                    self.plan(t, &x, out, n);
                }
                out.line("}");
            }
            TypeDefKind::Result(r) => {
                for (tag, side) in [("ok", &r.ok), ("err", &r.err)] {
                    if let Some(t) = side.as_ref().filter(|t| self.allocates(t)) {
                        out.line(&format!("if ({expr}.tag === '{tag}') {{"));
                        self.plan(t, &format!("{expr}.val"), out, n);
                        out.line("}");
                    }
                }
            }
            _ => {}
        }
    }

    /// A run-time description of `ty`, for tools (and tests) that build
    /// values of it.
    fn describe(&self, ty: &Type) -> String {
        match ty {
            Type::Bool => "'bool'".into(),
            Type::U8 => "'u8'".into(),
            Type::S8 => "'s8'".into(),
            Type::U16 => "'u16'".into(),
            Type::S16 => "'s16'".into(),
            Type::U32 => "'u32'".into(),
            Type::S32 => "'s32'".into(),
            Type::U64 => "'u64'".into(),
            Type::S64 => "'s64'".into(),
            Type::F32 => "'f32'".into(),
            Type::F64 => "'f64'".into(),
            Type::Char => "'char'".into(),
            Type::String => "'string'".into(),
            Type::ErrorContext => "'error-context'".into(),
            Type::Id(id) => {
                let d = |t: Option<&Type>| t.map_or("null".to_string(), |t| self.describe(t));
                match &self.resolve().types[*id].kind {
                    TypeDefKind::Type(t) => self.describe(t),
                    TypeDefKind::List(t) => format!(
                        "{{ list: {}, typed: {} }}",
                        self.describe(t),
                        self.typed_array(t).is_some()
                    ),
                    TypeDefKind::Tuple(t) => format!(
                        "{{ tuple: [{}] }}",
                        t.types
                            .iter()
                            .map(|t| self.describe(t))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    TypeDefKind::Option(t) => format!(
                        "{{ option: {}, tagged: {} }}",
                        self.describe(t),
                        self.tagged_option(t)
                    ),
                    TypeDefKind::Result(r) => format!(
                        "{{ result: [{}, {}] }}",
                        d(r.ok.as_ref()),
                        d(r.err.as_ref())
                    ),
                    TypeDefKind::Record(r) => format!(
                        "{{ record: [{}] }}",
                        r.fields
                            .iter()
                            .map(|f| format!(
                                "['{}', '{}', {}]",
                                f.name,
                                camel(&f.name),
                                self.describe(&f.ty)
                            ))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    TypeDefKind::Variant(v) => format!(
                        "{{ variant: [{}] }}",
                        v.cases
                            .iter()
                            .map(|c| format!("['{}', {}]", c.name, d(c.ty.as_ref())))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    TypeDefKind::Enum(e) => format!(
                        "{{ enum: [{}] }}",
                        e.cases
                            .iter()
                            .map(|c| format!("'{}'", c.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    TypeDefKind::Flags(f) => format!(
                        "{{ flags: [{}] }}",
                        f.flags
                            .iter()
                            .map(|x| format!("['{}', '{}']", x.name, camel(&x.name)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    TypeDefKind::Handle(h) => {
                        let (Handle::Own(r) | Handle::Borrow(r)) = h;
                        let id = wit_bindgen_core::dealias(self.resolve(), *r);
                        format!(
                            "{{ {}: '{}', host: {} }}",
                            if matches!(h, Handle::Own(_)) {
                                "own"
                            } else {
                                "borrow"
                            },
                            self.resolve().types[id].name.as_deref().unwrap_or(""),
                            self.analysis.is_host_resource(id)
                        )
                    }
                    _ => "'unsupported'".into(),
                }
            }
        }
    }
}

/// Writes WIT documentation as a JSDoc comment.
fn docs(s: &mut Source, docs: Option<&str>) {
    let Some(docs) = docs.map(str::trim).filter(|d| !d.is_empty()) else {
        return;
    };
    let lines: Vec<&str> = docs.lines().collect();
    if lines.len() == 1 {
        s.line(&format!("/** {} */", lines[0].replace("*/", "*\\/")));
        return;
    }
    s.line("/**");
    for l in lines {
        s.line(format!("* {}", l.replace("*/", "*\\/")).trim_end());
    }
    s.line("*/");
}

/// A parameter's name in TypeScript: camelCase, with `_` after a reserved
/// word or a name the glue's own locals could take.
fn param_name(name: &str) -> String {
    const RESERVED: &[&str] = &[
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "new",
        "null",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
        "let",
        "static",
        "implements",
        "interface",
        "package",
        "private",
        "protected",
        "public",
        "await",
        "arguments",
        "eval",
        "flat",
    ];
    let c = camel(name);
    let glue_local = c.trim_end_matches(|ch: char| ch.is_ascii_digit()).len() < c.len();
    if RESERVED.contains(&c.as_str()) || glue_local {
        format!("{c}_")
    } else {
        c
    }
}

/// Whether an imported scope has anything for the host to implement.
fn implemented(scope: &Scope) -> bool {
    !scope.funcs.is_empty() || !scope.resources.is_empty()
}

/// The parameters of a function as `name: Type` and as argument names.
fn params(names: &Names<'_>, func: &Func, skip_self: bool) -> (Vec<String>, Vec<String>) {
    let mut decl = Vec::new();
    let mut args = Vec::new();
    for (i, p) in func.func.params.iter().enumerate() {
        let name = param_name(&p.name);
        if !(skip_self && i == 0) {
            decl.push(format!("{name}: {}", names.ts_type(&p.ty)));
        }
        args.push(name);
    }
    (decl, args)
}

fn result_type(names: &Names<'_>, func: &Func) -> String {
    match &func.func.result {
        Some(t) => names.ts_type(t),
        None => "void".into(),
    }
}

/// The member name of a function in its scope object.
fn member(func: &Func) -> String {
    camel(func.item_name())
}

impl Backend for Ts {
    fn lang(&self) -> &'static str {
        "ts"
    }

    fn generate(&self, analysis: &WorldAnalysis) -> anyhow::Result<Files> {
        let names = Names { analysis };
        let world = pascal(analysis.name());
        let mut s = Source::default();
        s.verbatim(&format!("// {GENERATED_BANNER}"));
        s.verbatim(&format!(
            "// TypeScript host bindings of the WIT world `{}`, over kiln-wasm's component API.",
            analysis.name()
        ));
        s.blank();
        s.line("import { component } from 'kiln-wasm';");
        s.blank();
        for l in include_str!("rt.ts").lines() {
            s.verbatim(l);
        }
        s.blank();

        // Types.
        let mut seen = std::collections::HashSet::new();
        for scope in analysis.scopes() {
            for id in &scope.types {
                let def = &analysis.resolve().types[*id];
                if def.name.is_none() {
                    continue;
                }
                let n = names.type_name(*id);
                if !seen.insert(n.clone()) {
                    continue;
                }
                docs(&mut s, def.docs.contents.as_deref());
                // A `use` keeps the name: define the type it names here.
                let mut kind = &def.kind;
                while let TypeDefKind::Type(Type::Id(target)) = kind {
                    if names.type_name(*target) != n {
                        break;
                    }
                    kind = &analysis.resolve().types[*target].kind;
                }
                match kind {
                    TypeDefKind::Resource => {
                        let rid = wit_bindgen_core::dealias(analysis.resolve(), *id);
                        let home = analysis.scope_of(rid).unwrap_or(scope);
                        if analysis.is_host_resource(rid) {
                            define_host_resource(&names, &mut s, home, rid, &n);
                        } else {
                            define_guest_resource(&names, &mut s, home, rid, &n);
                        }
                    }
                    TypeDefKind::Record(_) | TypeDefKind::Flags(_) => {
                        s.line(&format!("export interface {n} {}", names.type_def(kind)));
                    }
                    TypeDefKind::Enum(e) => {
                        s.line(&format!("export type {n} = {};", names.type_def(kind)));
                        let cases: Vec<String> =
                            e.cases.iter().map(|c| format!("'{}'", c.name)).collect();
                        s.line(&format!(
                            "const {n}Cases: readonly {n}[] = [{}];",
                            cases.join(", ")
                        ));
                    }
                    TypeDefKind::Type(Type::Id(target))
                        if matches!(
                            analysis.resolve().types[*target].kind,
                            TypeDefKind::Resource
                        ) =>
                    {
                        // A `use` of a resource: the class is defined in
                        // its own interface, and named from there.
                    }
                    TypeDefKind::Type(Type::Id(target))
                        if matches!(
                            analysis.resolve().types[*target].kind,
                            TypeDefKind::Enum(_)
                        ) =>
                    {
                        let t = names.type_name(*target);
                        if t != n {
                            s.line(&format!("export type {n} = {t};"));
                            s.line(&format!("const {n}Cases = {t}Cases;"));
                        }
                    }
                    kind => {
                        s.line(&format!("export type {n} = {};", names.type_def(kind)));
                    }
                }
                s.blank();
            }
        }

        // The imports the host implements.
        s.line(&format!(
            "/** What the host implements for the world `{}`. */",
            analysis.name()
        ));
        s.line(&format!("export interface {world}Imports {{"));
        for scope in analysis
            .scopes()
            .iter()
            .filter(|s| s.direction == Direction::Import && implemented(s))
        {
            if !scope.is_root() {
                s.line(&format!("{}: {{", scope_key(scope)));
            }
            for r in &scope.resources {
                let n = names.type_name(*r);
                s.line(&format!("{n}: {n}Class;"));
            }
            for f in scope.funcs.iter().filter(|f| f.resource.is_none()) {
                let (decl, _) = params(&names, f, false);
                docs(&mut s, f.func.docs.contents.as_deref());
                s.line(&format!(
                    "{}({}): {};",
                    member(f),
                    decl.join(", "),
                    result_type(&names, f)
                ));
            }
            if !scope.is_root() {
                s.line("};");
            }
        }
        s.line("}");
        s.blank();

        // The exports.
        s.line(&format!(
            "/** The exports of an instance of the world `{}`. */",
            analysis.name()
        ));
        s.line(&format!("export interface {world}Exports {{"));
        for scope in analysis
            .scopes()
            .iter()
            .filter(|s| s.direction == Direction::Export)
        {
            if !scope.is_root() {
                s.line(&format!("{}: {{", scope_key(scope)));
            }
            for r in &scope.resources {
                let n = names.type_name(*r);
                s.line(&format!("{n}: {{"));
                for f in scope.funcs.iter().filter(|f| f.resource == Some(*r)) {
                    match f.func.kind {
                        FunctionKind::Constructor(_) | FunctionKind::Static(_) => {
                            let (decl, _) = params(&names, f, false);
                            s.line(&format!(
                                "'{}'({}): {};",
                                member(f),
                                decl.join(", "),
                                result_type(&names, f)
                            ));
                        }
                        _ => {}
                    }
                }
                s.line("};");
            }
            for f in scope.funcs.iter().filter(|f| f.resource.is_none()) {
                let (decl, _) = params(&names, f, false);
                docs(&mut s, f.func.docs.contents.as_deref());
                s.line(&format!(
                    "{}({}): {};",
                    member(f),
                    decl.join(", "),
                    result_type(&names, f)
                ));
            }
            if !scope.is_root() {
                s.line("};");
            }
        }
        s.line("}");
        s.blank();

        // Run-time types of the exports.
        s.line(
            "/** Each export's parameter and result types, by the name a component gives it. */",
        );
        s.line("export const exportTypes: Record<string, { path: readonly string[]; params: readonly unknown[]; result: unknown }> = {");
        for scope in analysis
            .scopes()
            .iter()
            .filter(|s| s.direction == Direction::Export)
        {
            for f in &scope.funcs {
                let full = scope.wire_name(f);
                let mut path = Vec::new();
                if !scope.is_root() {
                    path.push(scope_key(scope));
                }
                match (f.resource, &f.func.kind) {
                    (Some(_), FunctionKind::Method(_)) => {
                        path = vec![format!("#{}", member(f))];
                    }
                    (Some(r), _) => {
                        path.push(names.type_name(r));
                        path.push(member(f));
                    }
                    (None, _) => path.push(member(f)),
                }
                let ps: Vec<String> = f
                    .func
                    .params
                    .iter()
                    .map(|p| names.describe(&p.ty))
                    .collect();
                let result = f
                    .func
                    .result
                    .as_ref()
                    .map_or("null".to_string(), |t| names.describe(t));
                let path: Vec<String> = path.iter().map(|p| format!("'{p}'")).collect();
                s.line(&format!(
                    "'{full}': {{ path: [{}], params: [{}], result: {result} }},",
                    path.join(", "),
                    ps.join(", ")
                ));
            }
        }
        s.line("};");
        s.blank();

        instantiate(&names, &world, &mut s);

        let mut files = Files::default();
        files.push(
            format!("{}.ts", analysis.name().replace('-', "_")),
            s.finish(),
        );
        Ok(files)
    }
}

fn define_guest_resource(names: &Names<'_>, s: &mut Source, scope: &Scope, id: TypeId, n: &str) {
    let methods: Vec<&Func> = scope
        .funcs
        .iter()
        .filter(|f| f.resource == Some(id) && matches!(f.func.kind, FunctionKind::Method(_)))
        .collect();
    s.line(&format!(
        "/** The methods of `{n}`, bound to one instance. */"
    ));
    s.line(&format!("interface {n}Fns {{"));
    for f in &methods {
        let (decl, _) = params(names, f, true);
        let mut all = vec![format!("self: {n}")];
        all.extend(decl);
        s.line(&format!(
            "{}({}): {};",
            member(f),
            all.join(", "),
            result_type(names, f)
        ));
    }
    s.line("}");
    s.blank();
    s.line(&format!("export class {n} {{"));
    s.line("/** @internal */");
    s.line("readonly _handle: component.Resource;");
    s.line(&format!("readonly #fns: {n}Fns;"));
    s.line("#gone: string | undefined;");
    s.blank();
    s.line("/** @internal */");
    s.line(&format!(
        "constructor(handle: component.Resource, fns: {n}Fns) {{"
    ));
    s.line("this._handle = handle;");
    s.line("this.#fns = fns;");
    s.line("}");
    s.blank();
    s.line("/** @internal The handle, if it was neither dropped nor moved into the component. */");
    s.line("_use(): component.Resource {");
    s.line("if (this.#gone !== undefined) {");
    s.line(&format!(
        "throw new TypeError(`this {n} was ${{this.#gone}}`);"
    ));
    s.line("}");
    s.line("return this._handle;");
    s.line("}");
    s.blank();
    s.line("/** @internal The handle, given to the component as `own`. */");
    s.line("_move(): component.Resource {");
    s.line("const handle = this._use();");
    s.line("this.#gone = 'moved into the component';");
    s.line("return handle;");
    s.line("}");
    for f in &methods {
        let (decl, args) = params(names, f, true);
        s.blank();
        docs(s, f.func.docs.contents.as_deref());
        s.line(&format!(
            "{}({}): {} {{",
            member(f),
            decl.join(", "),
            result_type(names, f)
        ));
        s.line("this._use();");
        let mut call_args = vec!["this".to_string()];
        call_args.extend(args.into_iter().skip(1));
        s.line(&format!(
            "return this.#fns.{}({});",
            member(f),
            call_args.join(", ")
        ));
        s.line("}");
    }
    s.blank();
    s.line("/**");
    s.line("* Drops the handle, running the guest's destructor; dropping it again,");
    s.line("* or using it after, throws `TypeError`.");
    s.line("*/");
    s.line("[Symbol.dispose](): void {");
    s.line("this._use();");
    s.line("this.#gone = 'dropped';");
    s.line("this._handle.drop();");
    s.line("}");
    s.line("}");
}

fn define_host_resource(names: &Names<'_>, s: &mut Source, scope: &Scope, id: TypeId, n: &str) {
    s.line(&format!("export interface {n} {{"));
    for f in scope.funcs.iter().filter(|f| f.resource == Some(id)) {
        if let FunctionKind::Method(_) = f.func.kind {
            let (decl, _) = params(names, f, true);
            s.line(&format!(
                "{}({}): {};",
                member(f),
                decl.join(", "),
                result_type(names, f)
            ));
        }
    }
    s.line("/** Runs when the last handle to the resource is dropped. */");
    s.line("[Symbol.dispose]?(): void;");
    s.line("}");
    s.blank();
    s.line(&format!("/** The host's class implementing `{n}`. */"));
    s.line(&format!("export interface {n}Class {{"));
    for f in scope.funcs.iter().filter(|f| f.resource == Some(id)) {
        let (decl, _) = params(names, f, false);
        match f.func.kind {
            FunctionKind::Constructor(_) => s.line(&format!("new ({}): {n};", decl.join(", "))),
            FunctionKind::Static(_) => s.line(&format!(
                "{}({}): {};",
                member(f),
                decl.join(", "),
                result_type(names, f)
            )),
            _ => {}
        }
    }
    s.line("}");
}

/// The body of one function's glue.
fn glue(
    names: &Names<'_>,
    f: &Func,
    call_host: bindgen::CallHost<'_>,
    args: Vec<String>,
) -> String {
    let mut g = bindgen::FnGen::new(names, f, args);
    g.call_host = call_host;
    crate::abi::host_call(names.analysis, f, &mut g);
    g.finish()
}

fn instantiate(names: &Names<'_>, world: &str, s: &mut Source) {
    let analysis = names.analysis;
    s.line(&format!(
        "/** Instantiates `c` (a component of the world `{}`) with the host's `imports`. */",
        analysis.name()
    ));
    s.line(&format!(
        "export function instantiate(component$: component.Component, imports$: {world}Imports): {world}Exports {{"
    ));
    s.line("const linker$ = new component.Linker();");
    // Host resources.
    for scope in analysis
        .scopes()
        .iter()
        .filter(|s| s.direction == Direction::Import)
    {
        for r in &scope.resources {
            let v = names.resource_var(*r);
            let n = names.type_name(*r);
            let inst = if scope.is_root() {
                "linker$.root()".to_string()
            } else {
                format!("linker$.instance('{}')", scope.name)
            };
            let rname = analysis.resolve().types[*r]
                .name
                .clone()
                .unwrap_or_default();
            s.line(&format!("const {v}Table = new HostTable<{n}>();"));
            s.line(&format!(
                "const {v} = {inst}.resource('{rname}', (rep: number) => {v}Table.drop(rep));"
            ));
        }
    }
    // Guest resources, known after instantiation.
    let mut guest = Vec::new();
    for scope in analysis
        .scopes()
        .iter()
        .filter(|s| s.direction == Direction::Export)
    {
        for r in &scope.resources {
            guest.push((scope.clone(), *r));
            let v = names.resource_var(*r);
            s.line(&format!("let {v}: component.ResourceType;"));
        }
    }
    // Imports.
    for scope in analysis
        .scopes()
        .iter()
        .filter(|s| s.direction == Direction::Import)
    {
        let inst = if scope.is_root() {
            "linker$.root()".to_string()
        } else {
            format!("linker$.instance('{}')", scope.name)
        };
        let base = if scope.is_root() {
            "imports$".to_string()
        } else {
            format!("imports$.{}", scope_key(scope))
        };
        if !scope.is_root() && scope.funcs.is_empty() {
            s.line(&format!("{inst};"));
        }
        for f in &scope.funcs {
            s.line(&format!("{inst}.funcFlat('{}', () => {{", f.func.name));
            let mut args = Vec::new();
            for (i, t) in f.sig.params.iter().enumerate() {
                let a = format!("p{i}");
                s.line(&format!("const {a} = {};", bindgen::slot_read(*t, i)));
                args.push(a);
            }
            s.line("refresh();");
            s.line("try {");
            let base2 = base.clone();
            let kind = f.func.kind.clone();
            let class = f.resource.map(|r| names.type_name(r));
            let m = member(f);
            // The host's own errors pass through as they are (`hostFailed`).
            let call: bindgen::CallHost<'static> = Box::new(move |ops: &[String]| {
                let call = host_call(&kind, &base2, class.as_deref(), &m, ops);
                format!("fromHost((IN_HOST = true, {call}))")
            });
            let body = glue(names, f, call, args);
            for l in body.lines() {
                s.verbatim(&format!("        {l}"));
            }
            s.line("} catch (e) {");
            s.line("throw hostFailed(e);");
            s.line("}");
            s.line("});");
        }
    }
    s.line("const inst$ = linker$.instantiate(component$);");
    for (scope, r) in &guest {
        let v = names.resource_var(*r);
        let rname = analysis.resolve().types[*r]
            .name
            .clone()
            .unwrap_or_default();
        s.line(&format!(
            "{v} = inst$.getResource(['{}', '{rname}'])!;",
            scope.name
        ));
    }
    // Export function handles and glue.
    let mut idx = 0;
    let mut export_fn = |f: &Func, scope: &Scope, s: &mut Source| -> String {
        let h = format!("f{idx}");
        idx += 1;
        let lookup = if scope.is_root() {
            format!("'{}'", f.func.name)
        } else {
            format!("['{}', '{}']", scope.name, f.func.name)
        };
        s.line(&format!("const {h} = inst$.getFunc({lookup})!;"));
        let (decl, args) = params(names, f, false);
        let body = glue(names, f, Box::new(|_| String::new()), args);
        let mut out = Source::default();
        out.line(&format!(
            "({}): {} => {{",
            decl.join(", "),
            result_type(names, f)
        ));
        // A call made while this one's arguments are lowered (from a
        // getter, say) restores the pending call when it ends.
        out.line("const outer$ = PENDING;");
        out.line(&format!("PENDING = {h};"));
        out.line("let inCall$ = false;");
        out.line("try {");
        for l in body.lines() {
            out.verbatim(&format!("        {l}"));
        }
        out.line("} catch (e) {");
        out.line("throw failed(e, inCall$);");
        out.line("} finally {");
        out.line("PENDING = outer$;");
        out.line("}");
        out.line("}");
        out.finish()
    };
    let mut tree = Source::default();
    for (scope, r) in &guest {
        let v = names.resource_var(*r);
        let n = names.type_name(*r);
        s.line(&format!("const {v}Fns: {n}Fns = {{"));
        for f in scope
            .funcs
            .iter()
            .filter(|f| f.resource == Some(*r) && matches!(f.func.kind, FunctionKind::Method(_)))
        {
            let code = export_fn(f, scope, &mut tree);
            s.line(&format!("{}: {},", member(f), code.trim_end()));
        }
        s.line("};");
    }
    s.line("return {");
    for scope in analysis
        .scopes()
        .iter()
        .filter(|s| s.direction == Direction::Export)
    {
        if !scope.is_root() {
            s.line(&format!("{}: {{", scope_key(scope)));
        }
        for r in &scope.resources {
            s.line(&format!("{}: {{", names.type_name(*r)));
            for f in scope.funcs.iter().filter(|f| {
                f.resource == Some(*r) && !matches!(f.func.kind, FunctionKind::Method(_))
            }) {
                let code = export_fn(f, scope, &mut tree);
                s.line(&format!("{}: {},", member(f), code.trim_end()));
            }
            s.line("},");
        }
        for f in scope.funcs.iter().filter(|f| f.resource.is_none()) {
            let code = export_fn(f, scope, &mut tree);
            s.line(&format!("{}: {},", member(f), code.trim_end()));
        }
        if !scope.is_root() {
            s.line("},");
        }
    }
    s.line("};");
    s.line("}");
    // The handles are looked up before the object is built.
    let handles = tree.finish();
    let text = s.as_str().to_string();
    let marker = "    return {\n";
    let at = text.rfind(marker).expect("the return");
    let mut out = Source::default();
    for l in text[..at].lines() {
        out.verbatim(l);
    }
    for l in handles.lines() {
        out.verbatim(&format!("    {l}"));
    }
    for l in text[at..].lines() {
        out.verbatim(l);
    }
    *s = out;
}

/// The host's call of an import: `base` the imports object of its
/// interface, `class` the resource class of a constructor or static
/// function, `member` the method's name, `ops` the lifted arguments (a
/// method's `self` first).
fn host_call(
    kind: &FunctionKind,
    base: &str,
    class: Option<&str>,
    member: &str,
    ops: &[String],
) -> String {
    let class = class.unwrap_or_default();
    match kind {
        FunctionKind::Constructor(_) => format!("new {base}.{class}({})", ops.join(", ")),
        FunctionKind::Method(_) => format!("{}.{member}({})", ops[0], ops[1..].join(", ")),
        FunctionKind::Static(_) => format!("{base}.{class}.{member}({})", ops.join(", ")),
        _ => format!("{base}.{member}({})", ops.join(", ")),
    }
}
