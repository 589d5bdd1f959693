//! `kiln run`: instantiate a module and call one of its functions.

use crate::args::RunOptions;
use crate::{input, value, Failure};
use kiln::{Config, Engine, ExternType, Linker, Module, Store, Val};

/// Runs `_start`, or the function named by `--invoke` with the arguments
/// given, and prints the results one a line.
pub(crate) fn command(options: &RunOptions) -> Result<(), Failure> {
    let file = options.file.display();
    let bytes = input::read_module(&options.file)?;
    let engine = Engine::new(&Config::default())
        .map_err(|e| format!("cannot create the engine: {}", e.message()))?;
    let module =
        Module::from_binary(&engine, &bytes).map_err(|e| format!("{file}: {}", e.message()))?;

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
            return Err("module has no `_start` export; use --invoke NAME".into());
        }
        None => return Err(format!("module has no export named `{name}`").into()),
    };
    let params = ty.params();
    if params.len() != options.args.len() {
        let types: Vec<String> = params.iter().map(|t| t.to_string()).collect();
        return Err(format!(
            "function `{name}` takes {} argument(s) ({}), got {}",
            params.len(),
            types.join(", "),
            options.args.len()
        )
        .into());
    }
    let args = options
        .args
        .iter()
        .zip(params)
        .enumerate()
        .map(|(i, (text, ty))| {
            value::parse(text, *ty).map_err(|e| format!("argument {} of `{name}`: {e}", i + 1))
        })
        .collect::<Result<Vec<Val>, String>>()?;

    let mut store = Store::new(&engine, ());
    let linker = Linker::new(&engine);
    let instance = linker
        .instantiate(&mut store, &module)
        .map_err(|e| Failure::from_kiln(e, &format!("cannot instantiate {file}")))?;
    let func = instance
        .get_func(&mut store, name)
        .ok_or_else(|| format!("module has no exported function `{name}`"))?;
    let mut results = vec![Val::I32(0); ty.results().len()];
    func.call(&mut store, &args, &mut results)
        .map_err(|e| Failure::from_kiln(e, &format!("calling `{name}` failed")))?;
    for result in &results {
        println!("{}", value::format(result));
    }
    Ok(())
}
