//! The checked-in Rust golden files, compiled: each world's bindings as a
//! module of this test crate, against `kiln::component`, each with the
//! dispatcher the runtime tests call its exports through.

#![allow(dead_code)]

/// The `lists` world.
pub mod lists {
    include!("../golden/rust/lists/lists.rs");

    /// Its exports by name.
    pub mod dispatch {
        include!("runtime/dispatch/lists.rs");
    }
}

/// The `resources` world.
pub mod resources {
    include!("../golden/rust/resources/resources.rs");

    /// Its exports by name.
    pub mod dispatch {
        include!("runtime/dispatch/resources.rs");
    }
}

/// The `scalars` world.
pub mod scalars {
    include!("../golden/rust/scalars/scalars.rs");

    /// Its exports by name.
    pub mod dispatch {
        include!("runtime/dispatch/scalars.rs");
    }
}

/// The `traps` world.
pub mod traps {
    include!("../golden/rust/traps/traps.rs");

    /// Its exports by name.
    pub mod dispatch {
        include!("runtime/dispatch/traps.rs");
    }
}

/// The `variants` world.
pub mod variants {
    include!("../golden/rust/variants/variants.rs");

    /// Its exports by name.
    pub mod dispatch {
        include!("runtime/dispatch/variants.rs");
    }
}

/// The test suite's edge cases, compiled only.
pub mod edge {
    /// The `empty` world.
    pub mod empty {
        include!("../golden/rust/edge/empty/empty.rs");
    }

    /// The `only-imports` world.
    pub mod only_imports {
        include!("../golden/rust/edge/only-imports/only_imports.rs");
    }

    /// The `only-exports` world.
    pub mod only_exports {
        include!("../golden/rust/edge/only-exports/only_exports.rs");
    }

    /// The `shared-resources` world.
    pub mod shared_resources {
        include!("../golden/rust/edge/shared-resources/shared_resources.rs");
    }
}
