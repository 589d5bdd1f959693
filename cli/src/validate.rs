//! `kiln validate`: check that a module is valid.

use crate::args::ValidateOptions;
use crate::{input, Failure};
use kiln::{Config, Engine, Module};

/// Prints `FILE: valid`, or fails with the reason the module is not.
pub(crate) fn command(options: &ValidateOptions) -> Result<(), Failure> {
    let file = options.file.display();
    let bytes = input::read_module(&options.file)?;
    let engine = Engine::new(&Config::default())
        .map_err(|e| format!("cannot create the engine: {}", e.message()))?;
    Module::validate(&engine, &bytes).map_err(|e| format!("{file}: {}", e.message()))?;
    println!("{file}: valid");
    Ok(())
}
