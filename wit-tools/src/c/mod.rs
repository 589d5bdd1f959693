//! The C back end.

use crate::analysis::WorldAnalysis;
use crate::backend::{Backend, Files};

/// The C back end (`--lang c`).
#[derive(Debug, Clone, Copy, Default)]
pub struct C;

impl Backend for C {
    fn lang(&self) -> &'static str {
        "c"
    }

    fn generate(&self, analysis: &WorldAnalysis) -> anyhow::Result<Files> {
        let _ = analysis;
        Ok(Files::default())
    }
}
