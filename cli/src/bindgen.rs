//! `kiln bindgen`: typed host glue for a WIT world, from `kiln-wit`.

use crate::args::BindgenOptions;
use crate::Failure;

/// Generates the glue and writes it to `--out`, printing each file's path.
/// An error in the WIT fails with its `file:line:col: message`.
pub(crate) fn command(options: &BindgenOptions) -> Result<(), Failure> {
    let backend: Box<dyn kiln_wit::Backend> = if options.lang == "python" {
        Box::new(kiln_wit::python::Options {
            raise_errors: options.raise_errors.clone(),
        })
    } else if !options.raise_errors.is_empty() {
        return Err(format!("--raise-errors is for --lang python, not {}", options.lang).into());
    } else {
        kiln_wit::backend(&options.lang)
            .ok_or_else(|| format!("unknown language `{}`", options.lang))?
    };
    let wit = kiln_wit::Wit::load(&options.wit).map_err(|e| e.to_string())?;
    let world = wit
        .analyse(options.world.as_deref())
        .map_err(|e| e.to_string())?;
    let files = backend
        .generate(&world)
        .map_err(|e| format!("generating {} glue: {e:#}", options.lang))?;
    files
        .write_to(&options.out)
        .map_err(|e| format!("writing to {}: {e}", options.out.display()))?;
    for (name, _) in files.iter() {
        println!("{}", options.out.join(name).display());
    }
    Ok(())
}
