//! The Go programs in `guests/go/`, built with Go's own `wasip1` port,
//! whose runtime and `os` package use WASI differently from wasi-libc:
//! non-blocking stdio with `poll_oneoff`, its own path resolution against
//! the pre-opens, `fd_readdir` with cookies.

use kiln_wasi::WasiConfig;
use kiln_wasi_tests::{run_go, TempDir};
use std::path::Path;

/// The sorted names in `dir`.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// A configuration that grants `dir` as `/sandbox` and names it in the
/// program's arguments.
fn sandbox(program: &str, dir: &Path, read_only: bool) -> WasiConfig {
    WasiConfig::new()
        .args([program, "/sandbox"])
        .preopened_dir(dir, "/sandbox", read_only)
}

/// Runs `program` with an empty directory as a read-only `/sandbox`: it
/// stops at its first change with exactly `failure`, and nothing is made.
fn refused_in_a_read_only_preopen(program: &str, failure: &str) {
    let dir = TempDir::new(&format!("go-{program}-ro"));
    let out = run_go(program, sandbox(program, dir.path(), true));
    assert_eq!(out.stdout, failure);
    assert_eq!(out.exit, 1);
    assert_eq!(names(dir.path()), Vec::<String>::new());
}

mod files {
    use super::*;

    /// Reading a directory is `EISDIR`, as read(2) says (Wasmtime answers
    /// `EBADF`).
    #[test]
    fn write_append_read_rename_and_remove() {
        let dir = TempDir::new("go-files");
        let out = run_go("files", sandbox("files", dir.path(), false));
        assert_eq!(
            out.stdout,
            "\
after write: 6 bytes, regular true
after append: 14 bytes, regular true
read: \"hello\\nworld\\n!\\n\"
read at 6: \"world\"
write to read-only file: write /sandbox/a.txt: Bad file number
exclusive create: open /sandbox/a.txt: File exists true
truncated: \"hello\"
stat old name: stat /sandbox/a.txt: No such file or directory true
new name: 5 bytes, regular true
replaced: \"ccc\"
read missing: open /sandbox/missing.txt: No such file or directory
write a directory: open /sandbox: Is a directory
read a directory: read /sandbox: Is a directory
read through a file: open /sandbox/b.txt/child: Not a directory
remove again: remove /sandbox/b.txt: No such file or directory true
big file: 1048579 true
tail at 1048576: [149 150 151], size 1048579
modified: 2009-02-13T23:31:30Z
hard link: 1048579 2
symlink: \"big.bin\", size 1048579
relative: /sandbox \"relative\"
left: 0
"
        );
        assert_eq!(out.stderr, "");
        assert_eq!(out.exit, 0);
        assert_eq!(names(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn a_read_only_preopen_refuses_the_first_write() {
        refused_in_a_read_only_preopen(
            "files",
            "FAILED write: open /sandbox/a.txt: Read-only file system\n",
        );
    }
}

mod dirs {
    use super::*;

    #[test]
    fn make_list_walk_and_remove_directories() {
        let dir = TempDir::new("go-dirs");
        let out = run_go("dirs", sandbox("dirs", dir.path(), false));
        assert_eq!(
            out.stdout,
            "\
mkdir existing: mkdir /sandbox/a: File exists
mkdir -p through a file: mkdir /sandbox/a/x.txt: Not a directory
entry b dir=true
entry x.txt dir=false
entry z dir=true
read dir of a file: open /sandbox/a/x.txt: Not a directory
read missing dir: open /sandbox/none: No such file or directory
temp name: true
temp is dir: true
temp entries: 0
temp removed: true
remove non-empty: remove /sandbox/a/b: Directory not empty
walk . dir
walk a dir
walk a/b dir
walk a/b/c dir
walk a/b/y.txt file
walk a/x.txt file
walk a/z dir
many: 300, first entry-000-, last entry-299-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
many in batches of 7: 300 entries, 43 calls
left: 0
"
        );
        assert_eq!(out.stderr, "");
        assert_eq!(out.exit, 0);
        assert_eq!(names(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn a_read_only_preopen_refuses_mkdir() {
        refused_in_a_read_only_preopen(
            "dirs",
            "FAILED mkdir -p: mkdir /sandbox/a: Read-only file system\n",
        );
    }
}

mod env {
    use super::*;

    #[test]
    fn arguments_and_variables_arrive_exactly() {
        let config = WasiConfig::new()
            .args(["env", "0", "two words", "", "ünïcødé"])
            .env("A", "1")
            .env("EMPTY", "")
            .env("EQ", "x=y")
            .env("UNICODE", "ünï");
        let out = run_go("env", config);
        assert_eq!(
            out.stdout,
            "\
args: 5
arg 1: \"0\"
arg 2: \"two words\"
arg 3: \"\"
arg 4: \"ünïcødé\"
env A: \"1\" set=true
env EMPTY: \"\" set=true
env EQ: \"x=y\" set=true
env UNICODE: \"ünï\" set=true
env MISSING: \"\" set=false
environ: 4
A=1
EMPTY=
EQ=x=y
UNICODE=ünï
"
        );
        assert_eq!(out.stderr, "");
        assert_eq!(out.exit, 0);
    }

    #[test]
    fn os_exit_sets_the_exit_code() {
        for code in [3, 42] {
            let out = run_go("env", WasiConfig::new().args(["env", &code.to_string()]));
            assert_eq!(
                out.stdout,
                format!(
                    "\
args: 2
arg 1: \"{code}\"
env A: \"\" set=false
env EMPTY: \"\" set=false
env EQ: \"\" set=false
env UNICODE: \"\" set=false
env MISSING: \"\" set=false
environ: 0
"
                )
            );
            assert_eq!(out.exit, code);
        }
    }

    #[test]
    fn nothing_is_granted_by_default() {
        let out = run_go("env", WasiConfig::new());
        assert_eq!(
            out.stdout,
            "\
args: 0
env A: \"\" set=false
env EMPTY: \"\" set=false
env EQ: \"\" set=false
env UNICODE: \"\" set=false
env MISSING: \"\" set=false
environ: 0
"
        );
        assert_eq!(out.exit, 0);
    }

    #[test]
    fn inherited_environment_is_the_hosts() {
        let mut host: Vec<String> = std::env::vars().map(|(k, v)| format!("{k}={v}")).collect();
        host.sort();
        let out = run_go("env", WasiConfig::new().arg("env").inherit_env());
        let environ = out
            .stdout
            .split_once("environ: ")
            .map(|(_, rest)| rest)
            .unwrap_or_else(|| panic!("no environ line in:\n{}", out.stdout));
        let expected: String = std::iter::once(host.len().to_string())
            .chain(host)
            .map(|line| line + "\n")
            .collect();
        assert_eq!(environ, expected);
        assert_eq!(out.exit, 0);
    }
}

mod stdio {
    use super::*;

    #[test]
    fn stdin_is_copied_to_stdout_in_upper_case() {
        let out = run_go(
            "stdio",
            WasiConfig::new()
                .arg("stdio")
                .stdin_bytes("hello\nwörld straße\n\nno newline"),
        );
        assert_eq!(out.stdout, "HELLO\nWÖRLD STRAßE\n\nNO NEWLINE\n");
        assert_eq!(out.stderr, "4 lines\n");
        assert_eq!(out.exit, 0);
    }

    #[test]
    fn empty_stdin() {
        let out = run_go("stdio", WasiConfig::new().arg("stdio"));
        assert_eq!(out.stdout, "");
        assert_eq!(out.stderr, "0 lines\n");
        assert_eq!(out.exit, 0);
    }

    #[test]
    fn large_stdin_from_a_file() {
        // Many reads and writes, through Go's buffers and non-blocking stdio.
        let input: String = (0..20_000)
            .map(|i| format!("line {i} {}\n", "abcdefghij".repeat(i % 30)))
            .collect();
        let dir = TempDir::new("go-stdio");
        let path = dir.path().join("stdin.txt");
        std::fs::write(&path, &input).unwrap();
        let out = run_go("stdio", WasiConfig::new().arg("stdio").stdin_file(&path));
        assert!(
            out.stdout == input.to_uppercase(),
            "stdout differs from stdin in upper case"
        );
        assert_eq!(out.stderr, "20000 lines\n");
        assert_eq!(out.exit, 0);
    }
}

mod escape {
    use super::*;

    /// A path that leads out of the pre-open is `ENOTCAPABLE` (Wasmtime
    /// answers `EPERM`; the wasi-testsuite accepts either). Go itself turns
    /// a path outside every pre-open into descriptor -1, hence `EBADF`.
    #[test]
    fn paths_and_symlinks_out_of_the_preopen_are_refused() {
        let root = TempDir::new("go-escape");
        let sandbox_dir = root.path().join("sandbox");
        std::fs::create_dir(&sandbox_dir).unwrap();
        std::fs::write(sandbox_dir.join("inside.txt"), "inside\n").unwrap();
        std::fs::write(root.path().join("outside.txt"), "outside\n").unwrap();
        std::os::unix::fs::symlink("../outside.txt", sandbox_dir.join("up")).unwrap();
        std::os::unix::fs::symlink("/etc", sandbox_dir.join("etc")).unwrap();
        let etc_escape = [Path::new("/etc/escape.txt"), Path::new("/etc/escape")];
        let existed: Vec<bool> = etc_escape.iter().map(|p| p.exists()).collect();

        let out = run_go("escape", sandbox("escape", &sandbox_dir, false));
        assert_eq!(
            out.stdout,
            "\
inside: read \"inside\\n\"
parent: open ../outside.txt: Bad file number
parent of the pre-open: open /outside.txt: Bad file number
absolute: open /etc/passwd: Bad file number
symlink to parent: open /sandbox/up: Capabilities insufficient
symlink to /etc: open /sandbox/etc/passwd: Capabilities insufficient
readlink up: \"../outside.txt\" <nil>
lstat up: symlink true
stat up: stat /sandbox/up: Capabilities insufficient
write through symlink to parent: open /sandbox/up: Capabilities insufficient
write through symlink to /etc: open /sandbox/etc/escape.txt: Capabilities insufficient
mkdir through symlink to /etc: mkdir /sandbox/etc/escape: Capabilities insufficient
list symlink to /etc: open /sandbox/etc: Capabilities insufficient
"
        );
        assert_eq!(out.stderr, "");
        assert_eq!(out.exit, 0);

        // Nothing changed outside the sandbox.
        assert_eq!(names(root.path()), ["outside.txt", "sandbox"]);
        assert_eq!(
            std::fs::read_to_string(root.path().join("outside.txt")).unwrap(),
            "outside\n"
        );
        for (path, existed) in etc_escape.iter().zip(existed) {
            assert_eq!(path.exists(), existed, "{} was created", path.display());
        }
        assert_eq!(names(&sandbox_dir), ["etc", "inside.txt", "up"]);
    }
}
