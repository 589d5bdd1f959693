//! The checked-in Rust golden files, compiled: each world's bindings as a
//! module of this test crate, against `kiln::component`.

#![allow(dead_code)]

/// The `lists` world.
pub mod lists {
    include!("../golden/rust/lists/lists.rs");
}

/// The `resources` world.
pub mod resources {
    include!("../golden/rust/resources/resources.rs");
}

/// The `scalars` world.
pub mod scalars {
    include!("../golden/rust/scalars/scalars.rs");
}

/// The `traps` world.
pub mod traps {
    include!("../golden/rust/traps/traps.rs");
}

/// The `variants` world.
pub mod variants {
    include!("../golden/rust/variants/variants.rs");
}
