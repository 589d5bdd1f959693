//! The runtime tests: the generated Rust glue instantiates each corpus
//! guest (built from C by `kiln-wit-guests`) with the typed host of
//! `hosts.rs`, and replays `wit-tools/tests/cases/<world>.json` exactly.

use super::cases::{self, Failure, Session};
use super::hosts::Host;
use super::results::{self, Counts};
use crate::generated;
use kiln::component::{Component, Linker, ResourceAny, Val};
use kiln::{Engine, Store};
use kiln_wit::Func;
use serde_json::Value as Json;

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

/// A test's instance: the generated world struct in its own store.
struct RustSession<W> {
    store: Store<Host>,
    world: W,
}

impl<W: World> Session for RustSession<W> {
    fn call(
        &mut self,
        name: &str,
        _: &Func,
        args: &[Val],
    ) -> Result<Result<Option<Val>, Failure>, String> {
        Ok(self
            .world
            .call(&mut self.store, name, args)
            .map_err(|e| Failure {
                message: e.message().to_string(),
                text: format!("{} {e:?}", e.message()),
            }))
    }

    fn drop_resource(&mut self, r: ResourceAny) -> Result<(), String> {
        match r.rep() {
            // The host's own resource: its destructor.
            Some(rep) => self.store.data_mut().drop_blob(rep),
            None => r.resource_drop(&mut self.store),
        }
        .map_err(|e| e.message().to_string())
    }

    fn host_state(&mut self, state: &str) -> Result<Json, String> {
        match state {
            "notes" => Ok(serde_json::to_value(&self.store.data().notes).unwrap()),
            other => Err(format!("unknown host state {other}")),
        }
    }
}

fn replay<W: World>(world_name: &str) {
    let guest = kiln_wit_guests::build(&kiln_wit_guests::Options::default(), world_name)
        .unwrap_or_else(|e| panic!("building the {world_name} guest: {e:#}"));
    let engine = Engine::default();
    let component = Component::from_file(&engine, &guest.component).unwrap();
    let world = cases::World::load(world_name);
    let outcomes = world.replay(|| {
        let mut store = Store::new(&engine, Host::default());
        let world =
            W::instantiate(&mut store, &component).map_err(|e| format!("instantiating: {e:?}"))?;
        Ok(RustSession { store, world })
    });
    let failed: Vec<String> = outcomes
        .iter()
        .filter_map(|(name, o)| o.as_ref().err().map(|e| format!("{name}: {e}")))
        .collect();
    let passed = outcomes.len() - failed.len();
    println!("{world_name}: {passed} passed, {} failed", failed.len());
    let counts = Counts {
        passed,
        failed: failed.len(),
        known: 0,
    };
    results::record("rust", world_name, counts);
    assert!(
        failed.is_empty(),
        "{world_name}: {} of {} tests failed:\n  {}",
        failed.len(),
        outcomes.len(),
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
