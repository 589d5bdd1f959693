//! WASI preview1 from the guest's side: each test drives the functions through
//! a small wasm module whose exports forward to the WASI imports.

use kiln::{Engine, Instance, Linker, Memory, Module, Store, Val};
use kiln_wasi::{WasiConfig, WasiCtx};
use std::path::{Path, PathBuf};

const BADF: i32 = 8;
const EXIST: i32 = 20;
const INVAL: i32 = 28;
const NOENT: i32 = 44;
const NOTDIR: i32 = 54;
const NOTSOCK: i32 = 57;
const ROFS: i32 = 69;
const XDEV: i32 = 75;
const NOTCAPABLE: i32 = 76;

const OFLAGS_CREAT: i32 = 1;
const OFLAGS_DIRECTORY: i32 = 2;
const OFLAGS_EXCL: i32 = 4;
const OFLAGS_TRUNC: i32 = 8;
const RIGHTS_READ: i64 = 1 << 1;
const RIGHTS_WRITE: i64 = 1 << 6;
const LOOKUP_FOLLOW: i32 = 1;

/// The first pre-opened directory's descriptor.
const PREOPEN: i32 = 3;

/// Where the tests put strings and buffers in guest memory.
const PATH: usize = 1024;
const IOVEC: usize = 2048;
const OUT: usize = 2560;
const BUF: usize = 4096;

/// The WASI functions the proxy module forwards: name, params (`i`/`I` for
/// i32/i64), and whether it returns an errno.
const FUNCS: &[(&str, &str)] = &[
    ("fd_read", "iiii"),
    ("fd_write", "iiii"),
    ("fd_pread", "iiiIi"),
    ("fd_pwrite", "iiiIi"),
    ("fd_seek", "iIii"),
    ("fd_tell", "ii"),
    ("fd_close", "i"),
    ("fd_sync", "i"),
    ("fd_datasync", "i"),
    ("fd_advise", "iIIi"),
    ("fd_allocate", "iII"),
    ("fd_renumber", "ii"),
    ("fd_fdstat_get", "ii"),
    ("fd_fdstat_set_flags", "ii"),
    ("fd_fdstat_set_rights", "iII"),
    ("fd_filestat_get", "ii"),
    ("fd_filestat_set_size", "iI"),
    ("fd_filestat_set_times", "iIIi"),
    ("fd_readdir", "iiiIi"),
    ("path_open", "iiiiiIIii"),
    ("path_create_directory", "iii"),
    ("path_remove_directory", "iii"),
    ("path_unlink_file", "iii"),
    ("path_rename", "iiiiii"),
    ("path_link", "iiiiiii"),
    ("path_symlink", "iiiii"),
    ("path_readlink", "iiiiii"),
    ("path_filestat_get", "iiiii"),
    ("path_filestat_set_times", "iiiiIIi"),
    ("poll_oneoff", "iiii"),
    ("sock_accept", "iii"),
    ("sock_recv", "iiiiii"),
    ("sock_send", "iiiii"),
    ("sock_shutdown", "ii"),
    ("args_get", "ii"),
    ("args_sizes_get", "ii"),
    ("environ_get", "ii"),
    ("environ_sizes_get", "ii"),
    ("clock_res_get", "ii"),
    ("clock_time_get", "iIi"),
    ("random_get", "ii"),
    ("sched_yield", ""),
    ("proc_raise", "i"),
    ("fd_prestat_get", "ii"),
    ("fd_prestat_dir_name", "iii"),
];

/// A module that imports every function in `FUNCS` (and `proc_exit`) and
/// exports a function of the same name that forwards to it.
fn proxy_wat() -> String {
    let mut imports = String::new();
    let mut exports = String::new();
    for (name, sig) in FUNCS {
        let params: Vec<&str> = sig
            .chars()
            .map(|c| if c == 'I' { "i64" } else { "i32" })
            .collect();
        let params = params.join(" ");
        imports.push_str(&format!(
            "(import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param {params}) (result i32)))\n"
        ));
        let gets: String = (0..sig.len()).map(|i| format!("local.get {i} ")).collect();
        exports.push_str(&format!(
            "(func (export \"{name}\") (param {params}) (result i32) {gets} call ${name})\n"
        ));
    }
    format!(
        "(module
           {imports}
           (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $proc_exit (param i32)))
           (memory (export \"memory\") 1)
           {exports}
           (func (export \"proc_exit\") (param i32) local.get 0 call $proc_exit))"
    )
}

/// An instance of the proxy module with its WASI context.
struct Guest {
    store: Store<WasiCtx>,
    instance: Instance,
    memory: Memory,
}

impl Guest {
    fn new(config: WasiConfig) -> Guest {
        let engine = Engine::default();
        let module = Module::new(&engine, proxy_wat()).unwrap();
        let mut linker = Linker::<WasiCtx>::new(&engine);
        kiln_wasi::add_to_linker(&mut linker, |ctx| ctx).unwrap();
        let mut store = Store::new(&engine, config.build().unwrap());
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let memory = instance.get_memory(&mut store, "memory").unwrap();
        Guest {
            store,
            instance,
            memory,
        }
    }

    /// Calls the WASI function `name`; its errno.
    fn call(&mut self, name: &str, args: &[Val]) -> i32 {
        let func = self.instance.get_func(&mut self.store, name).unwrap();
        let mut out = [Val::I32(0)];
        func.call(&mut self.store, args, &mut out).unwrap();
        match out[0] {
            Val::I32(errno) => errno,
            ref v => panic!("{name} returned {v:?}"),
        }
    }

    fn write(&mut self, at: usize, bytes: &[u8]) {
        self.memory.write(&mut self.store, at, bytes).unwrap();
    }

    fn read(&self, at: usize, len: usize) -> Vec<u8> {
        let mut buf = vec![0; len];
        self.memory.read(&self.store, at, &mut buf).unwrap();
        buf
    }

    fn u32_at(&self, at: usize) -> u32 {
        u32::from_le_bytes(self.read(at, 4).try_into().unwrap())
    }

    fn u64_at(&self, at: usize) -> u64 {
        u64::from_le_bytes(self.read(at, 8).try_into().unwrap())
    }

    /// Puts `path` at `PATH`; its (pointer, length) arguments.
    fn path(&mut self, path: &str) -> [Val; 2] {
        self.write(PATH, path.as_bytes());
        [Val::I32(PATH as i32), Val::I32(path.len() as i32)]
    }

    /// `path_open` in directory `dir`: the new descriptor or the errno.
    fn open(
        &mut self,
        dir: i32,
        path: &str,
        oflags: i32,
        rights: i64,
        fdflags: i32,
    ) -> Result<i32, i32> {
        let [p, len] = self.path(path);
        let args = [
            Val::I32(dir),
            Val::I32(LOOKUP_FOLLOW),
            p,
            len,
            Val::I32(oflags),
            Val::I64(rights),
            Val::I64(0),
            Val::I32(fdflags),
            Val::I32(OUT as i32),
        ];
        match self.call("path_open", &args) {
            0 => Ok(self.u32_at(OUT) as i32),
            errno => Err(errno),
        }
    }

    /// Calls a `path_*` function taking (fd, path pointer, path length).
    fn at_path(&mut self, name: &str, dir: i32, path: &str) -> i32 {
        let [p, len] = self.path(path);
        self.call(name, &[Val::I32(dir), p, len])
    }

    /// `fd_write` of `bytes`; the count written.
    fn fd_write(&mut self, fd: i32, bytes: &[u8]) -> u32 {
        self.write(BUF, bytes);
        self.write(IOVEC, &(BUF as u32).to_le_bytes());
        self.write(IOVEC + 4, &(bytes.len() as u32).to_le_bytes());
        let args = [fd, IOVEC as i32, 1, OUT as i32].map(Val::I32);
        assert_eq!(self.call("fd_write", &args), 0);
        self.u32_at(OUT)
    }

    /// `fd_read` of up to `len` bytes.
    fn fd_read(&mut self, fd: i32, len: usize) -> Vec<u8> {
        self.write(IOVEC, &(BUF as u32).to_le_bytes());
        self.write(IOVEC + 4, &(len as u32).to_le_bytes());
        let args = [fd, IOVEC as i32, 1, OUT as i32].map(Val::I32);
        assert_eq!(self.call("fd_read", &args), 0);
        let n = self.u32_at(OUT) as usize;
        self.read(BUF, n)
    }
}

/// A fresh host directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("kiln-wasi-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn sandbox(dir: &Path) -> Guest {
    Guest::new(WasiConfig::new().preopened_dir(dir, "/sandbox", false))
}

mod files {
    use super::*;

    #[test]
    fn open_write_seek_read() {
        let tmp = TempDir::new("files");
        let mut g = sandbox(tmp.path());
        let fd = g
            .open(
                PREOPEN,
                "a.txt",
                OFLAGS_CREAT | OFLAGS_TRUNC,
                RIGHTS_READ | RIGHTS_WRITE,
                0,
            )
            .unwrap();
        assert_eq!(g.fd_write(fd, b"hello world"), 11);
        assert_eq!(g.call("fd_tell", &[Val::I32(fd), Val::I32(OUT as i32)]), 0);
        assert_eq!(g.u64_at(OUT), 11);

        let seek = [Val::I32(fd), Val::I64(0), Val::I32(0), Val::I32(OUT as i32)];
        assert_eq!(g.call("fd_seek", &seek), 0);
        assert_eq!(g.u64_at(OUT), 0);
        assert_eq!(g.fd_read(fd, 100), b"hello world");

        // Negative offsets from the end.
        let seek = [
            Val::I32(fd),
            Val::I64(-5),
            Val::I32(2),
            Val::I32(OUT as i32),
        ];
        assert_eq!(g.call("fd_seek", &seek), 0);
        assert_eq!(g.u64_at(OUT), 6);
        assert_eq!(g.fd_read(fd, 100), b"world");
        let bad_whence = [Val::I32(fd), Val::I64(0), Val::I32(3), Val::I32(OUT as i32)];
        assert_eq!(g.call("fd_seek", &bad_whence), INVAL);

        // pread/pwrite leave the position alone.
        g.write(IOVEC, &(BUF as u32).to_le_bytes());
        g.write(IOVEC + 4, &3u32.to_le_bytes());
        let pread = [
            Val::I32(fd),
            Val::I32(IOVEC as i32),
            Val::I32(1),
            Val::I64(2),
            Val::I32(OUT as i32),
        ];
        assert_eq!(g.call("fd_pread", &pread), 0);
        assert_eq!(g.u32_at(OUT), 3);
        assert_eq!(g.read(BUF, 3), b"llo");
        g.write(BUF, b"J");
        g.write(IOVEC + 4, &1u32.to_le_bytes());
        let pwrite = [
            Val::I32(fd),
            Val::I32(IOVEC as i32),
            Val::I32(1),
            Val::I64(0),
            Val::I32(OUT as i32),
        ];
        assert_eq!(g.call("fd_pwrite", &pwrite), 0);
        assert_eq!(g.call("fd_tell", &[Val::I32(fd), Val::I32(OUT as i32)]), 0);
        assert_eq!(g.u64_at(OUT), 11);

        // filestat: regular file, 11 bytes; then grow and shrink it.
        assert_eq!(
            g.call("fd_filestat_get", &[Val::I32(fd), Val::I32(BUF as i32)]),
            0
        );
        assert_eq!(g.read(BUF + 16, 1), [4]);
        assert_eq!(g.u64_at(BUF + 32), 11);
        assert_eq!(g.u64_at(BUF + 24), 1);
        assert_eq!(
            g.call("fd_allocate", &[Val::I32(fd), Val::I64(0), Val::I64(20)]),
            0
        );
        assert_eq!(
            std::fs::metadata(tmp.path().join("a.txt")).unwrap().len(),
            20
        );
        assert_eq!(
            g.call("fd_filestat_set_size", &[Val::I32(fd), Val::I64(11)]),
            0
        );
        assert_eq!(g.call("fd_sync", &[Val::I32(fd)]), 0);
        assert_eq!(g.call("fd_datasync", &[Val::I32(fd)]), 0);
        assert_eq!(
            g.call(
                "fd_advise",
                &[Val::I32(fd), Val::I64(0), Val::I64(0), Val::I32(1)]
            ),
            0
        );
        assert_eq!(
            g.call(
                "fd_advise",
                &[Val::I32(fd), Val::I64(0), Val::I64(0), Val::I32(9)]
            ),
            INVAL
        );
        assert_eq!(g.call("fd_close", &[Val::I32(fd)]), 0);
        assert_eq!(
            std::fs::read(tmp.path().join("a.txt")).unwrap(),
            b"Jello world"
        );

        // O_EXCL on an existing file; a missing file without O_CREAT.
        assert_eq!(
            g.open(
                PREOPEN,
                "a.txt",
                OFLAGS_CREAT | OFLAGS_EXCL,
                RIGHTS_WRITE,
                0
            ),
            Err(EXIST)
        );
        assert_eq!(g.open(PREOPEN, "missing", 0, RIGHTS_READ, 0), Err(NOENT));
    }

    /// The (base, inheriting) rights `fd_fdstat_get` reports for `fd`.
    fn rights(g: &mut Guest, fd: i32) -> (i64, i64) {
        assert_eq!(
            g.call("fd_fdstat_get", &[Val::I32(fd), Val::I32(OUT as i32)]),
            0
        );
        let word = |b: Vec<u8>| i64::from_le_bytes(b.try_into().unwrap());
        (word(g.read(OUT + 8, 8)), word(g.read(OUT + 16, 8)))
    }

    #[test]
    fn rights_say_what_a_descriptor_can_do_and_a_directory_opens_with_the_rights_it_reports() {
        let tmp = TempDir::new("rights");
        std::fs::create_dir(tmp.path().join("sub")).unwrap();
        std::fs::write(tmp.path().join("file"), b"data").unwrap();
        let mut g = sandbox(tmp.path());
        const PATH_OPEN: i64 = 1 << 13;
        const FD_READDIR: i64 = 1 << 14;
        const ALL: i64 = (1 << 30) - 1;

        // A pre-open: path operations, and reading and writing only for
        // what is opened beneath it.
        let (base, inheriting) = rights(&mut g, PREOPEN);
        assert_eq!(base & (RIGHTS_READ | RIGHTS_WRITE), 0);
        assert_eq!(base & (PATH_OPEN | FD_READDIR), PATH_OPEN | FD_READDIR);
        assert_eq!(
            inheriting & (RIGHTS_READ | RIGHTS_WRITE),
            RIGHTS_READ | RIGHTS_WRITE
        );
        // Reopening it with exactly its base rights (as Rust's standard
        // library does) opens it; asking to write a directory is EISDIR.
        let again = g.open(PREOPEN, ".", OFLAGS_DIRECTORY, base, 0).unwrap();
        let sub = g
            .open(
                PREOPEN,
                "sub",
                OFLAGS_DIRECTORY,
                inheriting & !RIGHTS_WRITE,
                0,
            )
            .unwrap();
        assert_eq!(
            g.open(
                PREOPEN,
                "sub",
                OFLAGS_DIRECTORY,
                RIGHTS_READ | RIGHTS_WRITE,
                0
            ),
            Err(31)
        );
        let seek_and_size = (1 << 2) | (1 << 22) | (1 << 19);
        assert_eq!(
            rights(&mut g, sub),
            (
                ALL & !RIGHTS_WRITE & !seek_and_size,
                ALL & !RIGHTS_WRITE & !seek_and_size
            )
        );
        assert_eq!(rights(&mut g, again).0 & RIGHTS_WRITE, 0);
        // Creating or truncating a directory is not an open.
        assert_eq!(
            g.open(PREOPEN, "sub", OFLAGS_DIRECTORY | OFLAGS_CREAT, 0, 0),
            Err(28)
        );

        // Files: reading and writing as opened.
        let ro = g.open(PREOPEN, "file", 0, RIGHTS_READ, 0).unwrap();
        assert_eq!(rights(&mut g, ro).0, ALL & !RIGHTS_WRITE);
        let wo = g.open(PREOPEN, "file", 0, RIGHTS_WRITE, 0).unwrap();
        assert_eq!(rights(&mut g, wo).0, ALL & !RIGHTS_READ & !FD_READDIR);
        let rw = g
            .open(PREOPEN, "file", 0, RIGHTS_READ | RIGHTS_WRITE, 0)
            .unwrap();
        assert_eq!(rights(&mut g, rw), (ALL, ALL));

        // Stdio: reading or writing alone.
        assert_eq!(rights(&mut g, 0), (RIGHTS_READ, RIGHTS_READ));
        assert_eq!(rights(&mut g, 1), (RIGHTS_WRITE, RIGHTS_WRITE));
        assert_eq!(rights(&mut g, 2), (RIGHTS_WRITE, RIGHTS_WRITE));
    }

    #[test]
    fn append_is_the_descriptors_own_mode_and_sync_flags_are_reported() {
        const FDFLAGS_APPEND: i32 = 1;
        const FDFLAGS_SYNC: i32 = 16;
        let tmp = TempDir::new("append-mode");
        std::fs::write(tmp.path().join("log"), b"old contents").unwrap();
        let mut g = sandbox(tmp.path());
        // O_TRUNC | O_APPEND, as wasi-libc asks for it, opens and truncates.
        let fd = g
            .open(
                PREOPEN,
                "log",
                OFLAGS_TRUNC,
                RIGHTS_READ | RIGHTS_WRITE,
                FDFLAGS_APPEND | FDFLAGS_SYNC,
            )
            .unwrap();
        assert_eq!(g.fd_write(fd, b"abc"), 3);
        assert_eq!(
            g.call("fd_fdstat_get", &[Val::I32(fd), Val::I32(OUT as i32)]),
            0
        );
        assert_eq!(
            g.read(OUT + 2, 2),
            [(FDFLAGS_APPEND | FDFLAGS_SYNC) as u8, 0]
        );
        // In append mode a write after a seek to the start still appends...
        let seek_start = [Val::I32(fd), Val::I64(0), Val::I32(0), Val::I32(OUT as i32)];
        assert_eq!(g.call("fd_seek", &seek_start), 0);
        assert_eq!(g.fd_write(fd, b"def"), 3);
        assert_eq!(std::fs::read(tmp.path().join("log")).unwrap(), b"abcdef");
        // ...and once append mode is turned off, it overwrites.
        assert_eq!(
            g.call("fd_fdstat_set_flags", &[Val::I32(fd), Val::I32(0)]),
            0
        );
        assert_eq!(g.call("fd_seek", &seek_start), 0);
        assert_eq!(g.fd_write(fd, b"XY"), 2);
        assert_eq!(std::fs::read(tmp.path().join("log")).unwrap(), b"XYcdef");
    }

    #[test]
    fn append_and_read_only_descriptors() {
        let tmp = TempDir::new("append");
        std::fs::write(tmp.path().join("log"), b"one\n").unwrap();
        let mut g = sandbox(tmp.path());
        let fd = g.open(PREOPEN, "log", 0, RIGHTS_WRITE, 1).unwrap();
        g.fd_write(fd, b"two\n");
        assert_eq!(
            std::fs::read(tmp.path().join("log")).unwrap(),
            b"one\ntwo\n"
        );
        assert_eq!(
            g.call("fd_fdstat_get", &[Val::I32(fd), Val::I32(OUT as i32)]),
            0
        );
        assert_eq!(g.read(OUT + 2, 2), [1, 0]);
        assert_eq!(
            g.call("fd_fdstat_set_flags", &[Val::I32(fd), Val::I32(0)]),
            0
        );
        assert_eq!(
            g.call("fd_fdstat_get", &[Val::I32(fd), Val::I32(OUT as i32)]),
            0
        );
        assert_eq!(g.read(OUT + 2, 2), [0, 0]);
        // Rights are reported, not enforced, so they cannot be changed:
        // ENOTSUP, as Wasmtime answers, and guests skip what needs them.
        assert_eq!(
            g.call(
                "fd_fdstat_set_rights",
                &[Val::I32(fd), Val::I64(RIGHTS_READ), Val::I64(0)]
            ),
            58
        );

        let ro = g.open(PREOPEN, "log", 0, RIGHTS_READ, 0).unwrap();
        g.write(BUF, b"x");
        g.write(IOVEC, &(BUF as u32).to_le_bytes());
        g.write(IOVEC + 4, &1u32.to_le_bytes());
        let args = [ro, IOVEC as i32, 1, OUT as i32].map(Val::I32);
        assert_eq!(g.call("fd_write", &args), BADF);
        assert_eq!(
            g.call("fd_filestat_set_size", &[Val::I32(ro), Val::I64(0)]),
            BADF
        );

        // Renumbering moves the descriptor over another, closing that one.
        assert_eq!(g.call("fd_renumber", &[Val::I32(ro), Val::I32(fd)]), 0);
        assert_eq!(g.fd_read(fd, 3), b"one");
        assert_eq!(g.call("fd_close", &[Val::I32(ro)]), BADF);
        assert_eq!(g.call("fd_renumber", &[Val::I32(fd), Val::I32(99)]), BADF);
    }

    #[test]
    fn directories_links_and_renames() {
        let tmp = TempDir::new("paths");
        let mut g = sandbox(tmp.path());
        assert_eq!(g.at_path("path_create_directory", PREOPEN, "d"), 0);
        assert!(tmp.path().join("d").is_dir());
        assert_eq!(g.at_path("path_create_directory", PREOPEN, "d"), EXIST);
        let fd = g
            .open(PREOPEN, "d/f", OFLAGS_CREAT, RIGHTS_WRITE, 0)
            .unwrap();
        g.fd_write(fd, b"data");
        assert_eq!(g.call("fd_close", &[Val::I32(fd)]), 0);

        // Directories open as directories, and paths resolve under them.
        let d = g.open(PREOPEN, "d", OFLAGS_DIRECTORY, 0, 0).unwrap();
        assert_eq!(g.open(d, "f", OFLAGS_DIRECTORY, 0, 0), Err(NOTDIR));
        let [p, len] = g.path("f");
        let stat = [
            Val::I32(d),
            Val::I32(LOOKUP_FOLLOW),
            p,
            len,
            Val::I32(BUF as i32),
        ];
        assert_eq!(g.call("path_filestat_get", &stat), 0);
        assert_eq!(g.u64_at(BUF + 32), 4);
        assert_eq!(g.read(BUF + 16, 1), [4]);
        assert_eq!(g.at_path("path_remove_directory", PREOPEN, "d"), 55);

        // Rename across two directory descriptors.
        g.write(BUF, b"f");
        g.write(BUF + 16, b"moved");
        let rename = [d, BUF as i32, 1, PREOPEN, BUF as i32 + 16, 5].map(Val::I32);
        assert_eq!(g.call("path_rename", &rename), 0);
        assert_eq!(std::fs::read(tmp.path().join("moved")).unwrap(), b"data");

        // Hard link, symlink, readlink.
        g.write(BUF, b"moved");
        g.write(BUF + 16, b"hard");
        let link = [PREOPEN, 0, BUF as i32, 5, PREOPEN, BUF as i32 + 16, 4].map(Val::I32);
        assert_eq!(g.call("path_link", &link), 0);
        assert_eq!(std::fs::read(tmp.path().join("hard")).unwrap(), b"data");
        // A hard link never follows a symbolic link: asking it to is EINVAL.
        let follow = [
            PREOPEN,
            LOOKUP_FOLLOW,
            BUF as i32,
            5,
            PREOPEN,
            BUF as i32 + 16,
            4,
        ]
        .map(Val::I32);
        assert_eq!(g.call("path_link", &follow), 28);
        g.write(BUF + 16, b"soft");
        let symlink = [BUF as i32, 5, PREOPEN, BUF as i32 + 16, 4].map(Val::I32);
        assert_eq!(g.call("path_symlink", &symlink), 0);
        let [p, len] = g.path("soft");
        let readlink = [
            Val::I32(PREOPEN),
            p,
            len,
            Val::I32(BUF as i32),
            Val::I32(64),
            Val::I32(OUT as i32),
        ];
        assert_eq!(g.call("path_readlink", &readlink), 0);
        assert_eq!(g.u32_at(OUT), 5);
        assert_eq!(g.read(BUF, 5), b"moved");
        let [p, len] = g.path("soft");
        let lstat = [Val::I32(PREOPEN), Val::I32(0), p, len, Val::I32(BUF as i32)];
        assert_eq!(g.call("path_filestat_get", &lstat), 0);
        assert_eq!(g.read(BUF + 16, 1), [7]);

        // Times: set mtime to 1s past the epoch.
        let [p, len] = g.path("moved");
        let set = [
            Val::I32(PREOPEN),
            Val::I32(LOOKUP_FOLLOW),
            p,
            len,
            Val::I64(0),
            Val::I64(1_000_000_000),
            Val::I32(4),
        ];
        assert_eq!(g.call("path_filestat_set_times", &set), 0);
        let mtime = std::fs::metadata(tmp.path().join("moved"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(
            mtime,
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(1)
        );
        let [p, len] = g.path("moved");
        let both = [
            Val::I32(PREOPEN),
            Val::I32(LOOKUP_FOLLOW),
            p,
            len,
            Val::I64(0),
            Val::I64(0),
            Val::I32(1 | 2),
        ];
        assert_eq!(g.call("path_filestat_set_times", &both), INVAL);

        for name in ["soft", "hard", "moved"] {
            assert_eq!(g.at_path("path_unlink_file", PREOPEN, name), 0);
        }
        assert_eq!(g.call("fd_close", &[Val::I32(d)]), 0);
        assert_eq!(g.at_path("path_remove_directory", PREOPEN, "d"), 0);
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}

mod readdir {
    use super::*;

    /// Parses `fd_readdir` output: (next cookie, name, type) per whole entry.
    fn parse(bytes: &[u8]) -> Vec<(u64, String, u8)> {
        let mut out = Vec::new();
        let mut at = 0;
        while at + 24 <= bytes.len() {
            let next = u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
            let namlen = u32::from_le_bytes(bytes[at + 16..at + 20].try_into().unwrap()) as usize;
            let ty = bytes[at + 20];
            if at + 24 + namlen > bytes.len() {
                break;
            }
            let name = String::from_utf8(bytes[at + 24..at + 24 + namlen].to_vec()).unwrap();
            out.push((next, name, ty));
            at += 24 + namlen;
        }
        out
    }

    fn readdir(g: &mut Guest, fd: i32, len: i32, cookie: u64) -> Vec<u8> {
        let args = [
            Val::I32(fd),
            Val::I32(BUF as i32),
            Val::I32(len),
            Val::I64(cookie as i64),
            Val::I32(OUT as i32),
        ];
        assert_eq!(g.call("fd_readdir", &args), 0);
        let used = g.u32_at(OUT) as usize;
        g.read(BUF, used)
    }

    #[test]
    fn lists_entries_with_cookies_and_truncation() {
        let tmp = TempDir::new("readdir");
        std::fs::write(tmp.path().join("b"), b"").unwrap();
        std::fs::write(tmp.path().join("a"), b"").unwrap();
        std::fs::create_dir(tmp.path().join("sub")).unwrap();
        let mut g = sandbox(tmp.path());

        let all = parse(&readdir(&mut g, PREOPEN, 4096, 0));
        let names: Vec<&str> = all.iter().map(|(_, n, _)| n.as_str()).collect();
        assert_eq!(names, [".", "..", "a", "b", "sub"]);
        let types: Vec<u8> = all.iter().map(|(_, _, t)| *t).collect();
        assert_eq!(types, [3, 3, 4, 4, 3]);

        // Resuming from the cookie after "a" starts at "b".
        let rest = parse(&readdir(&mut g, PREOPEN, 4096, all[2].0));
        let names: Vec<&str> = rest.iter().map(|(_, n, _)| n.as_str()).collect();
        assert_eq!(names, ["b", "sub"]);
        assert!(readdir(&mut g, PREOPEN, 4096, 99).is_empty());

        // A small buffer is filled completely, the last entry cut short.
        let cut = readdir(&mut g, PREOPEN, 30, 0);
        assert_eq!(cut.len(), 30);
        assert_eq!(parse(&cut).len(), 1);

        assert_eq!(readdir_errno(&mut g, 1), NOTDIR);
    }

    fn readdir_errno(g: &mut Guest, fd: i32) -> i32 {
        let args = [
            Val::I32(fd),
            Val::I32(BUF as i32),
            Val::I32(64),
            Val::I64(0),
            Val::I32(OUT as i32),
        ];
        g.call("fd_readdir", &args)
    }
}

mod sandbox {
    use super::*;

    #[test]
    fn bad_guest_input_is_an_errno_and_the_guest_goes_on() {
        const BADF: i32 = 8;
        const FAULT: i32 = 21;
        const ILSEQ: i32 = 25;
        let tmp = TempDir::new("bad-input");
        let mut g = Guest::new(WasiConfig::new().args(["prog", "arg"]).preopened_dir(
            tmp.path(),
            "/sandbox",
            false,
        ));
        let memory_size = 1u32 << 16; // the proxy's one page
        let write = |g: &mut Guest, fd: i32, iovs: u32, count: u32| {
            let args = [fd, iovs as i32, count as i32, OUT as i32].map(Val::I32);
            g.call("fd_write", &args)
        };
        // A descriptor that is not open.
        g.write(IOVEC, &(BUF as u32).to_le_bytes());
        g.write(IOVEC + 4, &1u32.to_le_bytes());
        assert_eq!(write(&mut g, 99, IOVEC as u32, 1), BADF);
        // An iovec array past the end of memory, or whose size overflows,
        // or a buffer past the end: nothing is written, nothing allocated.
        assert_eq!(write(&mut g, 1, memory_size - 4, 1), FAULT);
        assert_eq!(write(&mut g, 1, IOVEC as u32, u32::MAX), FAULT);
        assert_eq!(write(&mut g, 1, IOVEC as u32, 0x2000_0000), FAULT);
        g.write(IOVEC, &(memory_size - 2).to_le_bytes());
        g.write(IOVEC + 4, &16u32.to_le_bytes());
        assert_eq!(write(&mut g, 1, IOVEC as u32, 1), FAULT);
        let read = [0, IOVEC as i32, 1, OUT as i32].map(Val::I32);
        assert_eq!(g.call("fd_read", &read), FAULT);
        // A path that is not UTF-8.
        g.write(PATH, &[b'a', 0xff, b'b']);
        let args = [
            Val::I32(PREOPEN),
            Val::I32(0),
            Val::I32(PATH as i32),
            Val::I32(3),
            Val::I32(0),
            Val::I64(RIGHTS_READ),
            Val::I64(0),
            Val::I32(0),
            Val::I32(OUT as i32),
        ];
        assert_eq!(g.call("path_open", &args), ILSEQ);
        // A path whose bytes run past the end of memory.
        let mut past = args.clone();
        past[2] = Val::I32((memory_size - 1) as i32);
        past[3] = Val::I32(8);
        assert_eq!(g.call("path_open", &past), FAULT);
        // Argument pointers that wrap around the address space.
        let args_get = [Val::I32(-4), Val::I32(-2)];
        assert_eq!(g.call("args_get", &args_get), FAULT);
        // The guest goes on: the same calls with good input work.
        g.write(IOVEC, &(BUF as u32).to_le_bytes());
        g.write(IOVEC + 4, &0u32.to_le_bytes());
        assert_eq!(write(&mut g, 1, IOVEC as u32, 1), 0);
        assert_eq!(g.u32_at(OUT), 0);
    }

    #[test]
    fn escapes_fail_and_touch_nothing_outside() {
        let tmp = TempDir::new("escape");
        let root = tmp.path();
        std::fs::write(root.join("secret"), b"secret").unwrap();
        let inner = root.join("sandbox");
        std::fs::create_dir(&inner).unwrap();
        std::os::unix::fs::symlink("..", inner.join("up")).unwrap();
        std::os::unix::fs::symlink("/etc", inner.join("etc")).unwrap();
        std::os::unix::fs::symlink("../secret", inner.join("secret-link")).unwrap();
        let mut g = sandbox(&inner);

        for path in [
            "../secret",
            "/etc/passwd",
            "etc/passwd",
            "up/secret",
            "secret-link",
            "up",
        ] {
            assert_eq!(
                g.open(PREOPEN, path, 0, RIGHTS_READ, 0),
                Err(NOTCAPABLE),
                "{path}"
            );
        }
        assert_eq!(
            g.open(PREOPEN, "up", OFLAGS_DIRECTORY, 0, 0),
            Err(NOTCAPABLE)
        );
        assert_eq!(
            g.open(PREOPEN, "up/created", OFLAGS_CREAT, RIGHTS_WRITE, 0),
            Err(NOTCAPABLE)
        );
        assert_eq!(
            g.open(PREOPEN, "../created", OFLAGS_CREAT, RIGHTS_WRITE, 0),
            Err(NOTCAPABLE)
        );
        assert_eq!(
            g.at_path("path_create_directory", PREOPEN, "../newdir"),
            NOTCAPABLE
        );
        assert_eq!(
            g.at_path("path_create_directory", PREOPEN, "up/newdir"),
            NOTCAPABLE
        );
        assert_eq!(
            g.at_path("path_unlink_file", PREOPEN, "../secret"),
            NOTCAPABLE
        );
        assert_eq!(
            g.at_path("path_unlink_file", PREOPEN, "up/secret"),
            NOTCAPABLE
        );
        assert_eq!(
            g.at_path("path_remove_directory", PREOPEN, ".."),
            NOTCAPABLE
        );

        // Renaming out of the sandbox, or a symlink pointing out of it.
        g.write(BUF, b"up");
        g.write(BUF + 16, b"../stolen");
        let rename = [PREOPEN, BUF as i32, 2, PREOPEN, BUF as i32 + 16, 9].map(Val::I32);
        assert_eq!(g.call("path_rename", &rename), NOTCAPABLE);
        g.write(BUF, b"/etc/passwd");
        g.write(BUF + 16, b"abs");
        let symlink = [BUF as i32, 11, PREOPEN, BUF as i32 + 16, 3].map(Val::I32);
        assert_eq!(g.call("path_symlink", &symlink), NOTCAPABLE);

        // A stat through an escaping link reveals nothing.
        let [p, len] = g.path("up/secret");
        let stat = [
            Val::I32(PREOPEN),
            Val::I32(LOOKUP_FOLLOW),
            p,
            len,
            Val::I32(BUF as i32),
        ];
        assert_eq!(g.call("path_filestat_get", &stat), NOTCAPABLE);

        let mut outside: Vec<String> = std::fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        outside.sort();
        assert_eq!(outside, ["sandbox", "secret"]);
        assert_eq!(std::fs::read(root.join("secret")).unwrap(), b"secret");
        assert!(std::fs::symlink_metadata(inner.join("abs")).is_err());
    }

    #[test]
    fn nothing_moves_out_of_a_read_only_preopen() {
        let ro = TempDir::new("ro-src");
        let rw = TempDir::new("rw-dst");
        std::fs::write(ro.path().join("f"), b"keep").unwrap();
        let mut g = Guest::new(
            WasiConfig::new()
                .preopened_dir(ro.path(), "/ro", true)
                .preopened_dir(rw.path(), "/rw", false),
        );
        g.write(BUF, b"f");
        g.write(BUF + 16, b"g");
        let link = [PREOPEN, 0, BUF as i32, 1, PREOPEN + 1, BUF as i32 + 16, 1].map(Val::I32);
        assert_eq!(g.call("path_link", &link), ROFS);
        let rename = [PREOPEN, BUF as i32, 1, PREOPEN + 1, BUF as i32 + 16, 1].map(Val::I32);
        assert_eq!(g.call("path_rename", &rename), ROFS);
        assert_eq!(std::fs::read_dir(rw.path()).unwrap().count(), 0);
        assert_eq!(std::fs::read(ro.path().join("f")).unwrap(), b"keep");

        // Between two writable pre-opens nothing moves either: each pre-open
        // is its own sandbox, as separate file systems are.
        std::fs::write(rw.path().join("a"), b"x").unwrap();
        let other = TempDir::new("rw-other");
        let mut g = Guest::new(
            WasiConfig::new()
                .preopened_dir(rw.path(), "/a", false)
                .preopened_dir(other.path(), "/b", false),
        );
        g.write(BUF, b"a");
        g.write(BUF + 16, b"b");
        let rename = [PREOPEN, BUF as i32, 1, PREOPEN + 1, BUF as i32 + 16, 1].map(Val::I32);
        assert_eq!(g.call("path_rename", &rename), XDEV);
        let link = [PREOPEN, 0, BUF as i32, 1, PREOPEN + 1, BUF as i32 + 16, 1].map(Val::I32);
        assert_eq!(g.call("path_link", &link), XDEV);
        assert_eq!(std::fs::read_dir(other.path()).unwrap().count(), 0);
        assert_eq!(std::fs::read(rw.path().join("a")).unwrap(), b"x");
    }

    #[test]
    fn read_only_preopen_refuses_changes() {
        let tmp = TempDir::new("readonly");
        std::fs::write(tmp.path().join("f"), b"read me").unwrap();
        std::fs::create_dir(tmp.path().join("sub")).unwrap();
        let mut g = Guest::new(WasiConfig::new().preopened_dir(tmp.path(), "/ro", true));

        assert_eq!(
            g.open(PREOPEN, "new", OFLAGS_CREAT, RIGHTS_WRITE, 0),
            Err(ROFS)
        );
        assert_eq!(
            g.open(PREOPEN, "new", OFLAGS_CREAT, RIGHTS_READ, 0),
            Err(ROFS)
        );
        assert_eq!(g.open(PREOPEN, "f", 0, RIGHTS_WRITE, 0), Err(ROFS));
        // O_CREAT of a file that exists only opens it.
        let existing = g.open(PREOPEN, "f", OFLAGS_CREAT, RIGHTS_READ, 0).unwrap();
        assert_eq!(g.call("fd_close", &[Val::I32(existing)]), 0);
        assert_eq!(
            g.open(PREOPEN, "f", OFLAGS_TRUNC, RIGHTS_READ, 0),
            Err(ROFS)
        );
        assert_eq!(g.at_path("path_create_directory", PREOPEN, "d"), ROFS);
        assert_eq!(g.at_path("path_unlink_file", PREOPEN, "f"), ROFS);
        assert_eq!(g.at_path("path_remove_directory", PREOPEN, "sub"), ROFS);

        // Read-only-ness carries into directories opened from it.
        let sub = g.open(PREOPEN, "sub", OFLAGS_DIRECTORY, 0, 0).unwrap();
        assert_eq!(g.open(sub, "new", OFLAGS_CREAT, RIGHTS_WRITE, 0), Err(ROFS));

        let fd = g.open(PREOPEN, "f", 0, RIGHTS_READ, 0).unwrap();
        assert_eq!(g.fd_read(fd, 100), b"read me");
        let times = [Val::I32(fd), Val::I64(0), Val::I64(0), Val::I32(8)];
        assert_eq!(g.call("fd_filestat_set_times", &times), ROFS);

        let mut names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["f", "sub"]);
        assert_eq!(std::fs::read(tmp.path().join("f")).unwrap(), b"read me");
    }
}

mod poll {
    use super::*;

    /// Writes a subscription at `at`.
    fn clock_sub(g: &mut Guest, at: usize, userdata: u64, timeout: u64) {
        let mut sub = [0u8; 48];
        sub[0..8].copy_from_slice(&userdata.to_le_bytes());
        sub[8] = 0;
        sub[16..20].copy_from_slice(&1u32.to_le_bytes());
        sub[24..32].copy_from_slice(&timeout.to_le_bytes());
        g.write(at, &sub);
    }

    #[test]
    fn relative_clock_timeout_is_reported() {
        let mut g = Guest::new(WasiConfig::new());
        clock_sub(&mut g, BUF, 42, 5_000_000);
        let args = [BUF as i32, BUF as i32 + 512, 1, OUT as i32].map(Val::I32);
        assert_eq!(g.call("poll_oneoff", &args), 0);
        assert_eq!(g.u32_at(OUT), 1);
        assert_eq!(g.u64_at(BUF + 512), 42);
        assert_eq!(g.read(BUF + 512 + 8, 3), [0, 0, 0]);
    }

    #[test]
    fn ready_descriptors_do_not_wait_for_clocks() {
        let mut g = Guest::new(WasiConfig::new().stdin_bytes(b"abc".to_vec()));
        // A timer far in the future and a read on stdin, which is ready.
        clock_sub(&mut g, BUF, 1, u64::MAX / 2);
        let mut sub = [0u8; 48];
        sub[0..8].copy_from_slice(&7u64.to_le_bytes());
        sub[8] = 1;
        g.write(BUF + 48, &sub);
        let args = [BUF as i32, BUF as i32 + 512, 2, OUT as i32].map(Val::I32);
        assert_eq!(g.call("poll_oneoff", &args), 0);
        assert_eq!(g.u32_at(OUT), 1);
        assert_eq!(g.u64_at(BUF + 512), 7);
        assert_eq!(g.read(BUF + 512 + 8, 3), [0, 0, 1]);
    }

    #[test]
    fn absolute_deadline_in_the_past_is_due_at_once() {
        let mut g = Guest::new(WasiConfig::new());
        clock_sub(&mut g, BUF, 9, 1);
        g.write(BUF + 40, &1u16.to_le_bytes());
        let args = [BUF as i32, BUF as i32 + 512, 1, OUT as i32].map(Val::I32);
        assert_eq!(g.call("poll_oneoff", &args), 0);
        assert_eq!(g.u32_at(OUT), 1);
        assert_eq!(g.u64_at(BUF + 512), 9);
        assert_eq!(g.read(BUF + 512 + 8, 3), [0, 0, 0]);
    }

    #[test]
    fn no_subscriptions_is_invalid() {
        let mut g = Guest::new(WasiConfig::new());
        let args = [BUF as i32, BUF as i32 + 512, 0, OUT as i32].map(Val::I32);
        assert_eq!(g.call("poll_oneoff", &args), INVAL);
    }
}

mod process {
    use super::*;

    #[test]
    fn proc_exit_reports_the_code() {
        let mut g = Guest::new(WasiConfig::new());
        let func = g.instance.get_func(&mut g.store, "proc_exit").unwrap();
        let err = func
            .call(&mut g.store, &[Val::I32(7)], &mut [])
            .unwrap_err();
        assert_eq!(err.i32_exit(), Some(7));
    }

    #[test]
    fn proc_exit_with_a_status_from_126_up_is_an_error_not_an_exit() {
        let mut g = Guest::new(WasiConfig::new());
        let func = g.instance.get_func(&mut g.store, "proc_exit").unwrap();
        let last = func
            .call(&mut g.store, &[Val::I32(125)], &mut [])
            .unwrap_err();
        assert_eq!(last.i32_exit(), Some(125));
        for status in [126, 256, -1] {
            let err = func
                .call(&mut g.store, &[Val::I32(status)], &mut [])
                .unwrap_err();
            assert_eq!(err.i32_exit(), None);
            assert_eq!(
                err.to_string(),
                format!(
                    "exit with invalid exit status {} outside of [0..126)",
                    status as u32
                )
            );
        }
    }

    #[test]
    fn sockets_calls_on_other_descriptors() {
        let mut g = Guest::new(WasiConfig::new());
        assert_eq!(
            g.call("sock_shutdown", &[Val::I32(1), Val::I32(2)]),
            NOTSOCK
        );
        assert_eq!(
            g.call(
                "sock_accept",
                &[Val::I32(0), Val::I32(0), Val::I32(OUT as i32)]
            ),
            NOTSOCK
        );
        let send = [1, IOVEC as i32, 0, 0, OUT as i32].map(Val::I32);
        assert_eq!(g.call("sock_send", &send), NOTSOCK);
        let recv = [0, IOVEC as i32, 0, 0, OUT as i32, OUT as i32 + 4].map(Val::I32);
        assert_eq!(g.call("sock_recv", &recv), NOTSOCK);
        assert_eq!(g.call("sock_shutdown", &[Val::I32(99), Val::I32(2)]), BADF);
    }
}

mod basics {
    use super::*;

    #[test]
    fn args_and_environ_are_exactly_what_the_host_grants() {
        let mut g = Guest::new(
            WasiConfig::new()
                .args(["prog", "one"])
                .env("A", "1")
                .env("LONGER", "xyz"),
        );
        assert_eq!(
            g.call(
                "args_sizes_get",
                &[Val::I32(OUT as i32), Val::I32(OUT as i32 + 4)]
            ),
            0
        );
        assert_eq!((g.u32_at(OUT), g.u32_at(OUT + 4)), (2, 9));
        assert_eq!(
            g.call("args_get", &[Val::I32(OUT as i32), Val::I32(BUF as i32)]),
            0
        );
        assert_eq!(g.u32_at(OUT), BUF as u32);
        assert_eq!(g.u32_at(OUT + 4), BUF as u32 + 5);
        assert_eq!(g.read(BUF, 9), b"prog\0one\0");
        assert_eq!(
            g.call(
                "environ_sizes_get",
                &[Val::I32(OUT as i32), Val::I32(OUT as i32 + 4)]
            ),
            0
        );
        assert_eq!((g.u32_at(OUT), g.u32_at(OUT + 4)), (2, 15));
        assert_eq!(
            g.call("environ_get", &[Val::I32(OUT as i32), Val::I32(BUF as i32)]),
            0
        );
        assert_eq!(g.read(BUF, 15), b"A=1\0LONGER=xyz\0");
        // A pointer past the end of memory is EFAULT, not a crash.
        assert_eq!(
            g.call("args_get", &[Val::I32(65535), Val::I32(BUF as i32)]),
            21
        );
    }

    #[test]
    fn clocks_randomness_yield_and_raise() {
        let mut g = Guest::new(WasiConfig::new());
        for clock in 0..4 {
            assert_eq!(
                g.call("clock_res_get", &[Val::I32(clock), Val::I32(OUT as i32)]),
                0
            );
            assert!(g.u64_at(OUT) > 0, "clock {clock} has a resolution");
        }
        let time = [Val::I32(1), Val::I64(0), Val::I32(OUT as i32)];
        assert_eq!(g.call("clock_time_get", &time), 0);
        let first = g.u64_at(OUT);
        assert_eq!(g.call("clock_time_get", &time), 0);
        assert!(
            g.u64_at(OUT) >= first,
            "the monotonic clock never goes back"
        );
        let realtime = [Val::I32(0), Val::I64(0), Val::I32(OUT as i32)];
        assert_eq!(g.call("clock_time_get", &realtime), 0);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64;
        assert!(now.abs_diff(g.u64_at(OUT)) < 60_000_000_000);
        assert_eq!(
            g.call(
                "clock_time_get",
                &[Val::I32(9), Val::I64(0), Val::I32(OUT as i32)]
            ),
            INVAL
        );
        assert_eq!(
            g.call("random_get", &[Val::I32(BUF as i32), Val::I32(64)]),
            0
        );
        assert_ne!(g.read(BUF, 64), vec![0u8; 64]);
        assert_eq!(g.call("sched_yield", &[]), 0);
        assert_eq!(g.call("proc_raise", &[Val::I32(6)]), 52, "ENOSYS");
    }

    #[test]
    fn stdout_and_stderr_can_be_host_functions_whose_errors_are_the_guests() {
        use std::sync::{Arc, Mutex};
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let mut g = Guest::new(
            WasiConfig::new()
                .stdout_custom(move |bytes: &[u8]| {
                    sink.lock().unwrap().push(bytes.to_vec());
                    Ok(())
                })
                .stderr_custom(|_: &[u8]| Err(std::io::Error::other("refused"))),
        );
        assert_eq!(g.fd_write(1, b"one"), 3);
        assert_eq!(g.fd_write(1, b"two"), 3);
        assert_eq!(*seen.lock().unwrap(), [b"one".to_vec(), b"two".to_vec()]);
        g.write(BUF, b"x");
        g.write(IOVEC, &(BUF as u32).to_le_bytes());
        g.write(IOVEC + 4, &1u32.to_le_bytes());
        let args = [2, IOVEC as i32, 1, OUT as i32].map(Val::I32);
        assert_eq!(g.call("fd_write", &args), 29, "EIO");
    }

    #[test]
    fn stdio_can_be_files_pipes_or_null() {
        let dir = TempDir::new("stdio");
        std::fs::write(dir.path().join("in"), b"from a file").unwrap();
        let stderr = kiln_wasi::WasiPipe::new();
        let mut g = Guest::new(
            WasiConfig::new()
                .stdin_file(dir.path().join("in"))
                .stdout_file(dir.path().join("out"))
                .stderr_pipe(&stderr),
        );
        assert_eq!(g.fd_read(0, 64), b"from a file");
        assert_eq!(g.fd_write(1, b"to a file"), 9);
        assert_eq!(g.fd_write(2, b"to a pipe"), 9);
        assert_eq!(std::fs::read(dir.path().join("out")).unwrap(), b"to a file");
        assert_eq!(stderr.contents(), b"to a pipe");
        let mut null = Guest::new(WasiConfig::new());
        assert_eq!(null.fd_read(0, 64), b"");
        assert_eq!(null.fd_write(1, b"dropped"), 7);
    }

    #[test]
    fn prestat_names_each_preopen() {
        let dir = TempDir::new("prestat");
        let mut g = Guest::new(WasiConfig::new().preopened_dir(dir.path(), "/data", false));
        assert_eq!(
            g.call("fd_prestat_get", &[Val::I32(PREOPEN), Val::I32(OUT as i32)]),
            0
        );
        assert_eq!((g.u32_at(OUT), g.u32_at(OUT + 4)), (0, 5));
        let name = [Val::I32(PREOPEN), Val::I32(BUF as i32), Val::I32(5)];
        assert_eq!(g.call("fd_prestat_dir_name", &name), 0);
        assert_eq!(g.read(BUF, 5), b"/data");
        assert_eq!(
            g.call("fd_prestat_get", &[Val::I32(1), Val::I32(OUT as i32)]),
            BADF
        );
        assert_eq!(
            g.call(
                "fd_prestat_get",
                &[Val::I32(PREOPEN + 1), Val::I32(OUT as i32)]
            ),
            BADF
        );
    }
}

mod sockets {
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn accept_recv_send_shutdown_on_a_granted_listener() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mut g = Guest::new(WasiConfig::new().preopened_socket(listener));
        let client = std::thread::spawn(move || {
            let mut conn = std::net::TcpStream::connect(addr).unwrap();
            conn.write_all(b"ping").unwrap();
            let mut reply = Vec::new();
            conn.read_to_end(&mut reply).unwrap();
            reply
        });

        // The listener is fd 3, right after stdio; it is a stream socket.
        assert_eq!(
            g.call("fd_fdstat_get", &[Val::I32(3), Val::I32(OUT as i32)]),
            0
        );
        assert_eq!(g.read(OUT, 1), [6]);
        // Wait for the connection with poll_oneoff, then accept it.
        let mut sub = [0u8; 48];
        sub[0..8].copy_from_slice(&5u64.to_le_bytes());
        sub[8] = 1;
        sub[16..20].copy_from_slice(&3u32.to_le_bytes());
        g.write(BUF, &sub);
        let poll = [BUF as i32, BUF as i32 + 512, 1, OUT as i32].map(Val::I32);
        assert_eq!(g.call("poll_oneoff", &poll), 0);
        assert_eq!(g.u32_at(OUT), 1);
        assert_eq!(g.u64_at(BUF + 512), 5);
        assert_eq!(
            g.call(
                "sock_accept",
                &[Val::I32(3), Val::I32(0), Val::I32(OUT as i32)]
            ),
            0
        );
        let conn = g.u32_at(OUT) as i32;
        assert_eq!(conn, 4);

        // Peek, then receive all four bytes across two iovecs.
        g.write(IOVEC, &(BUF as u32).to_le_bytes());
        g.write(IOVEC + 4, &1u32.to_le_bytes());
        g.write(IOVEC + 8, &(BUF as u32 + 100).to_le_bytes());
        g.write(IOVEC + 12, &3u32.to_le_bytes());
        let recv = |flags| [conn, IOVEC as i32, 2, flags, OUT as i32, OUT as i32 + 4].map(Val::I32);
        assert_eq!(g.call("sock_recv", &recv(1)), 0);
        assert!(g.u32_at(OUT) >= 1);
        assert_eq!(g.read(BUF, 1), b"p");
        assert_eq!(g.call("sock_recv", &recv(2)), 0);
        assert_eq!(g.u32_at(OUT), 4);
        assert_eq!(g.read(BUF, 1), b"p");
        assert_eq!(g.read(BUF + 100, 3), b"ing");

        // Send with sock_send and with fd_write, then close our side.
        g.write(BUF, b"po");
        g.write(IOVEC, &(BUF as u32).to_le_bytes());
        g.write(IOVEC + 4, &2u32.to_le_bytes());
        let send = [conn, IOVEC as i32, 1, 0, OUT as i32].map(Val::I32);
        assert_eq!(g.call("sock_send", &send), 0);
        assert_eq!(g.u32_at(OUT), 2);
        assert_eq!(g.fd_write(conn, b"ng"), 2);
        assert_eq!(
            g.call("sock_shutdown", &[Val::I32(conn), Val::I32(0)]),
            INVAL
        );
        assert_eq!(g.call("sock_shutdown", &[Val::I32(conn), Val::I32(2)]), 0);
        assert_eq!(client.join().unwrap(), b"pong");

        // A listener is not connected; a stream does not accept.
        assert_eq!(g.call("sock_shutdown", &[Val::I32(3), Val::I32(3)]), 53);
        assert_eq!(
            g.call(
                "sock_accept",
                &[Val::I32(conn), Val::I32(0), Val::I32(OUT as i32)]
            ),
            INVAL
        );
        assert_eq!(g.call("fd_close", &[Val::I32(conn)]), 0);
    }
}

mod config {
    use super::*;

    #[test]
    fn a_configuration_is_cloned_and_builds_a_fresh_context_each_time() {
        let dir = TempDir::new("config");
        std::fs::write(dir.path().join("in"), b"same input").unwrap();
        let config = WasiConfig::new()
            .arg("prog")
            .stdin_file(dir.path().join("in"))
            .stdout_file(dir.path().join("out"));
        let mut first = Guest::new(config.clone());
        assert_eq!(first.fd_read(0, 64), b"same input");
        assert_eq!(first.fd_write(1, b"first"), 5);
        // A second context opens the file afresh: from its start, and the
        // output file is truncated again.
        let mut second = Guest::new(config.clone().arg("--again"));
        assert_eq!(second.fd_read(0, 64), b"same input");
        assert_eq!(second.fd_write(1, b"2nd"), 3);
        assert_eq!(std::fs::read(dir.path().join("out")).unwrap(), b"2nd");
        assert_eq!(first.fd_write(1, b"!"), 1);
    }

    #[test]
    fn building_names_what_could_not_be_opened() {
        let missing =
            std::env::temp_dir().join(format!("kiln-wasi-missing-{}", std::process::id()));
        let err = WasiConfig::new().stdin_file(&missing).build().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "cannot open stdin file {}: No such file or directory (os error 2)",
                missing.display()
            )
        );
        let err = WasiConfig::new().stdout_fd(-1).build().unwrap_err();
        assert_eq!(err.to_string(), "output: -1 is not a file descriptor");
        let err = WasiConfig::new()
            .preopened_dir(&missing, "/", false)
            .build()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "cannot pre-open directory {}: No such file or directory (os error 2)",
                missing.display()
            )
        );
    }

    #[test]
    fn stdio_can_be_a_duplicated_host_descriptor() {
        use std::os::fd::AsRawFd;
        let dir = TempDir::new("fd");
        let file = std::fs::File::create(dir.path().join("out")).unwrap();
        let config = WasiConfig::new().stdout_fd(file.as_raw_fd());
        let mut g = Guest::new(config);
        drop(file);
        assert_eq!(g.fd_write(1, b"through a dup"), 13);
        assert_eq!(
            std::fs::read(dir.path().join("out")).unwrap(),
            b"through a dup"
        );
    }
}
