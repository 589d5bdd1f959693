//! `kiln-wit-guests [WORLD...]`: builds the corpus's guests (all of them, or
//! the worlds named) into components and prints where each one is.
#![forbid(unsafe_code)]

use anyhow::Result;
use kiln_wit_guests::{build, build_all, Options};

fn main() -> Result<()> {
    let options = Options::default();
    let worlds: Vec<String> = std::env::args().skip(1).collect();
    let guests = if worlds.is_empty() {
        build_all(&options)?
    } else {
        worlds
            .iter()
            .map(|world| build(&options, world))
            .collect::<Result<_>>()?
    };
    for guest in guests {
        let state = if guest.rebuilt { "built" } else { "up to date" };
        println!("{} ({state}): {}", guest.world, guest.component.display());
    }
    Ok(())
}
