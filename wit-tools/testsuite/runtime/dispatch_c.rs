//! The C replay programs' dispatchers: for each world, C that calls an
//! export of the generated C glue by its component name, with arguments
//! read from the tokens of `wire.rs` into the glue's C types, and writes
//! the result back in the same tokens, freeing what the glue allocated with
//! its own `_free` functions. Generated from the analysis and the glue's
//! header (which names the functions and types a host program sees),
//! checked in under `testsuite/c/dispatch/`, compared by
//! `c_dispatchers_match` (`KILN_BLESS=1` rewrites them).

use super::cases::exports;
use crate::{corpus_wit, crate_dir};
use kiln_wit::c::snake;
use kiln_wit::wit_parser::{Type, TypeDefKind, TypeId};
use kiln_wit::{Wit, WorldAnalysis};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

/// An export's wrapper as the glue's header declares it.
struct Wrapper {
    name: String,
    /// Each parameter's C type, and whether it is passed by pointer.
    params: Vec<(String, bool)>,
    /// The C type of `*ret`, if the function has a result.
    ret: Option<String>,
}

/// What the dispatcher needs from the glue's header: the wrapper of each
/// export (by component name), the `_free` functions, and the `_drop`
/// functions of the guest's resources (with their handle types).
struct Header {
    wrappers: HashMap<String, Wrapper>,
    frees: BTreeSet<String>,
    drops: Vec<(String, String)>,
}

impl Header {
    fn parse(text: &str) -> Header {
        let mut wrappers = HashMap::new();
        let mut frees = BTreeSet::new();
        let mut drops = Vec::new();
        let mut export = None;
        for line in text.lines() {
            if let Some((name, rest)) = line
                .strip_prefix("// Calls `")
                .and_then(|rest| rest.split_once('`'))
            {
                if rest.starts_with(" in the guest.") {
                    export = Some(name.to_string());
                }
            } else if let Some(name) = line
                .strip_prefix("void ")
                .and_then(|l| l.split_once("_free("))
                .map(|(n, _)| n)
            {
                frees.insert(format!("{name}_free"));
            } else if let Some(proto) = line.strip_prefix("kiln_error_t *") {
                if let Some((name, args)) = proto.split_once("_drop(wasm_store_t *store, ") {
                    let handle = args.trim_end_matches(" *handle);");
                    drops.push((format!("{name}_drop"), handle.to_string()));
                }
            } else if let (Some(proto), Some(name)) =
                (line.strip_prefix("wasm_trap_t *"), export.as_ref())
            {
                let (func, args) = proto.split_once('(').expect("a prototype");
                let args = args.strip_suffix(");").expect("a one-line prototype");
                let mut params = Vec::new();
                let mut ret = None;
                // Past `world` and `store`.
                for arg in args.split(", ").skip(2) {
                    if let Some(t) = arg.strip_suffix(" *ret") {
                        ret = Some(t.to_string());
                    } else if let Some(t) = arg.strip_prefix("const ") {
                        let (t, _) = t.rsplit_once(" *").expect("a pointer parameter");
                        params.push((t.to_string(), true));
                    } else {
                        let (t, _) = arg.rsplit_once(' ').expect("a parameter");
                        params.push((t.to_string(), false));
                    }
                }
                wrappers.insert(
                    name.clone(),
                    Wrapper {
                        name: func.to_string(),
                        params,
                        ret,
                    },
                );
                export = None;
            }
        }
        Header {
            wrappers,
            frees,
            drops,
        }
    }

    /// The `_free` function of the C type `c_type`, if it has one.
    fn free_fn(&self, c_type: &str) -> Option<String> {
        let f = format!("{}_free", c_type.strip_suffix("_t").unwrap_or(c_type));
        self.frees.contains(&f).then_some(f)
    }
}

/// C text with indentation by braces.
#[derive(Default)]
struct Out {
    text: String,
    depth: usize,
}

impl Out {
    fn line(&mut self, line: &str) {
        if line.starts_with('}') || line.starts_with("case ") || line.starts_with("default:") {
            self.depth = self.depth.saturating_sub(1);
        }
        if line.is_empty() {
            self.text.push('\n');
        } else {
            writeln!(self.text, "{}{line}", "    ".repeat(self.depth)).unwrap();
        }
        if line.ends_with('{') || line.starts_with("case ") || line.starts_with("default:") {
            self.depth += 1;
        }
    }
}

struct Gen<'a> {
    a: &'a WorldAnalysis,
    /// The guest's resources, numbered by their place here.
    resources: Vec<TypeId>,
    out: Out,
    counter: usize,
}

impl Gen<'_> {
    fn fresh(&mut self) -> String {
        self.counter += 1;
        format!("i{}", self.counter)
    }

    fn resource_index(&self, r: TypeId) -> usize {
        self.resources
            .iter()
            .position(|x| *x == r)
            .expect("a guest resource of the world")
    }

    /// Reads a value of `ty` from `in` into the lvalue `lv`.
    fn read(&mut self, ty: &Type, lv: &str) {
        let scalar = |f: &str, c: &str| format!("{lv} = ({c})replay_read_{f}(in);");
        let line = match ty {
            Type::Bool => format!("{lv} = replay_read_bool(in);"),
            Type::U8 => scalar("u64", "uint8_t"),
            Type::U16 => scalar("u64", "uint16_t"),
            Type::U32 | Type::Char => scalar("u64", "uint32_t"),
            Type::U64 => scalar("u64", "uint64_t"),
            Type::S8 => scalar("s64", "int8_t"),
            Type::S16 => scalar("s64", "int16_t"),
            Type::S32 => scalar("s64", "int32_t"),
            Type::S64 => scalar("s64", "int64_t"),
            Type::F32 => format!("{lv} = replay_read_f32(in);"),
            Type::F64 => format!("{lv} = replay_read_f64(in);"),
            Type::String => format!("replay_read_string(in, &{lv}.ptr, &{lv}.len);"),
            Type::ErrorContext => unreachable!("refused by the analysis"),
            Type::Id(id) => return self.read_id(*id, lv),
        };
        self.out.line(&line);
    }

    fn read_id(&mut self, id: TypeId, lv: &str) {
        let a = self.a;
        match &a.resolve().types[id].kind {
            TypeDefKind::Type(t) => self.read(t, lv),
            TypeDefKind::List(t) => {
                let i = self.fresh();
                self.out.line(&format!("{lv}.len = replay_read_len(in);"));
                self.out.line(&format!(
                    "{lv}.ptr = replay_alloc({lv}.len, sizeof *{lv}.ptr);"
                ));
                self.out.line(&format!(
                    "for (size_t {i} = 0; {i} < {lv}.len && !in->error; {i}++) {{"
                ));
                self.read(t, &format!("{lv}.ptr[{i}]"));
                self.out.line("}");
            }
            TypeDefKind::Record(r) => {
                for f in &r.fields {
                    self.read(&f.ty, &format!("{lv}.{}", snake(&f.name)));
                }
            }
            TypeDefKind::Tuple(t) => {
                for (i, t) in t.types.iter().enumerate() {
                    self.read(t, &format!("{lv}.f{i}"));
                }
            }
            TypeDefKind::Variant(v) => {
                self.out.line(&format!(
                    "{lv}.tag = replay_read_case(in, {});",
                    v.cases.len()
                ));
                if v.cases.iter().any(|c| c.ty.is_some()) {
                    self.out.line(&format!("switch ({lv}.tag) {{"));
                    for (i, c) in v.cases.iter().enumerate() {
                        if let Some(t) = &c.ty {
                            self.out.line(&format!("case {i}:"));
                            self.read(t, &format!("{lv}.val.{}", snake(&c.name)));
                            self.out.line("break;");
                        }
                    }
                    self.out.line("default:");
                    self.out.line("break;");
                    self.out.line("}");
                }
            }
            TypeDefKind::Enum(e) => {
                self.out
                    .line(&format!("{lv} = replay_read_case(in, {});", e.cases.len()));
            }
            TypeDefKind::Flags(_) => self.out.line(&format!("{lv} = replay_read_u64(in);")),
            TypeDefKind::Option(t) => {
                self.out
                    .line(&format!("{lv}.is_some = replay_read_bool(in);"));
                self.out.line(&format!("if ({lv}.is_some) {{"));
                self.read(t, &format!("{lv}.val"));
                self.out.line("}");
            }
            TypeDefKind::Result(r) => {
                self.out
                    .line(&format!("{lv}.is_err = replay_read_bool(in);"));
                if let Some(t) = &r.ok {
                    self.out.line(&format!("if (!{lv}.is_err) {{"));
                    self.read(t, &format!("{lv}.val.ok"));
                    self.out.line("}");
                }
                if let Some(t) = &r.err {
                    self.out.line(&format!("if ({lv}.is_err) {{"));
                    self.read(t, &format!("{lv}.val.err"));
                    self.out.line("}");
                }
            }
            TypeDefKind::Handle(_) => {
                let (r, own) = a.handle(id).unwrap();
                if a.is_host_resource(r) {
                    self.out
                        .line(&format!("{lv}.rep = replay_get_host(in, {own});"));
                } else {
                    self.out
                        .line(&format!("{lv}.handle = replay_get_guest(in, {own});"));
                }
            }
            other => panic!("no C dispatch of {}", other.as_str()),
        }
    }

    /// Writes the value of `ty` in the lvalue `lv` to `out`; an owned
    /// handle moves into the program's table (and `lv` lets go of it).
    fn write(&mut self, ty: &Type, lv: &str) {
        let line = match ty {
            Type::Bool => format!("replay_write_bool(out, {lv});"),
            Type::U8 | Type::U16 | Type::U32 | Type::U64 | Type::Char => {
                format!("replay_write_u64(out, {lv});")
            }
            Type::S8 | Type::S16 | Type::S32 | Type::S64 => {
                format!("replay_write_s64(out, {lv});")
            }
            Type::F32 => format!("replay_write_f32(out, {lv});"),
            Type::F64 => format!("replay_write_f64(out, {lv});"),
            Type::String => format!("replay_write_string(out, {lv}.ptr, {lv}.len);"),
            Type::ErrorContext => unreachable!("refused by the analysis"),
            Type::Id(id) => return self.write_id(*id, lv),
        };
        self.out.line(&line);
    }

    fn write_id(&mut self, id: TypeId, lv: &str) {
        let a = self.a;
        match &a.resolve().types[id].kind {
            TypeDefKind::Type(t) => self.write(t, lv),
            TypeDefKind::List(t) => {
                let i = self.fresh();
                self.out.line(&format!("replay_write_u64(out, {lv}.len);"));
                self.out
                    .line(&format!("for (size_t {i} = 0; {i} < {lv}.len; {i}++) {{"));
                self.write(t, &format!("{lv}.ptr[{i}]"));
                self.out.line("}");
            }
            TypeDefKind::Record(r) => {
                for f in &r.fields {
                    self.write(&f.ty, &format!("{lv}.{}", snake(&f.name)));
                }
            }
            TypeDefKind::Tuple(t) => {
                for (i, t) in t.types.iter().enumerate() {
                    self.write(t, &format!("{lv}.f{i}"));
                }
            }
            TypeDefKind::Variant(v) => {
                self.out.line(&format!("replay_write_u64(out, {lv}.tag);"));
                if v.cases.iter().any(|c| c.ty.is_some()) {
                    self.out.line(&format!("switch ({lv}.tag) {{"));
                    for (i, c) in v.cases.iter().enumerate() {
                        if let Some(t) = &c.ty {
                            self.out.line(&format!("case {i}:"));
                            self.write(t, &format!("{lv}.val.{}", snake(&c.name)));
                            self.out.line("break;");
                        }
                    }
                    self.out.line("default:");
                    self.out.line("break;");
                    self.out.line("}");
                }
            }
            TypeDefKind::Enum(_) | TypeDefKind::Flags(_) => {
                self.out.line(&format!("replay_write_u64(out, {lv});"))
            }
            TypeDefKind::Option(t) => {
                self.out
                    .line(&format!("replay_write_bool(out, {lv}.is_some);"));
                self.out.line(&format!("if ({lv}.is_some) {{"));
                self.write(t, &format!("{lv}.val"));
                self.out.line("}");
            }
            TypeDefKind::Result(r) => {
                self.out
                    .line(&format!("replay_write_bool(out, {lv}.is_err);"));
                if let Some(t) = &r.ok {
                    self.out.line(&format!("if (!{lv}.is_err) {{"));
                    self.write(t, &format!("{lv}.val.ok"));
                    self.out.line("}");
                }
                if let Some(t) = &r.err {
                    self.out.line(&format!("if ({lv}.is_err) {{"));
                    self.write(t, &format!("{lv}.val.err"));
                    self.out.line("}");
                }
            }
            TypeDefKind::Handle(_) => {
                let (r, own) = a.handle(id).unwrap();
                assert!(own, "an export returns no borrow");
                if a.is_host_resource(r) {
                    self.out.line(&format!("replay_put_host(out, {lv}.rep);"));
                } else {
                    let index = self.resource_index(r);
                    self.out
                        .line(&format!("replay_put_guest(out, {index}, {lv}.handle);"));
                    self.out.line(&format!("{lv}.handle = NULL;"));
                }
            }
            other => panic!("no C dispatch of {}", other.as_str()),
        }
    }
}

/// The C dispatcher of `analysis`'s world, over the glue whose header is
/// `header`.
pub fn dispatcher(analysis: &WorldAnalysis, header: &str) -> String {
    let world = analysis.name();
    let p = snake(world);
    let header = Header::parse(header);
    let mut resources = Vec::new();
    for scope in analysis.scopes() {
        for r in analysis.guest_resources_of(scope) {
            if !resources.contains(&r) {
                resources.push(r);
            }
        }
    }
    let mut g = Gen {
        a: analysis,
        resources,
        out: Out::default(),
        counter: 0,
    };
    let o = &mut g.out;
    o.line("// generated by the kiln-wit test suite (runtime/dispatch_c.rs) — do not edit");
    o.line(&format!(
        "// The exports of `{world}` by name, called through the generated C glue."
    ));
    o.line("");
    o.line(&format!("#include \"{p}.h\""));
    o.line("#include \"replay.h\"");
    o.line("");
    o.line("#include <string.h>");
    o.line("");
    o.line("kiln_error_t *replay_add_to_linker(kiln_component_linker_t *linker, void *host) {");
    o.line(&format!("return {p}_add_to_linker(linker, host);"));
    o.line("}");
    o.line("");
    o.line("kiln_error_t *replay_instantiate(wasm_store_t *store, const kiln_component_linker_t *linker, const kiln_component_t *component, void **world) {");
    o.line(&format!("{p}_t *w = NULL;"));
    o.line(&format!(
        "kiln_error_t *error = {p}_instantiate(store, linker, component, &w);"
    ));
    o.line("*world = w;");
    o.line("return error;");
    o.line("}");
    o.line("");
    o.line("void replay_delete(void *world) {");
    o.line(&format!("{p}_delete(({p}_t *)world);"));
    o.line("}");
    o.line("");
    o.line("kiln_error_t *replay_drop_guest(wasm_store_t *store, int resource, kiln_component_resource_t *handle) {");
    if g.resources.is_empty() {
        o.line("(void)store;");
        o.line("(void)resource;");
        o.line("(void)handle;");
        o.line("return NULL;");
    } else {
        o.line("switch (resource) {");
        for (i, r) in g.resources.iter().enumerate() {
            let name = snake(analysis.resolve().types[*r].name.as_deref().unwrap());
            let suffix = format!("_own_{name}_t");
            let mut matching = header.drops.iter().filter(|(_, t)| t.ends_with(&suffix));
            let (drop, own) = matching.next().expect("the resource's drop function");
            assert!(matching.next().is_none(), "two resources named {name}");
            o.line(&format!("case {i}:"));
            o.line(&format!("return {drop}(store, &({own}){{handle}});"));
        }
        o.line("default:");
        o.line("kiln_component_resource_delete(handle);");
        o.line("return NULL;");
        o.line("}");
    }
    o.line("}");

    let funcs = exports(analysis);
    for (index, (name, func)) in funcs.iter().enumerate() {
        let wrapper = header
            .wrappers
            .get(name)
            .unwrap_or_else(|| panic!("the header declares no wrapper of {name}"));
        assert_eq!(
            wrapper.params.len(),
            func.func.params.len(),
            "{name}'s parameters"
        );
        g.out.line("");
        g.out.line(&format!("// {name}"));
        g.out.line(&format!(
            "static int call{index}({p}_t *world, wasm_store_t *store, replay_in *in, replay_out *out, wasm_trap_t **trap) {{"
        ));
        let mut call_args = vec!["world".to_string(), "store".to_string()];
        let mut frees = Vec::new();
        for (i, ((c_type, by_pointer), param)) in
            wrapper.params.iter().zip(&func.func.params).enumerate()
        {
            g.out.line(&format!("{c_type} a{i};"));
            g.out.line(&format!("memset(&a{i}, 0, sizeof a{i});"));
            g.read(&param.ty, &format!("a{i}"));
            call_args.push(if *by_pointer {
                format!("&a{i}")
            } else {
                format!("a{i}")
            });
            if let Some(f) = header.free_fn(c_type) {
                frees.push(format!("{f}(&a{i});"));
            }
        }
        if let Some(ret) = &wrapper.ret {
            g.out.line(&format!("{ret} ret;"));
            g.out.line("memset(&ret, 0, sizeof ret);");
            call_args.push("&ret".to_string());
        } else {
            g.out.line("(void)out;");
        }
        g.out.line("if (in->error) {");
        for f in &frees {
            g.out.line(f);
        }
        g.out.line("return REPLAY_BAD_ARGUMENTS;");
        g.out.line("}");
        g.out.line(&format!(
            "*trap = {}({});",
            wrapper.name,
            call_args.join(", ")
        ));
        for f in &frees {
            g.out.line(f);
        }
        if let (Some(ret), Some(ty)) = (&wrapper.ret, &func.func.result) {
            g.out.line("if (*trap) {");
            g.out.line("return REPLAY_CALLED;");
            g.out.line("}");
            g.write(ty, "ret");
            if let Some(f) = header.free_fn(ret) {
                g.out.line(&format!("{f}(&ret);"));
            }
        }
        g.out.line("return REPLAY_CALLED;");
        g.out.line("}");
    }
    let o = &mut g.out;
    o.line("");
    o.line("int replay_call(void *world, wasm_store_t *store, const char *name, replay_in *in, replay_out *out, wasm_trap_t **trap) {");
    o.line(&format!("{p}_t *w = ({p}_t *)world;"));
    for (index, (name, _)) in funcs.iter().enumerate() {
        o.line(&format!("if (strcmp(name, \"{name}\") == 0) {{"));
        o.line(&format!("return call{index}(w, store, in, out, trap);"));
        o.line("}");
    }
    o.line("return REPLAY_NO_SUCH_EXPORT;");
    o.line("}");
    g.out.text
}

/// The dispatcher of the corpus's world `world`, over its glue as the C
/// back end generates it now.
pub fn generate(world: &str) -> String {
    let wit = Wit::load(&corpus_wit()).unwrap();
    let analysis = wit.analyse(Some(world)).unwrap();
    let files = crate::generate("c", &corpus_wit(), world);
    let header = files
        .get(&format!("{}.h", snake(world)))
        .expect("the glue's header");
    dispatcher(&analysis, header)
}

/// Where the checked-in dispatcher of `world` is.
pub fn path(world: &str) -> std::path::PathBuf {
    crate_dir()
        .join("testsuite")
        .join("c")
        .join("dispatch")
        .join(format!("{world}.c"))
}

#[test]
fn c_dispatchers_match() {
    let bless = std::env::var_os("KILN_BLESS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for world in crate::corpus_worlds() {
        let text = generate(&world);
        let path = path(&world);
        if bless {
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "C dispatchers changed (run with KILN_BLESS=1): {stale:?}"
    );
}
