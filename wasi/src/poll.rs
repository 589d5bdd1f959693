//! `poll_oneoff`: wait for clocks and descriptors.
//!
//! Files and stdio are always ready; only clocks and sockets make the call
//! wait, sockets in poll(2).

use crate::core::clock_now;
use crate::errno::{Errno, WasiResult};
use crate::fd::{FdEntry, WasiCtx};
use crate::memory::GuestMemory;
use crate::wasi_fn;
use kiln::Linker;
use kiln::Result;
use std::io::Seek;
use std::os::fd::AsRawFd;

const SUBSCRIPTION_SIZE: u32 = 48;
const EVENT_SIZE: u32 = 32;

const EVENTTYPE_CLOCK: u8 = 0;
const EVENTTYPE_FD_READ: u8 = 1;
const EVENTTYPE_FD_WRITE: u8 = 2;

const SUBCLOCKFLAGS_ABSTIME: u16 = 1;
const EVENTRWFLAGS_HANGUP: u16 = 1;

const CLOCK_MONOTONIC: u32 = 1;

/// An event to report.
struct Event {
    userdata: u64,
    error: Errno,
    kind: u8,
    nbytes: u64,
    /// The peer hung up (`fd_readwrite` flag).
    hangup: bool,
}

/// A clock subscription, as a deadline on the monotonic clock.
struct Timer {
    userdata: u64,
    deadline: u64,
}

/// A subscription on a socket: it waits in poll(2).
struct SocketWait {
    userdata: u64,
    kind: u8,
    fd: std::os::fd::RawFd,
}

/// What a subscription on a descriptor needs: it is ready now (with the
/// bytes available), it waits on a socket, or it fails.
enum FdReady {
    Now(u64),
    Socket(std::os::fd::RawFd),
}

/// Readiness of `fd` for a read.
fn read_ready(ctx: &mut WasiCtx, fd: u32) -> WasiResult<FdReady> {
    match ctx.fds.get(fd)? {
        FdEntry::File(f) => {
            let len = f.file.metadata()?.len();
            let pos = f.file.stream_position()?;
            Ok(FdReady::Now(len.saturating_sub(pos)))
        }
        FdEntry::Input(_) => Ok(FdReady::Now(0)),
        FdEntry::Listener(l) => Ok(FdReady::Socket(l.as_raw_fd())),
        FdEntry::Stream(s) => Ok(FdReady::Socket(s.as_raw_fd())),
        FdEntry::Output(_) | FdEntry::Dir(_) => Err(Errno::Badf),
    }
}

/// Readiness of `fd` for a write.
fn write_ready(ctx: &mut WasiCtx, fd: u32) -> WasiResult<FdReady> {
    match ctx.fds.get(fd)? {
        FdEntry::File(f) if !f.read_only => Ok(FdReady::Now(0)),
        FdEntry::Output(_) => Ok(FdReady::Now(0)),
        FdEntry::Stream(s) => Ok(FdReady::Socket(s.as_raw_fd())),
        FdEntry::File(_) | FdEntry::Input(_) | FdEntry::Dir(_) | FdEntry::Listener(_) => {
            Err(Errno::Badf)
        }
    }
}

/// Waits up to `timeout_ms` (-1: forever) for any of `sockets`; the events of
/// those that are ready.
fn poll_sockets(sockets: &[SocketWait], timeout_ms: i32) -> WasiResult<Vec<Event>> {
    if sockets.is_empty() {
        return Ok(Vec::new());
    }
    let mut fds: Vec<libc::pollfd> = sockets
        .iter()
        .map(|s| libc::pollfd {
            fd: s.fd,
            events: if s.kind == EVENTTYPE_FD_READ {
                libc::POLLIN
            } else {
                libc::POLLOUT
            },
            revents: 0,
        })
        .collect();
    // SAFETY: `fds` is a live, writable array of `fds.len()` pollfds.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) };
    if n < 0 {
        let err = std::io::Error::last_os_error();
        if err.kind() == std::io::ErrorKind::Interrupted {
            return Ok(Vec::new());
        }
        return Err(err.into());
    }
    Ok(sockets
        .iter()
        .zip(&fds)
        .filter(|(_, p)| p.revents != 0)
        .map(|(s, p)| Event {
            userdata: s.userdata,
            error: if p.revents & libc::POLLNVAL != 0 {
                Errno::Badf
            } else {
                Errno::Success
            },
            kind: s.kind,
            nbytes: 0,
            hangup: p.revents & libc::POLLHUP != 0,
        })
        .collect())
}

fn poll_oneoff(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    subs: u32,
    out: u32,
    count: u32,
) -> WasiResult<u32> {
    if count == 0 {
        return Err(Errno::Inval);
    }
    mem.slice(
        subs,
        count.checked_mul(SUBSCRIPTION_SIZE).ok_or(Errno::Fault)?,
    )?;
    mem.slice_mut(out, count.checked_mul(EVENT_SIZE).ok_or(Errno::Fault)?)?;
    let start = clock_now(CLOCK_MONOTONIC)?;
    let mut ready = Vec::new();
    let mut timers = Vec::new();
    let mut sockets = Vec::new();
    for i in 0..count {
        let at = subs + i * SUBSCRIPTION_SIZE;
        let userdata = mem.read_u64(at)?;
        let tag = mem.read::<1>(at + 8)?[0];
        let result = match tag {
            EVENTTYPE_CLOCK => {
                let id = mem.read_u32(at + 16)?;
                let timeout = mem.read_u64(at + 24)?;
                let flags = u16::from_le_bytes(mem.read(at + 40)?);
                match clock_now(id) {
                    Ok(now) => {
                        let remaining = if flags & SUBCLOCKFLAGS_ABSTIME != 0 {
                            timeout.saturating_sub(now)
                        } else {
                            timeout
                        };
                        timers.push(Timer {
                            userdata,
                            deadline: start.saturating_add(remaining),
                        });
                        continue;
                    }
                    Err(e) => Err(e),
                }
            }
            EVENTTYPE_FD_READ => read_ready(ctx, mem.read_u32(at + 16)?),
            EVENTTYPE_FD_WRITE => write_ready(ctx, mem.read_u32(at + 16)?),
            _ => return Err(Errno::Inval),
        };
        let (error, nbytes) = match result {
            Ok(FdReady::Now(nbytes)) => (Errno::Success, nbytes),
            Ok(FdReady::Socket(fd)) => {
                sockets.push(SocketWait {
                    userdata,
                    kind: tag,
                    fd,
                });
                continue;
            }
            Err(error) => (error, 0),
        };
        ready.push(Event {
            userdata,
            error,
            kind: tag,
            nbytes,
            hangup: false,
        });
    }
    let first = timers.iter().map(|t| t.deadline).min();
    let mut now = start;
    loop {
        let due = first.is_some_and(|d| d <= now);
        let wait_ms = match first {
            _ if due || !ready.is_empty() => 0,
            // Rounded up, so that a timer is due when poll(2) returns.
            Some(d) => i32::try_from((d - now).div_ceil(1_000_000)).unwrap_or(i32::MAX),
            None => -1,
        };
        ready.extend(poll_sockets(&sockets, wait_ms)?);
        if due || !ready.is_empty() {
            break;
        }
        match first {
            Some(deadline) if sockets.is_empty() => {
                std::thread::sleep(std::time::Duration::from_nanos(deadline - now));
            }
            // Nothing to wait for (cannot happen: every subscription is ready,
            // a timer or a socket).
            None if sockets.is_empty() => break,
            // poll(2) was interrupted or timed out early: wait again.
            _ => {}
        }
        now = clock_now(CLOCK_MONOTONIC)?;
    }
    let now = clock_now(CLOCK_MONOTONIC)?;
    ready.extend(timers.iter().filter(|t| t.deadline <= now).map(|t| Event {
        userdata: t.userdata,
        error: Errno::Success,
        kind: EVENTTYPE_CLOCK,
        nbytes: 0,
        hangup: false,
    }));
    for (i, e) in ready.iter().enumerate() {
        let at = out + i as u32 * EVENT_SIZE;
        mem.write(at, &[0; EVENT_SIZE as usize])?;
        mem.write_u64(at, e.userdata)?;
        mem.write_u16(at + 8, e.error as u16)?;
        mem.write_u8(at + 10, e.kind)?;
        mem.write_u64(at + 16, e.nbytes)?;
        mem.write_u16(at + 24, u16::from(e.hangup) * EVENTRWFLAGS_HANGUP)?;
    }
    Ok(ready.len() as u32)
}

pub(crate) fn define<T: 'static>(
    linker: &mut Linker<T>,
    get: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> Result<()> {
    wasi_fn!(
        linker,
        get,
        "poll_oneoff",
        |ctx, mem, subs: u32, out: u32, count: u32, nevents: u32| {
            let n = poll_oneoff(ctx, mem, subs, out, count)?;
            mem.write_u32(nevents, n)
        }
    );
    Ok(())
}
