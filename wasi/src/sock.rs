//! Sockets: `sock_accept`, `sock_recv`, `sock_send`, `sock_shutdown`.
//!
//! A guest can only use sockets its host grants: listening TCP sockets given
//! with [`WasiConfig::preopened_socket`], and the connections accepted from
//! them. These calls fail with `ENOTSOCK` on any other descriptor.
//!
//! [`WasiConfig::preopened_socket`]: super::WasiConfig::preopened_socket

use crate::core::write_from_iovecs;
use crate::errno::{Errno, WasiResult};
use crate::fd::{FdEntry, WasiCtx};
use crate::memory::GuestMemory;
use crate::wasi_fn;
use kiln::Linker;
use kiln::Result;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};

const FDFLAGS_NONBLOCK: u32 = 4;
const RIFLAGS_RECV_PEEK: u32 = 1;
const RIFLAGS_RECV_WAITALL: u32 = 2;
const SDFLAGS_RD: u32 = 1;
const SDFLAGS_WR: u32 = 2;

/// The most bytes one `sock_recv` receives.
const RECV_MAX: usize = 1 << 20;

/// The connected stream `fd` names.
fn stream(ctx: &mut WasiCtx, fd: u32) -> WasiResult<&TcpStream> {
    match ctx.fds.get(fd)? {
        FdEntry::Stream(s) => Ok(s),
        FdEntry::Listener(_) => Err(Errno::NotConn),
        _ => Err(Errno::NotSock),
    }
}

fn sock_accept(ctx: &mut WasiCtx, fd: u32, flags: u32) -> WasiResult<u32> {
    if flags & !FDFLAGS_NONBLOCK != 0 {
        return Err(Errno::Inval);
    }
    let (conn, _) = match ctx.fds.get(fd)? {
        FdEntry::Listener(l) => l.accept()?,
        FdEntry::Stream(_) => return Err(Errno::Inval),
        _ => return Err(Errno::NotSock),
    };
    conn.set_nonblocking(flags & FDFLAGS_NONBLOCK != 0)?;
    Ok(ctx.fds.insert(FdEntry::Stream(conn)))
}

/// Receives into the iovecs; the byte count.
fn sock_recv(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    count: u32,
    flags: u32,
) -> WasiResult<u32> {
    if flags & !(RIFLAGS_RECV_PEEK | RIFLAGS_RECV_WAITALL) != 0 {
        return Err(Errno::Inval);
    }
    let s = stream(ctx, fd)?;
    mem.check_iovecs(iovs, count)?;
    let mut bufs = Vec::new();
    let mut total = 0usize;
    // At most `RECV_MAX` bytes per call, however large (or overlapping) the
    // buffers the guest names: a receive may return fewer bytes than asked.
    for i in 0..count {
        if total >= RECV_MAX {
            break;
        }
        let (buf, len) = mem.iovec(iovs, i)?;
        let len = (len as usize).min(RECV_MAX - total);
        bufs.push((buf, len as u32));
        total += len;
    }
    let mut data = vec![0u8; total];
    let n = if flags & RIFLAGS_RECV_PEEK != 0 {
        s.peek(&mut data)?
    } else if flags & RIFLAGS_RECV_WAITALL != 0 {
        let mut got = 0;
        while got < total {
            match (&*s).read(&mut data[got..])? {
                0 => break,
                k => got += k,
            }
        }
        got
    } else {
        (&*s).read(&mut data)?
    };
    let mut rest = &data[..n];
    for (buf, len) in bufs {
        if rest.is_empty() {
            break;
        }
        let k = rest.len().min(len as usize);
        mem.write(buf, &rest[..k])?;
        rest = &rest[k..];
    }
    Ok(n as u32)
}

fn sock_shutdown(ctx: &mut WasiCtx, fd: u32, how: u32) -> WasiResult {
    let how = match how {
        SDFLAGS_RD => Shutdown::Read,
        SDFLAGS_WR => Shutdown::Write,
        h if h == SDFLAGS_RD | SDFLAGS_WR => Shutdown::Both,
        _ => return Err(Errno::Inval),
    };
    Ok(stream(ctx, fd)?.shutdown(how)?)
}

pub(crate) fn define<T: 'static>(
    linker: &mut Linker<T>,
    get: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> Result<()> {
    wasi_fn!(
        linker,
        get,
        "sock_accept",
        |ctx, mem, fd: u32, flags: u32, out: u32| {
            // Check the result pointer first, so a bad one leaks no descriptor.
            mem.slice_mut(out, 4)?;
            let new = sock_accept(ctx, fd, flags)?;
            mem.write_u32(out, new)
        }
    );
    wasi_fn!(
        linker,
        get,
        "sock_recv",
        |ctx, mem, fd: u32, iovs: u32, count: u32, flags: u32, nread: u32, oflags: u32| {
            let n = sock_recv(ctx, mem, fd, iovs, count, flags)?;
            mem.write_u32(nread, n)?;
            // A stream never truncates a message.
            mem.write_u16(oflags, 0)
        }
    );
    wasi_fn!(
        linker,
        get,
        "sock_send",
        |ctx, mem, fd: u32, iovs: u32, count: u32, _flags: u32, nwritten: u32| {
            let s = stream(ctx, fd)?;
            let n = write_from_iovecs(mem, iovs, count, |b| Ok((&*s).write(b)?))?;
            mem.write_u32(nwritten, n)
        }
    );
    wasi_fn!(
        linker,
        get,
        "sock_shutdown",
        |ctx, mem, fd: u32, how: u32| { sock_shutdown(ctx, fd, how) }
    );
    Ok(())
}
