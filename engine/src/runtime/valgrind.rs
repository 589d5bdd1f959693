//! Whether the process runs under valgrind, asked with valgrind's
//! `RUNNING_ON_VALGRIND` client request.

/// Valgrind's request number for "are you there?".
const RUNNING_ON_VALGRIND: u64 = 0x1001;

/// True when the process runs under valgrind. Natively the request is a
/// sequence of instructions with no effect, so this returns false.
pub(crate) fn running_on_valgrind() -> bool {
    let request: [u64; 6] = [RUNNING_ON_VALGRIND, 0, 0, 0, 0, 0];
    let mut answer: u64 = 0;
    // SAFETY: the rotations of rdi add up to 128 bits, leaving it as it was,
    // and `xchg rbx, rbx` changes nothing; valgrind recognises the sequence
    // and writes its answer to rdx, reading only `request`, which lives for
    // the asm block.
    unsafe {
        std::arch::asm!(
            "rol rdi, 3",
            "rol rdi, 13",
            "rol rdi, 61",
            "rol rdi, 51",
            "xchg rbx, rbx",
            in("rax") request.as_ptr(),
            inout("rdx") answer,
            inout("rdi") 0u64 => _,
            options(nostack, preserves_flags, readonly),
        );
    }
    answer != 0
}
