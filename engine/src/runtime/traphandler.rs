//! Catching traps: every call from the host into wasm runs below one
//! [`catch_traps`] frame. A fault or trap instruction in compiled code raises a
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
use std::sync::Once;

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
compile_error!("Kiln's trap handling supports x86_64 Linux only for now");

/// Callee-saved registers, the stack pointer and the resume address.
#[repr(C)]
#[derive(Default)]
struct JmpBuf {
    regs: [usize; 8],
}

// `kiln_setjmp_call(buf, f, arg)` saves the callee-saved registers in `buf`, calls
// `f(arg)` and returns 0; `kiln_longjmp(buf)` restores them and makes that same
// `kiln_setjmp_call` return 1.
std::arch::global_asm!(
    ".text",
    ".globl kiln_setjmp_call",
    ".type kiln_setjmp_call,@function",
    "kiln_setjmp_call:",
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
    "mov rdi, rdx",
    "call rsi",
    "add rsp, 8",
    "xor eax, eax",
    "ret",
    ".size kiln_setjmp_call, . - kiln_setjmp_call",
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
    fn kiln_setjmp_call(buf: *mut JmpBuf, f: extern "C" fn(*mut u8), arg: *mut u8) -> i32;
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

struct Activation {
    jmpbuf: UnsafeCell<JmpBuf>,
    fault: UnsafeCell<Option<JitFault>>,
    frames: UnsafeCell<Vec<usize>>,
    /// The stack address of the entry frame: frames at or above it are not wasm.
    entry_sp: Cell<usize>,
    pending: UnsafeCell<Option<Pending>>,
}

thread_local! {
    static CURRENT: Cell<*const Activation> = const { Cell::new(std::ptr::null()) };
    static IN_HOST: Cell<bool> = const { Cell::new(false) };
}

/// Why host code asked compiled code to trap.
pub(crate) enum Pending {
    /// A host function failed.
    Error(crate::api::error::Error),
    /// A builtin found a trapping condition.
    Trap(crate::api::trap::TrapCode),
}

/// Records why the innermost active call into wasm must trap; compiled code
/// then traps with the pending-trap code and this reason is reported.
fn set_pending(pending: Pending) {
    let activation = CURRENT.with(|c| c.get());
    assert!(!activation.is_null(), "no wasm call is active");
    // SAFETY: the activation lives in the `catch_traps` frame below us on this
    // thread's stack, and only this thread touches it.
    unsafe { *(*activation).pending.get() = Some(pending) }
}

/// A host function's error, to be reported as the trap's cause.
pub(crate) fn set_pending_error(error: crate::api::error::Error) {
    set_pending(Pending::Error(error));
}

/// A builtin's trap.
pub(crate) fn set_pending_trap(code: crate::api::trap::TrapCode) {
    set_pending(Pending::Trap(code));
}

/// Runs host code called from wasm: a fault in it is a host bug, not a wasm trap,
/// so the signal handler leaves it alone.
pub(crate) fn in_host<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            IN_HOST.with(|h| h.set(self.0));
        }
    }
    let _restore = Restore(IN_HOST.with(|h| h.replace(true)));
    f()
}

/// Calls `f`, which calls compiled code; returns `Err` if that code trapped.
///
/// `f` must not own values with destructors that need to run: a trap skips its frame.
pub(crate) fn catch_traps<F: FnMut()>(
    limits: *mut super::vmcontext::VMRuntimeLimits,
    max_wasm_stack: usize,
    mut f: F,
) -> Result<(), UnwindReason> {
    install_signal_handlers();
    extern "C" fn call_closure<F: FnMut()>(arg: *mut u8) {
        // SAFETY: `arg` is the `&mut F` passed by `catch_traps` below, alive for the call.
        let f = unsafe { &mut *(arg as *mut F) };
        f();
    }
    let activation = Activation {
        jmpbuf: UnsafeCell::new(JmpBuf::default()),
        fault: UnsafeCell::new(None),
        frames: UnsafeCell::new(Vec::new()),
        pending: UnsafeCell::new(None),
        entry_sp: Cell::new(0),
    };
    let entry_sp = &activation as *const Activation as usize;
    activation.entry_sp.set(entry_sp);
    // SAFETY: `limits` points at the store's runtime limits, alive for the call.
    let limits = unsafe { &mut *limits };
    let outermost = limits.stack_limit == 0;
    if outermost {
        limits.stack_limit = entry_sp.saturating_sub(max_wasm_stack);
    }
    let prev = CURRENT.with(|c| c.replace(&activation));
    let prev_in_host = IN_HOST.with(|h| h.replace(false));
    // SAFETY: the jump buffer outlives the call; `call_closure::<F>` matches `arg`.
    let trapped = unsafe {
        kiln_setjmp_call(
            activation.jmpbuf.get(),
            call_closure::<F>,
            &mut f as *mut F as *mut u8,
        )
    };
    CURRENT.with(|c| c.set(prev));
    IN_HOST.with(|h| h.set(prev_in_host));
    if outermost {
        limits.stack_limit = 0;
    }
    if trapped == 0 {
        return Ok(());
    }
    Err(UnwindReason {
        fault: activation.fault.into_inner(),
        frames: activation.frames.into_inner(),
        pending: activation.pending.into_inner(),
    })
}

fn record_frames(activation: &Activation) {
    // SAFETY: only this thread touches its activation.
    let fault = unsafe { *activation.fault.get() };
    let Some(fault) = fault else { return };
    let mut frames = Vec::new();
    let is_wasm = |pc: usize| {
        super::code_registry::lookup(pc).is_some_and(|(code, _)| code.func_index.is_some())
    };
    if is_wasm(fault.pc) {
        frames.push(fault.pc);
    }
    let entry_sp = activation.entry_sp.get();
    let mut fp = fault.fp;
    while fp != 0 && fp % 8 == 0 && fp < entry_sp {
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
    // SAFETY: only this thread touches its activation.
    unsafe { *activation.frames.get() = frames };
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
    let in_host = IN_HOST.with(|h| h.get());
    if !activation.is_null() && !in_host {
        // SAFETY: the kernel passes a valid ucontext for SA_SIGINFO handlers.
        let uc = unsafe { &mut *(context as *mut libc::ucontext_t) };
        let gregs = &mut uc.uc_mcontext.gregs;
        let fault = JitFault {
            pc: gregs[libc::REG_RIP as usize] as usize,
            fp: gregs[libc::REG_RBP as usize] as usize,
            signal: sig,
        };
        // SAFETY: the activation is alive in its `catch_traps` frame on this
        // thread, and only this thread touches it.
        let activation = unsafe { &*activation };
        // SAFETY: as above.
        unsafe { *activation.fault.get() = Some(fault) };
        // A fault while walking frames would be a Kiln bug: let it crash
        // rather than come back here. The interrupted code is compiled wasm,
        // which holds no lock and is never inside the allocator, so recording
        // the frames (which allocates) is safe in this signal handler.
        IN_HOST.with(|h| h.set(true));
        record_frames(activation);
        // SAFETY: the jump buffer was filled by `kiln_setjmp_call` in the
        // activation's `catch_traps`, which is still on the stack above the
        // trapping code; only compiled-code frames and the signal frame,
        // which own nothing, are skipped. The signal mask needs no restoring:
        // the handler is installed with SA_NODEFER and an empty mask.
        unsafe { kiln_longjmp(activation.jmpbuf.get()) }
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
