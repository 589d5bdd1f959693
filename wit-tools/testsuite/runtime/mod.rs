//! Runtime tests of the generated Rust glue over real guest components.

mod cases;
mod dispatch_c;
mod dispatch_gen;
mod hosts;
mod replay;
mod values;
