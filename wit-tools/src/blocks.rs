//! The blocks of code a [`Bindgen`](crate::abi::Bindgen) back end builds:
//! `wit-bindgen-core` generates a variant's arms and a list's element code
//! as blocks, each finished with its results before the instruction that
//! uses them (`VariantLift`, `ListLower`, ...) takes them. Every back end
//! that emits source text keeps them the same way, here.

use crate::source::Source;

/// A finished block: its code and results, with the names it bound for
/// the instruction that takes it (a variant arm's payload, a list
/// element, the element's address).
pub struct Block {
    pub code: String,
    pub results: Vec<String>,
    pub payload: Option<String>,
    pub elem: Option<String>,
    pub base: Option<String>,
}

#[derive(Default)]
struct Names {
    payload: Option<String>,
    elem: Option<String>,
    base: Option<String>,
}

/// The code being generated, the blocks open around it, and the blocks
/// finished but not yet taken.
#[derive(Default)]
pub struct Blocks {
    /// The code of the innermost open block (or of the function).
    pub src: Source,
    open: Vec<(Source, Names)>,
    names: Names,
    done: Vec<Block>,
    tmp: usize,
}

impl Blocks {
    /// A new name, `base` followed by a number.
    pub fn fresh(&mut self, base: &str) -> String {
        self.tmp += 1;
        format!("{base}{}", self.tmp)
    }

    /// Opens a block (`Bindgen::push_block`).
    pub fn push(&mut self) {
        let outer = std::mem::take(&mut self.src);
        let names = std::mem::take(&mut self.names);
        self.open.push((outer, names));
    }

    /// Finishes the innermost block with `results` (`Bindgen::finish_block`).
    pub fn finish(&mut self, results: &mut Vec<String>) {
        let (outer, names) = self.open.pop().expect("a block was pushed");
        let code = std::mem::replace(&mut self.src, outer).finish();
        let inner = std::mem::replace(&mut self.names, names);
        self.done.push(Block {
            code,
            results: std::mem::take(results),
            payload: inner.payload,
            elem: inner.elem,
            base: inner.base,
        });
    }

    /// The last `n` blocks finished, in order.
    pub fn take(&mut self, n: usize) -> Vec<Block> {
        let at = self.done.len() - n;
        self.done.split_off(at)
    }

    /// The name of the payload of the variant arm being generated
    /// (`VariantPayloadName`).
    pub fn payload_name(&mut self) -> String {
        let name = self.fresh("payload");
        self.names.payload = Some(name.clone());
        name
    }

    /// The name of the list element being lowered (`IterElem`).
    pub fn elem_name(&mut self) -> String {
        let name = self.fresh("e");
        self.names.elem = Some(name.clone());
        name
    }

    /// The name of the list element's address (`IterBasePointer`).
    pub fn base_name(&mut self) -> String {
        let name = self.fresh("base");
        self.names.base = Some(name.clone());
        name
    }

    /// Appends a finished block's code, keeping its indentation.
    pub fn append(&mut self, code: &str) {
        for l in code.lines() {
            self.src.verbatim(l);
        }
    }
}
