//! Compiling never panics, validation and compilation agree, and every module
//! wasm-smith generates within the features Kiln has (all of them on: see
//! `kiln_full_smith_config`) compiles.
#![no_main]

use arbitrary::Unstructured;
use kiln::Module;
use kiln_fuzz::{default_engine, full_engine, generate, kiln_full_smith_config};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    kiln_fuzz::note_input(data);
    // The first byte picks the mode so one corpus (and one run) covers both:
    // raw bytes reach the binary decoder's error paths, which generated
    // modules never do, and generated modules reach the compiler, which
    // random bytes almost never get past the decoder to.
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        raw_bytes(rest);
    } else {
        generated(rest);
    }
});

fn raw_bytes(bytes: &[u8]) {
    let engine = default_engine();
    let validated = Module::validate(engine, bytes);
    // `Module::new` on anything not starting with the magic number goes to the
    // text parser; both paths must fail cleanly rather than panic.
    let compiled = Module::new(engine, bytes);
    match (&validated, &compiled) {
        (Ok(()), Ok(_)) | (Err(_), Err(_)) => {}
        (Ok(()), Err(e)) if bytes.starts_with(b"\0asm") => {
            panic!("validate accepted the module but compiling failed: {e}")
        }
        (Err(e), Ok(_)) if bytes.starts_with(b"\0asm") => {
            panic!("compiling accepted the module but validate rejected it: {e}")
        }
        // Text that happens to parse: `validate` only takes the binary format.
        _ => {}
    }
}

fn generated(rest: &[u8]) {
    let mut u = Unstructured::new(rest);
    let Some(wasm) = generate(kiln_full_smith_config(), &mut u) else {
        return;
    };
    let engine = full_engine();
    if let Err(e) = Module::validate(engine, &wasm) {
        panic!("a valid generated module failed validation: {e}");
    }
    if let Err(e) = Module::new(engine, &wasm) {
        panic!("a valid generated module failed to compile: {e}");
    }
}
