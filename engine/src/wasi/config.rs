//! `WasiConfig`: what a guest is granted.

use super::fd::{FdEntry, FdTable, Input, Output, WasiCtx};
use crate::environ::error::{Error, ErrorKind, Result};
use std::sync::{Arc, Mutex};

/// An in-memory pipe: the guest writes to it as stdout or stderr, the host
/// reads what was written.
///
/// ```
/// let pipe = kiln::WasiPipe::new();
/// assert!(pipe.contents().is_empty());
/// ```
#[derive(Clone, Default)]
pub struct WasiPipe(pub(crate) Arc<Mutex<Vec<u8>>>);

impl WasiPipe {
    /// An empty pipe.
    pub fn new() -> WasiPipe {
        WasiPipe::default()
    }

    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

struct Preopen {
    host: std::path::PathBuf,
    guest: String,
    read_only: bool,
}

/// Builds a [`WasiCtx`]: arguments, environment, stdio and pre-opened
/// directories. Nothing is granted unless asked for.
#[derive(Default)]
pub struct WasiConfig {
    args: Vec<String>,
    env: Vec<(String, String)>,
    preopens: Vec<Preopen>,
    sockets: Vec<std::net::TcpListener>,
    stdin: Option<Input>,
    stdout: Option<Output>,
    stderr: Option<Output>,
}

impl WasiConfig {
    /// Grants nothing: no arguments, no environment, null stdio, no files.
    pub fn new() -> WasiConfig {
        WasiConfig::default()
    }

    /// Appends an argument (the first is the program name).
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends arguments.
    pub fn args(mut self, args: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Passes the host process's whole environment.
    pub fn inherit_env(mut self) -> Self {
        self.env.extend(std::env::vars());
        self
    }

    /// Lets the guest read the host's stdin.
    pub fn inherit_stdin(mut self) -> Self {
        self.stdin = Some(Input::Inherit);
        self
    }

    /// Gives the guest `bytes` as its stdin.
    pub fn stdin_bytes(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(Input::Bytes(std::io::Cursor::new(bytes.into())));
        self
    }

    /// Lets the guest write to the host's stdout.
    pub fn inherit_stdout(mut self) -> Self {
        self.stdout = Some(Output::Stdout);
        self
    }

    /// Lets the guest write to the host's stderr.
    pub fn inherit_stderr(mut self) -> Self {
        self.stderr = Some(Output::Stderr);
        self
    }

    /// Sends the guest's stdout to `pipe`.
    pub fn stdout_pipe(mut self, pipe: &WasiPipe) -> Self {
        self.stdout = Some(Output::Pipe(pipe.clone()));
        self
    }

    /// Sends the guest's stderr to `pipe`.
    pub fn stderr_pipe(mut self, pipe: &WasiPipe) -> Self {
        self.stderr = Some(Output::Pipe(pipe.clone()));
        self
    }

    /// Sends the guest's stdout to a file.
    pub fn stdout_file(mut self, file: std::fs::File) -> Self {
        self.stdout = Some(Output::File(file));
        self
    }

    /// Sends the guest's stderr to a file.
    pub fn stderr_file(mut self, file: std::fs::File) -> Self {
        self.stderr = Some(Output::File(file));
        self
    }

    /// Gives the guest a file's contents as its stdin.
    pub fn stdin_file(mut self, file: std::fs::File) -> Self {
        self.stdin = Some(Input::File(file));
        self
    }

    /// Grants the guest the host directory `host` under the name `guest`
    /// (e.g. `"/"` or `"."`); with `read_only`, nothing in it can change.
    pub fn preopened_dir(
        mut self,
        host: impl Into<std::path::PathBuf>,
        guest: impl Into<String>,
        read_only: bool,
    ) -> Self {
        self.preopens.push(Preopen {
            host: host.into(),
            guest: guest.into(),
            read_only,
        });
        self
    }

    /// Grants the guest a listening TCP socket: it gets the next descriptor
    /// after the pre-opened directories and accepts connections with
    /// `sock_accept`.
    pub fn preopened_socket(mut self, listener: std::net::TcpListener) -> Self {
        self.sockets.push(listener);
        self
    }

    /// Opens the pre-opened directories and builds the context.
    pub fn build(self) -> Result<WasiCtx> {
        let mut fds = FdTable::default();
        fds.insert(FdEntry::Input(self.stdin.unwrap_or(Input::Null)));
        fds.insert(FdEntry::Output(self.stdout.unwrap_or(Output::Null)));
        fds.insert(FdEntry::Output(self.stderr.unwrap_or(Output::Null)));
        for (root, p) in self.preopens.into_iter().enumerate() {
            let dir = cap_std::fs::Dir::open_ambient_dir(&p.host, cap_std::ambient_authority())
                .map_err(|e| {
                    Error::new(
                        ErrorKind::Usage,
                        format!("cannot pre-open directory {}: {e}", p.host.display()),
                    )
                })?;
            fds.insert(FdEntry::Dir(super::fd::DirFd {
                dir,
                preopen: Some(p.guest),
                read_only: p.read_only,
                root,
            }));
        }
        for listener in self.sockets {
            fds.insert(FdEntry::Listener(listener));
        }
        Ok(WasiCtx {
            args: self.args,
            env: self
                .env
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect(),
            fds,
        })
    }
}
