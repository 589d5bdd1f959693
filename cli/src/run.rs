//! `kiln run`: instantiate a module with WASI and run it as a program, or
//! call one of its functions; or call a component's function (see
//! `run_component`).

use crate::args::{Budget, Cache, RunOptions};
use crate::{input, run_component, value, Failure};
use kiln::component::Component;
use kiln::{CacheConfig, Config, Engine, ExternType, Linker, Module, Store, StoreLimits, Val};
use kiln_wasi::{WasiConfig, WasiCtx};

/// Runs `_start` as a WASI program (its exit code becomes kiln's), or the
/// function named by `--invoke` with the arguments given, and prints the
/// results one a line.
pub(crate) fn command(options: &RunOptions) -> Result<(), Failure> {
    let file = options.file.display();
    let engine = engine(options)?;
    #[allow(unsafe_code)]
    let module = match input::read_artifact(&options.file)? {
        Some(_) if !options.allow_precompiled => {
            return Err(format!(
                "{file} is a module compiled by `kiln compile`, whose native code would run as it is; pass --allow-precompiled to run it"
            )
            .into());
        }
        // SAFETY: the user asked with --allow-precompiled to run the
        // artifact as trusted native code; format, version and bounds are
        // checked.
        Some(artifact) => unsafe { Module::deserialize(&engine, &artifact) },
        None => {
            let bytes = input::read_module(&options.file)?;
            if input::is_component(&bytes) {
                let component = Component::from_binary(&engine, &bytes)
                    .map_err(|e| format!("{file}: {}", e.message()))?;
                return run_component::command(options, &engine, &component);
            }
            Module::from_binary(&engine, &bytes)
        }
    }
    .map_err(|e| format!("{file}: {}", e.message()))?;

    // Everything about the call is checked before instantiation runs any
    // code.
    let name = match &options.invoke {
        Some(name) => name.as_str(),
        None => "_start",
    };
    let export = module.exports().find(|e| e.name() == name);
    let ty = match export.as_ref().map(|e| e.ty()) {
        Some(ExternType::Func(ty)) => ty.clone(),
        Some(other) => {
            return Err(
                format!("export `{name}` is a {}, not a function", other.kind_name()).into(),
            );
        }
        None if options.invoke.is_none() => {
            // `kiln run FILE --invoke NAME` gives the program `--invoke`.
            let hint = if options.args.iter().any(|a| a == "--invoke") {
                "; options go before FILE: kiln run --invoke NAME FILE [ARGS...]"
            } else {
                "; use --invoke NAME"
            };
            return Err(format!("module has no `_start` export{hint}").into());
        }
        None => {
            // `--invoke 'f(1)'` is how a component's function is called.
            let hint = match name.split_once('(') {
                Some((func, _)) => format!(
                    "; a module's function takes its arguments after FILE: \
                     kiln run --invoke {} FILE [ARGS...]",
                    func.trim()
                ),
                None => String::new(),
            };
            return Err(format!("module has no export named `{name}`{hint}").into());
        }
    };
    let params = ty.params();
    if options.invoke.is_some() && params.len() != options.args.len() {
        let types: Vec<String> = params.iter().map(|t| t.to_string()).collect();
        return Err(format!(
            "function `{name}` takes {} argument(s) ({}), got {}",
            params.len(),
            types.join(", "),
            options.args.len()
        )
        .into());
    }
    let func_args = match &options.invoke {
        Some(_) => options.args.as_slice(),
        None => &[],
    };
    let args = func_args
        .iter()
        .zip(params)
        .enumerate()
        .map(|(i, (text, ty))| {
            value::parse(text, *ty).map_err(|e| format!("argument {} of `{name}`: {e}", i + 1))
        })
        .collect::<Result<Vec<Val>, String>>()?;

    let wasi = wasi_context(options)?;
    let mut store = Store::new(&engine, wasi);
    apply_budget(&mut store, &engine, &options.budget)?;
    let mut linker = Linker::<WasiCtx>::new(&engine);
    kiln_wasi::add_to_linker(&mut linker, |ctx| ctx)
        .map_err(|e| format!("cannot define WASI: {}", e.message()))?;
    if options.trap_unknown_imports {
        linker
            .define_unknown_imports_as_traps(&module)
            .map_err(|e| format!("cannot define the unknown imports: {}", e.message()))?;
    }
    let instance = linker
        .instantiate(&mut store, &module)
        .map_err(|e| Failure::from_kiln(e, &format!("cannot instantiate {file}")))?;
    let func = instance
        .get_func(&mut store, name)
        .ok_or_else(|| format!("module has no exported function `{name}`"))?;
    let mut results = vec![Val::I32(0); ty.results().len()];
    if let Err(err) = func.call(&mut store, &args, &mut results) {
        return Err(match err.i32_exit() {
            Some(code) => Failure::Exit(code),
            None => Failure::from_kiln(err, &format!("calling `{name}` failed")),
        });
    }
    for result in &results {
        println!("{}", value::format(result));
    }
    Ok(())
}

/// The engine the options ask for: fuel and epochs when the budget needs
/// them, the stack limit, the cache.
fn engine(options: &RunOptions) -> Result<Engine, Failure> {
    let budget = &options.budget;
    let mut config = Config::default();
    config
        .consume_fuel(budget.fuel.is_some())
        .epoch_interruption(budget.timeout.is_some());
    if let Some(bytes) = budget.max_wasm_stack {
        config.max_wasm_stack(bytes);
    }
    config.cache(match &options.cache {
        Cache::Off => None,
        Cache::DefaultLocation => {
            Some(CacheConfig::from_default_location().map_err(|e| e.message().to_string())?)
        }
        Cache::ConfigFile(path) => {
            Some(CacheConfig::from_file(path).map_err(|e| e.message().to_string())?)
        }
    });
    Engine::new(&config).map_err(|e| format!("cannot create the engine: {}", e.message()).into())
}

/// Gives `store` the run's budget: its fuel, memory limit and timeout (a
/// thread that ends the store's epoch once the time is out).
pub(crate) fn apply_budget<T>(
    store: &mut Store<T>,
    engine: &Engine,
    budget: &Budget,
) -> Result<(), Failure> {
    if let Some(fuel) = budget.fuel {
        store
            .set_fuel(fuel)
            .map_err(|e| format!("cannot set the fuel: {}", e.message()))?;
    }
    if let Some(bytes) = budget.max_memory {
        store.set_limits(StoreLimits::new().memory_size(bytes));
    }
    if let Some(timeout) = budget.timeout {
        // One epoch tick ends the run: the ticker sleeps out the timeout
        // and exits with the process if the program finishes first.
        store.set_epoch_deadline(1);
        let ticker = engine.clone();
        std::thread::spawn(move || {
            std::thread::sleep(timeout);
            ticker.increment_epoch();
        });
    }
    Ok(())
}

/// What the guest may see: its arguments (FILE, then ARGS unless they are
/// `--invoke`'s), the environment asked for, kiln's stdio and the `--dir`
/// directories.
fn wasi_context(options: &RunOptions) -> Result<WasiCtx, Failure> {
    let mut config = WasiConfig::new()
        .arg(options.file.to_string_lossy())
        .inherit_stdin()
        .inherit_stdout()
        .inherit_stderr();
    if options.invoke.is_none() {
        config = config.args(&options.args);
    }
    // `--env` overrides an inherited variable of the same name, and a later
    // `--env` an earlier one, so each name is given once.
    let mut env: Vec<(String, String)> = Vec::new();
    // A variable that is not UTF-8 cannot be passed, and is left out.
    let inherited = options
        .inherit_env
        .then(std::env::vars_os)
        .into_iter()
        .flatten()
        .filter_map(|(key, value)| Some((key.into_string().ok()?, value.into_string().ok()?)));
    for (key, value) in inherited.chain(options.env.iter().cloned()) {
        match env.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => env.push((key, value)),
        }
    }
    for (key, value) in env {
        config = config.env(key, value);
    }
    for dir in &options.dirs {
        config = config.preopened_dir(&dir.host, &dir.guest, false);
    }
    config
        .build()
        .map_err(|e| Failure::Error(e.message().to_string()))
}
