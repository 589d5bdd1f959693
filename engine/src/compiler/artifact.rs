//! The serialized form of a compiled module: a header naming the engine that
//! made it, the module's original bytes (re-read for metadata, which is cheap)
//! and every function's machine code with its relocations, trap sites and
//! source locations (so nothing is recompiled).

use super::code::{CompiledFunction, Reloc, RelocTarget};
use crate::environ::error::{Error, ErrorKind, Result};
use crate::environ::tunables::Tunables;
use cranelift_codegen::binemit::Reloc as RelocKind;
use cranelift_codegen::ir::{LibCall, TrapCode};
use cranelift_codegen::isa::TargetIsa;
use std::num::NonZeroU8;

const MAGIC: &[u8; 8] = b"KILNART\x01";

/// Every relocation kind, indexed by its serialized number.
const RELOC_KINDS: &[RelocKind] = &[
    RelocKind::Abs4,
    RelocKind::Abs8,
    RelocKind::X86PCRel4,
    RelocKind::X86CallPCRel4,
    RelocKind::X86CallPLTRel4,
    RelocKind::X86GOTPCRel4,
    RelocKind::Arm64Call,
    RelocKind::Aarch64AdrGotPage21,
    RelocKind::Aarch64Ld64GotLo12Nc,
    RelocKind::Aarch64AdrPrelPgHi21,
    RelocKind::Aarch64AddAbsLo12Nc,
];

/// What must match for an artifact to be loaded: Kiln's version, the
/// target, every Cranelift setting, the enabled wasm features and the
/// settings that add checks to compiled code (fuel, epochs, bounds).
pub(crate) fn fingerprint(isa: &dyn TargetIsa, tunables: &Tunables) -> String {
    let isa_flags: Vec<String> = isa.isa_flags().iter().map(|v| v.to_string()).collect();
    format!(
        "kiln {} cranelift 0.135 {} [{}] [{}] features {:#x} fuel {} epoch {} explicit bounds {}",
        env!("CARGO_PKG_VERSION"),
        isa.triple(),
        isa.flags(),
        isa_flags.join(" "),
        tunables.features.bits(),
        tunables.consume_fuel,
        tunables.epoch_interruption,
        tunables.explicit_bounds_checks,
    )
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.0.extend_from_slice(b);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

fn corrupt() -> Error {
    Error::new(
        ErrorKind::Validation,
        "the compiled module is truncated or corrupt",
    )
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or_else(corrupt)?;
        let b = self.bytes.get(self.pos..end).ok_or_else(corrupt)?;
        self.pos = end;
        Ok(b)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
    fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = usize::try_from(self.u64()?).map_err(|_| corrupt())?;
        self.take(n)
    }
    /// A count of items each at least `min_size` bytes long, checked against
    /// what is left so a corrupt count cannot make us allocate wildly.
    fn count(&mut self, min_size: usize) -> Result<usize> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_size) > self.bytes.len() - self.pos {
            return Err(corrupt());
        }
        Ok(n)
    }
}

pub(crate) fn serialize(
    fingerprint: &str,
    wasm: &[u8],
    functions: &[CompiledFunction],
) -> Result<Vec<u8>> {
    let mut w = Writer(Vec::with_capacity(wasm.len() * 2));
    w.0.extend_from_slice(MAGIC);
    w.bytes(fingerprint.as_bytes());
    w.bytes(wasm);
    w.u32(functions.len() as u32);
    for f in functions {
        w.bytes(&f.bytes);
        w.u64(f.alignment);
        w.u32(f.relocs.len() as u32);
        for r in &f.relocs {
            let kind = RELOC_KINDS
                .iter()
                .position(|k| *k == r.kind)
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::Compile,
                        format!("cannot serialize relocation kind {:?}", r.kind),
                    )
                })?;
            w.u32(r.offset);
            w.u8(kind as u8);
            match r.target {
                RelocTarget::Func(i) => {
                    w.u8(0);
                    w.u32(i);
                }
                RelocTarget::LibCall(lc) => {
                    let i = LibCall::all_libcalls()
                        .iter()
                        .position(|l| *l == lc)
                        .expect("every libcall is listed");
                    w.u8(1);
                    w.u32(i as u32);
                }
            }
            w.u64(r.addend as u64);
        }
        w.u32(f.traps.len() as u32);
        for (offset, code) in &f.traps {
            w.u32(*offset);
            w.u8(code.as_raw().get());
        }
        w.u32(f.srclocs.len() as u32);
        for (offset, loc) in &f.srclocs {
            w.u32(*offset);
            w.u32(*loc);
        }
    }
    Ok(w.0)
}

/// Reads an artifact made by an engine with the same `fingerprint`; returns
/// the module's bytes and its compiled functions.
pub(crate) fn deserialize<'a>(
    fingerprint: &str,
    bytes: &'a [u8],
) -> Result<(&'a [u8], Vec<CompiledFunction>)> {
    if !bytes.starts_with(MAGIC) {
        return Err(Error::new(
            ErrorKind::Validation,
            "not a compiled Kiln module (bad magic bytes)",
        ));
    }
    let mut r = Reader {
        bytes,
        pos: MAGIC.len(),
    };
    let made_by = r.bytes()?;
    if made_by != fingerprint.as_bytes() {
        return Err(Error::new(
            ErrorKind::Validation,
            format!(
                "the compiled module was made by a different engine or configuration: `{}`, but this engine is `{fingerprint}`",
                String::from_utf8_lossy(made_by)
            ),
        ));
    }
    let wasm = r.bytes()?;
    let n = r.count(20)?;
    let mut functions = Vec::with_capacity(n);
    for _ in 0..n {
        let code = r.bytes()?.to_vec();
        let alignment = r.u64()?;
        let mut relocs = Vec::new();
        for _ in 0..r.count(18)? {
            let offset = r.u32()?;
            let kind = *RELOC_KINDS.get(r.u8()? as usize).ok_or_else(corrupt)?;
            let target = match (r.u8()?, r.u32()?) {
                (0, i) if (i as usize) < n => RelocTarget::Func(i),
                (1, i) => RelocTarget::LibCall(
                    *LibCall::all_libcalls()
                        .get(i as usize)
                        .ok_or_else(corrupt)?,
                ),
                _ => return Err(corrupt()),
            };
            let addend = r.u64()? as i64;
            relocs.push(Reloc {
                offset,
                kind,
                target,
                addend,
            });
        }
        let mut traps = Vec::new();
        for _ in 0..r.count(5)? {
            let offset = r.u32()?;
            let raw = NonZeroU8::new(r.u8()?).ok_or_else(corrupt)?;
            traps.push((offset, TrapCode::from_raw(raw)));
        }
        let mut srclocs = Vec::new();
        for _ in 0..r.count(8)? {
            srclocs.push((r.u32()?, r.u32()?));
        }
        functions.push(CompiledFunction {
            bytes: code,
            alignment,
            relocs,
            traps,
            srclocs,
        });
    }
    if r.pos != bytes.len() {
        return Err(corrupt());
    }
    Ok((wasm, functions))
}
