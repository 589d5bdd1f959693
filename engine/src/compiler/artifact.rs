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
/// target, every Cranelift setting, the CPU features code may use, the
/// enabled wasm features, the settings that add checks to compiled code
/// (fuel, epochs, bounds) and the memory settings that decide which bounds
/// checks compiled code leaves to guard pages. One `name: value` line per part, each value on
/// one line, so a mismatch can be named part by part (see [`mismatch`]).
pub(crate) fn fingerprint(isa: &dyn TargetIsa, tunables: &Tunables) -> String {
    let one_line = |text: String| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let isa_flags: Vec<String> = isa.isa_flags().iter().map(|v| v.to_string()).collect();
    let memory = &tunables.memory;
    let parts = [
        ("kiln version", env!("CARGO_PKG_VERSION").to_string()),
        ("cranelift version", "0.135".to_string()),
        ("target", isa.triple().to_string()),
        ("cranelift settings", one_line(isa.flags().to_string())),
        ("CPU features", isa_flags.join(" ")),
        ("wasm features", format!("{:#x}", tunables.features.bits())),
        ("fuel", tunables.consume_fuel.to_string()),
        (
            "epoch interruption",
            tunables.epoch_interruption.to_string(),
        ),
        (
            "explicit bounds checks",
            tunables.explicit_bounds_checks.to_string(),
        ),
        ("memory reservation", memory.reservation.to_string()),
        ("memory guard size", memory.guard_size.to_string()),
        (
            "memory reservation for growth",
            memory.reservation_for_growth.to_string(),
        ),
        ("memory may move", memory.may_move.to_string()),
        (
            "instance allocation",
            match memory.pool {
                None => "on demand".to_string(),
                Some(pool) => format!("pooling, memory slots of {} bytes", pool.slot_bytes),
            },
        ),
    ];
    parts
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One line naming the first part in which an artifact's fingerprint
/// differs from this engine's, and how.
fn mismatch(made_by: &str, this: &str) -> String {
    let parse = |text: &str| -> Vec<(String, String)> {
        text.lines()
            .filter_map(|line| line.split_once(": "))
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    };
    let (theirs, ours) = (parse(made_by), parse(this));
    for (name, value) in &ours {
        let Some((_, their_value)) = theirs.iter().find(|(n, _)| n == name) else {
            continue;
        };
        if their_value == value {
            continue;
        }
        let only_in = |a: &str, b: &str| {
            let b: Vec<&str> = b.split_whitespace().collect();
            a.split_whitespace()
                .filter(|token| !b.contains(token))
                .collect::<Vec<_>>()
                .join(" ")
        };
        return format!(
            "the compiled module was made by an engine with other {name}: `{}` where this engine has `{}`",
            only_in(their_value, value),
            only_in(value, their_value)
        );
    }
    "the compiled module was made by another version of Kiln".to_string()
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

/// How many bytes of code a relocation of `kind` patches.
fn reloc_width(kind: RelocKind) -> usize {
    match kind {
        RelocKind::Abs8 => 8,
        _ => 4,
    }
}

/// Refuses a function whose relocations, trap sites or source locations
/// reach outside its own code, or whose alignment is not a power of two up
/// to a page: such an artifact would make the loader write or look outside
/// the function.
fn check_bounds(
    code: &[u8],
    alignment: u64,
    relocs: &[Reloc],
    traps: &[(u32, TrapCode)],
    srclocs: &[(u32, u32)],
) -> Result<()> {
    let within = |offset: u32, width: usize| {
        (offset as usize)
            .checked_add(width)
            .is_some_and(|end| end <= code.len())
    };
    let relocs_fit = relocs.iter().all(|r| within(r.offset, reloc_width(r.kind)));
    let sites_fit = traps.iter().all(|(offset, _)| within(*offset, 0))
        && srclocs.iter().all(|(offset, _)| within(*offset, 0));
    if !alignment.is_power_of_two() || alignment > 4096 || !relocs_fit || !sites_fit {
        return Err(corrupt());
    }
    Ok(())
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
            mismatch(&String::from_utf8_lossy(made_by), fingerprint),
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
        check_bounds(&code, alignment, &relocs, &traps, &srclocs)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn function(
        relocs: Vec<Reloc>,
        traps: Vec<(u32, TrapCode)>,
        alignment: u64,
    ) -> CompiledFunction {
        CompiledFunction {
            bytes: vec![0x90; 16],
            alignment,
            relocs,
            traps,
            srclocs: vec![(0, 0)],
        }
    }

    fn reloc_at(offset: u32, kind: RelocKind) -> Reloc {
        Reloc {
            offset,
            kind,
            target: RelocTarget::Func(0),
            addend: 0,
        }
    }

    fn load(f: CompiledFunction) -> Result<usize> {
        let bytes = serialize("fp", b"wasm", &[f])?;
        deserialize("fp", &bytes).map(|(_, functions)| functions.len())
    }

    #[test]
    fn relocations_and_trap_sites_inside_the_code_load() {
        let trap = (16, TrapCode::STACK_OVERFLOW);
        let f = function(
            vec![
                reloc_at(12, RelocKind::X86CallPCRel4),
                reloc_at(8, RelocKind::Abs8),
            ],
            vec![trap],
            16,
        );
        assert_eq!(load(f).unwrap(), 1);
    }

    #[test]
    fn anything_reaching_past_a_functions_code_is_refused_as_corrupt() {
        let corrupt = "the compiled module is truncated or corrupt";
        let cases = [
            function(vec![reloc_at(13, RelocKind::X86CallPCRel4)], vec![], 16),
            function(vec![reloc_at(9, RelocKind::Abs8)], vec![], 16),
            function(vec![reloc_at(u32::MAX, RelocKind::Abs4)], vec![], 16),
            function(vec![], vec![(17, TrapCode::STACK_OVERFLOW)], 16),
            function(vec![], vec![], 3),
            function(vec![], vec![], 1 << 20),
        ];
        for f in cases {
            assert_eq!(load(f).unwrap_err().message(), corrupt);
        }
    }

    #[test]
    fn a_fingerprint_mismatch_is_one_line_naming_what_differs() {
        let ours = "kiln version: 0.1.0\nCPU features: has_sse41=true has_avx2=true\nfuel: false";
        let theirs =
            "kiln version: 0.1.0\nCPU features: has_sse41=true has_avx2=false\nfuel: false";
        assert_eq!(
            mismatch(theirs, ours),
            "the compiled module was made by an engine with other CPU features: `has_avx2=false` where this engine has `has_avx2=true`"
        );
        let older = "kiln version: 0.0.9\nfuel: true";
        assert_eq!(
            mismatch(older, ours),
            "the compiled module was made by an engine with other kiln version: `0.0.9` where this engine has `0.1.0`"
        );
        assert_eq!(
            mismatch("kiln 0.0.1 cranelift 0.100", ours),
            "the compiled module was made by another version of Kiln"
        );
    }
}
