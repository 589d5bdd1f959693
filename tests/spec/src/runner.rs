//! `WastRunner`: executes the directives of one script against Kiln.

use crate::report::FileReport;
use crate::spectest;
use crate::values::{self, list, val_text};
use kiln::component::{self, Component};
use kiln::{Config, Engine, Error, ErrorKind, Instance, Linker, Module, Store, Val};
use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::token::Id;
use wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

/// Runs `.wast` scripts with one engine configuration.
///
/// Each script gets a fresh [`Store`] and a [`Linker`] that holds the
/// `spectest` module and whatever the script registers. Scripts may define
/// components as well as modules (`(component ...)`), invoke their exports
/// with component values, and `register` component instances for later
/// components to import.
pub struct WastRunner {
    engine: Result<Engine, String>,
}

impl WastRunner {
    /// A runner whose engine uses `config`. If the configuration is rejected,
    /// every script reports that as its one failure.
    pub fn new(config: Config) -> WastRunner {
        WastRunner {
            engine: Engine::new(&config).map_err(|e| e.to_string()),
        }
    }

    /// Runs one script. `filename` names the script in failure messages;
    /// `text` is its contents.
    pub fn run_script(&mut self, filename: &str, text: &str) -> FileReport {
        let mut report = FileReport::default();
        let engine = match &self.engine {
            Ok(engine) => engine.clone(),
            Err(message) => {
                report.fail(format!(
                    "{filename}: could not create the engine: {message}"
                ));
                return report;
            }
        };

        let mut lexer = Lexer::new(text);
        lexer.allow_confusing_unicode(true);
        let parsed = ParseBuffer::new_with_lexer(lexer).and_then(|buffer| {
            // The directives borrow the buffer, so they are run right here.
            let wast = parser::parse::<Wast<'_>>(&buffer)?;
            run_directives(&engine, filename, text, wast.directives, &mut report);
            Ok(())
        });
        if let Err(err) = parsed {
            let (line, col) = err.span().linecol_in(text);
            report.fail(format!(
                "{filename}:{}:{}: the script does not parse: {}",
                line + 1,
                col + 1,
                err.message()
            ));
        }
        report
    }
}

fn run_directives(
    engine: &Engine,
    filename: &str,
    text: &str,
    directives: Vec<WastDirective<'_>>,
    report: &mut FileReport,
) {
    let mut script = match Script::new(engine) {
        Ok(script) => script,
        Err(err) => {
            report.fail(format!(
                "{filename}: could not define the spectest module: {}",
                describe(&err)
            ));
            return;
        }
    };
    let total = directives.len();
    for (i, directive) in directives.into_iter().enumerate() {
        let (line, col) = directive.span().linecol_in(text);
        let at = format!("{filename}:{}:{}", line + 1, col + 1);
        match panic::catch_unwind(AssertUnwindSafe(|| script.run(directive))) {
            Ok(Ok(())) => report.pass(),
            Ok(Err(message)) => report.fail(format!("{at}: {message}")),
            Err(payload) => {
                report.fail(format!("{at}: panicked: {}", panic_message(&*payload)));
                // The store may be left half-updated: stop here, and count
                // what was not run as failed rather than skip it.
                let rest = total - i - 1;
                if rest > 0 {
                    report.failed += rest;
                    report.failures.push(format!(
                        "{filename}: {rest} directive(s) after the panic at {at} were not run"
                    ));
                }
                return;
            }
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

/// An instance a script made: of a module or of a component.
#[derive(Clone)]
enum Current {
    Core(Instance),
    Component(component::Instance),
}

/// A module or component defined with `(module definition ...)` or
/// `(component definition ...)`.
#[derive(Clone)]
enum Definition {
    Module(Module),
    Component(Component),
}

/// What an invoke returned.
enum Returned {
    Core(Vec<Val>),
    Component(Vec<component::Val>),
}

impl Returned {
    fn text(&self) -> String {
        match self {
            Returned::Core(vals) => list(vals.iter().map(val_text)),
            Returned::Component(vals) => list(vals.iter().map(|v| format!("{v:?}"))),
        }
    }
}

/// The state of one script: its store, its linkers, and the modules,
/// components and instances it has named.
struct Script {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    components: component::Linker<()>,
    /// The most recently instantiated module or component, which unnamed
    /// invokes use.
    current: Option<Current>,
    instances: HashMap<String, Current>,
    definitions: HashMap<String, Definition>,
    last_definition: Option<Definition>,
}

/// What a directive's failure says; the caller adds the location.
type Outcome = Result<(), String>;

impl Script {
    fn new(engine: &Engine) -> kiln::Result<Script> {
        let mut store = Store::new(engine, ());
        // Under a metering configuration, scripts run with all the fuel and
        // time there is; setting fuel fails, harmlessly, when fuel is off.
        let _ = store.set_fuel(u64::MAX);
        store.set_epoch_deadline(u64::MAX);
        let mut linker = Linker::new(engine);
        linker.allow_shadowing(true);
        spectest::define(&mut linker, &mut store)?;
        let mut components = component::Linker::new(engine);
        components.allow_shadowing(true);
        Ok(Script {
            engine: engine.clone(),
            store,
            linker,
            components,
            current: None,
            instances: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
        })
    }

    fn run(&mut self, directive: WastDirective<'_>) -> Outcome {
        match directive {
            WastDirective::Module(mut wat) => {
                // If this module fails, later unnamed invokes must not reach
                // the previous one.
                self.current = None;
                let name = wat.name();
                let definition = self.compile_quote(&mut wat)?;
                let instance = self.instantiate(&definition)?;
                self.set_current(name, instance);
                Ok(())
            }
            WastDirective::ModuleDefinition(mut wat) => {
                let name = wat.name();
                let definition = self.compile_quote(&mut wat)?;
                if let Some(name) = name {
                    self.definitions
                        .insert(name.name().to_string(), definition.clone());
                }
                self.last_definition = Some(definition);
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                self.current = None;
                let definition = match module {
                    Some(id) => self.definitions.get(id.name()),
                    None => self.last_definition.as_ref(),
                };
                let definition = definition
                    .cloned()
                    .ok_or_else(|| "no such module definition".to_string())?;
                let new = self.instantiate(&definition)?;
                self.set_current(instance, new);
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                match self.instance(module)? {
                    Current::Core(instance) => self
                        .linker
                        .instance(&mut self.store, name, instance)
                        .map(|_| ()),
                    Current::Component(instance) => self
                        .components
                        .root()
                        .define_instance(name, &instance)
                        .map(|_| ()),
                }
                .map_err(|e| format!("register \"{name}\" failed: {}", describe(&e)))?;
                Ok(())
            }
            WastDirective::Invoke(invoke) => match self.invoke(&invoke)? {
                Ok(_) => Ok(()),
                Err(e) => Err(format!(
                    "invoke \"{}\" failed: {}",
                    invoke.name,
                    describe(&e)
                )),
            },
            WastDirective::AssertReturn { exec, results, .. } => {
                let actual = match exec {
                    WastExecute::Invoke(invoke) => self.invoke(&invoke)?.map_err(|e| {
                        format!(
                            "invoke \"{}\": expected a return, got {}",
                            invoke.name,
                            describe(&e)
                        )
                    })?,
                    WastExecute::Get { module, global, .. } => {
                        Returned::Core(vec![self.get(module, global)?])
                    }
                    WastExecute::Wat(mut wat) => {
                        let definition = self.compile_wat(&mut wat)?;
                        self.instantiate(&definition)?;
                        Returned::Core(Vec::new())
                    }
                };
                match actual {
                    Returned::Core(actual) => values::check_results(&actual, &results),
                    Returned::Component(actual) => check_component_results(&actual, &results),
                }
            }
            WastDirective::AssertTrap { exec, message, .. } => match exec {
                WastExecute::Invoke(invoke) => match self.invoke(&invoke)? {
                    Ok(results) => Err(format!(
                        "invoke \"{}\": expected trap \"{message}\", got results {}",
                        invoke.name,
                        results.text()
                    )),
                    Err(e) => expect_trap(&e, message, false),
                },
                WastExecute::Wat(mut wat) => {
                    let definition = self.compile_wat(&mut wat)?;
                    match self.try_instantiate(&definition) {
                        Ok(_) => Err(format!(
                            "expected instantiation to trap with \"{message}\", but it succeeded"
                        )),
                        Err(e) => expect_trap(&e, message, true),
                    }
                }
                WastExecute::Get { global, .. } => Err(format!(
                    "assert_trap on reading global \"{global}\" cannot hold"
                )),
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call)? {
                Ok(results) => Err(format!(
                    "invoke \"{}\": expected \"{message}\", got results {}",
                    call.name,
                    results.text()
                )),
                Err(e) => expect_trap(&e, message, false),
            },
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => {
                let component = is_component(&module);
                let bytes = module.encode().map_err(|e| {
                    format!(
                        "assert_invalid (\"{message}\"): the module text does not encode: {}",
                        e.message()
                    )
                })?;
                self.expect_rejected(&bytes, component, "invalid", message)
            }
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => {
                let component = is_component(&module);
                match module.encode() {
                    // Text the wat parser rejects is malformed: that passes.
                    Err(_) => Ok(()),
                    Ok(bytes) => self.expect_rejected(&bytes, component, "malformed", message),
                }
            }
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => {
                let definition = self.compile_wat(&mut module)?;
                let component = matches!(definition, Definition::Component(_));
                match self.try_instantiate(&definition) {
                    Ok(_) => Err(format!(
                        "expected a link error (\"{message}\"), but instantiation succeeded"
                    )),
                    // The engine's wording differs from the spec's, so only
                    // the kind of error is checked; component scripts are
                    // Kiln's own, and their message is checked too.
                    Err(e) if e.kind() == ErrorKind::Link && component => {
                        if e.message().contains(message) {
                            Ok(())
                        } else {
                            Err(format!(
                                "expected a link error (\"{message}\"), got {}",
                                describe(&e)
                            ))
                        }
                    }
                    Err(e) if e.kind() == ErrorKind::Link => Ok(()),
                    Err(e) => Err(format!(
                        "expected a link error (\"{message}\"), got {}",
                        describe(&e)
                    )),
                }
            }
            WastDirective::AssertException { .. } => Err(unsupported("assert_exception")),
            WastDirective::AssertSuspension { .. } => Err(unsupported("assert_suspension")),
            WastDirective::AssertInvalidCustom { .. } => Err(unsupported("assert_invalid_custom")),
            WastDirective::AssertMalformedCustom { .. } => {
                Err(unsupported("assert_malformed_custom"))
            }
            WastDirective::Thread(_) => Err(unsupported("thread")),
            WastDirective::Wait { .. } => Err(unsupported("wait")),
        }
    }

    fn set_current(&mut self, name: Option<Id<'_>>, instance: Current) {
        if let Some(name) = name {
            self.instances
                .insert(name.name().to_string(), instance.clone());
        }
        self.current = Some(instance);
    }

    /// The instance a directive names, or the current one.
    fn instance(&self, id: Option<Id<'_>>) -> Result<Current, String> {
        match id {
            Some(id) => self
                .instances
                .get(id.name())
                .cloned()
                .ok_or_else(|| format!("no instance named ${}", id.name())),
            None => self
                .current
                .clone()
                .ok_or_else(|| "no module is instantiated (did the last one fail?)".to_string()),
        }
    }

    /// Encodes and compiles a script module or component.
    fn compile_quote(&self, wat: &mut QuoteWat<'_>) -> Result<Definition, String> {
        let component = is_component(wat);
        let bytes = wat
            .encode()
            .map_err(|e| format!("the module text does not encode: {}", e.message()))?;
        self.compile(&bytes, component)
    }

    fn compile_wat(&self, wat: &mut Wat<'_>) -> Result<Definition, String> {
        let component = matches!(wat, Wat::Component(_));
        let bytes = wat
            .encode()
            .map_err(|e| format!("the module text does not encode: {}", e.message()))?;
        self.compile(&bytes, component)
    }

    fn compile(&self, bytes: &[u8], component: bool) -> Result<Definition, String> {
        if component {
            Component::from_binary(&self.engine, bytes)
                .map(Definition::Component)
                .map_err(|e| format!("component failed to compile: {}", describe(&e)))
        } else {
            Module::from_binary(&self.engine, bytes)
                .map(Definition::Module)
                .map_err(|e| format!("module failed to compile: {}", describe(&e)))
        }
    }

    fn try_instantiate(&mut self, definition: &Definition) -> kiln::Result<Current> {
        match definition {
            Definition::Module(module) => self
                .linker
                .instantiate(&mut self.store, module)
                .map(Current::Core),
            Definition::Component(component) => self
                .components
                .instantiate(&mut self.store, component)
                .map(Current::Component),
        }
    }

    fn instantiate(&mut self, definition: &Definition) -> Result<Current, String> {
        self.try_instantiate(definition).map_err(|e| {
            let what = match definition {
                Definition::Module(_) => "module",
                Definition::Component(_) => "component",
            };
            format!("{what} failed to instantiate: {}", describe(&e))
        })
    }

    /// Calls an export. The outer error is a setup problem (no such export,
    /// an argument this runner cannot pass); the inner result is the call's.
    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<kiln::Result<Returned>, String> {
        let instance = match self.instance(invoke.module)? {
            Current::Core(instance) => instance,
            Current::Component(instance) => return self.invoke_component(&instance, invoke),
        };
        let name = invoke.name;
        let func = instance
            .get_func(&mut self.store, name)
            .ok_or_else(|| format!("no exported function \"{name}\""))?;
        let args = invoke
            .args
            .iter()
            .map(values::arg)
            .collect::<Result<Vec<_>, _>>()?;
        let ty = func.ty(&self.store);
        let mut results = vec![Val::I32(0); ty.results().len()];
        Ok(func
            .call(&mut self.store, &args, &mut results)
            .map(|()| Returned::Core(results)))
    }

    /// Calls a component instance's export with component values.
    fn invoke_component(
        &mut self,
        instance: &component::Instance,
        invoke: &WastInvoke<'_>,
    ) -> Result<kiln::Result<Returned>, String> {
        let name = invoke.name;
        let func = instance
            .get_func(&mut self.store, name)
            .ok_or_else(|| format!("no exported function \"{name}\""))?;
        let args = invoke
            .args
            .iter()
            .map(|arg| match arg {
                wast::WastArg::Component(v) => crate::component::arg(v),
                // `f32.const` and `f64.const` parse as core values.
                wast::WastArg::Core(wast::core::WastArgCore::F32(f)) => {
                    Ok(component::Val::Float32(f32::from_bits(f.bits)))
                }
                wast::WastArg::Core(wast::core::WastArgCore::F64(f)) => {
                    Ok(component::Val::Float64(f64::from_bits(f.bits)))
                }
                other => Err(format!(
                    "a component function takes component values, not {other:?}"
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut results = vec![component::Val::Bool(false); func.results(&self.store).len()];
        Ok(func
            .call(&mut self.store, &args, &mut results)
            .map(|()| Returned::Component(results)))
    }

    fn get(&mut self, module: Option<Id<'_>>, name: &str) -> Result<Val, String> {
        let Current::Core(instance) = self.instance(module)? else {
            return Err(format!(
                "cannot read \"{name}\": the instance is a component's"
            ));
        };
        let global = instance
            .get_global(&mut self.store, name)
            .ok_or_else(|| format!("no exported global \"{name}\""))?;
        Ok(global.get(&mut self.store))
    }

    /// `assert_invalid` and `assert_malformed`: the engine must reject the
    /// bytes as not a valid module (or component). The spec's wording is not
    /// compared: the engine reports wasmparser's.
    fn expect_rejected(&self, bytes: &[u8], component: bool, what: &str, message: &str) -> Outcome {
        let compiled = if component {
            Component::from_binary(&self.engine, bytes).map(|_| ())
        } else {
            Module::from_binary(&self.engine, bytes).map(|_| ())
        };
        match compiled {
            Ok(_) => Err(format!(
                "expected a {what} module (\"{message}\"), but it compiled"
            )),
            // Component scripts are Kiln's own: their messages are Kiln's
            // too, and must be part of the error.
            Err(e) if component && e.kind() == ErrorKind::Validation => {
                if e.message().contains(message) {
                    Ok(())
                } else {
                    Err(format!(
                        "expected a {what} component (\"{message}\"), got {}",
                        describe(&e)
                    ))
                }
            }
            Err(e) if e.kind() == ErrorKind::Validation => Ok(()),
            Err(e) => Err(format!(
                "expected a {what} module (\"{message}\"), got {}",
                describe(&e)
            )),
        }
    }
}

/// Checks that `err` is a trap whose message matches `expected`. With
/// `instantiation`, an instantiation error with that message also counts.
fn expect_trap(err: &Error, expected: &str, instantiation: bool) -> Outcome {
    match err.trap() {
        Some(trap) if trap_message_matches(trap.message(), expected) => Ok(()),
        Some(trap) => Err(format!(
            "expected trap \"{expected}\", got trap \"{}\"",
            trap.message()
        )),
        None if instantiation
            && err.kind() == ErrorKind::Instantiation
            && trap_message_matches(err.message(), expected) =>
        {
            Ok(())
        }
        None => Err(format!(
            "expected trap \"{expected}\", got {}",
            describe(err)
        )),
    }
}

/// Whether the engine's trap message `actual` says what the script expects.
/// It must contain the expected text, except that the reference
/// interpreter's element index (`"uninitialized element 7"`) may be missing.
fn trap_message_matches(actual: &str, expected: &str) -> bool {
    if actual.contains(expected) {
        return true;
    }
    let index = expected
        .strip_prefix(actual)
        .and_then(|rest| rest.strip_prefix(' '));
    !actual.is_empty() && index.is_some_and(|i| i.parse::<u32>().is_ok())
}

fn is_component(wat: &QuoteWat<'_>) -> bool {
    matches!(
        wat,
        QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_))
    )
}

/// Checks a component function's results against the expected values.
fn check_component_results(actual: &[component::Val], expected: &[WastRet<'_>]) -> Outcome {
    if actual.len() != expected.len() {
        return Err(format!(
            "expected {} result(s), got {} result(s) {}",
            expected.len(),
            actual.len(),
            list(actual.iter().map(|v| format!("{v:?}")))
        ));
    }
    for (i, (val, ret)) in actual.iter().zip(expected).enumerate() {
        let matched = match (ret, val) {
            (WastRet::Component(pattern), val) => crate::component::matches(val, pattern),
            // `f32.const` and `f64.const` parse as core patterns.
            (WastRet::Core(wast::core::WastRetCore::F32(p)), component::Val::Float32(v)) => {
                crate::nan::f32_matches(p, v.to_bits())
            }
            (WastRet::Core(wast::core::WastRetCore::F64(p)), component::Val::Float64(v)) => {
                crate::nan::f64_matches(p, v.to_bits())
            }
            _ => false,
        };
        if !matched {
            return Err(format!("result {i}: expected {ret:?}, got {val:?}"));
        }
    }
    Ok(())
}

fn unsupported(what: &str) -> String {
    format!("unsupported directive `{what}`")
}

/// An error as a failure message shows it.
fn describe(err: &Error) -> String {
    match err.trap() {
        Some(trap) => format!("trap \"{}\"", trap.message()),
        None => format!("{:?} error: {}", err.kind(), err.message()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trap_messages() {
        assert!(trap_message_matches("unreachable", "unreachable"));
        assert!(trap_message_matches(
            "wasm trap: out of bounds memory access",
            "out of bounds memory access"
        ));
        assert!(trap_message_matches(
            "uninitialized element",
            "uninitialized element 7"
        ));
        assert!(!trap_message_matches(
            "undefined element",
            "uninitialized element"
        ));
        assert!(!trap_message_matches("", " 7"));
        assert!(!trap_message_matches("element", "element x"));
    }

    fn run(script: &str) -> FileReport {
        WastRunner::new(Config::new()).run_script("t.wast", script)
    }

    #[test]
    fn passing_directives_count_once_each() {
        let report = run(r#"
            (module $m
              (import "spectest" "print_i32" (func $print (param i32)))
              (import "spectest" "global_i32" (global i32))
              (func (export "div") (param i32 i32) (result i32)
                local.get 0 local.get 1 i32.div_s)
              (func (export "nan") (result f32) f32.const nan)
              (func (export "g") (result i32) global.get 0)
              (global (export "answer") i32 (i32.const 42)))
            (register "m" $m)
            (module (import "m" "div" (func (param i32 i32) (result i32))))
            (assert_return (invoke $m "div" (i32.const 7) (i32.const 2)) (i32.const 3))
            (assert_return (invoke $m "nan") (f32.const nan:canonical))
            (assert_return (invoke $m "g") (i32.const 666))
            (assert_return (get $m "answer") (i32.const 42))
            (assert_trap (invoke $m "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
            (assert_malformed (module quote "(func") "unexpected end")
            (assert_invalid (module (func (result i32))) "type mismatch")
            (assert_unlinkable (module (import "m" "nope" (func))) "unknown import")
        "#);
        assert_eq!(report.failures, Vec::<String>::new());
        assert_eq!(report.passed, 11);
    }

    #[test]
    fn wrong_results_and_missing_traps_fail_with_location() {
        let report = run(r#"(module (func (export "one") (result i32) i32.const 1))
(assert_return (invoke "one") (i32.const 2))
(assert_trap (invoke "one") "unreachable")
(assert_return (invoke "missing"))
"#);
        assert_eq!((report.passed, report.failed), (1, 3));
        assert!(
            report.failures[0].starts_with("t.wast:2:2: result 0"),
            "{:?}",
            report.failures
        );
        assert!(
            report.failures[1].contains("expected trap"),
            "{:?}",
            report.failures
        );
        assert!(
            report.failures[2].contains("no exported function"),
            "{:?}",
            report.failures
        );
    }

    #[test]
    fn a_failed_module_fails_and_is_not_the_current_one() {
        let report = run(r#"
            (module (func (export "f")))
            (module (import "spectest" "nothing" (func)))
            (invoke "f")
        "#);
        assert_eq!((report.passed, report.failed), (1, 2));
    }

    #[test]
    fn unsupported_directives_fail() {
        let report = run(r#"(assert_exception (invoke "f"))"#);
        assert_eq!(report.failed, 1);
        assert!(report.failures[0].contains("unsupported directive"));
    }

    #[test]
    fn a_script_that_does_not_parse_is_one_failure() {
        let report = run("(module");
        assert_eq!((report.passed, report.failed), (0, 1));
        assert!(report.failures[0].contains("does not parse"));
    }
}
