//! `kiln-bench components`: one component call with a large argument
//! (issue 22): `best-name: func(s: list<score>) -> string` of the WIT
//! corpus's `lists` guest, called with 1,000 `score { name: string, value:
//! f64 }` records, through Kiln's generated Rust glue, Kiln's dynamic
//! `component::Val` path, Wasmtime 48's `bindgen!` glue and Wasmtime's
//! dynamic `component::Val` path; and, as the floor under them on each
//! engine, the same calls into the guest's core module through the core
//! API, with the records written by hand.
//!
//! Each path has its own store and instance of the same component, and its
//! input built once, before timing, in its own representation: a
//! `Vec<Score>` of the glue's record type for the typed paths, a `Val::List`
//! of `Val::Record`s for the dynamic ones. A call lowers the list into the
//! guest (one `realloc` for the list and one per name), runs the guest,
//! lifts the string it returns and runs its `post-return`.

use crate::report::{self, median};
use crate::runners::err;
use std::fmt::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// Kiln's generated glue for the `lists` world, written by `build.rs`.
mod kiln_glue {
    #![allow(dead_code, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/kiln-lists/lists.rs"));
}

/// Wasmtime's `bindgen!` glue for the same world.
mod wasmtime_glue {
    #![allow(dead_code, clippy::all)]
    wasmtime::component::bindgen!({
        path: "../wit-tools/tests/wit",
        world: "lists",
    });
}

/// The number of records in the argument.
const RECORDS: usize = 1_000;

/// The `i`th record: names `player-0` .. `player-999`, scores spread
/// over [0, 1000) in no order, with one maximum.
fn record(i: usize) -> (String, f64) {
    let value = ((i * 7919) % RECORDS) as f64 + (i % 7) as f64 / 8.0;
    (format!("player-{i}"), value)
}

/// What `best-name` must return for the records: the first with the
/// highest value.
fn expected() -> String {
    let mut best = record(0);
    for i in 1..RECORDS {
        let r = record(i);
        if r.1 > best.1 {
            best = r;
        }
    }
    best.0
}

/// A way of calling `best-name`, prepared: each call makes one.
type Caller = Box<dyn FnMut() -> Result<String, String>>;

/// One path measured: how it calls, and each round's median call.
struct Subject {
    name: &'static str,
    call: Caller,
    rounds: Vec<Duration>,
}

fn kiln_paths(wasm: &[u8]) -> Result<[Subject; 2], String> {
    use kiln::component::{Component, Linker, Val};

    let engine = kiln::Engine::default();
    let component = Component::new(&engine, wasm).map_err(|e| err("kiln: component", e))?;
    let mut linker = Linker::<Host>::new(&engine);
    kiln_glue::Lists::add_to_linker(&mut linker, |h: &mut Host| h)
        .map_err(|e| err("kiln: add_to_linker", e))?;

    let mut typed_store = kiln::Store::new(&engine, Host);
    let lists = kiln_glue::Lists::instantiate(&mut typed_store, &component, &linker)
        .map_err(|e| err("kiln: instantiate", e))?;
    let typed_input: Vec<kiln_glue::Score> = (0..RECORDS)
        .map(|i| {
            let (name, value) = record(i);
            kiln_glue::Score { name, value }
        })
        .collect();
    let typed: Caller = Box::new(move || {
        lists
            .kiln_corpus_list_api()
            .call_best_name(&mut typed_store, &typed_input)
            .map_err(|e| err("kiln typed glue", e))
    });

    let mut dyn_store = kiln::Store::new(&engine, Host);
    let instance = linker
        .instantiate(&mut dyn_store, &component)
        .map_err(|e| err("kiln: instantiate", e))?;
    let func = instance
        .get_func(&mut dyn_store, ("kiln:corpus/list-api", "best-name"))
        .ok_or("kiln: no export kiln:corpus/list-api#best-name")?;
    let dyn_input = [Val::List(
        (0..RECORDS)
            .map(|i| {
                let (name, value) = record(i);
                Val::Record(vec![
                    ("name".to_string(), Val::String(name)),
                    ("value".to_string(), Val::Float64(value)),
                ])
            })
            .collect(),
    )];
    let mut results = [Val::Bool(false)];
    let dynamic: Caller = Box::new(move || {
        func.call(&mut dyn_store, &dyn_input, &mut results)
            .map_err(|e| err("kiln dynamic Val", e))?;
        match &results[0] {
            Val::String(s) => Ok(s.clone()),
            other => Err(format!("kiln dynamic Val: returned {other:?}")),
        }
    });
    Ok([
        Subject::new("Kiln, generated glue (`kiln bindgen`)", typed),
        Subject::new("Kiln, dynamic `component::Val`", dynamic),
    ])
}

fn wasmtime_paths(wasm: &[u8]) -> Result<[Subject; 2], String> {
    use wasmtime::component::{Component, HasSelf, Linker, Val};

    let engine = wasmtime::Engine::default();
    let component = Component::new(&engine, wasm).map_err(|e| err("wasmtime: component", e))?;
    let mut linker = Linker::<Host>::new(&engine);
    wasmtime_glue::Lists::add_to_linker::<Host, HasSelf<Host>>(&mut linker, |h| h)
        .map_err(|e| err("wasmtime: add_to_linker", e))?;

    let mut typed_store = wasmtime::Store::new(&engine, Host);
    let lists = wasmtime_glue::Lists::instantiate(&mut typed_store, &component, &linker)
        .map_err(|e| err("wasmtime: instantiate", e))?;
    let typed_input: Vec<wasmtime_glue::Score> = (0..RECORDS)
        .map(|i| {
            let (name, value) = record(i);
            wasmtime_glue::Score { name, value }
        })
        .collect();
    let typed: Caller = Box::new(move || {
        lists
            .kiln_corpus_list_api()
            .call_best_name(&mut typed_store, &typed_input)
            .map_err(|e| err("wasmtime bindgen!", e))
    });

    let mut dyn_store = wasmtime::Store::new(&engine, Host);
    let instance = linker
        .instantiate(&mut dyn_store, &component)
        .map_err(|e| err("wasmtime: instantiate", e))?;
    let api = instance
        .get_export_index(&mut dyn_store, None, "kiln:corpus/list-api")
        .ok_or("wasmtime: no export kiln:corpus/list-api")?;
    let index = instance
        .get_export_index(&mut dyn_store, Some(&api), "best-name")
        .ok_or("wasmtime: no export kiln:corpus/list-api#best-name")?;
    let func = instance
        .get_func(&mut dyn_store, index)
        .ok_or("wasmtime: best-name is not a function")?;
    let dyn_input = [Val::List(
        (0..RECORDS)
            .map(|i| {
                let (name, value) = record(i);
                Val::Record(vec![
                    ("name".to_string(), Val::String(name)),
                    ("value".to_string(), Val::Float64(value)),
                ])
            })
            .collect(),
    )];
    let mut results = [Val::Bool(false)];
    let dynamic: Caller = Box::new(move || {
        func.call(&mut dyn_store, &dyn_input, &mut results)
            .map_err(|e| err("wasmtime dynamic Val", e))?;
        match &results[0] {
            Val::String(s) => Ok(s.clone()),
            other => Err(format!("wasmtime dynamic Val: returned {other:?}")),
        }
    });
    Ok([
        Subject::new("Wasmtime 48, `bindgen!`", typed),
        Subject::new("Wasmtime 48, dynamic `component::Val`", dynamic),
    ])
}

impl Subject {
    fn new(name: &'static str, call: Caller) -> Subject {
        Subject {
            name,
            call,
            rounds: Vec::new(),
        }
    }

    /// Checks the result once, then runs `warm_up` calls untimed.
    fn check(&mut self, expected: &str, warm_up: u32) -> Result<(), String> {
        let got = (self.call)()?;
        if got != expected {
            return Err(format!(
                "{}: best-name returned {got:?}, expected {expected:?}",
                self.name
            ));
        }
        for _ in 0..warm_up {
            (self.call)()?;
        }
        Ok(())
    }

    /// Times `calls` calls one by one and keeps their median.
    fn round(&mut self, calls: u32) -> Result<(), String> {
        let mut times = Vec::with_capacity(calls as usize);
        for _ in 0..calls {
            let start = Instant::now();
            let name = (self.call)()?;
            times.push(start.elapsed());
            std::hint::black_box(name);
        }
        self.rounds.push(median(&mut times));
        Ok(())
    }

    fn median(&self) -> Duration {
        median(&mut self.rounds.clone())
    }
}

/// The host of the `lists` world's imports (`kiln:corpus/list-host`), for
/// both engines. `best-name` calls none of them; they are here because the
/// component imports them.
struct Host;

fn reverse(s: &str) -> String {
    s.chars().rev().collect()
}

fn words(s: &str) -> Vec<String> {
    s.split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

impl kiln_glue::kiln::corpus::list_host::Host for Host {
    fn reverse_string(&mut self, s: String) -> kiln::Result<String> {
        Ok(reverse(&s))
    }
    fn echo_bytes(&mut self, b: Vec<u8>) -> kiln::Result<Vec<u8>> {
        Ok(b)
    }
    fn split_words(&mut self, s: String) -> kiln::Result<Vec<String>> {
        Ok(words(&s))
    }
    fn sort_scores(&mut self, mut s: Vec<kiln_glue::Score>) -> kiln::Result<Vec<kiln_glue::Score>> {
        s.sort_by(|a, b| b.value.total_cmp(&a.value));
        Ok(s)
    }
    fn echo_nested(&mut self, x: Vec<Vec<u32>>) -> kiln::Result<Vec<Vec<u32>>> {
        Ok(x)
    }
    fn make_line(
        &mut self,
        start: kiln_glue::Point,
        end: kiln_glue::Point,
        label: String,
    ) -> kiln::Result<kiln_glue::Line> {
        Ok(kiln_glue::Line { start, end, label })
    }
    fn rotate_triple(&mut self, t: kiln_glue::Triple) -> kiln::Result<(f64, u8, String)> {
        Ok((t.2, t.0, t.1))
    }
}

mod wasmtime_host {
    use super::wasmtime_glue::kiln::corpus::{list_host, list_types};
    use super::wasmtime_glue::kiln::shared::geometry;
    use super::{reverse, words, Host};

    impl list_host::Host for Host {
        fn reverse_string(&mut self, s: String) -> String {
            reverse(&s)
        }
        fn echo_bytes(&mut self, b: Vec<u8>) -> Vec<u8> {
            b
        }
        fn split_words(&mut self, s: String) -> Vec<String> {
            words(&s)
        }
        fn sort_scores(&mut self, mut s: Vec<list_types::Score>) -> Vec<list_types::Score> {
            s.sort_by(|a, b| b.value.total_cmp(&a.value));
            s
        }
        fn echo_nested(&mut self, x: Vec<Vec<u32>>) -> Vec<Vec<u32>> {
            x
        }
        fn make_line(
            &mut self,
            start: geometry::Point,
            end: geometry::Point,
            label: String,
        ) -> list_types::Line {
            list_types::Line { start, end, label }
        }
        fn rotate_triple(&mut self, t: list_types::Triple) -> (f64, u8, String) {
            (t.2, t.0, t.1)
        }
    }

    impl list_types::Host for Host {}
    impl geometry::Host for Host {}
}

/// The guest's core module (`lists.core.wasm`, before it became a
/// component), for the floor: the work every path makes the guest do.
const REALLOC: &str = "cabi_realloc";
const BEST_NAME: &str = "kiln:corpus/list-api#best-name";
const POST_RETURN: &str = "cabi_post_kiln:corpus/list-api#best-name";

/// Defines `$name`, the floor under every path on one engine (`$api`, whose
/// core API Kiln shapes like Wasmtime's, so one body serves both): the
/// guest's core module called through the core API, lowering the records
/// by hand as the canonical ABI lays them out (one `realloc` for the list,
/// one per name), with no component machinery; then lifting the string
/// and calling the post-return function.
macro_rules! core_floor {
    ($name:ident, $api:ident, $what:literal, $title:literal) => {
        fn $name(core: &[u8]) -> Result<Subject, String> {
            let e = |what: &str| format!("{}: {what}", $what);
            let engine = $api::Engine::default();
            let module = $api::Module::new(&engine, core).map_err(|x| err(&e("module"), x))?;
            let mut linker = $api::Linker::<()>::new(&engine);
            linker
                .define_unknown_imports_as_traps(&module)
                .map_err(|x| err(&e("imports"), x))?;
            let mut store = $api::Store::new(&engine, ());
            let instance = linker
                .instantiate(&mut store, &module)
                .map_err(|x| err(&e("instantiate"), x))?;
            instance
                .get_typed_func::<(), ()>(&mut store, "_initialize")
                .and_then(|f| f.call(&mut store, ()))
                .map_err(|x| err(&e("_initialize"), x))?;
            let memory = instance
                .get_memory(&mut store, "memory")
                .ok_or(e("no memory"))?;
            let realloc = instance
                .get_typed_func::<(i32, i32, i32, i32), i32>(&mut store, REALLOC)
                .map_err(|x| err(&e(REALLOC), x))?;
            let best = instance
                .get_typed_func::<(i32, i32), i32>(&mut store, BEST_NAME)
                .map_err(|x| err(&e(BEST_NAME), x))?;
            let post = instance
                .get_typed_func::<i32, ()>(&mut store, POST_RETURN)
                .map_err(|x| err(&e(POST_RETURN), x))?;
            let input: Vec<(String, f64)> = (0..RECORDS).map(record).collect();
            let call: Caller = Box::new(move || {
                let trap = |x: $api::Error| err($what, x);
                let list = realloc
                    .call(&mut store, (0, 0, 8, 16 * RECORDS as i32))
                    .map_err(trap)?;
                for (i, (name, value)) in input.iter().enumerate() {
                    let ptr = realloc
                        .call(&mut store, (0, 0, 1, name.len() as i32))
                        .map_err(trap)?;
                    let data = memory.data_mut(&mut store);
                    put(data, ptr as usize, name.as_bytes())?;
                    let mut element = [0u8; 16];
                    element[..4].copy_from_slice(&ptr.to_le_bytes());
                    element[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
                    element[8..].copy_from_slice(&value.to_le_bytes());
                    put(data, list as usize + 16 * i, &element)?;
                }
                let ret = best
                    .call(&mut store, (list, RECORDS as i32))
                    .map_err(trap)?;
                let name = lift_string(memory.data(&store), ret)?;
                post.call(&mut store, ret).map_err(trap)?;
                Ok(name)
            });
            Ok(Subject::new($title, call))
        }
    };
}

core_floor!(
    kiln_floor,
    kiln,
    "kiln floor",
    "Kiln core API, by hand (floor)"
);
core_floor!(
    wasmtime_floor,
    wasmtime,
    "wasmtime floor",
    "Wasmtime 48 core API, by hand (floor)"
);

/// Copies `bytes` into `memory` at `at`.
fn put(memory: &mut [u8], at: usize, bytes: &[u8]) -> Result<(), String> {
    memory
        .get_mut(at..at + bytes.len())
        .ok_or("floor: out of bounds")?
        .copy_from_slice(bytes);
    Ok(())
}

/// The string whose pointer and length are at `ret`.
fn lift_string(memory: &[u8], ret: i32) -> Result<String, String> {
    let word = |at: usize| -> Result<usize, String> {
        let bytes = memory.get(at..at + 4).ok_or("floor: out of bounds")?;
        Ok(u32::from_le_bytes(bytes.try_into().expect("4 bytes")) as usize)
    };
    let (ptr, len) = (word(ret as usize)?, word(ret as usize + 4)?);
    let bytes = memory.get(ptr..ptr + len).ok_or("floor: out of bounds")?;
    std::str::from_utf8(bytes)
        .map(str::to_string)
        .map_err(|_| "floor: invalid utf-8".to_string())
}

/// Builds the `lists` guest with the corpus's builder (wit-bindgen-c,
/// clang, wit-component) into `build/wit-guests/`.
/// Returns the component and its core module.
fn lists_component(bench: &Path) -> Result<(Vec<u8>, Vec<u8>), String> {
    let options = kiln_wit_guests::Options {
        out_dir: bench.join("build").join("wit-guests"),
        ..kiln_wit_guests::Options::default()
    };
    let guest = kiln_wit_guests::build(&options, "lists").map_err(|e| {
        format!(
            "{e:#} (the guests need clang: apt-get install clang lld wasi-libc \
             libclang-rt-14-dev-wasm32)"
        )
    })?;
    let read = |path: &Path| std::fs::read(path).map_err(|e| err(&path.display().to_string(), e));
    Ok((read(&guest.component)?, read(&guest.module)?))
}

/// The paths' short names, for `components-profile`.
const SHORT_NAMES: [&str; 6] = [
    "kiln-glue",
    "kiln-val",
    "wasmtime-glue",
    "wasmtime-val",
    "kiln-floor",
    "wasmtime-floor",
];

/// `kiln-bench components-profile PATH CALLS`: makes `CALLS` calls through
/// one path alone, to be watched with `perf record`.
pub fn profile(path: &str, calls: u32) -> Result<bool, String> {
    let index = SHORT_NAMES
        .iter()
        .position(|n| *n == path)
        .ok_or_else(|| format!("unknown path {path} (one of {})", SHORT_NAMES.join(", ")))?;
    let (wasm, core) = lists_component(&crate::bench_dir())?;
    let mut subject = match index {
        0 | 1 => kiln_paths(&wasm)?
            .into_iter()
            .nth(index)
            .expect("two paths"),
        2 | 3 => wasmtime_paths(&wasm)?
            .into_iter()
            .nth(index - 2)
            .expect("two paths"),
        4 => kiln_floor(&core)?,
        _ => wasmtime_floor(&core)?,
    };
    subject.check(&expected(), 0)?;
    let start = Instant::now();
    for _ in 0..calls {
        std::hint::black_box((subject.call)()?);
    }
    let per = start.elapsed() / calls.max(1);
    println!(
        "{}: {:.1} µs per call",
        subject.name,
        per.as_secs_f64() * 1e6
    );
    Ok(true)
}

pub fn components(runs: usize, quick: bool) -> Result<bool, String> {
    let bench = crate::bench_dir();
    // Many short rounds, the paths' in turn: the machine's load changes
    // over seconds, and each round's ratios compare calls made under the
    // same load.
    let (warm_up, calls, rounds) = if quick {
        (20, 50, 2)
    } else {
        (500, 200, 10 * runs.max(1))
    };
    let (wasm, core) = lists_component(&bench)?;
    let expected = expected();
    let [kiln_typed, kiln_dyn] = kiln_paths(&wasm)?;
    let [wasmtime_typed, wasmtime_dyn] = wasmtime_paths(&wasm)?;
    let mut paths = [
        kiln_typed,
        kiln_dyn,
        wasmtime_typed,
        wasmtime_dyn,
        kiln_floor(&core)?,
        wasmtime_floor(&core)?,
    ];
    for path in &mut paths {
        path.check(&expected, warm_up)?;
    }
    eprintln!(
        "components: {rounds} round(s) of {calls} calls per path, {RECORDS} records per call"
    );
    for _ in 0..rounds {
        for path in &mut paths {
            path.round(calls)?;
        }
    }

    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let mut table = String::new();
    writeln!(
        table,
        "| path | median per call (µs) | best round (µs) | worst round (µs) |\n|---|---:|---:|---:|"
    )
    .unwrap();
    for path in &paths {
        let mut sorted = path.rounds.clone();
        sorted.sort();
        writeln!(
            table,
            "| {} | {:.1} | {:.1} | {:.1} |",
            path.name,
            us(path.median()),
            us(sorted[0]),
            us(sorted[sorted.len() - 1]),
        )
        .unwrap();
    }
    // The median over the rounds of each round's ratio.
    let ratio = |a: usize, b: usize| {
        let mut r: Vec<f64> = paths[a]
            .rounds
            .iter()
            .zip(&paths[b].rounds)
            .map(|(x, y)| x.as_secs_f64() / y.as_secs_f64())
            .collect();
        r.sort_by(f64::total_cmp);
        r[r.len() / 2]
    };
    let kiln_speedup = ratio(1, 0);
    let kiln_vs_wasmtime = ratio(0, 2);
    let mut ratios = String::new();
    writeln!(
        ratios,
        "| ratio (median of the rounds' ratios) | value | goal |\n|---|---:|---|\n\
         | Kiln dynamic / Kiln glue (speed-up of the glue) | {kiln_speedup:.2}× | ≥ 5× ({}) |\n\
         | Kiln glue / Wasmtime `bindgen!` | {kiln_vs_wasmtime:.2} | ≤ 1 ({}) |\n\
         | Wasmtime dynamic / Wasmtime `bindgen!` | {:.2}× | |\n\
         | Kiln dynamic / Wasmtime dynamic | {:.2} | |\n\
         | Kiln glue / Kiln floor | {:.2} | |\n\
         | Wasmtime `bindgen!` / Wasmtime floor | {:.2} | |\n\
         | Kiln dynamic / Kiln floor (the most any glue could gain over it) | {:.2}× | |\n\
         | Kiln floor / Wasmtime floor | {:.2} | |",
        if kiln_speedup >= 5.0 {
            "met"
        } else {
            "**not met**"
        },
        if kiln_vs_wasmtime <= 1.0 {
            "met"
        } else {
            "**not met**"
        },
        ratio(3, 2),
        ratio(1, 3),
        ratio(0, 4),
        ratio(2, 5),
        ratio(1, 4),
        ratio(4, 5),
    )
    .unwrap();
    println!("{table}\n{ratios}");

    let markdown = format!(
        "# Component call with a list of records, {}\n\n{}\n\
         One call of `kiln:corpus/list-api#best-name: func(s: list<score>) -> string` \
         (`record score {{ name: string, value: f64 }}`) of the WIT corpus's `lists` guest \
         (`wit-tools/tests/guests/lists/lists.c`, built into a component by \
         `kiln-wit-guests`), with {RECORDS} records named `player-0` .. `player-999`; it returns \
         the name of the highest score. Each path has its own store and instance, and its \
         input built once before timing in its own representation: a `Vec<Score>` of the \
         generated record type for the glue (Kiln's from `kiln bindgen --lang rust`, \
         generated at build time; Wasmtime's from `bindgen!`), a `Val::List` of `Val::Record`s \
         for the dynamic paths. Every path's result was checked once before timing. A call \
         lowers the list (one `realloc` into the guest for the list, one per name), runs the \
         guest (which frees what it was given), lifts the string and runs `post-return`. The \
         two floors make the same calls into the guest's core module (`lists.core.wasm`, \
         before it became a component) through each engine's core API (`TypedFunc`s of \
         `cabi_realloc`, the export and its post-return function), lowering the records by \
         hand: the guest's own work and the crossings into it that every path pays, with \
         no component machinery.\n\n\
         Each path makes {warm_up} untimed calls, then {rounds} rounds of {calls} calls timed \
         one by one, the paths' rounds in turn; a figure is the median over the rounds of \
         each round's median call, and a ratio the median of the rounds' ratios (so that a \
         ratio compares calls made under the same load).{}\n\n{table}\n{ratios}",
        report::today(),
        report::environment(&bench),
        if quick {
            " **Quick (smoke-test) scale: not a measurement.**"
        } else {
            ""
        },
    );
    let results = bench.join("results");
    std::fs::create_dir_all(&results).map_err(|e| err("creating results/", e))?;
    let suffix = if quick {
        "-components-quick"
    } else {
        "-components"
    };
    let path = results.join(format!("{}{suffix}.md", report::today()));
    std::fs::write(&path, markdown).map_err(|e| err(&format!("writing {}", path.display()), e))?;
    eprintln!("wrote {}", path.display());
    Ok(true)
}
