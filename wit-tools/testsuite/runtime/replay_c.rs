//! The runtime tests of the generated C glue: for each world, a C program
//! made of the world's glue (`golden/c/<world>/`, which `c_golden_files_match`
//! keeps equal to the generator's output), its host (`testsuite/c/hosts/`),
//! its dispatcher (`testsuite/c/dispatch/`, from `dispatch_c.rs`) and
//! `testsuite/c/replay/main.c`, linked with `libwasm.so`, replays
//! `wit-tools/tests/cases/<world>.json` through the same steps and checks
//! as the Rust glue (`cases.rs`). The program talks over pipes (see
//! `main.c`), so the engine the C API holds stays out of this process.
//!
//! Tests that fail are listed, with their reason, in
//! `testsuite/c/known-failures.txt`; any other failure, and a listed test
//! that passes, fails the run.
//!
//! `KILN_REPLAY_CFLAGS` adds compiler flags (say
//! `-fsanitize=address,undefined`) to the programs.

use super::cases::{self, Failure, Session};
use super::results::{self, Counts};
use super::wire::{self, Tokens};
use crate::crate_dir;
use kiln::component::{ResourceAny, Val};
use kiln_wit::Func;
use serde_json::Value as Json;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::rc::Rc;

fn c_dir() -> PathBuf {
    crate_dir().join("testsuite").join("c")
}

/// The directory holding `libwasm.so`: that of the running test binary,
/// where cargo puts the cdylib of the `kiln-c-api` dev-dependency.
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe.parent().expect("its directory").to_path_buf();
    assert!(
        dir.join("libwasm.so").exists(),
        "libwasm.so is not in {}",
        dir.display()
    );
    dir
}

/// Compiles the replay program of `world`.
fn build(world: &str) -> PathBuf {
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("c-replay");
    std::fs::create_dir_all(&out_dir).unwrap();
    let exe = out_dir.join(world);
    let glue = crate_dir().join("golden").join("c").join(world);
    let stem = world.replace('-', "_");
    let cc = std::env::var_os("CC").unwrap_or_else(|| "cc".into());
    let mut command = Command::new(&cc);
    command
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g"])
        .args(
            std::env::var("KILN_REPLAY_CFLAGS")
                .unwrap_or_default()
                .split_whitespace(),
        )
        .arg("-I")
        .arg(crate_dir().join("..").join("c-api").join("include"))
        .arg("-I")
        .arg(&glue)
        .arg("-I")
        .arg(c_dir().join("replay"));
    let lib_dir = lib_dir();
    let output = command
        .arg(glue.join(format!("{stem}.c")))
        .arg(c_dir().join("hosts").join(format!("{world}.c")))
        .arg(super::dispatch_c::path(world))
        .arg(c_dir().join("replay").join("main.c"))
        .arg("-L")
        .arg(&lib_dir)
        .arg("-Wl,--disable-new-dtags")
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .arg("-lwasm")
        .arg("-o")
        .arg(&exe)
        .output()
        .unwrap_or_else(|e| panic!("running {cc:?}: {e}"));
    assert!(
        output.status.success(),
        "compiling the {world} replay program failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    exe
}

/// A running replay program.
struct Program {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    stderr: PathBuf,
}

impl Program {
    fn spawn(exe: &Path, component: &Path) -> Program {
        let stderr = exe.with_extension("stderr");
        let mut child = Command::new(exe)
            .arg(component)
            // Cargo points LD_LIBRARY_PATH at directories that may hold
            // another libwasm.so; the program loads the one its rpath names.
            .env_remove("LD_LIBRARY_PATH")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("running {}: {e}", exe.display()));
        Program {
            stdin: child.stdin.take(),
            stdout: BufReader::new(child.stdout.take().unwrap()),
            child,
            stderr,
        }
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Sends one request and reads the answer: `(word, the rest)`.
    fn ask(&mut self, request: &str) -> Result<(String, String), String> {
        let stdin = self.stdin.as_mut().expect("a running program");
        let sent = writeln!(stdin, "{request}").and_then(|()| stdin.flush());
        let mut line = String::new();
        let read = sent.and_then(|()| self.stdout.read_line(&mut line));
        if !matches!(read, Ok(n) if n > 0) {
            let status = self.child.wait().map(|s| s.to_string());
            let stderr = std::fs::read_to_string(&self.stderr).unwrap_or_default();
            return Err(format!(
                "the C program stopped ({status:?}) at `{}`:\n{stderr}",
                request.chars().take(200).collect::<String>()
            ));
        }
        let line = line.trim_end_matches('\n');
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        Ok((word.to_string(), rest.to_string()))
    }
}

impl Program {
    /// Ends the input and waits for the program, which releases everything
    /// and must exit normally.
    fn finish(mut self) -> Result<(), String> {
        self.stdin = None;
        let status = self.child.wait().map_err(|e| e.to_string())?;
        if status.success() {
            return Ok(());
        }
        let stderr = std::fs::read_to_string(&self.stderr).unwrap_or_default();
        Err(format!("the C program ended with {status}:\n{stderr}"))
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// A message the program sent as hex.
fn message(hex: &str) -> String {
    String::from_utf8_lossy(&wire::bytes(&format!("s{hex}")).unwrap_or_default()).into_owned()
}

/// One test's instance, in the program's fresh store.
struct CSession<'a> {
    program: Rc<RefCell<Program>>,
    analysis: &'a kiln_wit::WorldAnalysis,
}

impl Session for CSession<'_> {
    fn call(
        &mut self,
        name: &str,
        func: &Func,
        args: &[Val],
    ) -> Result<Result<Option<Val>, Failure>, String> {
        let mut request = format!("call {name}");
        for (p, v) in func.func.params.iter().zip(args) {
            wire::encode(self.analysis, &p.ty, v, &mut request)?;
        }
        let (word, rest) = self.program.borrow_mut().ask(&request)?;
        match word.as_str() {
            "ok" => {
                let mut tokens = Tokens::new(&rest);
                let result = match &func.func.result {
                    Some(ty) => Some(wire::decode(self.analysis, ty, &mut tokens)?),
                    None => None,
                };
                if !tokens.is_empty() {
                    return Err(format!("more than the result in `{rest}`"));
                }
                Ok(Ok(result))
            }
            "trap" => {
                let message = message(&rest);
                Ok(Err(Failure {
                    text: message.clone(),
                    message,
                }))
            }
            _ => Err(format!("{word} {}", message(&rest))),
        }
    }

    fn drop_resource(&mut self, resource: ResourceAny) -> Result<(), String> {
        let id = resource.rep().ok_or("not a handle of the C program")?;
        match self.program.borrow_mut().ask(&format!("drop {id}"))? {
            (word, _) if word == "ok" => Ok(()),
            (word, rest) => Err(format!("{word} {}", message(&rest))),
        }
    }

    fn host_state(&mut self, state: &str) -> Result<Json, String> {
        let (word, rest) = self.program.borrow_mut().ask(&format!("host {state}"))?;
        if word != "ok" {
            return Err(format!("{word} {}", message(&rest)));
        }
        // `notes`, the one state, is a list<u32>.
        let mut tokens = Tokens::new(&rest);
        let n: usize = tokens.number()?;
        let notes = (0..n)
            .map(|_| tokens.number::<u32>())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(serde_json::to_value(notes).unwrap())
    }
}

/// `known-failures.txt`: `world/test` to the reason it fails.
fn known_failures() -> BTreeMap<String, String> {
    let path = c_dir().join("known-failures.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut known = BTreeMap::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (test, reason) = line
            .split_once(": ")
            .unwrap_or_else(|| panic!("{}: `{line}` is not `world/test: reason`", path.display()));
        known.insert(test.to_string(), reason.to_string());
    }
    known
}

fn replay(world_name: &str) {
    let guest = kiln_wit_guests::build(&kiln_wit_guests::Options::default(), world_name)
        .unwrap_or_else(|e| panic!("building the {world_name} guest: {e:#}"));
    let exe = build(world_name);
    let world = cases::World::load(world_name);
    let known: BTreeMap<String, String> = known_failures()
        .into_iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(&format!("{world_name}/"))?.to_string(), v)))
        .collect();
    let names = world.test_names();
    let unknown: Vec<&String> = known.keys().filter(|k| !names.contains(k)).collect();
    assert!(
        unknown.is_empty(),
        "known-failures.txt names tests {world_name} does not have: {unknown:?}"
    );

    let program = Rc::new(RefCell::new(Program::spawn(&exe, &guest.component)));
    let outcomes = world.replay(|| {
        // A program that died (a crash is a failure of that test) is
        // started again for the next.
        if !program.borrow_mut().alive() {
            *program.borrow_mut() = Program::spawn(&exe, &guest.component);
        }
        match program.borrow_mut().ask("new")? {
            (word, _) if word == "ok" => {}
            (word, rest) => return Err(format!("new: {word} {}", message(&rest))),
        }
        Ok(CSession {
            program: program.clone(),
            analysis: &world.analysis,
        })
    });
    let finished = Rc::try_unwrap(program)
        .ok()
        .expect("no session is left")
        .into_inner()
        .finish();

    let (mut passed, mut expected, mut problems) = (0, 0, Vec::new());
    for (name, outcome) in &outcomes {
        match (outcome, known.get(name)) {
            (Ok(()), None) => {
                passed += 1;
                println!("{world_name}/{name}: ok");
            }
            (Err(e), Some(reason)) => {
                expected += 1;
                println!("{world_name}/{name}: known failure ({reason}): {e}");
            }
            (Err(e), None) => {
                println!("{world_name}/{name}: FAILED: {e}");
                problems.push(format!("{name}: {e}"));
            }
            (Ok(()), Some(_)) => {
                println!("{world_name}/{name}: passes, but is listed in known-failures.txt");
                problems.push(format!(
                    "{name}: passes (remove it from known-failures.txt)"
                ));
            }
        }
    }
    println!(
        "{world_name} through the C glue: {passed} passed, {expected} known failures, {} unexpected",
        problems.len()
    );
    if let Err(e) = finished {
        println!("{world_name}: {e}");
        problems.push(e);
    }
    // A program that ended badly counts as one more failure.
    let counts = Counts {
        passed,
        failed: problems.len(),
        known: expected,
    };
    results::record("c", world_name, counts);
    assert!(
        problems.is_empty(),
        "{world_name} through the C glue: {} of {} tests went unexpectedly:\n  {}",
        problems.len(),
        outcomes.len(),
        problems.join("\n  ")
    );
}

#[test]
fn scalars_cases_replay_through_the_c_glue() {
    replay("scalars");
}

#[test]
fn lists_cases_replay_through_the_c_glue() {
    replay("lists");
}

#[test]
fn variants_cases_replay_through_the_c_glue() {
    replay("variants");
}

#[test]
fn resources_cases_replay_through_the_c_glue() {
    replay("resources");
}

#[test]
fn traps_cases_replay_through_the_c_glue() {
    replay("traps");
}

#[test]
fn known_failures_name_worlds_of_the_corpus() {
    let worlds = crate::corpus_worlds();
    for test in known_failures().keys() {
        let world = test.split('/').next().unwrap_or_default();
        assert!(
            worlds.iter().any(|w| w == world),
            "known-failures.txt: `{test}` is not `world/test` of a corpus world"
        );
    }
}
