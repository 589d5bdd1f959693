//! Runtime tests of the generated Rust and C glue over real guest
//! components.

mod cases;
mod dispatch_c;
mod dispatch_gen;
mod dispatch_go;
mod hosts;
mod replay;
mod replay_c;
mod results;
mod values;
mod wire;
