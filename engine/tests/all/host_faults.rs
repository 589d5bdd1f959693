//! A fault in host code that wasm called is a bug in that code, not a wasm
//! trap: Kiln's signal handler turns only faults at compiled-code addresses
//! into traps and hands any other to the handler installed before it (or
//! the default action), so the process dies of the signal instead of
//! unwinding across Rust frames. Each case runs in a child process: this
//! test binary again, told by an environment variable which fault to make.

use kiln::{Engine, Func, Instance, Module, Store};
use std::os::unix::process::ExitStatusExt;
use std::process::Command;

const CASE: &str = "KILN_HOST_FAULT_CASE";
const TEST: &str = "host_faults::a_fault_in_host_code_called_from_wasm_kills_the_process";

/// An address whose access faults with `signal`: a page mapped without
/// access (SIGSEGV), or a page of a file mapped past the file's end (SIGBUS).
fn faulting_address(signal: i32) -> *const u8 {
    let page = 4096;
    // SAFETY: plain mmap calls with valid arguments; the mappings are never
    // unmapped, and the child that makes them exits right after.
    unsafe {
        let (prot, flags, fd) = if signal == libc::SIGBUS {
            let file = libc::memfd_create(c"kiln-empty".as_ptr(), 0);
            assert!(file >= 0);
            (libc::PROT_READ, libc::MAP_SHARED, file)
        } else {
            (libc::PROT_NONE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1)
        };
        let addr = libc::mmap(std::ptr::null_mut(), page, prot, flags, fd, 0);
        assert_ne!(addr, libc::MAP_FAILED);
        addr as *const u8
    }
}

/// In the child: wasm calls a host function that reads `address`.
fn fault_from_host(signal: i32) -> ! {
    let address = faulting_address(signal) as usize;
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "host" "read" (func $read (result i32)))
             (func (export "run") (result i32) call $read))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let read = Func::wrap(&mut store, move || -> i32 {
        // SAFETY: none: the read faults before it yields a value, on
        // purpose, in a child process that exists only to die of it.
        i32::from(unsafe { std::ptr::read_volatile(address as *const u8) })
    });
    let instance = Instance::new(&mut store, &module, &[read.into()]).unwrap();
    let run = instance
        .get_typed_func::<(), i32>(&mut store, "run")
        .unwrap();
    // Reaching this line means the fault came back as something else.
    println!(
        "the call returned {:?}",
        run.call(&mut store, ()).map_err(|e| e.to_string())
    );
    std::process::exit(3)
}

#[test]
fn a_fault_in_host_code_called_from_wasm_kills_the_process() {
    if let Ok(case) = std::env::var(CASE) {
        fault_from_host(case.parse().unwrap());
    }
    for signal in [libc::SIGSEGV, libc::SIGBUS] {
        let out = Command::new(std::env::current_exe().unwrap())
            .args([TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(CASE, signal.to_string())
            .output()
            .unwrap();
        assert_eq!(
            out.status.signal(),
            Some(signal),
            "signal {signal}: {:?}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
