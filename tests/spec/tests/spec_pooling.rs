//! The spec testsuite again, every required file with the pooling
//! allocator's default configuration: instances, memories and tables from
//! pools, memory slots of 256 MiB that compiled code checks explicitly,
//! slots reset and reused as the files' stores come and go. The known
//! failures are the same as allocating on demand; the informational report
//! is not repeated. `KILN_SPEC_FILTER` works as for `spec`.

mod suite;

fn main() -> std::process::ExitCode {
    suite::main(suite::Allocation::Pooling)
}
