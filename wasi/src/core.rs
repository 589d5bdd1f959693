//! Arguments, environment, clocks, randomness, process control and the
//! descriptor basics (read, write, close, prestat, fdstat).

use crate::errno::{Errno, WasiResult};
use crate::fd::{FdEntry, WasiCtx};
use crate::memory::GuestMemory;
use crate::{wasi_fn, MODULE};
use kiln::Linker;
use kiln::{Error, Result};

pub(crate) const FILETYPE_CHARACTER_DEVICE: u8 = 2;
pub(crate) const FILETYPE_DIRECTORY: u8 = 3;
pub(crate) const FILETYPE_REGULAR_FILE: u8 = 4;
pub(crate) const FILETYPE_SOCKET_STREAM: u8 = 6;
pub(crate) const FDFLAGS_APPEND: u16 = 1;

/// Writes a list of strings as WASI does: pointers into `ptrs`, NUL-terminated
/// bytes into `buf`.
fn write_string_list(
    mem: &mut GuestMemory<'_>,
    list: &[String],
    ptrs: u32,
    buf: u32,
) -> WasiResult {
    // Guest pointers near the top of the address space must be EFAULT,
    // not arithmetic that wraps (or, checked, panics).
    let offset = |base: u32, by: usize| {
        u32::try_from(by)
            .ok()
            .and_then(|by| base.checked_add(by))
            .ok_or(Errno::Fault)
    };
    let mut at = buf;
    for (i, s) in list.iter().enumerate() {
        mem.write_u32(offset(ptrs, 4 * i)?, at)?;
        mem.write(at, s.as_bytes())?;
        mem.write_u8(offset(at, s.len())?, 0)?;
        at = offset(at, s.len() + 1)?;
    }
    Ok(())
}

fn sizes(mem: &mut GuestMemory<'_>, list: &[String], count_ptr: u32, size_ptr: u32) -> WasiResult {
    mem.write_u32(count_ptr, list.len() as u32)?;
    let total: usize = list.iter().map(|s| s.len() + 1).sum();
    mem.write_u32(size_ptr, total as u32)
}

fn clock_id(id: u32) -> WasiResult<libc::clockid_t> {
    Ok(match id {
        0 => libc::CLOCK_REALTIME,
        1 => libc::CLOCK_MONOTONIC,
        2 => libc::CLOCK_PROCESS_CPUTIME_ID,
        3 => libc::CLOCK_THREAD_CPUTIME_ID,
        _ => return Err(Errno::Inval),
    })
}

/// Nanoseconds on a WASI clock.
pub(crate) fn clock_now(id: u32) -> WasiResult<u64> {
    let clock = clock_id(id)?;
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    Ok(ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
}

/// Reads the iovecs' buffers, in order, from `read`.
pub(crate) fn read_into_iovecs(
    mem: &mut GuestMemory<'_>,
    iovs: u32,
    count: u32,
    mut read: impl FnMut(&mut [u8]) -> WasiResult<usize>,
) -> WasiResult<u32> {
    mem.check_iovecs(iovs, count)?;
    let mut total = 0u32;
    for i in 0..count {
        let (buf, len) = mem.iovec(iovs, i)?;
        // The count returned is a u32: a transfer stops short of overflowing it.
        let len = len.min(u32::MAX - total);
        let dst = mem.slice_mut(buf, len)?;
        let n = read(dst)?;
        total += n as u32;
        if n < len as usize || total == u32::MAX {
            break;
        }
    }
    Ok(total)
}

/// Writes the iovecs' buffers, in order, with `write`.
pub(crate) fn write_from_iovecs(
    mem: &GuestMemory<'_>,
    iovs: u32,
    count: u32,
    mut write: impl FnMut(&[u8]) -> WasiResult<usize>,
) -> WasiResult<u32> {
    mem.check_iovecs(iovs, count)?;
    let mut total = 0u32;
    for i in 0..count {
        let (buf, len) = mem.iovec(iovs, i)?;
        // The count returned is a u32: a transfer stops short of overflowing it.
        let len = len.min(u32::MAX - total);
        let src = mem.slice(buf, len)?;
        let n = write(src)?;
        total += n as u32;
        if n < len as usize || total == u32::MAX {
            break;
        }
    }
    Ok(total)
}

fn fd_read(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    count: u32,
) -> WasiResult<u32> {
    match ctx.fds.get(fd)? {
        FdEntry::Input(input) => read_into_iovecs(mem, iovs, count, |b| input.read(b)),
        FdEntry::File(f) => {
            use std::io::Read;
            read_into_iovecs(mem, iovs, count, |b| Ok(f.file.read(b)?))
        }
        FdEntry::Stream(s) => {
            use std::io::Read;
            read_into_iovecs(mem, iovs, count, |b| Ok((&*s).read(b)?))
        }
        FdEntry::Listener(_) => Err(Errno::NotConn),
        FdEntry::Dir(_) => Err(Errno::IsDir),
        FdEntry::Output(_) => Err(Errno::Badf),
    }
}

fn fd_write(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    count: u32,
) -> WasiResult<u32> {
    match ctx.fds.get(fd)? {
        FdEntry::Output(out) => write_from_iovecs(mem, iovs, count, |b| out.write(b)),
        FdEntry::File(f) => {
            if f.read_only {
                return Err(Errno::Badf);
            }
            use std::io::{Seek, Write};
            if f.append {
                f.file.seek(std::io::SeekFrom::End(0))?;
            }
            write_from_iovecs(mem, iovs, count, |b| Ok(f.file.write(b)?))
        }
        FdEntry::Stream(s) => {
            use std::io::Write;
            write_from_iovecs(mem, iovs, count, |b| Ok((&*s).write(b)?))
        }
        FdEntry::Listener(_) => Err(Errno::NotConn),
        FdEntry::Dir(_) => Err(Errno::IsDir),
        FdEntry::Input(_) => Err(Errno::Badf),
    }
}

fn fd_fdstat_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, fd: u32, out: u32) -> WasiResult {
    let (filetype, flags) = match ctx.fds.get(fd)? {
        FdEntry::Input(_) | FdEntry::Output(_) => (FILETYPE_CHARACTER_DEVICE, 0),
        FdEntry::Dir(_) => (FILETYPE_DIRECTORY, 0),
        FdEntry::Listener(_) | FdEntry::Stream(_) => (FILETYPE_SOCKET_STREAM, 0),
        FdEntry::File(f) => (
            FILETYPE_REGULAR_FILE,
            f.sync_flags | if f.append { FDFLAGS_APPEND } else { 0 },
        ),
    };
    mem.write(out, &[0u8; 24])?;
    mem.write_u8(out, filetype)?;
    mem.write_u16(out + 2, flags)?;
    let (base, inheriting) = crate::rights::reported(ctx.fds.get(fd)?);
    mem.write_u64(out + 8, base)?;
    mem.write_u64(out + 16, inheriting)
}

pub(crate) fn define<T: 'static>(
    linker: &mut Linker<T>,
    get: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> Result<()> {
    wasi_fn!(linker, get, "args_get", |ctx, mem, argv: u32, buf: u32| {
        write_string_list(mem, &ctx.args, argv, buf)
    });
    wasi_fn!(
        linker,
        get,
        "args_sizes_get",
        |ctx, mem, count: u32, size: u32| { sizes(mem, &ctx.args, count, size) }
    );
    wasi_fn!(
        linker,
        get,
        "environ_get",
        |ctx, mem, env: u32, buf: u32| { write_string_list(mem, &ctx.env, env, buf) }
    );
    wasi_fn!(
        linker,
        get,
        "environ_sizes_get",
        |ctx, mem, count: u32, size: u32| { sizes(mem, &ctx.env, count, size) }
    );
    wasi_fn!(
        linker,
        get,
        "clock_res_get",
        |ctx, mem, id: u32, out: u32| {
            let clock = clock_id(id)?;
            let mut ts = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            // SAFETY: `ts` is a valid, writable timespec.
            if unsafe { libc::clock_getres(clock, &mut ts) } != 0 {
                return Err(std::io::Error::last_os_error().into());
            }
            mem.write_u64(out, ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
        }
    );
    wasi_fn!(
        linker,
        get,
        "clock_time_get",
        |ctx, mem, id: u32, _precision: u64, out: u32| {
            let now = clock_now(id)?;
            mem.write_u64(out, now)
        }
    );
    wasi_fn!(linker, get, "random_get", |ctx, mem, buf: u32, len: u32| {
        let dst = mem.slice_mut(buf, len)?;
        getrandom::fill(dst).map_err(|_| Errno::Io)
    });
    wasi_fn!(linker, get, "sched_yield", |ctx, mem| {
        std::thread::yield_now();
        Ok(())
    });
    wasi_fn!(linker, get, "proc_raise", |ctx, mem, _sig: u32| {
        // Signals have no meaning inside the sandbox.
        Err(Errno::NoSys)
    });
    linker.func_wrap(MODULE, "proc_exit", |code: u32| -> Result<()> {
        // WASI reserves statuses from 126 up (a shell's "cannot run" and
        // "killed by a signal"): such a status is a failure, not an exit
        // the host could report as the program's, as Wasmtime also rules.
        if code >= 126 {
            return Err(Error::msg(format!(
                "exit with invalid exit status {code} outside of [0..126)"
            )));
        }
        Err(Error::exit(code as i32))
    })?;
    wasi_fn!(
        linker,
        get,
        "fd_read",
        |ctx, mem, fd: u32, iovs: u32, count: u32, nread: u32| {
            let n = fd_read(ctx, mem, fd, iovs, count)?;
            mem.write_u32(nread, n)
        }
    );
    wasi_fn!(
        linker,
        get,
        "fd_write",
        |ctx, mem, fd: u32, iovs: u32, count: u32, nwritten: u32| {
            let n = fd_write(ctx, mem, fd, iovs, count)?;
            mem.write_u32(nwritten, n)
        }
    );
    wasi_fn!(linker, get, "fd_close", |ctx, mem, fd: u32| {
        ctx.fds.remove(fd).map(drop)
    });
    wasi_fn!(
        linker,
        get,
        "fd_fdstat_get",
        |ctx, mem, fd: u32, out: u32| { fd_fdstat_get(ctx, mem, fd, out) }
    );
    wasi_fn!(
        linker,
        get,
        "fd_prestat_get",
        |ctx, mem, fd: u32, out: u32| {
            match ctx.fds.get(fd)? {
                FdEntry::Dir(d) => {
                    let name = d.preopen.as_ref().ok_or(Errno::Badf)?;
                    let len = name.len() as u32;
                    mem.write_u32(out, 0)?;
                    mem.write_u32(out + 4, len)
                }
                _ => Err(Errno::Badf),
            }
        }
    );
    wasi_fn!(
        linker,
        get,
        "fd_prestat_dir_name",
        |ctx, mem, fd: u32, path: u32, len: u32| {
            match ctx.fds.get(fd)? {
                FdEntry::Dir(d) => {
                    let name = d.preopen.as_ref().ok_or(Errno::Badf)?.clone();
                    if (len as usize) < name.len() {
                        return Err(Errno::NameTooLong);
                    }
                    mem.write(path, name.as_bytes())
                }
                _ => Err(Errno::Badf),
            }
        }
    );
    Ok(())
}
