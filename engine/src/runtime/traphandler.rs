//! Catching traps: every call from the host into wasm runs below one
//! [`enter_wasm`] frame. A fault or trap instruction in compiled code raises a
//! signal; the handler records the wasm frames and calls `kiln_longjmp`, which
//! returns to that frame as if the call had ended. Only compiled-code frames
//! (and the signal frame) are skipped: host functions return normally before
//! compiled code raises their error.
//!
//! The handler jumps out itself rather than redirecting the interrupted
//! thread to code that would, so nothing is ever written below the stack
//! pointer of the trapping code: memory checkers such as valgrind see only
//! ordinary stack use.

use std::cell::{Cell, UnsafeCell};
use std::mem::MaybeUninit;
use std::sync::Once;

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
compile_error!("Kiln's trap handling supports x86_64 Linux only for now");

/// Callee-saved registers, the stack pointer and the resume address.
#[repr(C)]
struct JmpBuf {
    regs: [usize; 8],
}

// `kiln_enter_wasm(buf, tramp, vmctx, func_ptr, values)` saves the callee-saved
// registers in `buf`, calls the array-call trampoline
// `tramp(vmctx, vmctx, func_ptr, values)` and returns 0; `kiln_longjmp(buf)`
// restores them and makes that same `kiln_enter_wasm` return 1. Saving and
// calling in one routine keeps a call into wasm free of closures.
std::arch::global_asm!(
    ".text",
    ".globl kiln_enter_wasm",
    ".type kiln_enter_wasm,@function",
    "kiln_enter_wasm:",
    "mov [rdi], rbx",
    "mov [rdi + 8], rbp",
    "mov [rdi + 16], r12",
    "mov [rdi + 24], r13",
    "mov [rdi + 32], r14",
    "mov [rdi + 40], r15",
    "lea rax, [rsp + 8]",
    "mov [rdi + 48], rax",
    "mov rax, [rsp]",
    "mov [rdi + 56], rax",
    "sub rsp, 8",
    "mov rax, rsi",
    "mov rdi, rdx",
    "mov rsi, rdx",
    "mov rdx, rcx",
    "mov rcx, r8",
    "call rax",
    "add rsp, 8",
    "xor eax, eax",
    "ret",
    ".size kiln_enter_wasm, . - kiln_enter_wasm",
    ".globl kiln_longjmp",
    ".type kiln_longjmp,@function",
    "kiln_longjmp:",
    "mov rbx, [rdi]",
    "mov rbp, [rdi + 8]",
    "mov r12, [rdi + 16]",
    "mov r13, [rdi + 24]",
    "mov r14, [rdi + 32]",
    "mov r15, [rdi + 40]",
    "mov rsp, [rdi + 48]",
    "mov eax, 1",
    "jmp qword ptr [rdi + 56]",
    ".size kiln_longjmp, . - kiln_longjmp",
);

extern "C" {
    fn kiln_enter_wasm(
        buf: *mut JmpBuf,
        tramp: *const u8,
        vmctx: *mut u8,
        func_ptr: *const u8,
        values: *mut u128,
    ) -> i32;
    fn kiln_longjmp(buf: *const JmpBuf) -> !;
}

/// Where compiled code stopped when a signal caught it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct JitFault {
    pub pc: usize,
    pub fp: usize,
    pub signal: i32,
}

/// Why a call into wasm did not return normally.
#[derive(Default)]
pub(crate) struct UnwindReason {
    /// Set by the signal handler.
    pub fault: Option<JitFault>,
    /// Code addresses of the wasm frames, innermost first: the trapping
    /// instruction, then each caller's call site.
    pub frames: Vec<usize>,
    /// Set by host code before it asks compiled code to trap (a host function's
    /// error, a builtin's trap).
    pub pending: Option<Pending>,
}

/// One call from the host into wasm, in its [`enter_wasm`] frame. It is kept
/// small because every call builds one: why the call stopped early is
/// allocated only when it does.
struct Activation {
    /// Filled in by `kiln_enter_wasm` before any code can jump to it.
    jmpbuf: UnsafeCell<MaybeUninit<JmpBuf>>,
    /// The stack address of the entry frame: frames at or above it are not wasm.
    entry_sp: Cell<usize>,
    unwind: UnsafeCell<Option<Box<UnwindReason>>>,
}

impl Activation {
    /// The record of why this call stops early, made on first use.
    ///
    /// # Safety
    /// Only this activation's thread may call it, and no other reference to
    /// the record may be live.
    #[allow(clippy::mut_from_ref)]
    unsafe fn unwind(&self) -> &mut UnwindReason {
        // SAFETY: the caller's guarantee.
        unsafe { (*self.unwind.get()).get_or_insert_with(Box::default) }
    }
}

thread_local! {
    static CURRENT: Cell<*const Activation> = const { Cell::new(std::ptr::null()) };
}

/// Why host code asked compiled code to trap.
pub(crate) enum Pending {
    /// A host function failed.
    Error(crate::environ::error::Error),
    /// A builtin found a trapping condition.
    Trap(crate::environ::trap::TrapCode),
}

/// Records why the innermost active call into wasm must trap; compiled code
/// then traps with the pending-trap code and this reason is reported.
fn set_pending(pending: Pending) {
    let activation = CURRENT.with(|c| c.get());
    assert!(!activation.is_null(), "no wasm call is active");
    // SAFETY: the activation lives in the `enter_wasm` frame below us on this
    // thread's stack, and only this thread touches it.
    unsafe { (*activation).unwind().pending = Some(pending) }
}

/// A host function's error, to be reported as the trap's cause.
pub(crate) fn set_pending_error(error: crate::environ::error::Error) {
    set_pending(Pending::Error(error));
}

/// A builtin's trap.
pub(crate) fn set_pending_trap(code: crate::environ::trap::TrapCode) {
    set_pending(Pending::Trap(code));
}

/// A compiled function to enter through its array-call trampoline.
pub(crate) struct WasmEntry {
    pub trampoline: *const u8,
    pub vmctx: *mut u8,
    pub func_ptr: *const u8,
    /// A slot per parameter and result.
    pub values: *mut u128,
}

/// Calls compiled code; returns `Err` if it trapped.
///
/// # Safety
/// `limits` must point at the calling store's runtime limits and `entry` must
/// be a trampoline compiled for `func_ptr`'s type, with a vmctx and value
/// slots valid for the call.
pub(crate) unsafe fn enter_wasm(
    limits: *mut super::vmcontext::VMRuntimeLimits,
    max_wasm_stack: usize,
    entry: WasmEntry,
) -> Result<(), Box<UnwindReason>> {
    install_signal_handlers();
    let activation = Activation {
        jmpbuf: UnsafeCell::new(MaybeUninit::uninit()),
        entry_sp: Cell::new(0),
        unwind: UnsafeCell::new(None),
    };
    let entry_sp = &activation as *const Activation as usize;
    activation.entry_sp.set(entry_sp);
    // SAFETY: `limits` points at the store's runtime limits, alive for the call.
    let limits = unsafe { &mut *limits };
    let outermost = limits.stack_limit == 0;
    if outermost {
        limits.stack_limit = entry_sp
            .saturating_sub(max_wasm_stack)
            .max(thread_stack_floor());
    }
    let trapped = CURRENT.with(|current| {
        let prev = current.replace(&activation);
        // SAFETY: the jump buffer outlives the call; the caller vouches for
        // the trampoline and its arguments.
        let trapped = unsafe {
            kiln_enter_wasm(
                activation.jmpbuf.get().cast(),
                entry.trampoline,
                entry.vmctx,
                entry.func_ptr,
                entry.values,
            )
        };
        current.set(prev);
        trapped
    });
    if outermost {
        limits.stack_limit = 0;
    }
    let unwind = activation.unwind.into_inner();
    if trapped == 0 && unwind.is_none() {
        // Nothing to drop: `forget` keeps the drop call off the common path.
        std::mem::forget(unwind);
        return Ok(());
    }
    finish_unwind(trapped, unwind)
}

/// The lowest address wasm may use on this thread's stack: the stack's
/// end, above its guard page, plus a reserve for what runs on top of wasm at
/// its limit (host functions it calls, the signal handler, the unwinding of
/// a trap). A thread whose stack is smaller than the configured wasm stack
/// then still traps cleanly instead of overflowing into its guard page. The
/// reserve is a quarter of the stack, at most 128 KiB.
fn thread_stack_floor() -> usize {
    thread_local! {
        static FLOOR: Cell<Option<usize>> = const { Cell::new(None) };
    }
    FLOOR.with(|floor| {
        if let Some(known) = floor.get() {
            return known;
        }
        let computed = stack_bounds().map_or(0, |(low, size, guard)| {
            let reserve = (size / 4).min(128 * 1024);
            low.saturating_add(guard).saturating_add(reserve)
        });
        floor.set(Some(computed));
        computed
    })
}

/// This thread's stack: its lowest address, size and guard size, as the
/// C library knows them.
fn stack_bounds() -> Option<(usize, usize, usize)> {
    // SAFETY: `attr` is initialised by `pthread_getattr_np` before it is
    // read and destroyed once; the out-pointers are valid locals.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return None;
        }
        let mut low: *mut libc::c_void = std::ptr::null_mut();
        let mut size = 0usize;
        let mut guard = 0usize;
        let ok = libc::pthread_attr_getstack(&attr, &mut low, &mut size) == 0
            && libc::pthread_attr_getguardsize(&attr, &mut guard) == 0;
        libc::pthread_attr_destroy(&mut attr);
        ok.then_some((low as usize, size, guard))
    }
}

#[cold]
fn finish_unwind(trapped: i32, unwind: Option<Box<UnwindReason>>) -> Result<(), Box<UnwindReason>> {
    match trapped {
        0 => Ok(()),
        _ => Err(unwind.unwrap_or_default()),
    }
}

/// Records the wasm frames from `fault` up to the activation's entry.
///
/// # Safety
/// Only the activation's thread may call it, with no other reference to its
/// unwind record live.
unsafe fn record_frames(activation: &Activation, fault: JitFault) {
    let mut frames = Vec::new();
    let is_wasm = |pc: usize| {
        crate::environ::code_registry::lookup(pc).is_some_and(|(code, _)| code.func_index.is_some())
    };
    if is_wasm(fault.pc) {
        frames.push(fault.pc);
    }
    let entry_sp = activation.entry_sp.get();
    let mut fp = fault.fp;
    while fp != 0 && fp.is_multiple_of(8) && fp < entry_sp {
        // SAFETY: `fp` is below the entry frame and is either the trapping
        // function's frame pointer or one read from a wasm frame's saved slot;
        // compiled code keeps frame pointers, so `fp` and `fp + 8` hold the
        // caller's frame pointer and the return address.
        let (next_fp, ret) = unsafe { (*(fp as *const usize), *((fp + 8) as *const usize)) };
        let call_site = ret.wrapping_sub(1);
        if !is_wasm(call_site) {
            break;
        }
        frames.push(call_site);
        if next_fp <= fp {
            break;
        }
        fp = next_fp;
    }
    // SAFETY: the caller's guarantee.
    unsafe { activation.unwind().frames = frames };
}

static mut PREV_HANDLERS: [Option<libc::sigaction>; 4] = [None; 4];
const SIGNALS: [libc::c_int; 4] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE];

fn install_signal_handlers() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        for (i, &sig) in SIGNALS.iter().enumerate() {
            // SAFETY: a zeroed sigaction is a valid starting value; we fill in the
            // handler, flags and mask before installing it, and PREV_HANDLERS is
            // written only here, once, before any handler can read it.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = trap_signal_handler as *const () as usize;
                action.sa_flags = libc::SA_SIGINFO | libc::SA_NODEFER | libc::SA_ONSTACK;
                libc::sigemptyset(&mut action.sa_mask);
                let mut prev: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(sig, &action, &mut prev) == 0 {
                    (*std::ptr::addr_of_mut!(PREV_HANDLERS))[i] = Some(prev);
                }
            }
        }
    });
}

unsafe extern "C" fn trap_signal_handler(
    sig: libc::c_int,
    info: *mut libc::siginfo_t,
    context: *mut libc::c_void,
) {
    let activation = CURRENT.with(|c| c.get());
    // SAFETY: the kernel passes a valid ucontext for SA_SIGINFO handlers.
    let gregs = unsafe { &(*(context as *const libc::ucontext_t)).uc_mcontext.gregs };
    let pc = gregs[libc::REG_RIP as usize] as usize;
    // Only a fault in compiled code is a trap: one in host code (a host
    // function, a builtin, the engine itself) is a bug, and so is a fault
    // while recording the frames below, which then crashes rather than comes
    // back here. Asking the code registry spares every host call from
    // marking itself as host code.
    if !activation.is_null() && crate::environ::code_registry::lookup(pc).is_some() {
        let fault = JitFault {
            pc,
            fp: gregs[libc::REG_RBP as usize] as usize,
            signal: sig,
        };
        // SAFETY: the activation is alive in its `enter_wasm` frame on this
        // thread, and only this thread touches it.
        let activation = unsafe { &*activation };
        // SAFETY: as above; the interrupted compiled code holds no reference
        // to the unwind record.
        unsafe { activation.unwind().fault = Some(fault) };
        // The interrupted code is compiled wasm, which holds no lock and is
        // never inside the allocator, so recording the frames (which
        // allocates) is safe in this signal handler.
        // SAFETY: as above.
        unsafe { record_frames(activation, fault) };
        // SAFETY: the jump buffer was filled by `kiln_enter_wasm` in the
        // activation's `enter_wasm`, which is still on the stack above the
        // trapping code; only compiled-code frames and the signal frame,
        // which own nothing, are skipped. The signal mask needs no restoring:
        // the handler is installed with SA_NODEFER and an empty mask.
        unsafe { kiln_longjmp(activation.jmpbuf.get().cast()) }
    }
    // Not ours: hand it to whoever was installed before, or take the default action.
    let index = SIGNALS.iter().position(|&s| s == sig).unwrap_or(0);
    // SAFETY: PREV_HANDLERS was fully written before this handler was installed.
    let prev = unsafe { (*std::ptr::addr_of!(PREV_HANDLERS))[index] };
    match prev {
        Some(prev) if prev.sa_sigaction != libc::SIG_DFL && prev.sa_sigaction != libc::SIG_IGN => {
            if prev.sa_flags & libc::SA_SIGINFO != 0 {
                // SAFETY: the previous handler was installed with SA_SIGINFO, so it
                // has this signature.
                let handler: unsafe extern "C" fn(
                    libc::c_int,
                    *mut libc::siginfo_t,
                    *mut libc::c_void,
                ) = unsafe { std::mem::transmute(prev.sa_sigaction) };
                // SAFETY: we forward exactly the arguments the kernel gave us.
                unsafe { handler(sig, info, context) }
            } else {
                // SAFETY: a handler without SA_SIGINFO takes only the signal number.
                let handler: unsafe extern "C" fn(libc::c_int) =
                    unsafe { std::mem::transmute(prev.sa_sigaction) };
                // SAFETY: as above.
                unsafe { handler(sig) }
            }
        }
        _ => {
            // SAFETY: restoring the default disposition and returning re-raises the
            // fault, which then kills the process as it would have without Kiln.
            unsafe {
                let mut dfl: libc::sigaction = std::mem::zeroed();
                dfl.sa_sigaction = libc::SIG_DFL;
                libc::sigaction(sig, &dfl, std::ptr::null_mut());
            }
        }
    }
}
