//! The C API's integration tests: one binary, a module per area.

mod c_programs;
mod kiln_header;
