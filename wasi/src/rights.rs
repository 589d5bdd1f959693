//! Rights: what `fd_fdstat_get` reports a descriptor may do.
//!
//! Kiln enforces access through capabilities (a descriptor's kind, how it
//! was opened, its pre-open's read-only flag), not rights bits, as
//! Wasmtime's preview1 does: rights are reported so that guests' standard
//! libraries pick the right operations, and a rights mask given to
//! `path_open` only says whether to open for reading and writing.
//! `fd_fdstat_set_rights` is not supported.

use crate::fd::FdEntry;

pub(crate) const FD_DATASYNC: u64 = 1 << 0;
pub(crate) const FD_READ: u64 = 1 << 1;
pub(crate) const FD_SEEK: u64 = 1 << 2;
pub(crate) const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
pub(crate) const FD_SYNC: u64 = 1 << 4;
pub(crate) const FD_TELL: u64 = 1 << 5;
pub(crate) const FD_WRITE: u64 = 1 << 6;
pub(crate) const FD_ADVISE: u64 = 1 << 7;
pub(crate) const FD_ALLOCATE: u64 = 1 << 8;
pub(crate) const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
pub(crate) const PATH_CREATE_FILE: u64 = 1 << 10;
pub(crate) const PATH_LINK_SOURCE: u64 = 1 << 11;
pub(crate) const PATH_LINK_TARGET: u64 = 1 << 12;
pub(crate) const PATH_OPEN: u64 = 1 << 13;
pub(crate) const FD_READDIR: u64 = 1 << 14;
pub(crate) const PATH_READLINK: u64 = 1 << 15;
pub(crate) const PATH_RENAME_SOURCE: u64 = 1 << 16;
pub(crate) const PATH_RENAME_TARGET: u64 = 1 << 17;
pub(crate) const PATH_FILESTAT_GET: u64 = 1 << 18;
pub(crate) const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
pub(crate) const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
pub(crate) const FD_FILESTAT_GET: u64 = 1 << 21;
pub(crate) const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
pub(crate) const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
pub(crate) const PATH_SYMLINK: u64 = 1 << 24;
pub(crate) const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
pub(crate) const PATH_UNLINK_FILE: u64 = 1 << 26;
pub(crate) const POLL_FD_READWRITE: u64 = 1 << 27;
/// Every right preview1 defines.
pub(crate) const ALL: u64 = (1 << 30) - 1;

/// What a pre-opened directory itself may do: the path operations, not
/// reading or writing (which Rust's standard library would otherwise ask
/// for when it reopens the directory).
const PREOPEN_BASE: u64 = PATH_CREATE_DIRECTORY
    | PATH_CREATE_FILE
    | PATH_LINK_SOURCE
    | PATH_LINK_TARGET
    | PATH_OPEN
    | FD_READDIR
    | PATH_READLINK
    | PATH_RENAME_SOURCE
    | PATH_RENAME_TARGET
    | PATH_SYMLINK
    | PATH_REMOVE_DIRECTORY
    | PATH_UNLINK_FILE
    | PATH_FILESTAT_GET
    | PATH_FILESTAT_SET_TIMES
    | FD_FILESTAT_GET
    | FD_FILESTAT_SET_TIMES;

/// What descriptors opened beneath a pre-opened directory may do.
const PREOPEN_INHERITING: u64 = PREOPEN_BASE
    | FD_DATASYNC
    | FD_READ
    | FD_SEEK
    | FD_FDSTAT_SET_FLAGS
    | FD_SYNC
    | FD_TELL
    | FD_WRITE
    | FD_ADVISE
    | FD_ALLOCATE
    | FD_FILESTAT_GET
    | FD_FILESTAT_SET_SIZE
    | FD_FILESTAT_SET_TIMES
    | POLL_FD_READWRITE;

/// The (base, inheriting) rights `fd_fdstat_get` reports for `entry`.
pub(crate) fn reported(entry: &FdEntry) -> (u64, u64) {
    let base = match entry {
        FdEntry::Input(_) => FD_READ,
        FdEntry::Output(_) => FD_WRITE,
        FdEntry::Dir(d) if d.preopen.is_some() => return (PREOPEN_BASE, PREOPEN_INHERITING),
        // Directories are read, never written, and have no size or offset.
        FdEntry::Dir(_) => {
            ALL & !(FD_WRITE | FD_SEEK | FD_FILESTAT_SET_SIZE | PATH_FILESTAT_SET_SIZE)
        }
        FdEntry::File(f) => {
            let mut rights = ALL;
            if !f.readable {
                rights &= !(FD_READ | FD_READDIR);
            }
            if f.read_only {
                rights &= !FD_WRITE;
            }
            rights
        }
        FdEntry::Listener(_) | FdEntry::Stream(_) => ALL,
    };
    (base, base)
}
