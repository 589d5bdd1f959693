//! The runtime tests: the generated Rust glue instantiates each corpus
//! guest (built from C by `kiln-wit-guests`) with the typed host of
//! `hosts.rs`, and replays `wit-tools/tests/cases/<world>.json` exactly.

use super::hosts::Host;
use super::values::{check, to_val, Labels};
use crate::generated;
use kiln::component::{Component, Linker, Val};
use kiln::{Engine, Store};
use kiln_wit::{Direction, Func, Wit, WorldAnalysis};
use serde_json::Value as Json;
use std::collections::HashMap;

/// A generated world struct, as the runner drives it.
trait World: Sized {
    fn instantiate(store: &mut Store<Host>, component: &Component) -> kiln::Result<Self>;
    fn call(&self, store: &mut Store<Host>, name: &str, args: &[Val]) -> kiln::Result<Option<Val>>;
}

macro_rules! world {
    ($module:ident, $world:ident) => {
        impl World for generated::$module::$world {
            fn instantiate(store: &mut Store<Host>, component: &Component) -> kiln::Result<Self> {
                let mut linker = Linker::new(store.engine());
                generated::$module::$world::add_to_linker(&mut linker, |h: &mut Host| h)?;
                generated::$module::$world::instantiate(store, component, &linker)
            }
            fn call(
                &self,
                store: &mut Store<Host>,
                name: &str,
                args: &[Val],
            ) -> kiln::Result<Option<Val>> {
                generated::$module::dispatch::call(self, store, name, args)
            }
        }
    };
}

world!(scalars, Scalars);
world!(lists, Lists);
world!(variants, Variants);
world!(resources, Resources);
world!(traps, Traps);

/// The text a trap of `kind` has in Kiln (its kind is named by the case
/// file; the words are the engine's).
fn trap_matches(kind: &str, step: &Json, err: &kiln::Error) -> bool {
    let text = format!("{} {err:?}", err.message()).to_lowercase();
    let needle = match kind {
        "unreachable" => "unreachable",
        "host" => {
            return step["message"]
                .as_str()
                .is_none_or(|m| err.message().contains(m))
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

fn run_step<W: World>(
    analysis: &WorldAnalysis,
    funcs: &HashMap<String, &Func>,
    world: &W,
    store: &mut Store<Host>,
    labels: &mut Labels,
    step: &Json,
) -> Result<(), String> {
    if let Some(name) = step["drop"].as_str() {
        let Some(Val::Resource(r)) = labels.remove(name) else {
            return Err(format!("no resource named {name}"));
        };
        return match r.rep() {
            // The host's own resource: its destructor.
            Some(rep) => store
                .data_mut()
                .drop_blob(rep)
                .map_err(|e| e.message().to_string()),
            None => r
                .resource_drop(&mut *store)
                .map_err(|e| e.message().to_string()),
        };
    }
    if let Some(state) = step["host"].as_str() {
        let got = match state {
            "notes" => serde_json::to_value(&store.data().notes).unwrap(),
            other => return Err(format!("unknown host state {other}")),
        };
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
    let result = world.call(store, name, &vals);
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

fn replay<W: World>(world_name: &str) {
    let guest = kiln_wit_guests::build(&kiln_wit_guests::Options::default(), world_name)
        .unwrap_or_else(|e| panic!("building the {world_name} guest: {e:#}"));
    let engine = Engine::default();
    let component = Component::from_file(&engine, &guest.component).unwrap();
    let wit = Wit::load(&crate::corpus_wit()).unwrap();
    let analysis = wit.analyse(Some(world_name)).unwrap();
    let mut funcs = HashMap::new();
    for scope in analysis.scopes() {
        if scope.direction != Direction::Export {
            continue;
        }
        for f in &scope.funcs {
            let name = if scope.is_root() {
                f.func.name.clone()
            } else {
                format!("{}#{}", scope.name, f.func.name)
            };
            funcs.insert(name, f);
        }
    }
    let path = crate::crate_dir()
        .join("tests")
        .join("cases")
        .join(format!("{world_name}.json"));
    let cases: Json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut passed = 0;
    let mut failed = Vec::new();
    for test in cases["tests"].as_array().unwrap() {
        let name = test["name"].as_str().unwrap_or_default();
        let mut store = Store::new(&engine, Host::default());
        let outcome = W::instantiate(&mut store, &component)
            .map_err(|e| format!("instantiating: {e:?}"))
            .and_then(|world| {
                let mut labels = Labels::new();
                for (i, step) in test["steps"].as_array().unwrap().iter().enumerate() {
                    run_step(&analysis, &funcs, &world, &mut store, &mut labels, step)
                        .map_err(|e| format!("step {i}: {e}"))?;
                }
                if labels.is_empty() {
                    Ok(())
                } else {
                    Err(format!("resources left behind: {:?}", labels.keys()))
                }
            });
        match outcome {
            Ok(()) => passed += 1,
            Err(e) => failed.push(format!("{name}: {e}")),
        }
    }
    println!("{world_name}: {passed} passed, {} failed", failed.len());
    assert!(
        failed.is_empty(),
        "{world_name}: {} of {} tests failed:\n  {}",
        failed.len(),
        passed + failed.len(),
        failed.join("\n  ")
    );
}

#[test]
fn scalars_cases_replay_through_the_rust_glue() {
    replay::<generated::scalars::Scalars>("scalars");
}

#[test]
fn lists_cases_replay_through_the_rust_glue() {
    replay::<generated::lists::Lists>("lists");
}

#[test]
fn variants_cases_replay_through_the_rust_glue() {
    replay::<generated::variants::Variants>("variants");
}

#[test]
fn resources_cases_replay_through_the_rust_glue() {
    replay::<generated::resources::Resources>("resources");
}

#[test]
fn traps_cases_replay_through_the_rust_glue() {
    replay::<generated::traps::Traps>("traps");
}
