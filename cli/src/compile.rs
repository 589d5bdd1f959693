//! `kiln compile`: compile a module ahead of time.

use crate::args::CompileOptions;
use crate::{input, Failure};
use kiln::{Config, Engine, Module};

/// Writes the compiled module to the output file.
pub(crate) fn command(options: &CompileOptions) -> Result<(), Failure> {
    let file = options.file.display();
    let bytes = input::read_module(&options.file)?;
    let engine = Engine::new(&Config::default())
        .map_err(|e| format!("cannot create the engine: {}", e.message()))?;
    let module =
        Module::from_binary(&engine, &bytes).map_err(|e| format!("{file}: {}", e.message()))?;
    let artifact = module
        .serialize()
        .map_err(|e| format!("{file}: {}", e.message()))?;
    std::fs::write(&options.output, artifact)
        .map_err(|e| format!("cannot write {}: {e}", options.output.display()))?;
    Ok(())
}
