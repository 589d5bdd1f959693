//! Runs the C programs in `guests/` and the Go programs in `guests/go/`
//! under Kiln's WASI and checks their exact output and exit codes.

use kiln_wasi::WasiConfig;
use kiln_wasi_tests::{run, TempDir};

mod go;

mod stdio {
    use super::*;

    #[test]
    fn hello_world() {
        let out = run("hello", WasiConfig::new().arg("hello"));
        assert_eq!(out.stdout, "hello, world\n");
        assert_eq!(out.stderr, "");
        assert_eq!(out.exit, 0);
    }

    #[test]
    fn cat_copies_stdin_to_stdout() {
        // Larger than the guest's buffer, so it takes many reads and writes.
        let input: String = (0..100_000u32)
            .map(|i| {
                if i % 80 == 79 {
                    '\n'
                } else {
                    (b'a' + (i % 26) as u8) as char
                }
            })
            .collect();
        let out = run(
            "cat",
            WasiConfig::new().arg("cat").stdin_bytes(input.clone()),
        );
        assert!(out.stdout == input, "stdout differs from stdin");
        assert_eq!(out.stderr, "100000 bytes\n");
        assert_eq!(out.exit, 0);
    }

    #[test]
    fn empty_stdin() {
        let out = run("cat", WasiConfig::new().arg("cat"));
        assert_eq!(out.stdout, "");
        assert_eq!(out.stderr, "0 bytes\n");
        assert_eq!(out.exit, 0);
    }
}

mod args_and_environ {
    use super::*;

    #[test]
    fn arguments_and_variables_arrive_exactly() {
        let config = WasiConfig::new()
            .args(["args", "one", "two words", "", "ünïcødé"])
            .env("A", "1")
            .env("EMPTY", "")
            .env("EQ", "x=y");
        let out = run("args", config);
        assert_eq!(
            out.stdout,
            "argc=5\n\
             argv[0]=args\n\
             argv[1]=one\n\
             argv[2]=two words\n\
             argv[3]=\n\
             argv[4]=ünïcødé\n\
             env A=1\n\
             env EMPTY=\n\
             env EQ=x=y\n"
        );
        assert_eq!(out.exit, 0);
    }

    #[test]
    fn nothing_is_granted_by_default() {
        let out = run("args", WasiConfig::new());
        assert_eq!(out.stdout, "argc=0\n");
        assert_eq!(out.exit, 0);
    }
}

mod exit {
    use super::*;

    #[test]
    fn returning_from_main_exits_with_its_value() {
        let out = run("exit", WasiConfig::new().args(["exit", "return"]));
        assert_eq!(out.stdout, "exiting via return\n");
        assert_eq!(out.exit, 7);
    }

    #[test]
    fn exit_exits_with_its_argument() {
        let out = run("exit", WasiConfig::new().args(["exit", "exit"]));
        assert_eq!(out.stdout, "exiting via exit\n");
        assert_eq!(out.exit, 3);
    }

    #[test]
    fn returning_zero_exits_zero() {
        let out = run("exit", WasiConfig::new().args(["exit", "none"]));
        assert_eq!(out.stdout, "exiting via none\n");
        assert_eq!(out.exit, 0);
    }
}

mod clock {
    use super::*;

    #[test]
    fn clocks_and_sleep() {
        let started = std::time::Instant::now();
        let out = run("sleep", WasiConfig::new().arg("sleep"));
        assert_eq!(out.stdout, "realtime ok\nslept\n");
        assert_eq!(out.exit, 0);
        assert!(started.elapsed() >= std::time::Duration::from_millis(40));
    }
}

mod fs {
    use super::*;
    use std::path::Path;

    const EXPECTED: &str = "\
wrote 12 bytes
exclusive create: File exists
read: hello, file
after seek: file
tell ok
truncated to 5 bytes
now: hello
stat: regular file, size 5, modified just now
times set: atime 1000000000, mtime 1234567890
renamed: old name: No such file or directory
linked: 2 links
unlinked: 1 link
mkdir again: File exists
sub: a b
rmdir non-empty: Directory not empty
unlink directory: Is a directory
rmdir ok
readlink: renamed.txt
through symlink: hello
listing: renamed.txt sym
done
";

    #[test]
    fn file_operations() {
        let dir = TempDir::new("fs");
        let config =
            WasiConfig::new()
                .args(["fs", "/sandbox"])
                .preopened_dir(dir.path(), "/sandbox", false);
        let out = run("fs", config);
        assert_eq!(out.stdout, EXPECTED, "stderr: {}", out.stderr);
        assert_eq!(out.exit, 0);

        // The host sees what the guest did.
        let root = dir.path();
        assert_eq!(
            std::fs::read_to_string(root.join("renamed.txt")).unwrap(),
            "hello"
        );
        assert_eq!(
            std::fs::read_link(root.join("sym")).unwrap(),
            Path::new("renamed.txt")
        );
        let mut names: Vec<String> = std::fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["renamed.txt", "sym"]);
        let modified = std::fs::metadata(root.join("renamed.txt"))
            .unwrap()
            .modified()
            .unwrap();
        let since_epoch = modified.duration_since(std::time::UNIX_EPOCH).unwrap();
        assert_eq!(since_epoch.as_secs(), 1_234_567_890);
    }

    #[test]
    fn read_only_directories_refuse_writes() {
        let dir = TempDir::new("fs-ro");
        let config =
            WasiConfig::new()
                .args(["fs", "/sandbox"])
                .preopened_dir(dir.path(), "/sandbox", true);
        let out = run("fs", config);
        assert_eq!(out.exit, 1);
        assert!(
            out.stdout.starts_with("FAILED create: "),
            "stdout: {}",
            out.stdout
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}

mod escape {
    use super::*;
    use std::path::Path;

    /// What the guest tries, in order; each must be refused.
    const ATTEMPTS: &[&str] = &[
        "fopen ../escape.txt",
        "fopen /a/../escape.txt",
        "fopen /a/sub/../../escape.txt",
        "fopen /etc/passwd",
        "open /a/..",
        "open /a/link/passwd",
        "open /a/up/escape.txt",
        "open /a/hostetc/passwd",
        "open /a/hostup/escape.txt",
        "mkdir /a/hostup/escape",
        "link /a/f /b/g",
        "rename /a/f /b/f",
    ];

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_way_out_is_refused() {
        let root = TempDir::new("escape");
        let a = root.path().join("a");
        let b = root.path().join("b");
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("f"), "f").unwrap();
        std::fs::create_dir(a.join("sub")).unwrap();
        std::os::unix::fs::symlink("/etc", a.join("hostetc")).unwrap();
        std::os::unix::fs::symlink("..", a.join("hostup")).unwrap();
        let passwd = std::fs::read("/etc/passwd").ok();
        let passwd_modified = std::fs::metadata("/etc/passwd")
            .and_then(|m| m.modified())
            .ok();
        let outside = [
            Path::new("/escape.txt").to_path_buf(),
            Path::new("/etc/escape.txt").to_path_buf(),
            std::env::current_dir().unwrap().join("escape.txt"),
            std::env::current_dir().unwrap().join("escape"),
        ];
        let existed: Vec<bool> = outside.iter().map(|p| p.exists()).collect();

        let config = WasiConfig::new()
            .arg("escape")
            .preopened_dir(&a, "/a", false)
            .preopened_dir(&b, "/b", false);
        let out = run("escape", config);

        let lines: Vec<&str> = out.stdout.lines().collect();
        let attempts: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|line| !line.starts_with("symlink "))
            .collect();
        assert_eq!(
            attempts.len(),
            ATTEMPTS.len() + 1,
            "stdout:\n{}",
            out.stdout
        );
        for (line, attempt) in attempts.iter().zip(ATTEMPTS) {
            let refused = format!("{attempt}: refused (");
            assert!(
                line.starts_with(&refused) && line.ends_with(')'),
                "expected `{attempt}` to be refused, got `{line}`\nstdout:\n{}",
                out.stdout
            );
        }
        assert_eq!(attempts.last(), Some(&"all refused"));
        assert_eq!(out.exit, 0);

        // Nothing appeared or changed outside the sandbox.
        assert_eq!(names(root.path()), ["a", "b"]);
        assert_eq!(names(&b), Vec::<String>::new());
        assert_eq!(std::fs::read_to_string(a.join("f")).unwrap(), "f");
        for (path, existed) in outside.iter().zip(existed) {
            assert_eq!(path.exists(), existed, "{} was created", path.display());
        }
        assert_eq!(std::fs::read("/etc/passwd").ok(), passwd);
        assert_eq!(
            std::fs::metadata("/etc/passwd")
                .and_then(|m| m.modified())
                .ok(),
            passwd_modified
        );
        assert!(!Path::new("/etc/escape").exists());
    }
}
