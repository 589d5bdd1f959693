//! `WasiConfig`: what a guest is granted.

use crate::fd::{FdEntry, FdTable, Input, Output, WasiCtx};
use kiln::{Error, ErrorKind, Result};
use std::os::fd::{BorrowedFd, RawFd};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// An in-memory pipe: the guest writes to it as stdout or stderr, the host
/// reads what was written.
///
/// ```
/// let pipe = kiln_wasi::WasiPipe::new();
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

#[derive(Clone, Debug)]
struct Preopen {
    host: PathBuf,
    guest: String,
    read_only: bool,
}

/// Where the guest's stdin comes from.
#[derive(Clone, Debug, Default)]
enum InputSpec {
    #[default]
    Null,
    Inherit,
    Bytes(Arc<[u8]>),
    File(PathBuf),
    Fd(RawFd),
}

/// Where the guest's stdout or stderr goes.
#[derive(Clone, Debug, Default)]
enum OutputSpec {
    #[default]
    Null,
    Inherit,
    Pipe(WasiPipe),
    File(PathBuf),
    Fd(RawFd),
    Custom(WasiOutput),
}

/// A host function that receives what the guest writes to stdout or
/// stderr, one write at a time (see [`WasiConfig::stdout_custom`]). An
/// error it returns is the guest's write error.
#[derive(Clone)]
pub struct WasiOutput(pub(crate) Arc<WriteFn>);

/// What a [`WasiOutput`] calls with each write.
type WriteFn = dyn Fn(&[u8]) -> std::io::Result<()> + Send + Sync;

impl std::fmt::Debug for WasiOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("WasiOutput").finish()
    }
}

/// What a guest is granted: arguments, environment, stdio, pre-opened
/// directories and sockets. Nothing is granted unless asked for.
///
/// A configuration is a description (paths, bytes, descriptor numbers), not
/// open files: it is `Clone`, can be kept and changed, and opens what it
/// names each time [`WasiConfig::build`] makes a context from it.
///
/// ```
/// use kiln_wasi::{WasiConfig, WasiPipe};
/// let out = WasiPipe::new();
/// let config = WasiConfig::new().arg("prog").env("HOME", "/").stdout_pipe(&out);
/// let first = config.build().unwrap();
/// let second = config.clone().arg("--verbose").build().unwrap();
/// # let _ = (first, second);
/// ```
#[derive(Clone, Debug, Default)]
pub struct WasiConfig {
    args: Vec<String>,
    env: Vec<(String, String)>,
    preopens: Vec<Preopen>,
    sockets: Vec<Arc<std::net::TcpListener>>,
    stdin: InputSpec,
    stdout: OutputSpec,
    stderr: OutputSpec,
}

impl std::fmt::Debug for WasiPipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("WasiPipe").finish()
    }
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

    /// Forgets the arguments given so far, for a host that sets the whole
    /// list again.
    pub fn clear_args(mut self) -> Self {
        self.args.clear();
        self
    }

    /// Forgets the environment variables given so far (inherited or set).
    pub fn clear_env(mut self) -> Self {
        self.env.clear();
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Passes the host process's whole environment (as it is now).
    pub fn inherit_env(mut self) -> Self {
        self.env.extend(std::env::vars());
        self
    }

    /// Lets the guest read the host's stdin.
    pub fn inherit_stdin(mut self) -> Self {
        self.stdin = InputSpec::Inherit;
        self
    }

    /// Gives the guest `bytes` as its stdin.
    pub fn stdin_bytes(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = InputSpec::Bytes(bytes.into().into());
        self
    }

    /// Gives the guest the contents of the file at `path` as its stdin,
    /// opened by each [`build`](WasiConfig::build).
    pub fn stdin_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.stdin = InputSpec::File(path.into());
        self
    }

    /// Gives the guest what the host's descriptor `fd` reads as its stdin;
    /// each [`build`](WasiConfig::build) duplicates `fd`, which must then
    /// be open.
    pub fn stdin_fd(mut self, fd: RawFd) -> Self {
        self.stdin = InputSpec::Fd(fd);
        self
    }

    /// Lets the guest write to the host's stdout.
    pub fn inherit_stdout(mut self) -> Self {
        self.stdout = OutputSpec::Inherit;
        self
    }

    /// Lets the guest write to the host's stderr.
    pub fn inherit_stderr(mut self) -> Self {
        self.stderr = OutputSpec::Inherit;
        self
    }

    /// Sends the guest's stdout to `pipe`.
    pub fn stdout_pipe(mut self, pipe: &WasiPipe) -> Self {
        self.stdout = OutputSpec::Pipe(pipe.clone());
        self
    }

    /// Sends the guest's stderr to `pipe`.
    pub fn stderr_pipe(mut self, pipe: &WasiPipe) -> Self {
        self.stderr = OutputSpec::Pipe(pipe.clone());
        self
    }

    /// Sends the guest's stdout to the file at `path`, created or
    /// truncated by each [`build`](WasiConfig::build).
    pub fn stdout_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.stdout = OutputSpec::File(path.into());
        self
    }

    /// Sends the guest's stderr to the file at `path`, created or
    /// truncated by each [`build`](WasiConfig::build).
    pub fn stderr_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.stderr = OutputSpec::File(path.into());
        self
    }

    /// Gives each of the guest's writes to stdout to `write`, which the
    /// contexts built from this configuration share.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let sink = seen.clone();
    /// let config = kiln_wasi::WasiConfig::new().stdout_custom(move |bytes: &[u8]| {
    ///     sink.lock().unwrap().extend_from_slice(bytes);
    ///     Ok(())
    /// });
    /// # let _ = config;
    /// ```
    pub fn stdout_custom(
        mut self,
        write: impl Fn(&[u8]) -> std::io::Result<()> + Send + Sync + 'static,
    ) -> Self {
        self.stdout = OutputSpec::Custom(WasiOutput(Arc::new(write)));
        self
    }

    /// Gives each of the guest's writes to stderr to `write` (see
    /// [`WasiConfig::stdout_custom`]).
    pub fn stderr_custom(
        mut self,
        write: impl Fn(&[u8]) -> std::io::Result<()> + Send + Sync + 'static,
    ) -> Self {
        self.stderr = OutputSpec::Custom(WasiOutput(Arc::new(write)));
        self
    }

    /// Sends the guest's stdout to the host's descriptor `fd`, duplicated
    /// by each [`build`](WasiConfig::build).
    pub fn stdout_fd(mut self, fd: RawFd) -> Self {
        self.stdout = OutputSpec::Fd(fd);
        self
    }

    /// Sends the guest's stderr to the host's descriptor `fd`, duplicated
    /// by each [`build`](WasiConfig::build).
    pub fn stderr_fd(mut self, fd: RawFd) -> Self {
        self.stderr = OutputSpec::Fd(fd);
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
    /// The listener is shared by the configuration's clones; each context
    /// built gets its own handle to it.
    pub fn preopened_socket(mut self, listener: std::net::TcpListener) -> Self {
        self.sockets.push(Arc::new(listener));
        self
    }

    /// Opens what the configuration names (stdio files and descriptors,
    /// pre-opened directories) and builds a context from it; an error names
    /// what could not be opened.
    pub fn build(&self) -> Result<WasiCtx> {
        let mut fds = FdTable::default();
        fds.insert(FdEntry::Input(self.stdin.open()?));
        fds.insert(FdEntry::Output(self.stdout.open(Output::Stdout)?));
        fds.insert(FdEntry::Output(self.stderr.open(Output::Stderr)?));
        for (root, p) in self.preopens.iter().enumerate() {
            let dir = cap_std::fs::Dir::open_ambient_dir(&p.host, cap_std::ambient_authority())
                .map_err(|e| {
                    usage(format!(
                        "cannot pre-open directory {}: {e}",
                        p.host.display()
                    ))
                })?;
            fds.insert(FdEntry::Dir(crate::fd::DirFd {
                dir,
                preopen: Some(p.guest.clone()),
                read_only: p.read_only,
                root,
            }));
        }
        for listener in &self.sockets {
            let listener = listener
                .try_clone()
                .map_err(|e| usage(format!("cannot share a pre-opened socket: {e}")))?;
            fds.insert(FdEntry::Listener(listener));
        }
        Ok(WasiCtx {
            args: self.args.clone(),
            env: self.env.iter().map(|(k, v)| format!("{k}={v}")).collect(),
            fds,
        })
    }
}

fn usage(message: String) -> Error {
    Error::new(ErrorKind::Usage, message)
}

/// A duplicate of the host's descriptor `fd`, as a file the context owns.
fn duplicate(fd: RawFd, what: &str) -> Result<std::fs::File> {
    if fd < 0 {
        return Err(usage(format!("{what}: {fd} is not a file descriptor")));
    }
    // SAFETY: the descriptor is only borrowed long enough to duplicate it;
    // one that is not open makes the duplication fail with EBADF.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    let owned = borrowed
        .try_clone_to_owned()
        .map_err(|e| usage(format!("{what}: cannot use file descriptor {fd}: {e}")))?;
    Ok(std::fs::File::from(owned))
}

impl InputSpec {
    fn open(&self) -> Result<Input> {
        Ok(match self {
            InputSpec::Null => Input::Null,
            InputSpec::Inherit => Input::Inherit,
            InputSpec::Bytes(bytes) => Input::Bytes(std::io::Cursor::new(bytes.to_vec())),
            InputSpec::File(path) => {
                Input::File(std::fs::File::open(path).map_err(|e| {
                    usage(format!("cannot open stdin file {}: {e}", path.display()))
                })?)
            }
            InputSpec::Fd(fd) => Input::File(duplicate(*fd, "stdin")?),
        })
    }
}

impl OutputSpec {
    /// The output; `inherit` is the host stream `Inherit` means.
    fn open(&self, inherit: Output) -> Result<Output> {
        Ok(match self {
            OutputSpec::Null => Output::Null,
            OutputSpec::Inherit => inherit,
            OutputSpec::Pipe(pipe) => Output::Pipe(pipe.clone()),
            OutputSpec::File(path) => Output::File(std::fs::File::create(path).map_err(|e| {
                usage(format!("cannot create output file {}: {e}", path.display()))
            })?),
            OutputSpec::Fd(fd) => Output::File(duplicate(*fd, "output")?),
            OutputSpec::Custom(write) => Output::Custom(write.clone()),
        })
    }
}
