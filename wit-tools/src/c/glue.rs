//! The C glue: static helpers, the world handle with its instantiation, a
//! wrapper per export, and a callback per import defined by
//! `<world>_add_to_linker`.

use super::bindgen::{by_pointer, slot_field, FnGen, ResourceTypes};
use super::names::{snake, CNames};
use crate::analysis::{Direction, Func};
use crate::source::Source;
use wit_parser::TypeId;

/// The glue's static helpers (memory access with bounds checks, UTF-8 and
/// `char` validation, allocation in the guest through its `realloc`).
pub fn helpers(p: &str) -> String {
    HELPERS.replace("P_", &format!("{p}_"))
}

const HELPERS: &str = r#"#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the generated glue copies guest memory as it is: it needs a little-endian host"
#endif

// The glue's helpers: static, and not all of them used by every world.
#if defined(__GNUC__)
#define P_HELPER static inline __attribute__((unused))
#else
#define P_HELPER static inline
#endif

// The guest's linear memory during a call: fetched again after anything
// that may grow it.
typedef struct P_mem_t {
    uint8_t *base;
    size_t len;
} P_mem_t;

P_HELPER void P_mem_refresh(kiln_component_cx_t *cx, P_mem_t *mem) {
    mem->base = kiln_component_cx_memory(cx, &mem->len);
    if (!mem->base) {
        mem->len = 0;
    }
}

P_HELPER void P_error(const char **err, const char *message) {
    if (!*err) {
        *err = message;
    }
}

// The text of the thread's latest formatted error: read (by P_trap) before
// the glue on this thread lifts anything again.
static _Thread_local char P_error_text[96];

// Records the first error of a call, formatted. The glue words each rule as
// the engine does, so that a trap reads the same in every language.
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
P_HELPER void P_error_fmt(const char **err, const char *format, ...) {
    if (!*err) {
        va_list args;
        va_start(args, format);
        vsnprintf(P_error_text, sizeof P_error_text, format, args);
        va_end(args);
        *err = P_error_text;
    }
}

P_HELPER void P_error_out_of_bounds(const char **err, const char *what) {
    P_error_fmt(err, "%s pointer/length out of bounds of memory", what);
}

P_HELPER void P_error_misaligned(const char **err, const char *what, uint32_t ptr,
                                 uint32_t align) {
    P_error_fmt(err, "%s pointer 0x%x is not aligned to %u bytes", what, ptr, align);
}

P_HELPER wasm_trap_t *P_trap(wasm_store_t *store, const char *message) {
    wasm_message_t text;
    wasm_name_new_from_string_nt(&text, message);
    wasm_trap_t *trap = wasm_trap_new(store, &text);
    wasm_name_delete(&text);
    return trap;
}

P_HELPER bool P_range(const P_mem_t *mem, uint32_t addr, uint64_t size) {
    return (uint64_t)addr + size <= (uint64_t)mem->len;
}

// A value at `base + offset` (computed without wrapping around).
#define P_ACCESS(name, type)                                                               \
    P_HELPER type P_load_##name(const P_mem_t *mem, uint32_t base, uint32_t offset,        \
                                const char **err) {                                        \
        type value = 0;                                                                    \
        uint64_t at = (uint64_t)base + offset;                                             \
        if (at + sizeof(type) > (uint64_t)mem->len) {                                      \
            P_error_out_of_bounds(err, "value");                                           \
            return value;                                                                  \
        }                                                                                  \
        memcpy(&value, mem->base + at, sizeof(type));                                      \
        return value;                                                                      \
    }                                                                                      \
    P_HELPER void P_store_##name(P_mem_t *mem, uint32_t base, uint32_t offset, type value, \
                                 const char **err) {                                       \
        uint64_t at = (uint64_t)base + offset;                                             \
        if (at + sizeof(type) > (uint64_t)mem->len) {                                      \
            P_error_out_of_bounds(err, "value");                                           \
            return;                                                                        \
        }                                                                                  \
        memcpy(mem->base + at, &value, sizeof(type));                                      \
    }

P_ACCESS(u8, uint8_t)
P_ACCESS(s8, int8_t)
P_ACCESS(u16, uint16_t)
P_ACCESS(s16, int16_t)
P_ACCESS(i32, int32_t)
P_ACCESS(i64, int64_t)
P_ACCESS(f32, float)
P_ACCESS(f64, double)

P_HELPER int32_t P_f32_bits(float f) {
    int32_t i;
    memcpy(&i, &f, sizeof i);
    return i;
}

P_HELPER float P_f32_from_bits(int32_t i) {
    float f;
    memcpy(&f, &i, sizeof f);
    return f;
}

P_HELPER int64_t P_f64_bits(double f) {
    int64_t i;
    memcpy(&i, &f, sizeof i);
    return i;
}

P_HELPER double P_f64_from_bits(int64_t i) {
    double f;
    memcpy(&f, &i, sizeof f);
    return f;
}

P_HELPER uint32_t P_lift_char(uint32_t c, const char **err) {
    if (c >= 0x110000 || (c >= 0xD800 && c < 0xE000)) {
        P_error_fmt(err, "invalid char value 0x%x", c);
        return 0;
    }
    return c;
}

P_HELPER bool P_utf8_valid(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        size_t extra;
        uint32_t c;
        if (b < 0x80) {
            i++;
            continue;
        } else if (b >= 0xC2 && b <= 0xDF) {
            extra = 1;
            c = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
            extra = 2;
            c = b & 0x0F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            extra = 3;
            c = b & 0x07;
        } else {
            return false;
        }
        if (n - i <= extra) {
            return false;
        }
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xC0) != 0x80) {
                return false;
            }
            c = (c << 6) | (s[i + k] & 0x3F);
        }
        if ((extra == 2 && (c < 0x800 || (c >= 0xD800 && c < 0xE000))) ||
            (extra == 3 && (c < 0x10000 || c > 0x10FFFF))) {
            return false;
        }
        i += extra + 1;
    }
    return true;
}

// A copy of `count` elements of `size` bytes at `ptr` (aligned to `align`)
// of a list (or string: `what`), or NULL with `err` set. Never NULL for an
// empty list.
P_HELPER void *P_lift_block(const P_mem_t *mem, const char *what, uint32_t ptr, uint32_t count,
                            size_t size, size_t align, const char **err) {
    uint64_t total = (uint64_t)count * size;
    if (ptr % align != 0) {
        P_error_misaligned(err, what, ptr, (uint32_t)align);
        return NULL;
    }
    if (!P_range(mem, ptr, total)) {
        P_error_out_of_bounds(err, what);
        return NULL;
    }
    void *out = malloc(total ? (size_t)total : 1);
    if (!out) {
        abort();
    }
    if (total) {
        memcpy(out, mem->base + ptr, (size_t)total);
    }
    return out;
}

// A copy of the list of `count` elements of `size` bytes at `ptr`.
P_HELPER void *P_lift_bytes(const P_mem_t *mem, uint32_t ptr, uint32_t count, size_t size,
                            size_t align, const char **err) {
    return P_lift_block(mem, "list", ptr, count, size, align, err);
}

// Room for `count` host elements of `elem_size` bytes, after checking the
// guest's list of `count` elements of `size` bytes at `ptr`.
P_HELPER void *P_lift_array(const P_mem_t *mem, uint32_t ptr, uint32_t count, size_t size,
                                 size_t align, size_t elem_size, const char **err) {
    if (ptr % align != 0) {
        P_error_misaligned(err, "list", ptr, (uint32_t)align);
        return NULL;
    }
    if (!P_range(mem, ptr, (uint64_t)count * size)) {
        P_error_out_of_bounds(err, "list");
        return NULL;
    }
    void *out = calloc(count ? count : 1, elem_size);
    if (!out) {
        abort();
    }
    return out;
}

P_HELPER uint8_t *P_lift_string(const P_mem_t *mem, uint32_t ptr, uint32_t len,
                                     const char **err) {
    uint8_t *out = (uint8_t *)P_lift_block(mem, "string", ptr, len, 1, 1, err);
    if (out && !P_utf8_valid(out, len)) {
        free(out);
        P_error(err, "invalid utf-8 string");
        return NULL;
    }
    return out;
}

// `count * size` bytes in the guest, from its `realloc`.
P_HELPER wasm_trap_t *P_alloc(kiln_component_cx_t *cx, P_mem_t *mem, size_t count,
                                   size_t size, size_t align, uint32_t *out) {
    uint64_t total = (uint64_t)count * size;
    if (total > UINT32_MAX || (size != 0 && count > UINT32_MAX / size)) {
        const char *err = NULL;
        P_error_fmt(&err, "list of %zu elements is too large for a 32-bit memory", count);
        return P_trap(kiln_component_cx_store(cx), err);
    }
    wasm_trap_t *trap =
        kiln_component_cx_realloc(cx, 0, 0, (uint32_t)align, (uint32_t)total, out);
    if (trap) {
        return trap;
    }
    P_mem_refresh(cx, mem);
    // kiln_component_cx_realloc checked the pointer against the memory of
    // the moment; this checks it against the glue's view of it.
    const char *err = NULL;
    if (*out % align != 0) {
        P_error_misaligned(&err, "realloc return", *out, (uint32_t)align);
    } else if (!P_range(mem, *out, total)) {
        P_error_out_of_bounds(&err, "realloc return");
    }
    if (err) {
        return P_trap(kiln_component_cx_store(cx), err);
    }
    return NULL;
}

// A copy of `count` elements of `size` bytes from `src` in the guest.
P_HELPER wasm_trap_t *P_lower_bytes(kiln_component_cx_t *cx, P_mem_t *mem, const void *src,
                                         size_t count, size_t size, size_t align,
                                         uint32_t *out) {
    wasm_trap_t *trap = P_alloc(cx, mem, count, size, align, out);
    if (!trap && count * size != 0) {
        memcpy(mem->base + *out, src, count * size);
    }
    return trap;
}"#;

/// The world's exports in the order of the world handle's `funcs`.
pub fn export_funcs<'a>(names: &CNames<'a>) -> Vec<(usize, &'a Func)> {
    names
        .analysis
        .scopes()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.direction == Direction::Export)
        .flat_map(|(i, s)| s.funcs.iter().map(move |f| (i, f)))
        .collect()
}

/// The resources the guest exports, in the order of the handle's `types`.
pub fn export_resources(names: &CNames<'_>) -> Vec<(usize, TypeId)> {
    names
        .analysis
        .scopes()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.direction == Direction::Export)
        .flat_map(|(i, s)| s.resources.iter().map(move |r| (i, *r)))
        .collect()
}

/// Resource types as seen from an export wrapper.
struct WorldTypes<'a> {
    names: &'a CNames<'a>,
}

impl ResourceTypes for WorldTypes<'_> {
    fn resource_type(&self, resource: TypeId) -> String {
        if self.names.analysis.is_host_resource(resource) {
            return format!("{}_type()", self.names.resource_stem(resource));
        }
        let index = export_resources(self.names)
            .iter()
            .position(|(_, r)| *r == resource)
            .expect("a guest resource is exported");
        format!("world->types[{index}]")
    }
}

/// Resource types as seen from an import callback: an import only refers
/// to imported types, so its resources are the host's.
struct CallerTypes<'a> {
    names: &'a CNames<'a>,
}

impl ResourceTypes for CallerTypes<'_> {
    fn resource_type(&self, resource: TypeId) -> String {
        assert!(
            self.names.analysis.is_host_resource(resource),
            "an imported function refers to imported resources only"
        );
        format!("{}_type()", self.names.resource_stem(resource))
    }
}

/// The C parameter list of an export wrapper (after `world, store`) or of
/// a host function (after `data`), and the `ret` out-parameter.
fn c_params(names: &CNames<'_>, func: &Func, owned: bool) -> Vec<String> {
    let resolve = names.analysis.resolve();
    let mut params = Vec::new();
    for p in &func.func.params {
        let cty = names.c_type(&p.ty);
        if by_pointer(resolve, &p.ty) {
            if owned {
                params.push(format!("{cty} *{}", snake(&p.name)));
            } else {
                params.push(format!("const {cty} *{}", snake(&p.name)));
            }
        } else {
            params.push(format!("{cty} {}", snake(&p.name)));
        }
    }
    if let Some(ty) = &func.func.result {
        params.push(format!("{} *ret", names.c_type(ty)));
    }
    params
}

fn docs(src: &mut Source, func: &Func) {
    src.docs("//", func.func.docs.contents.as_deref());
}

/// Header declarations: the world handle, the export wrappers, the host
/// functions and `add_to_linker`.
pub fn declarations(names: &CNames<'_>, h: &mut Source) {
    let p = &names.prefix;
    let analysis = names.analysis;
    h.blank();
    h.line(&format!(
        "// An instance of the world `{}` with its exports found.",
        analysis.name()
    ));
    h.line(&format!("typedef struct {p}_t {p}_t;"));
    h.blank();
    h.line(&format!(
        "// Instantiates `component` in `store` with `linker`'s definitions and finds\n\
         // the world's exports: on success writes the owned world to `*out` (release\n\
         // it with {p}_delete) and returns NULL; else returns the owned error."
    ));
    h.line(&format!(
        "kiln_error_t *{p}_instantiate(wasm_store_t *store, const kiln_component_linker_t *linker,\nconst kiln_component_t *component, {p}_t **out);"
    ));
    h.blank();
    h.line("// Releases a world handle (NULL is allowed).");
    h.line(&format!("void {p}_delete({p}_t *world);"));

    for (scope, func) in export_funcs(names) {
        h.blank();
        docs(h, func);
        h.line(&format!(
            "// Calls `{}` in the guest. The arguments are borrowed (an owned handle\n\
             // among them moves into the guest); on success the result is written to\n\
             // `*ret`, owned by the caller. Returns NULL, or the owned trap that\n\
             // stopped the call.",
            wire_name(names, scope, func)
        ));
        let mut params = vec![format!("{p}_t *world"), "wasm_store_t *store".to_string()];
        params.extend(c_params(names, func, false));
        h.line(&format!(
            "wasm_trap_t *{}({});",
            names.func_name(scope, func),
            params.join(", ")
        ));
    }
    for (_, resource) in export_resources(names) {
        let own = names.own_name(resource);
        h.blank();
        h.line(
            "// Drops the resource: the guest's destructor runs, and the handle is freed.\n\
             // Returns NULL, or the owned error (a trap in the destructor).",
        );
        h.line(&format!(
            "kiln_error_t *{}_drop(wasm_store_t *store, {own} *handle);",
            names.resource_stem(resource)
        ));
    }

    // What the host program implements.
    let imports: Vec<(usize, &crate::analysis::Scope)> = analysis
        .scopes()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.direction == Direction::Import)
        .collect();
    for (scope_index, scope) in &imports {
        for &resource in &scope.resources {
            h.blank();
            h.line(
                "// Implemented by the host program: the guest dropped its last handle to\n\
                 // the host's resource `rep`. Returns NULL, or an owned trap.",
            );
            h.line(&format!(
                "wasm_trap_t *{}_imports_{}_destructor(void *data, uint32_t rep);",
                p,
                names
                    .resource_stem(resource)
                    .strip_prefix(&format!("{p}_"))
                    .unwrap_or(&names.resource_stem(resource))
            ));
        }
        for func in &scope.funcs {
            h.blank();
            docs(h, func);
            h.line(&format!(
                "// Implemented by the host program: `{}`. `data` is what\n\
                 // {p}_add_to_linker was given; the arguments are owned by the function\n\
                 // (release them with their _free functions); the result, written to\n\
                 // `*ret`, is owned by the glue, which frees it. Returns NULL, or an owned\n\
                 // trap that stops the guest.",
                wire_name(names, *scope_index, func)
            ));
            let mut params = vec!["void *data".to_string()];
            params.extend(c_params(names, func, true));
            h.line(&format!(
                "wasm_trap_t *{}({});",
                names.func_name(*scope_index, func),
                params.join(", ")
            ));
        }
    }
    h.blank();
    h.line(&format!(
        "// Defines every import of the world in `linker` with the {p}_imports_* functions,\n\
         // which receive `data`. Returns NULL, or the owned error."
    ));
    h.line(&format!(
        "kiln_error_t *{p}_add_to_linker(kiln_component_linker_t *linker, void *data);"
    ));
}

/// `interface#name`, or `name` at the root.
fn wire_name(names: &CNames<'_>, scope: usize, func: &Func) -> String {
    names.analysis.scopes()[scope].wire_name(func)
}

fn c_str(s: Option<&str>) -> String {
    match s {
        Some(s) => format!("{s:?}"),
        None => "NULL".into(),
    }
}

/// The definitions: host resource types, the world handle, the wrappers,
/// the callbacks and `add_to_linker`.
pub fn definitions(names: &CNames<'_>, c: &mut Source) {
    let p = &names.prefix;
    let analysis = names.analysis;
    let exports = export_funcs(names);
    let resources = export_resources(names);

    // Host resource types: one per resource, like a Rust type's.
    for scope in analysis
        .scopes()
        .iter()
        .filter(|s| s.direction == Direction::Import)
    {
        for &resource in &scope.resources {
            let stem = names.resource_stem(resource);
            let wit = analysis.resolve().types[resource]
                .name
                .clone()
                .unwrap_or_default();
            c.blank();
            c.line(&format!("static const char {stem}_key = 0;"));
            c.blank();
            c.line(&format!(
                "static const kiln_component_resource_type_t *{stem}_type(void) {{"
            ));
            c.line(&format!(
                "return kiln_component_resource_type_host(&{stem}_key, {wit:?});"
            ));
            c.line("}");
        }
    }

    // The world handle.
    c.blank();
    c.line(&format!("struct {p}_t {{"));
    c.line("kiln_component_instance_t *instance;");
    c.line(&format!(
        "kiln_component_func_t *funcs[{}];",
        exports.len().max(1)
    ));
    c.line(&format!(
        "const kiln_component_resource_type_t *types[{}];",
        resources.len().max(1)
    ));
    c.line("};");
    c.blank();
    c.line(&format!("void {p}_delete({p}_t *world) {{"));
    c.line("if (!world) {");
    c.line("return;");
    c.line("}");
    c.line("for (size_t i = 0; i < sizeof world->funcs / sizeof world->funcs[0]; i++) {");
    c.line("kiln_component_func_delete(world->funcs[i]);");
    c.line("}");
    c.line("kiln_component_instance_delete(world->instance);");
    c.line("free(world);");
    c.line("}");
    c.blank();
    c.line(&format!(
        "kiln_error_t *{p}_instantiate(wasm_store_t *store, const kiln_component_linker_t *linker,\nconst kiln_component_t *component, {p}_t **out) {{"
    ));
    c.line("*out = NULL;");
    c.line(&format!(
        "{p}_t *world = ({p}_t *)calloc(1, sizeof *world);"
    ));
    c.line("if (!world) {");
    c.line("abort();");
    c.line("}");
    c.line("kiln_error_t *error =\nkiln_component_linker_instantiate(linker, store, component, &world->instance);");
    for (i, (scope, func)) in exports.iter().enumerate() {
        let iface = &analysis.scopes()[*scope];
        let iface = (!iface.is_root()).then_some(iface.name.as_str());
        c.line("if (!error) {");
        c.line(&format!(
            "error = kiln_component_instance_get_func(world->instance, store, {}, {:?},\n&world->funcs[{i}]);",
            c_str(iface),
            func.func.name
        ));
        c.line("}");
    }
    for (i, (scope, resource)) in resources.iter().enumerate() {
        let iface = &analysis.scopes()[*scope].name;
        let wit = analysis.resolve().types[*resource]
            .name
            .clone()
            .unwrap_or_default();
        c.line("if (!error) {");
        c.line(&format!(
            "error = kiln_component_instance_get_resource_type(world->instance, store, {iface:?},\n{wit:?}, &world->types[{i}]);"
        ));
        c.line("}");
    }
    c.line("if (error) {");
    c.line(&format!("{p}_delete(world);"));
    c.line("return error;");
    c.line("}");
    c.line("*out = world;");
    c.line("return NULL;");
    c.line("}");

    for (_, resource) in &resources {
        let own = names.own_name(*resource);
        c.blank();
        c.line(&format!(
            "kiln_error_t *{}_drop(wasm_store_t *store, {own} *handle) {{",
            names.resource_stem(*resource)
        ));
        c.line("kiln_error_t *error = kiln_component_resource_drop(store, handle->handle);");
        c.line("handle->handle = NULL;");
        c.line("return error;");
        c.line("}");
    }

    // The export wrappers.
    let world_types = WorldTypes { names };
    for (i, (scope, func)) in exports.iter().enumerate() {
        let fname = names.func_name(*scope, func);
        let mut params = vec![format!("{p}_t *world"), "wasm_store_t *store".to_string()];
        params.extend(c_params(names, func, false));
        let resolve = analysis.resolve();
        let args: Vec<String> = func
            .func
            .params
            .iter()
            .map(|param| {
                if by_pointer(resolve, &param.ty) {
                    format!("(*{})", snake(&param.name))
                } else {
                    snake(&param.name)
                }
            })
            .collect();
        let mut gen = FnGen::new(names, func, args, &world_types, String::new());
        crate::abi::host_call(analysis, func, &mut gen);
        let body = gen.finish();
        c.blank();
        c.line(&format!("wasm_trap_t *{fname}({}) {{", params.join(", ")));
        if func.func.result.is_some() {
            c.line("memset(ret, 0, sizeof *ret);");
        }
        c.line("kiln_component_cx_t *cx = NULL;");
        c.line(&format!(
            "wasm_trap_t *trap = kiln_component_func_enter(world->funcs[{i}], store, &cx);"
        ));
        c.line("if (trap) {");
        c.line("return trap;");
        c.line("}");
        c.line("const char *err = NULL;");
        c.line(&format!("{p}_mem_t mem;"));
        c.line(&format!("{p}_mem_refresh(cx, &mem);"));
        for l in body.lines() {
            c.verbatim(l);
        }
        c.line("goto fail;");
        c.line("fail:");
        c.line("if (!trap && err) {");
        c.line(&format!("trap = {p}_trap(store, err);"));
        c.line("}");
        // A failed call poisons the instance and skips `post-return`;
        // exiting it then yields no trap of its own.
        c.line("wasm_trap_t *exit_trap = kiln_component_cx_exit(cx, trap != NULL);");
        c.line("if (!trap) {");
        c.line("trap = exit_trap;");
        c.line("}");
        if let Some(ty) = &func.func.result {
            if names.needs_free(ty) {
                c.line("if (trap) {");
                c.line(&format!("{}(ret);", names.free_fn(&names.c_type(ty))));
                c.line("}");
            }
        }
        c.line("return trap;");
        c.line("}");
    }

    // The import callbacks.
    let caller_types = CallerTypes { names };
    let mut defines = Vec::new();
    for (scope_index, scope) in analysis.scopes().iter().enumerate() {
        if scope.direction != Direction::Import {
            continue;
        }
        let iface = (!scope.is_root()).then_some(scope.name.as_str());
        if !scope.is_root() && scope.funcs.is_empty() && scope.resources.is_empty() {
            // An interface of types only: an instance the component imports.
            defines.push(format!(
                "error = kiln_component_linker_define_instance(linker, {:?});",
                scope.name
            ));
        }
        for &resource in &scope.resources {
            let stem = names.resource_stem(resource);
            let wit = analysis.resolve().types[resource]
                .name
                .clone()
                .unwrap_or_default();
            let host = format!(
                "{p}_imports_{}_destructor",
                stem.strip_prefix(&format!("{p}_")).unwrap_or(&stem)
            );
            defines.push(format!(
                "error = kiln_component_linker_define_resource(linker, {}, {wit:?}, {stem}_type(),\n{host}, data, NULL);",
                c_str(iface)
            ));
        }
        for func in &scope.funcs {
            let host_fn = names.func_name(scope_index, func);
            let callback = format!("{host_fn}_callback");
            let args: Vec<String> = func
                .sig
                .params
                .iter()
                .enumerate()
                .map(|(i, t)| match t {
                    wit_parser::abi::WasmType::Pointer | wit_parser::abi::WasmType::Length => {
                        format!("(uint32_t)slots[{i}].i32")
                    }
                    _ => format!("slots[{i}].{}", slot_field(*t)),
                })
                .collect();
            let mut gen = FnGen::new(names, func, args, &caller_types, host_fn.clone());
            crate::abi::host_call(analysis, func, &mut gen);
            let body = gen.finish();
            c.blank();
            c.line(&format!(
                "static wasm_trap_t *{callback}(void *data, kiln_component_cx_t *cx, kiln_val_raw_t *slots,\nsize_t nslots) {{"
            ));
            c.line("(void)data;");
            c.line("(void)slots;");
            c.line("(void)nslots;");
            c.line("wasm_trap_t *trap = NULL;");
            c.line("const char *err = NULL;");
            c.line(&format!("{p}_mem_t mem;"));
            c.line(&format!("{p}_mem_refresh(cx, &mem);"));
            let result_free = func.func.result.as_ref().map(|ty| {
                let cty = names.c_type(ty);
                c.line(&format!("{cty} ret;"));
                c.line("memset(&ret, 0, sizeof ret);");
                names
                    .needs_free(ty)
                    .then(|| format!("{}(&ret);", names.free_fn(&cty)))
            });
            for l in body.lines() {
                c.verbatim(l);
            }
            c.line("goto fail;");
            c.line("fail:");
            c.line("if (!trap && err) {");
            c.line(&format!(
                "trap = {p}_trap(kiln_component_cx_store(cx), err);"
            ));
            c.line("}");
            if let Some(Some(free)) = result_free {
                c.line(&free);
            }
            c.line("return trap;");
            c.line("}");
            defines.push(format!(
                "error = kiln_component_linker_define_func(linker, {}, {:?}, {callback}, data, NULL);",
                c_str(iface),
                func.func.name
            ));
        }
    }
    c.blank();
    c.line(&format!(
        "kiln_error_t *{p}_add_to_linker(kiln_component_linker_t *linker, void *data) {{"
    ));
    if defines.is_empty() {
        c.line("(void)linker;");
        c.line("(void)data;");
        c.line("return NULL;");
    } else {
        c.line("kiln_error_t *error = NULL;");
        for (i, d) in defines.iter().enumerate() {
            if i > 0 {
                c.line("if (error) {");
                c.line("return error;");
                c.line("}");
            }
            c.line(d);
        }
        c.line("return error;");
    }
    c.line("}");
}
