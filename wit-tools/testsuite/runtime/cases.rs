//! The case files (`wit-tools/tests/cases/<world>.json`, format in
//! `wit-tools/tests/README.md`) replayed through any host: the steps, the
//! values and the checks are the same for every runner, which only says how
//! to call an export, drop a resource and read the host's state
//! ([`Session`]).

use super::values::{check, to_val, Labels};
use kiln::component::{ResourceAny, Val};
use kiln_wit::{Direction, Func, Wit, WorldAnalysis};
use serde_json::Value as Json;
use std::collections::HashMap;

/// A call that failed: the error's own message, and all the text a trap
/// kind is looked for in (the message with its context).
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub text: String,
}

/// One test's instance of a world's component, in a fresh store with fresh
/// host state.
pub trait Session {
    /// Calls the export `name` (as a host looks it up) of type `func`: its
    /// result, or how it failed; `Err` if the runner itself could not make
    /// the call.
    fn call(
        &mut self,
        name: &str,
        func: &Func,
        args: &[Val],
    ) -> Result<Result<Option<Val>, Failure>, String>;
    /// Drops the resource handle the test holds (its host's destructor for
    /// a host resource, the guest's for a guest's).
    fn drop_resource(&mut self, resource: ResourceAny) -> Result<(), String>;
    /// The host's named state (`notes`) as the case file writes it.
    fn host_state(&mut self, state: &str) -> Result<Json, String>;
}

/// Whether a failure is a trap of `kind` (named by the case file; the
/// words looked for are the engine's).
pub fn trap_matches(kind: &str, step: &Json, failure: &Failure) -> bool {
    let text = failure.text.to_lowercase();
    let needle = match kind {
        "unreachable" => "unreachable",
        "host" => {
            return step["message"]
                .as_str()
                .is_none_or(|m| failure.message.contains(m))
        }
        "invalid-utf8" => "utf-8",
        "invalid-char" => "invalid char",
        "invalid-discriminant" => "discriminant",
        "out-of-bounds" => "out of bounds",
        "misaligned" => "not aligned",
        "unknown-handle" => "handle",
        "poisoned" => "cannot enter",
        _ => return false,
    };
    text.contains(needle)
}

/// A world of the corpus: its analysis and its case file.
pub struct World {
    pub analysis: WorldAnalysis,
    cases: Json,
}

impl World {
    pub fn load(name: &str) -> World {
        let wit = Wit::load(&crate::corpus_wit()).unwrap();
        let analysis = wit.analyse(Some(name)).unwrap();
        let path = crate::crate_dir()
            .join("tests")
            .join("cases")
            .join(format!("{name}.json"));
        let cases = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        World { analysis, cases }
    }

    /// The names of the tests, in file order.
    pub fn test_names(&self) -> Vec<String> {
        self.tests()
            .iter()
            .map(|t| t["name"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    fn tests(&self) -> &[Json] {
        self.cases["tests"].as_array().expect("a list of tests")
    }

    /// Runs every test on a session `open` makes for it; returns each
    /// test's name and outcome, in file order.
    pub fn replay<S: Session>(
        &self,
        mut open: impl FnMut() -> Result<S, String>,
    ) -> Vec<(String, Result<(), String>)> {
        let exports = exports(&self.analysis);
        let funcs: HashMap<&str, &Func> = exports.iter().map(|(n, f)| (n.as_str(), *f)).collect();
        let mut outcomes = Vec::new();
        for test in self.tests() {
            let name = test["name"].as_str().unwrap_or_default().to_string();
            let outcome = open().and_then(|mut session| {
                let mut labels = Labels::new();
                for (i, step) in test["steps"].as_array().unwrap().iter().enumerate() {
                    run_step(&self.analysis, &funcs, &mut session, &mut labels, step)
                        .map_err(|e| format!("step {i}: {e}"))?;
                }
                if labels.is_empty() {
                    Ok(())
                } else {
                    Err(format!("resources left behind: {:?}", labels.keys()))
                }
            });
            outcomes.push((name, outcome));
        }
        outcomes
    }
}

/// The world's exports by the name a host looks them up by: `f` for a
/// function of the world, `interface#f` for one of an exported interface.
pub fn exports(analysis: &WorldAnalysis) -> Vec<(String, &Func)> {
    let mut out = Vec::new();
    for scope in analysis.scopes() {
        if scope.direction != Direction::Export {
            continue;
        }
        for f in &scope.funcs {
            out.push((scope.wire_name(f), f));
        }
    }
    out
}

fn run_step<S: Session>(
    analysis: &WorldAnalysis,
    funcs: &HashMap<&str, &Func>,
    session: &mut S,
    labels: &mut Labels,
    step: &Json,
) -> Result<(), String> {
    if let Some(name) = step["drop"].as_str() {
        let Some(Val::Resource(r)) = labels.remove(name) else {
            return Err(format!("no resource named {name}"));
        };
        return session.drop_resource(r);
    }
    if let Some(state) = step["host"].as_str() {
        let got = session.host_state(state)?;
        return (got == step["expect"])
            .then_some(())
            .ok_or_else(|| format!("host {state} is {got}, expected {}", step["expect"]));
    }
    let name = step["call"].as_str().ok_or("a step")?;
    let func = funcs.get(name).ok_or_else(|| format!("no export {name}"))?;
    let args = step["args"].as_array().ok_or("args")?;
    let mut vals = Vec::new();
    for (p, a) in func.func.params.iter().zip(args) {
        vals.push(to_val(analysis, &p.ty, a, labels).map_err(|e| format!("{name} args: {e}"))?);
    }
    let result = session.call(name, func, &vals)?;
    match (step.get("trap"), result) {
        (Some(kind), Err(e)) => {
            let kind = kind.as_str().unwrap_or_default();
            trap_matches(kind, step, &e)
                .then_some(())
                .ok_or_else(|| format!("{name} failed with {e:?}, expected a {kind} trap"))
        }
        (Some(kind), Ok(v)) => Err(format!("{name} returned {v:?}, expected a {kind} trap")),
        (None, Err(e)) => Err(format!("{name} failed: {e:?}")),
        (None, Ok(v)) => match (&func.func.result, v) {
            (Some(ty), Some(v)) => {
                check(analysis, ty, &v, &step["expect"], labels).map_err(|e| format!("{name}: {e}"))
            }
            (None, None) => Ok(()),
            (_, v) => Err(format!("{name} returned {v:?}")),
        },
    }
}
