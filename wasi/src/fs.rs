//! Files and directories: the `fd_*` calls beyond read and write, and the
//! `path_*` calls.
//!
//! Every path is resolved by cap-std relative to a directory descriptor, so
//! absolute paths, `..` past the directory and symlinks leading out of it are
//! refused (`ENOTCAPABLE`) by construction, not by checks here.

use crate::core::{
    read_into_iovecs, write_from_iovecs, FDFLAGS_APPEND, FILETYPE_CHARACTER_DEVICE,
    FILETYPE_DIRECTORY, FILETYPE_REGULAR_FILE, FILETYPE_SOCKET_STREAM,
};
use crate::errno::{Errno, WasiResult};
use crate::fd::{DirFd, FdEntry, FileFd, Output, WasiCtx};
use crate::memory::GuestMemory;
use crate::rights;
use crate::{wasi_fn, MODULE};
use cap_fs_ext::{
    DirExt, FileTypeExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt,
    OpenOptionsSyncExt, OsMetadataExt, SystemTimeSpec,
};
use cap_std::fs::{Dir, FileExt, Metadata, OpenOptions};
use kiln::Linker;
use kiln::Result;
use std::io::{Seek, SeekFrom};
use std::os::unix::ffi::OsStrExt;

const FILETYPE_UNKNOWN: u8 = 0;
const FILETYPE_BLOCK_DEVICE: u8 = 1;
const FILETYPE_SYMBOLIC_LINK: u8 = 7;

const LOOKUP_SYMLINK_FOLLOW: u32 = 1;

const OFLAGS_CREAT: u32 = 1;
const OFLAGS_DIRECTORY: u32 = 2;
const OFLAGS_EXCL: u32 = 4;
const OFLAGS_TRUNC: u32 = 8;

const FDFLAGS_DSYNC: u32 = 2;
const FDFLAGS_NONBLOCK: u32 = 4;
const FDFLAGS_RSYNC: u32 = 8;
const FDFLAGS_SYNC: u32 = 16;

const FSTFLAGS_ATIM: u32 = 1;
const FSTFLAGS_ATIM_NOW: u32 = 2;
const FSTFLAGS_MTIM: u32 = 4;
const FSTFLAGS_MTIM_NOW: u32 = 8;

/// Size of a `filestat`.
const FILESTAT_SIZE: usize = 64;
/// Size of a `dirent` header; the name follows it.
const DIRENT_SIZE: usize = 24;

/// The WASI filetype of host metadata.
fn filetype(meta: &Metadata) -> u8 {
    let ft = meta.file_type();
    if ft.is_dir() {
        FILETYPE_DIRECTORY
    } else if ft.is_file() {
        FILETYPE_REGULAR_FILE
    } else if ft.is_symlink() {
        FILETYPE_SYMBOLIC_LINK
    } else if ft.is_block_device() {
        FILETYPE_BLOCK_DEVICE
    } else if ft.is_char_device() {
        FILETYPE_CHARACTER_DEVICE
    } else if ft.is_socket() {
        FILETYPE_SOCKET_STREAM
    } else {
        FILETYPE_UNKNOWN
    }
}

fn nanos(secs: i64, nsec: i64) -> u64 {
    u64::try_from(secs)
        .unwrap_or(0)
        .saturating_mul(1_000_000_000)
        .saturating_add(u64::try_from(nsec).unwrap_or(0))
}

/// The 64-byte `filestat` of host metadata.
fn filestat(meta: &Metadata) -> [u8; FILESTAT_SIZE] {
    let mut out = [0u8; FILESTAT_SIZE];
    out[0..8].copy_from_slice(&meta.dev().to_le_bytes());
    out[8..16].copy_from_slice(&meta.ino().to_le_bytes());
    out[16] = filetype(meta);
    out[24..32].copy_from_slice(&meta.nlink().to_le_bytes());
    out[32..40].copy_from_slice(&meta.size().to_le_bytes());
    out[40..48].copy_from_slice(&nanos(meta.atime(), meta.atime_nsec()).to_le_bytes());
    out[48..56].copy_from_slice(&nanos(meta.mtime(), meta.mtime_nsec()).to_le_bytes());
    out[56..64].copy_from_slice(&nanos(meta.ctime(), meta.ctime_nsec()).to_le_bytes());
    out
}

/// The directory `fd` names.
fn dir(ctx: &mut WasiCtx, fd: u32) -> WasiResult<&mut DirFd> {
    match ctx.fds.get(fd)? {
        FdEntry::Dir(d) => Ok(d),
        _ => Err(Errno::NotDir),
    }
}

/// The directory `fd` names, which the guest is about to change.
fn writable_dir(ctx: &mut WasiCtx, fd: u32) -> WasiResult<&mut DirFd> {
    let d = dir(ctx, fd)?;
    if d.read_only {
        return Err(Errno::Rofs);
    }
    Ok(d)
}

/// The writable directories `from` and `to` of a link or rename, which must
/// lie in the same pre-open: each pre-open is its own sandbox.
fn same_sandbox_dirs(
    ctx: &mut WasiCtx,
    from: u32,
    to: u32,
) -> WasiResult<(cap_std::fs::Dir, cap_std::fs::Dir)> {
    let (to_dir, to_root) = {
        let to = writable_dir(ctx, to)?;
        (to.dir.try_clone()?, to.root)
    };
    let from = writable_dir(ctx, from)?;
    if from.root != to_root {
        return Err(Errno::Xdev);
    }
    Ok((from.dir.try_clone()?, to_dir))
}

/// The regular file `fd` names.
fn file(ctx: &mut WasiCtx, fd: u32) -> WasiResult<&mut FileFd> {
    match ctx.fds.get(fd)? {
        FdEntry::File(f) => Ok(f),
        FdEntry::Dir(_) => Err(Errno::IsDir),
        FdEntry::Input(_) | FdEntry::Output(_) | FdEntry::Listener(_) | FdEntry::Stream(_) => {
            Err(Errno::Badf)
        }
    }
}

/// The regular file `fd` names, which must have been opened for writing.
fn writable_file(ctx: &mut WasiCtx, fd: u32) -> WasiResult<&mut FileFd> {
    let f = file(ctx, fd)?;
    if f.read_only {
        return Err(Errno::Badf);
    }
    Ok(f)
}

/// A time to set: `now`, `value` or left alone, from `fst_flags`.
fn time_spec(value: u64, set: bool, now: bool) -> WasiResult<Option<SystemTimeSpec>> {
    match (set, now) {
        (true, true) => Err(Errno::Inval),
        (false, true) => Ok(Some(SystemTimeSpec::SymbolicNow)),
        (true, false) => {
            let t = std::time::UNIX_EPOCH + std::time::Duration::from_nanos(value);
            Ok(Some(SystemTimeSpec::Absolute(
                cap_std::time::SystemTime::from_std(t),
            )))
        }
        (false, false) => Ok(None),
    }
}

fn times(
    atim: u64,
    mtim: u64,
    flags: u32,
) -> WasiResult<(Option<SystemTimeSpec>, Option<SystemTimeSpec>)> {
    if flags & !(FSTFLAGS_ATIM | FSTFLAGS_ATIM_NOW | FSTFLAGS_MTIM | FSTFLAGS_MTIM_NOW) != 0 {
        return Err(Errno::Inval);
    }
    Ok((
        time_spec(
            atim,
            flags & FSTFLAGS_ATIM != 0,
            flags & FSTFLAGS_ATIM_NOW != 0,
        )?,
        time_spec(
            mtim,
            flags & FSTFLAGS_MTIM != 0,
            flags & FSTFLAGS_MTIM_NOW != 0,
        )?,
    ))
}

/// Sets the times of an open host file.
fn set_file_times(
    file: std::fs::File,
    atim: Option<SystemTimeSpec>,
    mtim: Option<SystemTimeSpec>,
) -> WasiResult {
    let resolve = |spec: SystemTimeSpec| match spec {
        SystemTimeSpec::SymbolicNow => std::time::SystemTime::now(),
        SystemTimeSpec::Absolute(t) => t.into_std(),
    };
    let mut times = std::fs::FileTimes::new();
    if let Some(a) = atim {
        times = times.set_accessed(resolve(a));
    }
    if let Some(m) = mtim {
        times = times.set_modified(resolve(m));
    }
    Ok(file.set_times(times)?)
}

fn fd_filestat_get(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, fd: u32, out: u32) -> WasiResult {
    let stat = match ctx.fds.get(fd)? {
        FdEntry::File(f) => filestat(&f.file.metadata()?),
        FdEntry::Dir(d) => filestat(&d.dir.dir_metadata()?),
        FdEntry::Input(_) | FdEntry::Output(_) => {
            let mut stat = [0u8; FILESTAT_SIZE];
            stat[16] = FILETYPE_CHARACTER_DEVICE;
            stat
        }
        FdEntry::Listener(_) | FdEntry::Stream(_) => {
            let mut stat = [0u8; FILESTAT_SIZE];
            stat[16] = FILETYPE_SOCKET_STREAM;
            stat
        }
    };
    mem.write(out, &stat)
}

fn fd_filestat_set_times(
    ctx: &mut WasiCtx,
    fd: u32,
    atim: u64,
    mtim: u64,
    flags: u32,
) -> WasiResult {
    let (atim, mtim) = times(atim, mtim, flags)?;
    let host = match ctx.fds.get(fd)? {
        FdEntry::File(f) => {
            if f.in_read_only_dir {
                return Err(Errno::Rofs);
            }
            f.file.try_clone()?.into_std()
        }
        FdEntry::Dir(d) => {
            if d.read_only {
                return Err(Errno::Rofs);
            }
            d.dir.try_clone()?.into_std_file()
        }
        _ => return Err(Errno::Badf),
    };
    set_file_times(host, atim, mtim)
}

fn fd_seek(ctx: &mut WasiCtx, fd: u32, offset: i64, whence: u32) -> WasiResult<u64> {
    let pos = match whence {
        0 => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::Inval)?),
        1 => SeekFrom::Current(offset),
        2 => SeekFrom::End(offset),
        _ => return Err(Errno::Inval),
    };
    match ctx.fds.get(fd)? {
        FdEntry::File(f) => Ok(f.file.seek(pos)?),
        FdEntry::Dir(_) => Err(Errno::Badf),
        FdEntry::Input(_) | FdEntry::Output(_) | FdEntry::Listener(_) | FdEntry::Stream(_) => {
            Err(Errno::Spipe)
        }
    }
}

fn fd_sync(ctx: &mut WasiCtx, fd: u32, data_only: bool) -> WasiResult {
    match ctx.fds.get(fd)? {
        FdEntry::File(f) if data_only => Ok(f.file.sync_data()?),
        FdEntry::File(f) => Ok(f.file.sync_all()?),
        FdEntry::Dir(d) => Ok(d.dir.try_clone()?.into_std_file().sync_all()?),
        FdEntry::Output(Output::File(f)) if data_only => Ok(f.sync_data()?),
        FdEntry::Output(Output::File(f)) => Ok(f.sync_all()?),
        // As fsync(2) on a pipe or terminal.
        _ => Err(Errno::Inval),
    }
}

fn fd_fdstat_set_flags(ctx: &mut WasiCtx, fd: u32, flags: u32) -> WasiResult {
    let known =
        FDFLAGS_APPEND as u32 | FDFLAGS_DSYNC | FDFLAGS_NONBLOCK | FDFLAGS_RSYNC | FDFLAGS_SYNC;
    if flags & !known != 0 {
        return Err(Errno::Inval);
    }
    // The sync flags can only be set at open. Non-blocking mode matters only
    // for sockets; files and stdio accept it and never block for long.
    if flags & (FDFLAGS_DSYNC | FDFLAGS_RSYNC | FDFLAGS_SYNC) != 0 {
        return Err(Errno::NotSup);
    }
    let append = flags & FDFLAGS_APPEND as u32 != 0;
    match ctx.fds.get(fd)? {
        FdEntry::File(f) => {
            f.append = append;
            Ok(())
        }
        _ if append => Err(Errno::NotSup),
        FdEntry::Stream(s) => Ok(s.set_nonblocking(flags & FDFLAGS_NONBLOCK != 0)?),
        FdEntry::Listener(l) => Ok(l.set_nonblocking(flags & FDFLAGS_NONBLOCK != 0)?),
        _ => Ok(()),
    }
}

/// One directory entry: its name, inode and WASI filetype.
struct Dirent {
    name: Vec<u8>,
    ino: u64,
    filetype: u8,
}

/// Every entry of `dir`, `.` and `..` first, then the rest sorted by name so
/// that cookies stay valid from call to call.
fn dirents(dir: &Dir) -> WasiResult<Vec<Dirent>> {
    let own = dir.dir_metadata()?;
    let mut list = vec![
        Dirent {
            name: b".".to_vec(),
            ino: own.ino(),
            filetype: FILETYPE_DIRECTORY,
        },
        // The parent is outside the capability: its inode is not revealed.
        Dirent {
            name: b"..".to_vec(),
            ino: 0,
            filetype: FILETYPE_DIRECTORY,
        },
    ];
    let mut rest = Vec::new();
    for entry in dir.entries()? {
        let entry = entry?;
        let name = entry.file_name();
        let meta = dir.symlink_metadata(&name);
        let (ino, filetype) = match meta {
            Ok(m) => (m.ino(), filetype(&m)),
            // Removed since it was listed.
            Err(_) => continue,
        };
        rest.push(Dirent {
            name: name.as_bytes().to_vec(),
            ino,
            filetype,
        });
    }
    rest.sort_by(|a, b| a.name.cmp(&b.name));
    list.extend(rest);
    Ok(list)
}

fn fd_readdir(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    buf: u32,
    buf_len: u32,
    cookie: u64,
) -> WasiResult<u32> {
    let entries = match ctx.fds.get(fd)? {
        FdEntry::Dir(d) => dirents(&d.dir)?,
        _ => return Err(Errno::NotDir),
    };
    mem.slice_mut(buf, buf_len)?;
    let cap = buf_len as usize;
    let mut used = 0usize;
    let skip = usize::try_from(cookie).unwrap_or(usize::MAX);
    for (i, e) in entries.iter().enumerate().skip(skip) {
        if used == cap {
            break;
        }
        let mut rec = Vec::with_capacity(DIRENT_SIZE + e.name.len());
        rec.extend_from_slice(&(i as u64 + 1).to_le_bytes());
        rec.extend_from_slice(&e.ino.to_le_bytes());
        rec.extend_from_slice(&(e.name.len() as u32).to_le_bytes());
        rec.extend_from_slice(&[e.filetype, 0, 0, 0]);
        rec.extend_from_slice(&e.name);
        // The last entry is cut at the end of the buffer: a guest that sees
        // the buffer full asks again with a bigger one.
        let n = rec.len().min(cap - used);
        mem.write(buf + used as u32, &rec[..n])?;
        used += n;
    }
    Ok(used as u32)
}

/// Opens `path` in directory `fd`.
fn path_open(
    ctx: &mut WasiCtx,
    fd: u32,
    lookup: u32,
    path: &str,
    oflags: u32,
    rights: u64,
    fdflags: u32,
) -> WasiResult<FdEntry> {
    let parent = dir(ctx, fd)?;
    let follow = if lookup & LOOKUP_SYMLINK_FOLLOW != 0 {
        FollowSymlinks::Yes
    } else {
        FollowSymlinks::No
    };
    if oflags & !(OFLAGS_CREAT | OFLAGS_DIRECTORY | OFLAGS_EXCL | OFLAGS_TRUNC) != 0 {
        return Err(Errno::Inval);
    }
    let known =
        FDFLAGS_APPEND as u32 | FDFLAGS_DSYNC | FDFLAGS_NONBLOCK | FDFLAGS_RSYNC | FDFLAGS_SYNC;
    if fdflags & !known != 0 {
        return Err(Errno::Inval);
    }
    let append = fdflags & FDFLAGS_APPEND as u32 != 0;
    let mut create = oflags & OFLAGS_CREAT != 0;
    let truncate = oflags & OFLAGS_TRUNC != 0;
    if oflags & OFLAGS_DIRECTORY != 0 {
        // Creating or truncating a directory is not an open; writing one is
        // refused as the host refuses it. Any other right in the mask is
        // only what the descriptor may do (Rust's standard library reopens a
        // pre-open with the rights `fd_fdstat_get` reported for it).
        if create || truncate || oflags & OFLAGS_EXCL != 0 {
            return Err(Errno::Inval);
        }
        if rights & rights::FD_WRITE != 0 || append {
            return Err(Errno::IsDir);
        }
        let dir = match follow {
            FollowSymlinks::Yes => parent.dir.open_dir(path)?,
            FollowSymlinks::No => parent.dir.open_dir_nofollow(path)?,
        };
        return Ok(FdEntry::Dir(DirFd {
            dir,
            preopen: None,
            read_only: parent.read_only,
            root: parent.root,
        }));
    }
    let write = rights & rights::FD_WRITE != 0 || append || truncate;
    let read_only = parent.read_only;
    if read_only && create && !write && oflags & OFLAGS_EXCL == 0 && parent.dir.exists(path) {
        // O_CREAT on a file that exists creates nothing: a plain open.
        create = false;
    }
    if read_only && (write || create) {
        return Err(Errno::Rofs);
    }
    let readable = rights & rights::FD_READ != 0 || !write;
    let mut opts = OpenOptions::new();
    // The host needs write access to create; the guest still sees a file it
    // cannot write to unless it asked for writing.
    opts.read(readable)
        // Append mode is the descriptor's (writes seek to the end first),
        // not the host file's, so that `fd_fdstat_set_flags` can turn it
        // off and `O_TRUNC | O_APPEND` opens.
        .write(write || create)
        .create(create)
        .create_new(create && oflags & OFLAGS_EXCL != 0)
        .truncate(truncate)
        .dsync(fdflags & FDFLAGS_DSYNC != 0)
        .rsync(fdflags & FDFLAGS_RSYNC != 0)
        .sync(fdflags & FDFLAGS_SYNC != 0)
        .follow(follow)
        .maybe_dir(!write && !create);
    let file = parent.dir.open_with(path, &opts)?;
    if file.metadata()?.is_dir() {
        return Ok(FdEntry::Dir(DirFd {
            dir: Dir::from_std_file(file.into_std()),
            preopen: None,
            read_only,
            root: parent.root,
        }));
    }
    Ok(FdEntry::File(FileFd {
        file,
        read_only: !write,
        readable,
        append,
        sync_flags: (fdflags & (FDFLAGS_DSYNC | FDFLAGS_RSYNC | FDFLAGS_SYNC)) as u16,
        in_read_only_dir: read_only,
    }))
}

/// Defines `path_open`, whose nine parameters are more than `wasi_fn!`'s
/// typed closures take, with a dynamically typed host function.
fn define_path_open<T: 'static>(
    linker: &mut Linker<T>,
    get: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> Result<()> {
    use kiln::Val;
    use kiln::{FuncType, ValType};
    let (i32, i64) = (ValType::I32, ValType::I64);
    let ty = FuncType::new(
        [i32, i32, i32, i32, i32, i64, i64, i32, i32],
        [ValType::I32],
    );
    linker.func_new(
        MODULE,
        "path_open",
        ty,
        move |mut caller, params, results| {
            let arg = |i: usize| -> u64 {
                match params[i] {
                    Val::I32(v) => u64::from(v as u32),
                    Val::I64(v) => v as u64,
                    _ => unreachable!("path_open's type has only integer parameters"),
                }
            };
            let memory = caller
                .get_export("memory")
                .and_then(kiln::Extern::into_memory);
            let Some(memory) = memory else {
                return Err(kiln::Error::msg(
                    "WASI function `path_open` needs the caller to export its memory as `memory`",
                ));
            };
            let (bytes, data) = memory.data_and_store_mut(&mut caller);
            let ctx = get(data);
            let mem = &mut GuestMemory(bytes);
            let result = (|| {
                let [fd, lookup, path, path_len, oflags] = [0, 1, 2, 3, 4].map(|i| arg(i) as u32);
                let rights = arg(5);
                let [fdflags, out] = [7, 8].map(|i| arg(i) as u32);
                let path = mem.str(path, path_len)?;
                let entry = path_open(ctx, fd, lookup, path, oflags, rights, fdflags)?;
                // Check the result pointer first, so a bad one leaks no descriptor.
                mem.slice_mut(out, 4)?;
                let new = ctx.fds.insert(entry);
                mem.write_u32(out, new)
            })();
            results[0] = Val::I32(match result {
                Ok(()) => 0,
                Err(errno) => errno as i32,
            });
            Ok(())
        },
    )?;
    Ok(())
}

pub(crate) fn define<T: 'static>(
    linker: &mut Linker<T>,
    get: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> Result<()> {
    wasi_fn!(
        linker,
        get,
        "fd_pread",
        |ctx, mem, fd: u32, iovs: u32, count: u32, offset: u64, nread: u32| {
            let f = file(ctx, fd)?;
            let mut at = offset;
            let n = read_into_iovecs(mem, iovs, count, |b| {
                let n = f.file.read_at(b, at)?;
                at = at.checked_add(n as u64).ok_or(Errno::Overflow)?;
                Ok(n)
            })?;
            mem.write_u32(nread, n)
        }
    );
    wasi_fn!(
        linker,
        get,
        "fd_pwrite",
        |ctx, mem, fd: u32, iovs: u32, count: u32, offset: u64, nwritten: u32| {
            let f = writable_file(ctx, fd)?;
            let mut at = offset;
            let n = write_from_iovecs(mem, iovs, count, |b| {
                let n = f.file.write_at(b, at)?;
                at = at.checked_add(n as u64).ok_or(Errno::Overflow)?;
                Ok(n)
            })?;
            mem.write_u32(nwritten, n)
        }
    );
    wasi_fn!(
        linker,
        get,
        "fd_seek",
        |ctx, mem, fd: u32, offset: u64, whence: u32, out: u32| {
            let pos = fd_seek(ctx, fd, offset as i64, whence)?;
            mem.write_u64(out, pos)
        }
    );
    wasi_fn!(linker, get, "fd_tell", |ctx, mem, fd: u32, out: u32| {
        let pos = fd_seek(ctx, fd, 0, 1)?;
        mem.write_u64(out, pos)
    });
    wasi_fn!(linker, get, "fd_sync", |ctx, mem, fd: u32| {
        fd_sync(ctx, fd, false)
    });
    wasi_fn!(linker, get, "fd_datasync", |ctx, mem, fd: u32| {
        fd_sync(ctx, fd, true)
    });
    wasi_fn!(
        linker,
        get,
        "fd_advise",
        |ctx, mem, fd: u32, offset: u64, len: u64, advice: u32| {
            if advice > 5 {
                return Err(Errno::Inval);
            }
            offset.checked_add(len).ok_or(Errno::Inval)?;
            // Advice may be ignored; the descriptor must still be a file.
            file(ctx, fd).map(drop)
        }
    );
    wasi_fn!(
        linker,
        get,
        "fd_allocate",
        |ctx, mem, fd: u32, offset: u64, len: u64| {
            let end = offset.checked_add(len).ok_or(Errno::Fbig)?;
            let f = writable_file(ctx, fd)?;
            if f.file.metadata()?.len() < end {
                f.file.set_len(end)?;
            }
            Ok(())
        }
    );
    wasi_fn!(
        linker,
        get,
        "fd_renumber",
        |ctx, mem, from: u32, to: u32| {
            ctx.fds.get(to)?;
            if from == to {
                return ctx.fds.get(from).map(drop);
            }
            let entry = ctx.fds.remove(from)?;
            ctx.fds.set(to, entry);
            Ok(())
        }
    );
    wasi_fn!(
        linker,
        get,
        "fd_fdstat_set_flags",
        |ctx, mem, fd: u32, flags: u32| { fd_fdstat_set_flags(ctx, fd, flags) }
    );
    wasi_fn!(
        linker,
        get,
        "fd_fdstat_set_rights",
        |ctx, mem, fd: u32, base: u64, inheriting: u64| {
            // Rights are reported, not enforced (see `rights`), so they
            // cannot be changed either: guests then skip what needs them.
            let _ = (base, inheriting);
            ctx.fds.get(fd)?;
            Err(Errno::NotSup)
        }
    );
    wasi_fn!(
        linker,
        get,
        "fd_filestat_get",
        |ctx, mem, fd: u32, out: u32| { fd_filestat_get(ctx, mem, fd, out) }
    );
    wasi_fn!(
        linker,
        get,
        "fd_filestat_set_size",
        |ctx, mem, fd: u32, size: u64| { Ok(writable_file(ctx, fd)?.file.set_len(size)?) }
    );
    wasi_fn!(
        linker,
        get,
        "fd_filestat_set_times",
        |ctx, mem, fd: u32, atim: u64, mtim: u64, flags: u32| {
            fd_filestat_set_times(ctx, fd, atim, mtim, flags)
        }
    );
    wasi_fn!(
        linker,
        get,
        "fd_readdir",
        |ctx, mem, fd: u32, buf: u32, buf_len: u32, cookie: u64, used: u32| {
            let n = fd_readdir(ctx, mem, fd, buf, buf_len, cookie)?;
            mem.write_u32(used, n)
        }
    );
    define_path_open(linker, get)?;
    wasi_fn!(
        linker,
        get,
        "path_create_directory",
        |ctx, mem, fd: u32, path: u32, len: u32| {
            let path = mem.str(path, len)?;
            Ok(writable_dir(ctx, fd)?.dir.create_dir(path)?)
        }
    );
    wasi_fn!(
        linker,
        get,
        "path_remove_directory",
        |ctx, mem, fd: u32, path: u32, len: u32| {
            let path = mem.str(path, len)?;
            Ok(writable_dir(ctx, fd)?.dir.remove_dir(path)?)
        }
    );
    wasi_fn!(
        linker,
        get,
        "path_unlink_file",
        |ctx, mem, fd: u32, path: u32, len: u32| {
            let path = mem.str(path, len)?;
            Ok(writable_dir(ctx, fd)?.dir.remove_file_or_symlink(path)?)
        }
    );
    wasi_fn!(
        linker,
        get,
        "path_rename",
        |ctx, mem, fd: u32, old: u32, old_len: u32, new_fd: u32, new: u32, new_len: u32| {
            let old = mem.str(old, old_len)?;
            let new = mem.str(new, new_len)?;
            let (from, to) = same_sandbox_dirs(ctx, fd, new_fd)?;
            Ok(from.rename(old, &to, new)?)
        }
    );
    wasi_fn!(
        linker,
        get,
        "path_link",
        |ctx,
         mem,
         fd: u32,
         lookup: u32,
         old: u32,
         old_len: u32,
         new_fd: u32,
         new: u32,
         new_len: u32| {
            // A hard link names the symbolic link itself, never its target,
            // as `linkat` without `AT_SYMLINK_FOLLOW` and Wasmtime do.
            if lookup & LOOKUP_SYMLINK_FOLLOW != 0 {
                return Err(Errno::Inval);
            }
            let old = mem.str(old, old_len)?;
            let new = mem.str(new, new_len)?;
            // Both sides must be writable: a link out of a read-only
            // directory would make its file writable through the other one.
            let (from, to) = same_sandbox_dirs(ctx, fd, new_fd)?;
            Ok(from.hard_link(old, &to, new)?)
        }
    );
    wasi_fn!(
        linker,
        get,
        "path_symlink",
        |ctx, mem, old: u32, old_len: u32, fd: u32, new: u32, new_len: u32| {
            let old = mem.str(old, old_len)?;
            let new = mem.str(new, new_len)?;
            Ok(writable_dir(ctx, fd)?.dir.symlink(old, new)?)
        }
    );
    wasi_fn!(
        linker,
        get,
        "path_readlink",
        |ctx, mem, fd: u32, path: u32, len: u32, buf: u32, buf_len: u32, used: u32| {
            let path = mem.str(path, len)?;
            let target = dir(ctx, fd)?.dir.read_link_contents(path)?;
            let bytes = target.as_os_str().as_bytes();
            let n = bytes.len().min(buf_len as usize);
            mem.write(buf, &bytes[..n])?;
            mem.write_u32(used, n as u32)
        }
    );
    wasi_fn!(
        linker,
        get,
        "path_filestat_get",
        |ctx, mem, fd: u32, lookup: u32, path: u32, len: u32, out: u32| {
            let path = mem.str(path, len)?;
            let d = &dir(ctx, fd)?.dir;
            let meta = if lookup & LOOKUP_SYMLINK_FOLLOW != 0 {
                d.metadata(path)?
            } else {
                d.symlink_metadata(path)?
            };
            mem.write(out, &filestat(&meta))
        }
    );
    wasi_fn!(
        linker,
        get,
        "path_filestat_set_times",
        |ctx, mem, fd: u32, lookup: u32, path: u32, len: u32, atim: u64, mtim: u64, flags: u32| {
            let path = mem.str(path, len)?;
            let (atim, mtim) = times(atim, mtim, flags)?;
            let d = &writable_dir(ctx, fd)?.dir;
            if lookup & LOOKUP_SYMLINK_FOLLOW != 0 {
                Ok(d.set_times(path, atim, mtim)?)
            } else {
                Ok(d.set_symlink_times(path, atim, mtim)?)
            }
        }
    );
    Ok(())
}
