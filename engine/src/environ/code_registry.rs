//! A process-wide map from code addresses to the functions and trap sites they
//! belong to: the compiler registers what it places, the trap handler asks
//! whether a fault is in compiled code, and a trap names its code and builds
//! its backtrace from it.

use super::trap::TrapCode;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

/// Names shared by all functions of one module.
#[derive(Debug, Default)]
pub(crate) struct ModuleNames {
    pub module_name: Option<String>,
    pub func_names: std::collections::HashMap<u32, String>,
}

/// One compiled function's placement and trap sites.
#[derive(Debug)]
pub(crate) struct FunctionCode {
    pub len: usize,
    /// `None` for trampolines, which are not wasm frames.
    pub func_index: Option<u32>,
    /// Byte offset of the function's body in its module.
    pub body_offset: u32,
    pub names: Arc<ModuleNames>,
    /// (offset from the function start, trap code), sorted by offset; only
    /// sites that trap with a code of their own (not those where host code
    /// recorded the reason first).
    pub traps: Vec<(u32, TrapCode)>,
    /// (offset from the function start, wasm byte offset), sorted by code offset.
    pub srclocs: Vec<(u32, u32)>,
}

static REGISTRY: RwLock<BTreeMap<usize, Arc<FunctionCode>>> = RwLock::new(BTreeMap::new());

pub(crate) fn register(start: usize, code: Arc<FunctionCode>) {
    REGISTRY
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert(start, code);
}

pub(crate) fn unregister(start: usize) {
    REGISTRY
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&start);
}

/// The function containing `pc`, and `pc`'s offset in it.
pub(crate) fn lookup(pc: usize) -> Option<(Arc<FunctionCode>, u32)> {
    let registry = REGISTRY.read().unwrap_or_else(|e| e.into_inner());
    let (&start, code) = registry.range(..=pc).next_back()?;
    if pc < start + code.len {
        Some((code.clone(), (pc - start) as u32))
    } else {
        None
    }
}

impl FunctionCode {
    pub fn trap_at(&self, offset: u32) -> Option<TrapCode> {
        self.traps
            .binary_search_by_key(&offset, |&(o, _)| o)
            .ok()
            .map(|i| self.traps[i].1)
    }

    pub fn srcloc_at(&self, offset: u32) -> Option<u32> {
        let i = match self.srclocs.binary_search_by_key(&offset, |&(o, _)| o) {
            Ok(i) => i,
            Err(0) => return None,
            Err(i) => i - 1,
        };
        Some(self.srclocs[i].1)
    }
}
