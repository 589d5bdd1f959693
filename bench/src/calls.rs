//! `kiln-bench calls`: the cost of crossing between the host and wasm from
//! Rust, Kiln beside Wasmtime in one run: typed and dynamic calls into wasm,
//! calls from wasm into a host function, and instantiating a WASI program
//! through a linker that defines WASI.

use crate::report::{self, median};
use crate::runners::err;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ADD: &str = r#"(module
    (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))"#;

/// Calls the imported `inc` `n` times; what it returns is the last result.
const CALLS_HOST: &str = r#"(module
    (import "host" "inc" (func $inc (param i32) (result i32)))
    (func (export "run") (param $n i32) (result i32)
      (local $acc i32)
      (block $done
        (loop $next
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $acc (call $inc (local.get $acc)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $next)))
      local.get $acc))"#;

/// One measure: the time of each round's `per` operations on each engine.
struct Measure {
    name: &'static str,
    kiln: Vec<Duration>,
    wasmtime: Vec<Duration>,
    per: u32,
}

/// How long `f` takes, in all; the report divides by the operations made.
fn time(f: impl FnOnce() -> Result<(), String>) -> Result<Duration, String> {
    let start = Instant::now();
    f()?;
    Ok(start.elapsed())
}

/// A C program built for wasm32-wasi with clang: `examples/ls.c`.
fn wasi_program(bench: &Path) -> Result<PathBuf, String> {
    let out = bench.join("build").join("ls.wasm");
    if out.exists() {
        return Ok(out);
    }
    std::fs::create_dir_all(bench.join("build")).map_err(|e| err("build/", e))?;
    let status = std::process::Command::new("clang")
        .args(["--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-o"])
        .arg(&out)
        .arg(bench.join("../examples/ls.c"))
        .status()
        .map_err(|e| err("clang (apt-get install clang lld wasi-libc)", e))?;
    if !status.success() {
        return Err("clang could not build examples/ls.c for wasm32-wasi".into());
    }
    Ok(out)
}

pub fn calls(runs: usize, quick: bool) -> Result<bool, String> {
    let bench = crate::bench_dir();
    let n: u32 = if quick { 100_000 } else { 5_000_000 };
    let instantiations: u32 = if quick { 100 } else { 2_000 };
    let wasi_wasm = std::fs::read(wasi_program(&bench)?).map_err(|e| err("ls.wasm", e))?;

    // Kiln.
    let k_engine = kiln::Engine::default();
    let k_add_module = kiln::Module::new(&k_engine, ADD).map_err(|e| err("kiln", e))?;
    let mut k_store = kiln::Store::new(&k_engine, ());
    let k_instance =
        kiln::Instance::new(&mut k_store, &k_add_module, &[]).map_err(|e| err("kiln", e))?;
    let k_add = k_instance
        .get_typed_func::<(i32, i32), i32>(&mut k_store, "add")
        .map_err(|e| err("kiln", e))?;
    let k_add_dyn = *k_add.func();
    let k_host_module = kiln::Module::new(&k_engine, CALLS_HOST).map_err(|e| err("kiln", e))?;
    let k_inc = kiln::Func::wrap(&mut k_store, |x: i32| x.wrapping_add(1));
    let k_host_instance = kiln::Instance::new(&mut k_store, &k_host_module, &[k_inc.into()])
        .map_err(|e| err("kiln", e))?;
    let k_run = k_host_instance
        .get_typed_func::<i32, i32>(&mut k_store, "run")
        .map_err(|e| err("kiln", e))?;
    let k_wasi_module = kiln::Module::new(&k_engine, &wasi_wasm).map_err(|e| err("kiln", e))?;
    let mut k_linker = kiln::Linker::<kiln_wasi::WasiCtx>::new(&k_engine);
    kiln_wasi::add_to_linker(&mut k_linker, |ctx| ctx).map_err(|e| err("kiln", e))?;

    // Wasmtime.
    let w_engine = wasmtime::Engine::default();
    let w_add_module = wasmtime::Module::new(&w_engine, ADD).map_err(|e| err("wasmtime", e))?;
    let mut w_store = wasmtime::Store::new(&w_engine, ());
    let w_instance = wasmtime::Instance::new(&mut w_store, &w_add_module, &[])
        .map_err(|e| err("wasmtime", e))?;
    let w_add = w_instance
        .get_typed_func::<(i32, i32), i32>(&mut w_store, "add")
        .map_err(|e| err("wasmtime", e))?;
    let w_add_dyn = w_instance
        .get_func(&mut w_store, "add")
        .ok_or("wasmtime: no add")?;
    let w_host_module =
        wasmtime::Module::new(&w_engine, CALLS_HOST).map_err(|e| err("wasmtime", e))?;
    let w_inc = wasmtime::Func::wrap(&mut w_store, |x: i32| x.wrapping_add(1));
    let w_host_instance = wasmtime::Instance::new(&mut w_store, &w_host_module, &[w_inc.into()])
        .map_err(|e| err("wasmtime", e))?;
    let w_run = w_host_instance
        .get_typed_func::<i32, i32>(&mut w_store, "run")
        .map_err(|e| err("wasmtime", e))?;
    let w_wasi_module =
        wasmtime::Module::new(&w_engine, &wasi_wasm).map_err(|e| err("wasmtime", e))?;
    let mut w_linker = wasmtime::Linker::<wasmtime_wasi::p1::WasiP1Ctx>::new(&w_engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut w_linker, |ctx| ctx)
        .map_err(|e| err("wasmtime", e))?;

    let mut measures = [
        Measure {
            name: "TypedFunc::call of add(i32, i32)",
            kiln: vec![],
            wasmtime: vec![],
            per: n,
        },
        Measure {
            name: "Func::call of add(i32, i32) with Vals",
            kiln: vec![],
            wasmtime: vec![],
            per: n,
        },
        Measure {
            name: "wasm -> host call through Func::wrap",
            kiln: vec![],
            wasmtime: vec![],
            per: n,
        },
        Measure {
            name: "instantiate a WASI program (examples/ls.c) through a linker with WASI",
            kiln: vec![],
            wasmtime: vec![],
            per: instantiations,
        },
    ];
    for round in 0..runs.max(1) {
        eprintln!("calls: round {} of {}", round + 1, runs.max(1));
        // Kiln.
        measures[0].kiln.push(time(|| {
            let mut acc = 0i32;
            for i in 0..n as i32 {
                acc = k_add
                    .call(&mut k_store, (acc, i))
                    .map_err(|e| err("kiln", e))?;
            }
            std::hint::black_box(acc);
            Ok(())
        })?);
        measures[1].kiln.push(time(|| {
            let mut result = [kiln::Val::I32(0)];
            for i in 0..n as i32 {
                let acc = result[0].clone();
                k_add_dyn
                    .call(&mut k_store, &[acc, kiln::Val::I32(i)], &mut result)
                    .map_err(|e| err("kiln", e))?;
            }
            std::hint::black_box(&result);
            Ok(())
        })?);
        measures[2].kiln.push(time(|| {
            let got = k_run
                .call(&mut k_store, n as i32)
                .map_err(|e| err("kiln", e))?;
            if got != n as i32 {
                return Err(format!("kiln: run returned {got}, not {n}"));
            }
            Ok(())
        })?);
        measures[3].kiln.push(time(|| {
            for _ in 0..instantiations {
                let ctx = kiln_wasi::WasiConfig::new()
                    .build()
                    .map_err(|e| err("kiln", e))?;
                let mut store = kiln::Store::new(&k_engine, ctx);
                k_linker
                    .instantiate(&mut store, &k_wasi_module)
                    .map_err(|e| err("kiln", e))?;
            }
            Ok(())
        })?);
        // Wasmtime.
        measures[0].wasmtime.push(time(|| {
            let mut acc = 0i32;
            for i in 0..n as i32 {
                acc = w_add
                    .call(&mut w_store, (acc, i))
                    .map_err(|e| err("wasmtime", e))?;
            }
            std::hint::black_box(acc);
            Ok(())
        })?);
        measures[1].wasmtime.push(time(|| {
            let mut result = [wasmtime::Val::I32(0)];
            for i in 0..n as i32 {
                let acc = result[0];
                w_add_dyn
                    .call(&mut w_store, &[acc, wasmtime::Val::I32(i)], &mut result)
                    .map_err(|e| err("wasmtime", e))?;
            }
            std::hint::black_box(&result);
            Ok(())
        })?);
        measures[2].wasmtime.push(time(|| {
            let got = w_run
                .call(&mut w_store, n as i32)
                .map_err(|e| err("wasmtime", e))?;
            if got != n as i32 {
                return Err(format!("wasmtime: run returned {got}, not {n}"));
            }
            Ok(())
        })?);
        measures[3].wasmtime.push(time(|| {
            for _ in 0..instantiations {
                let ctx = wasmtime_wasi::WasiCtxBuilder::new().build_p1();
                let mut store = wasmtime::Store::new(&w_engine, ctx);
                w_linker
                    .instantiate(&mut store, &w_wasi_module)
                    .map_err(|e| err("wasmtime", e))?;
            }
            Ok(())
        })?);
    }
    let mut table =
        String::from("| measure | Kiln | Wasmtime 48 | Kiln/Wasmtime |\n|---|---:|---:|---:|\n");
    for m in &mut measures {
        let (k, w) = (median(&mut m.kiln), median(&mut m.wasmtime));
        let per = f64::from(m.per);
        let unit = |d: Duration| {
            let ns = d.as_secs_f64() * 1e9 / per;
            if ns >= 10_000.0 {
                format!("{:.1} µs", ns / 1e3)
            } else {
                format!("{ns:.1} ns")
            }
        };
        let _ = writeln!(
            table,
            "| {} | {} | {} | {:.2} |",
            m.name,
            unit(k),
            unit(w),
            k.as_secs_f64() / w.as_secs_f64()
        );
    }
    println!("{table}");
    let markdown =
        format!(
        "# Kiln and Wasmtime: calls between Rust and wasm, {}\n\n{}\nMedians of {} interleaved \
         round(s); each round makes {n} calls per call measure and {instantiations} \
         instantiations, each into a new store with a default WASI context.{}\n\n{table}",
        report::today(),
        report::environment(&bench),
        runs.max(1),
        if quick { " **Quick (smoke-test) scale: not a measurement.**" } else { "" },
    );
    let suffix = if quick { "-quick" } else { "" };
    let path = bench
        .join("results")
        .join(format!("{}-calls{suffix}.md", report::today()));
    std::fs::write(&path, markdown).map_err(|e| err(&format!("writing {}", path.display()), e))?;
    eprintln!("wrote {}", path.display());
    Ok(true)
}
