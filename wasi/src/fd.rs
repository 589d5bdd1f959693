//! The guest's file descriptor table.

use crate::config::{WasiOutput, WasiPipe};
use crate::errno::{Errno, WasiResult};
use std::collections::BTreeMap;
use std::io::{Read, Write};

/// A guest's WASI state: arguments, environment and open descriptors. Build it
/// with [`WasiConfig`](super::WasiConfig).
pub struct WasiCtx {
    pub(crate) args: Vec<String>,
    /// `KEY=VALUE` strings.
    pub(crate) env: Vec<String>,
    pub(crate) fds: FdTable,
}

impl std::fmt::Debug for WasiCtx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasiCtx").field("args", &self.args).finish()
    }
}

pub(crate) enum Input {
    Null,
    Inherit,
    Bytes(std::io::Cursor<Vec<u8>>),
    File(std::fs::File),
}

pub(crate) enum Output {
    Null,
    Stdout,
    Stderr,
    Pipe(WasiPipe),
    File(std::fs::File),
    Custom(WasiOutput),
}

pub(crate) struct DirFd {
    pub dir: cap_std::fs::Dir,
    /// The guest name of a pre-opened directory.
    pub preopen: Option<String>,
    pub read_only: bool,
    /// Which pre-open this directory lies in: links and renames never cross
    /// from one pre-open into another, as they would between file systems.
    pub root: usize,
}

pub(crate) struct FileFd {
    pub file: cap_std::fs::File,
    /// Opened without write access: writes are `EBADF`.
    pub read_only: bool,
    /// Opened with read access.
    pub readable: bool,
    pub append: bool,
    /// The `DSYNC`, `RSYNC` and `SYNC` fdflags it was opened with (the host
    /// file was opened with them too), which `fd_fdstat_get` reports.
    pub sync_flags: u16,
    /// Opened from a read-only pre-open: nothing about the file may change,
    /// not even its timestamps.
    pub in_read_only_dir: bool,
}

pub(crate) enum FdEntry {
    Input(Input),
    Output(Output),
    Dir(DirFd),
    File(FileFd),
    /// A listening TCP socket the host granted.
    Listener(std::net::TcpListener),
    /// A connection accepted from a `Listener`.
    Stream(std::net::TcpStream),
}

#[derive(Default)]
pub(crate) struct FdTable {
    entries: BTreeMap<u32, FdEntry>,
}

impl FdTable {
    /// Adds `entry` at the lowest free descriptor number.
    pub fn insert(&mut self, entry: FdEntry) -> u32 {
        let mut fd = 0;
        while self.entries.contains_key(&fd) {
            fd += 1;
        }
        self.entries.insert(fd, entry);
        fd
    }

    pub fn get(&mut self, fd: u32) -> WasiResult<&mut FdEntry> {
        self.entries.get_mut(&fd).ok_or(Errno::Badf)
    }

    pub fn remove(&mut self, fd: u32) -> WasiResult<FdEntry> {
        self.entries.remove(&fd).ok_or(Errno::Badf)
    }

    pub fn set(&mut self, fd: u32, entry: FdEntry) {
        self.entries.insert(fd, entry);
    }
}

impl Input {
    pub fn read(&mut self, buf: &mut [u8]) -> WasiResult<usize> {
        match self {
            Input::Null => Ok(0),
            Input::Inherit => Ok(std::io::stdin().read(buf)?),
            Input::Bytes(c) => Ok(c.read(buf)?),
            Input::File(f) => Ok(f.read(buf)?),
        }
    }
}

impl Output {
    pub fn write(&mut self, buf: &[u8]) -> WasiResult<usize> {
        match self {
            Output::Null => Ok(buf.len()),
            Output::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(buf)?;
                out.flush()?;
                Ok(buf.len())
            }
            Output::Stderr => {
                std::io::stderr().write_all(buf)?;
                Ok(buf.len())
            }
            Output::Pipe(p) => {
                p.0.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend_from_slice(buf);
                Ok(buf.len())
            }
            Output::File(f) => Ok(f.write(buf)?),
            Output::Custom(out) => {
                (out.0)(buf)?;
                Ok(buf.len())
            }
        }
    }
}
