//! Builds the C programs in `tests/c/` against `include/wasm.h` and the
//! `libwasm.so` that `cargo test` builds alongside this test, runs them, and
//! compares their output.
//!
//! Why this works without running cargo from inside a test: an integration
//! test depends on its package's library, and cargo builds that library with
//! every crate type the manifest lists, so `libwasm.so` (and `libwasm.a`)
//! sit in `target/<profile>/deps/`, the directory of this test's own binary.
//! Each program's module is written as `tests/c/<name>.wat` (and further
//! modules as `tests/c/<name>.<extra>.wat`); the harness converts them to C
//! arrays in `module.wasm.h`. Every program runs twice: natively, and under
//! valgrind, which must find no leak and no invalid access.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The directory holding `libwasm.so`: that of the running test binary.
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe.parent().expect("test binary directory").to_path_buf();
    assert!(
        dir.join("libwasm.so").exists(),
        "libwasm.so is not in {}",
        dir.display()
    );
    dir
}

/// Appends `wasm` to `src` as a C array `<prefix>_wasm` and its length.
fn append_c_array(src: &mut String, prefix: &str, wasm: &[u8]) {
    write!(src, "static const unsigned char {prefix}_wasm[] = {{").unwrap();
    for (i, b) in wasm.iter().enumerate() {
        if i % 16 == 0 {
            src.push_str("\n  ");
        }
        write!(src, "0x{b:02x},").unwrap();
    }
    writeln!(
        src,
        "\n}};\nstatic const size_t {prefix}_wasm_len = {};",
        wasm.len()
    )
    .unwrap();
}

/// Writes `module.wasm.h`: `<name>.wat` as `module_wasm`, and each
/// `<name>.<extra>.wat` as `<extra>_wasm`.
fn write_module_header(src_dir: &Path, name: &str, out_dir: &Path) {
    let parse =
        |path: &Path| wat::parse_file(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut src =
        String::from("/* Generated from the program's .wat files by tests/all/c_programs.rs. */\n");
    append_c_array(
        &mut src,
        "module",
        &parse(&src_dir.join(format!("{name}.wat"))),
    );
    let mut extras: Vec<_> = std::fs::read_dir(src_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|f| {
            let extra = f.strip_prefix(&format!("{name}."))?.strip_suffix(".wat")?;
            Some(extra.to_string())
        })
        .filter(|extra| !extra.is_empty())
        .collect();
    extras.sort();
    for extra in extras {
        let wasm = parse(&src_dir.join(format!("{name}.{extra}.wat")));
        append_c_array(&mut src, &extra, &wasm);
    }
    std::fs::write(out_dir.join("module.wasm.h"), src).unwrap();
}

/// Compiles `tests/c/<name>.c` (and its module) into an executable.
fn build_c_program(name: &str) -> PathBuf {
    let src_dir = manifest_dir().join("tests/c");
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("c-api")
        .join(name);
    std::fs::create_dir_all(&out_dir).unwrap();
    write_module_header(&src_dir, name, &out_dir);
    let lib_dir = lib_dir();
    let exe = out_dir.join(name);
    let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-pthread"])
        .arg("-I")
        .arg(manifest_dir().join("include"))
        .arg("-I")
        .arg(&out_dir)
        .arg(src_dir.join(format!("{name}.c")))
        .arg("-L")
        .arg(&lib_dir)
        .arg("-Wl,--disable-new-dtags")
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .arg("-lwasm")
        .arg("-o")
        .arg(&exe)
        .status()
        .expect("run cc");
    assert!(status.success(), "compiling {name}.c failed");
    exe
}

/// Runs `command`, asserting it succeeds, and returns its standard output.
fn run(name: &str, mut command: Command) -> String {
    // Cargo points LD_LIBRARY_PATH at directories that may hold an older
    // libwasm.so; the program must load the one its rpath names.
    command.env_remove("LD_LIBRARY_PATH");
    let output = command.output().expect("run the C program");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{name} failed with {}\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Compiles and runs `tests/c/<name>.c`, then runs it again under valgrind,
/// which must report no leak and no invalid access, and returns its
/// standard output (the same both times).
fn run_c_program(name: &str) -> String {
    let exe = build_c_program(name);
    let stdout = run(name, Command::new(&exe));
    let under_valgrind = run_under_valgrind(name, &exe);
    assert_eq!(under_valgrind, stdout, "{name}: output under valgrind");
    stdout
}

/// Runs `exe` under valgrind, which must report no leak and no invalid
/// access, and returns its standard output.
fn run_under_valgrind(name: &str, exe: &Path) -> String {
    let mut valgrind = Command::new("valgrind");
    valgrind
        .args([
            "--quiet",
            "--error-exitcode=99",
            "--leak-check=full",
            "--show-leak-kinds=definite,indirect,possible",
            "--errors-for-leak-kinds=definite,indirect,possible",
        ])
        .arg(format!(
            "--suppressions={}",
            manifest_dir().join("tests/valgrind.supp").display()
        ))
        .arg(exe);
    if Command::new("valgrind").arg("--version").output().is_err() {
        panic!("valgrind is needed to check the C programs: apt-get install valgrind");
    }
    run(&format!("{name} under valgrind"), valgrind)
}

fn check(name: &str, expected: &str) {
    let stdout = run_c_program(name);
    assert_eq!(stdout, expected, "output of {name}");
}

#[test]
fn hello() {
    check(
        "hello",
        "\
import \"\" \"hello\" kind 0
export \"run\" params 0 results 0
Calling export...
> Hello World!
Done.
",
    );
}

#[test]
fn lifetime() {
    check(
        "lifetime",
        "\
trap: function returns 1 results, but the results vector has room for 0
Deleting the store first...
answer() = 42
memory[16] = 42, 65536 bytes
grown to 2 pages
the copy still answers 42
Done.
",
    );
}

#[test]
fn stack() {
    check(
        "stack",
        "\
128 KiB stack: call stack exhausted, then down(100) = 100
512 KiB stack: call stack exhausted, then down(100) = 100
8192 KiB stack: call stack exhausted, then down(100) = 100
Done.
",
    );
}

#[test]
fn callback() {
    check(
        "callback",
        "\
> print 7
> closure 42
run(3, 4) = 49
swap(-5, 2.5) = 2.5, -5
trap: function expects 2 arguments, got 0
trap: argument 0 is not of type i32
Deleting store...
> finalize 42
Done.
",
    );
}

#[test]
fn memory() {
    check(
        "memory",
        "\
limits 2..3
size 2 pages, 131072 bytes
data[0x1000..0x1004] = 1 2 3 4
size() = 2
load(0x1002) = 3
load(0x1ffff) = 0
load(0x20000): trap: out of bounds memory access
  frame 0: func 1, func offset 3, module offset 83, instance known
store(0x1002, 5): ok
data[0x1002] = 5
load(0x1003) = 9
store(0x20000, 0): trap: out of bounds memory access
  frame 0: func 2, func offset 5, module offset 93, instance known
grow 1: ok
size 3 pages, 196608 bytes
load(0x20000) = 0
load(0x30000): trap: out of bounds memory access
  frame 0: func 1, func offset 3, module offset 83, instance known
grow 1: failed
grow 0: ok
host memory: 5 pages, grow: failed
Done.
",
    );
}

#[test]
fn global() {
    check(
        "global",
        "\
const i32 = 7
var f64 = 1.5
wasm sees const f32 import = 2.25
wasm sees var i64 import = -3
after host set, wasm sees var i64 import = 100
after wasm set, host sees var i64 = -42
after host set, wasm sees var f64 = 6.5
const i32 after set = 7
var f64 after wrong-typed set = 6.5
var f64 type: kind 3, mutability 1
Done.
",
    );
}

#[test]
fn table() {
    check(
        "table",
        "\
table type: element 129, limits 2..10
size 2
table[0] is null
table[1] is f: yes
table[2] is null (out of bounds)
call_indirect(7, 1): 7
call_indirect(7, 0): trap: uninitialized element
  frame 0: func 0, func offset 5, module offset 88, instance known
call_indirect(7, 2): trap: undefined element
  frame 0: func 0, func offset 5, module offset 88, instance known
set table[0] = g: ok
call_indirect(7, 0): 666
set table[2] = g: failed
grow by 3: ok
size 5
set table[4] = host function: ok
call_indirect(7, 4): -7
call_indirect(7, 3): trap: uninitialized element
  frame 0: func 0, func offset 5, module offset 88, instance known
grow by 5 with g: ok
grow by 1: failed
call_indirect(7, 9): 666
set table[1] = null: ok
call_indirect(7, 1): trap: uninitialized element
  frame 0: func 0, func offset 5, module offset 88, instance known
host table: size 2, [1] is the host function: yes
Done.
",
    );
}

#[test]
fn trap() {
    check(
        "trap",
        "\
instantiation failed: with a message
calling callback: > callback called, returning a trap
(origin: func 1) trap: callback abort
  frame 0: func 1, func offset 1, module offset 85, instance known
calling unreachable: (origin: func 3) trap: unreachable
  frame 0: func 3, func offset 1, module offset 95, instance known
  frame 1: func 2, func offset 1, module offset 90, instance known
calling divide(1, 0): (origin: func 4) trap: integer divide by zero
  frame 0: func 4, func offset 5, module offset 103, instance known
calling divide(7, 2): returned 3
calling the host function: > callback called, returning a trap
(no origin) trap: callback abort
> callback called, returning a trap
the callback's trap came back: the same object, its host info, origin func 1
trap: made by the host
Done.
",
    );
}

#[test]
fn reentrant() {
    check(
        "reentrant",
        "\
run(20) = 41
down(1000) = 1000
the deepest host call was at level 0
down_trap(1000) trapped: unreachable
down(10) = 10
",
    );
}

#[test]
fn null() {
    check(
        "null",
        "\
trap: wasm_func_call: the function is NULL
Done.
",
    );
}

/// Every function `wasm.h` and `kiln.h` declare is exported by `libwasm.so`,
/// and every `wasm_` and `kiln_` function the library exports is declared:
/// the headers promise nothing the library lacks.
#[test]
fn header_matches_library() {
    let header = manifest_dir().join("include/kiln.h");
    let pre = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-E", "-P", "-I"])
        .arg(manifest_dir().join("include"))
        .arg(&header)
        .output()
        .expect("run cc -E");
    assert!(pre.status.success());
    let text = String::from_utf8(pre.stdout).unwrap();
    let mut called = std::collections::BTreeSet::new();
    let mut inline = std::collections::BTreeSet::new();
    let starts = text
        .match_indices("wasm_")
        .chain(text.match_indices("kiln_"))
        .map(|(i, _)| i);
    for i in starts {
        if i > 0 {
            let prev = text.as_bytes()[i - 1];
            if prev.is_ascii_alphanumeric() || prev == b'_' {
                continue;
            }
        }
        let rest = &text[i..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..end];
        if rest[end..].trim_start().starts_with('(') {
            called.insert(name.to_string());
            let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
            if text[line_start..i].contains("static inline") {
                inline.insert(name.to_string());
            }
        }
    }
    let declared: std::collections::BTreeSet<String> =
        called.difference(&inline).cloned().collect();

    let nm = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(lib_dir().join("libwasm.so"))
        .output()
        .expect("run nm");
    assert!(nm.status.success());
    let exported: std::collections::BTreeSet<String> = String::from_utf8(nm.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let (_, kind, name) = (parts.next()?, parts.next()?, parts.next()?);
            let ours = name.starts_with("wasm_") || name.starts_with("kiln_");
            (kind == "T" && ours).then(|| name.to_string())
        })
        .collect();
    let missing: Vec<_> = declared.difference(&exported).collect();
    let undeclared: Vec<_> = exported.difference(&declared).collect();
    assert!(missing.is_empty(), "declared but not exported: {missing:?}");
    assert!(
        undeclared.is_empty(),
        "exported but not declared: {undeclared:?}"
    );
    assert!(
        declared.len() > 150,
        "only {} functions found",
        declared.len()
    );
}

#[test]
fn hostinfo() {
    check(
        "hostinfo",
        "\
module copy info: module
module as ref info: module
deleting the module's first copy
deleting the module's last copy
> finalize module
instance copy info: instance
func info via a new handle: func
global info via its extern: global
table info via its ref: table
memory info: memory without finalizer
id has no info: yes
replacing the func's info
> finalize func
func info: func, again
foreign back from wasm: same yes, info foreign
deleting the foreign's handle while a table holds it
table[0] info: foreign
deleting a foreign wasm never saw, one copy left
deleting its last copy
> finalize loose foreign
trap copy info: trap
deleting the trap's last copy
> finalize trap
> finalize global
global info: global, no finalizer
> finalize nothing
deleting the store
> finalize foreign
> finalize instance
> finalize func, again
> finalize table
Done.
",
    );
}

#[test]
fn serialize() {
    check(
        "serialize",
        "\
serialized: bigger than the wasm
loaded module exports 1: square
square(7) in the loaded module = 49
square(9) after its store is gone = 81
truncated artifact: refused
plain wasm as an artifact: refused
empty artifact: refused
same settings, another engine: loaded
square(12) in another thread = 144
obtained by a store of another engine: refused
Done.
",
    );
}

#[test]
fn start() {
    check(
        "start",
        "\
> start logged 'k'
after instantiation: ready = 42, start ran 1 time(s)
> start logged 'k'
instantiation with a trapping start: failed
origin: func 2
trap: unreachable
  frame 0: func 2, func offset 1, module offset 104, instance unknown
  frame 1: func 1, func offset 16, module offset 98, instance unknown
> start logged 'k'
start ran 3 time(s) in all
Done.
",
    );
}

#[test]
fn linking() {
    check(
        "linking",
        "\
client imports memory
client imports counter
client imports bump
client imports table
run(5) = 20
run(7) = 28
provider's memory at 8 = 7
provider's counter = 202
swapped imports: trap: incompatible import type for `env::memory`: expected (memory 1), found (global (mut i32))
too few imports: trap: the module requires 4 imports, but 1 were provided
Done.
",
    );
}

#[test]
fn reflect() {
    check(
        "reflect",
        "\
5 imports:
  host.log: func (i32 i64) -> (f32)
  host.limit: global const i64
  host.state: global var f64
  host.calls: table funcref 3..8
  host.heap: memory 1..2
first import of the copy: log
6 exports:
  nothing: func () -> ()
  many: func (i32 f64 externref) -> (funcref i64)
  answer: global const i32
  refs: table externref 4..
  memory: memory 1..2
  log again: func (i32 i64) -> (f32)
made import: host.heap: memory 1..2
a host function needs a callback: NULL without one
no imports: trap: the module requires 5 imports, but 0 were provided
one import: trap: the module requires 5 imports, but 1 were provided
host extern 0: kind 1, global const i64
host extern 1: kind 1, global var f64
host extern 2: kind 2, table funcref 3..8
host extern 3: kind 3, memory 1..2
Done.
",
    );
}

#[test]
fn externref() {
    check(
        "externref",
        "\
is_null(null) = 1
is_null(apple) = 0
> echo got apple
through the host: kind 128, same as apple: yes
> echo got null
null through the host: null
global after stash: apple
global after host set: pear
global after null set: null
host global: pear
table size 4: apple null pear pear
a function in an externref table: refused
call_func(seven) = 7
func_is_null(null) = 1
a foreign as a funcref: trap: argument 0 is not of type funcref
finalized in all: 1002
Done.
",
    );
}

#[test]
fn fuel() {
    check(
        "fuel",
        "\
set fuel without fuel enabled: fuel is not enabled: the engine was configured without fuel consumption
a new store's fuel: 0
count(10) with no fuel: trap code 12, all fuel consumed
count(10) = 10
count(20) = 20
count(20) costs more than count(10): yes
forever(): trap code 12, all fuel consumed
fuel left after forever(): 0
count(5) after running out = 5
forever() with a deadline: trap code 13, interrupted
count(3) with the deadline passed: trap code 13, interrupted
count(3) with a new deadline = 3
Done.
",
    );
}

#[test]
fn store_operations_from_inside_a_host_function() {
    check(
        "hoststore",
        "\
adjust_then_count(nothing, 100000) = 100000
  fuel set inside the host function: 1000
adjust_then_count(refuel, 100000): trap: all fuel consumed
fuel after the trap is under what a loop iteration costs: yes
  memory bounded inside at 65536 bytes
adjust_then_grow(limit memory) = -1
adjust_then_grow(lift limits) = 1
memory after growing: 131072 bytes
adjust_then_spin(deadline now): trap: interrupted
adjust_then_count(nothing, 7) afterwards = 7
Done.
",
    );
}

#[test]
fn linker() {
    check(
        "linker",
        "\
invalid module: type mismatch: expected i32, found i64 (at offset 0x1a)
bad version: unknown binary version:        0x2 (at offset 0x4)
bad text: unknown operator or unexpected token
     --> <anon>:1:19
      |
    1 | (module (func $f (cal $f))
      |                   ^
wat2wasm: 43 bytes, magic ok
defining host.add twice: import `host::add` is defined twice
lib not defined yet: unknown import: `lib::triple` has not been defined
run(5) = triple(5) + 1 = 16
lib.triple is a function: yes
lib.missing found: no
another store, lib from the first: import belongs to a different store
linker deleted
> add's environment finalized after 1 calls
Done.
",
    );
}

#[test]
fn caller() {
    check(
        "caller",
        "\
raw function of references: a numeric host function cannot have type (func (param externref)), which has references
env.missing undefined: unknown import: `env::missing` has not been defined
run(16) = 42
add(40, 2) = 42
double(21) = 42
trap: negative
  frame 0: func 4, func offset 3, module offset 154, instance known
NULL function: NULL function or out
a host function: a raw call needs a wasm function, not a host function
trap: unknown import `env::missing` was called
  frame 0: func 6, func offset 1, module offset 167, instance known
report:
error while executing at wasm backtrace:
    0:     0xac - callee!inner
    1:     0xb0 - callee!<wasm function 8>

Caused by:
    wasm trap: wasm `unreachable` instruction executed
frame 0: inner in callee
frame 1: (no name) in callee
report of a made trap: plain
raw host twice(5) = 10
> twice's environment finalized after 3 calls
Done.
",
    );
}

#[test]
fn wasi() {
    check(
        "wasi",
        "\
read-write directory:
  exit status 6
  stdout.txt: \"hello-arg\\n\"
  stderr.txt: \"\"
  out.txt: \"written by wasm\\n\"
read-only directory:
  exit status 6
  stdout.txt: \"hello-arg\\n\"
  stderr.txt: \"written\"
  out.txt: missing
defaults (nothing granted):
  exit status 4
  out.txt: missing
stdin from a missing file: cannot open $DIR/missing: No such file or directory (os error 2)
pre-opening a missing directory: cannot pre-open directory $DIR/missing: No such file or directory (os error 2)
Done.
",
    );
}

/// `make install-files` puts the headers, the libraries and `kiln.pc` under
/// a prefix, and the README's example builds with nothing but what
/// `pkg-config` says, runs, and is clean under valgrind.
#[test]
fn installed_library_builds_the_readme_example() {
    let root = manifest_dir().join("..");
    let example = root.join("examples/c/add.c");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let source = std::fs::read_to_string(&example).unwrap();
    assert!(
        readme.contains(&source),
        "README.md must show examples/c/add.c as it is"
    );

    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("c-api/install");
    let _ = std::fs::remove_dir_all(&work);
    let prefix = work.join("prefix");
    let status = Command::new("make")
        .arg("-s")
        .arg("-C")
        .arg(manifest_dir())
        .arg("install-files")
        .arg(format!("PREFIX={}", prefix.display()))
        .arg(format!("BUILT_LIB_DIR={}", lib_dir().display()))
        .status()
        .expect("run make");
    assert!(status.success(), "make install-files failed");
    for file in [
        "include/wasm.h",
        "include/kiln.h",
        "lib/libwasm.so",
        "lib/libwasm.a",
        "lib/pkgconfig/kiln.pc",
    ] {
        assert!(prefix.join(file).exists(), "{file} is not installed");
    }

    let flags = Command::new("pkg-config")
        .args(["--cflags", "--libs", "kiln"])
        .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig"))
        .output()
        .expect("run pkg-config (apt-get install pkg-config)");
    assert!(flags.status.success(), "pkg-config does not find kiln");
    let flags = String::from_utf8(flags.stdout).unwrap();
    let exe = work.join("add");
    let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-Wall", "-Werror"])
        .arg(&example)
        .args(flags.split_whitespace())
        .arg("-o")
        .arg(&exe)
        .status()
        .expect("run cc");
    assert!(
        status.success(),
        "cc add.c $(pkg-config --cflags --libs kiln) failed"
    );
    assert_eq!(run("add", Command::new(&exe)), "2 + 3 = 5\n");
    assert_eq!(run_under_valgrind("add", &exe), "2 + 3 = 5\n");

    // The static library links on its own too.
    let static_exe = work.join("add-static");
    let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .arg(&example)
        .arg(format!("-I{}", prefix.join("include").display()))
        .arg(prefix.join("lib/libwasm.a"))
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&static_exe)
        .status()
        .expect("run cc");
    assert!(status.success(), "linking libwasm.a failed");
    assert_eq!(run("add-static", Command::new(&static_exe)), "2 + 3 = 5\n");
}

#[test]
fn limits() {
    check(
        "limits",
        "\
memory.grow(1) = 1
memory.grow(1) past the limit = -1
wasm_memory_grow past the limit: refused
table.grow(4) = 1
table.grow(1) past the limit = -1
wasm_table_grow past the limit: refused
a second instance: trap: the store's limit of 1 instances is reached: it holds 1 and 1 more are needed
memory.grow(1) without limits = 2
Done.
",
    );
}

#[test]
fn cache() {
    check(
        "cache",
        "\
square(6) from a cached module = 36
entries in the configured directory: 1
square(6) from the per-user cache = 36
entries in the per-user directory: 1
missing file: cache configuration /nonexistent/kiln.toml: No such file or directory (os error 2)
disabled cache: cache configuration ROOT/bad.toml: `enabled = false` turns the cache off; leave the cache unset instead
no config: kiln_config_cache_config_load: config is NULL
Done.
",
    );
}

#[test]
fn component() {
    check(
        "component",
        "\
bad component: unknown binary version:    0x2000d (at offset 0x4)
nothing defined: component imports instance `host:demo/text`, but a matching implementation was not found in the linker
defining shout twice: `host:demo/text/shout` is defined twice
instantiating...
> shout(\"hello\")
> log(\"HELLO\")
shout called 1 time(s)
missing export: no exported function `run`
measure(\"héllo\"): no trap
measure(\"héllo\") = 6
measure(\"\"): no trap
measure(\"\") = 0
done(): no trap
post-return ran 2 time(s)
peek(borrow tag 5): no trap
peek = 7
> tag 9 dropped
keep(own tag 9): no trap
entering during a call: cannot enter component instance
too few slots: the core function takes 0 parameters and returns 1 results: 1 slots are needed, 0 were given
after a failed call: cannot enter component instance
> shout(\"hello\")
> log(\"HELLO\")
boom(): unreachable
done() after the trap: cannot enter component instance
linker deleted
func_new without a callback: NULL linker or callback
> shout_val(\"hello\")
> log_val(\"HELLO\")
measure takes 1 value(s) and gives 1
measure(\"héllo\") with values = 6
measure(invalid UTF-8): argument 0: string is not UTF-8: invalid utf-8 sequence of 1 bytes from index 0
measure(5): type mismatch for parameter `s`: expected `string`, found a value of kind `u32`
measure(): function expects 1 arguments, got 0
measure(\"héllo\") without room for the result: function returns 1 results, but the results slice has room for 0
measure(kind 99): argument 0: unknown value kind 99
peek(borrow tag 5) with values = 7
> tag 8 dropped
keep(own tag 8) with values: ok
keep(NULL resource): argument 0: NULL resource
boom() with values: unreachable
measure(\"héllo\") after the trap: cannot enter component instance
a host result of the wrong type: type mismatch for result 0 of host function `host:demo/text/shout`: expected `string`, found a value of kind `u32`
> shout's environment finalized after 2 calls
Done.
",
    );
}

#[test]
fn pooling() {
    check(
        "pooling",
        "\
may move 0: grow(15) = 1
may move 0: grow(1) past the reservation = -1
may move 0: pages 16, load(8) = 0x5ec2e7e7
may move 1: grow(15) = 1
may move 1: grow(1) past the reservation = 16
may move 1: pages 17, load(8) = 0x5ec2e7e7
reservation of 1 PiB: memory_reservation of 1125899906842624 bytes is more than the 70368744177664 bytes a host's address space can hold
wasm_engine_new_with_config with a 128 TiB guard: NULL
pool slots past 4 GiB: the pooling allocator's max_memory_size of 4295032832 bytes is more than the 4294967296 bytes a memory can hold
a third live instance: trap: maximum concurrent limit of 2 for core instances reached
grow(16) past the slot = -1
grow(3) = 1
first tenant: load(196708) = 0x5ec2e7e7
next tenant in the same slot: yes
next tenant: pages 1, all zero: yes
grow(3) = 1
after growing: all zero: yes
next tenant: loads where the secret was = 0
a second memory: trap: maximum concurrent limit of 1 for memories reached
wasm_memory_new past the pool: NULL
kiln_memory_new past the pool: maximum concurrent limit of 1 for memories reached
a second table: maximum concurrent limit of 1 for tables reached
Done.
",
    );
}
