//! The Go dispatchers: for each world of the corpus, a Go file of the
//! replay module (`testsuite/go/replay/dispatch_<world>.go`) that
//! instantiates the world through its generated glue (`golden/go/`) and
//! gives the Go replay each export as a function value (with the type of
//! its err case when it returns a result) and each variant's cases, so
//! that it builds arguments and checks results by reflection. Checked in,
//! and kept equal to this generator by `go_dispatchers_match`
//! (`KILN_BLESS=1` rewrites them).

use crate::{corpus_wit, crate_dir};
use kiln_wit::Wit;
use std::fmt::Write;

/// The dispatcher of the corpus's world `world`.
pub fn generate(world: &str) -> String {
    let wit = Wit::load(&corpus_wit()).unwrap();
    let analysis = wit.analyse(Some(world)).unwrap();
    let pkg = kiln_wit::go::package_name(&analysis);
    let mut o = String::new();
    let _ = writeln!(o, "// {}", kiln_wit::GENERATED_BANNER);
    o.push_str("// (wit-tools/testsuite/runtime/dispatch_go.rs).\n\n");
    o.push_str("package replay\n\nimport (\n\t\"reflect\"\n\n");
    o.push_str("\tkiln \"github.com/kiln-wasm/kiln/go\"\n");
    let _ = writeln!(
        o,
        "\tpkg \"github.com/kiln-wasm/kiln/wit-tools/golden/go/{world}\""
    );
    o.push_str(")\n\n");
    let _ = writeln!(
        o,
        "// {pkg}Dispatch instantiates the world `{world}` with host's imports.\n\
         func {pkg}Dispatch(store *kiln.Store, linker *kiln.ComponentLinker, component *kiln.Component, host pkg.Imports) (*dispatch, error) {{\n\
         \tif err := pkg.AddToLinker(linker, host); err != nil {{\n\t\treturn nil, err\n\t}}\n\
         \tw, err := pkg.Instantiate(store, linker, component)\n\
         \tif err != nil {{\n\t\treturn nil, err\n\t}}\n\
         \treturn &dispatch{{\n\t\tclose: w.Close,\n\t\tfuncs: map[string]export{{"
    );
    for call in kiln_wit::go::export_calls(&analysis) {
        let mut extra = String::new();
        if !call.host_owned.is_empty() {
            let list: Vec<String> = call.host_owned.iter().map(|i| i.to_string()).collect();
            let _ = write!(extra, ", hostOwned: []int{{{}}}", list.join(", "));
        }
        if let Some(err) = &call.result_error {
            let _ = write!(extra, ", resultError: reflect.TypeFor[{err}]()");
        }
        // A blank line between entries keeps gofmt from aligning them.
        let _ = writeln!(
            o,
            "\n\t\t\t{:?}: {{fn: reflect.ValueOf({}){extra}}},",
            call.wire, call.expr
        );
    }
    o.push_str("\t\t},\n\t\tcases: map[reflect.Type][]variantCase{");
    let variants = kiln_wit::go::variant_cases(&analysis);
    if variants.is_empty() {
        o.push_str("},\n");
    } else {
        o.push('\n');
        for (name, cases) in variants {
            let _ = writeln!(o, "\n\t\t\treflect.TypeFor[pkg.{name}](): {{");
            for (wit, go) in cases {
                let _ = writeln!(o, "\t\t\t\t{{{wit:?}, reflect.TypeFor[pkg.{go}]()}},");
            }
            o.push_str("\t\t\t},\n");
        }
        o.push_str("\t\t},\n");
    }
    o.push_str("\t\tnames: map[reflect.Type][]string{");
    let named = kiln_wit::go::enum_and_flags_names(&analysis);
    if named.is_empty() {
        o.push_str("},\n");
    } else {
        o.push('\n');
        for (name, cases) in named {
            let list: Vec<String> = cases.iter().map(|c| format!("{c:?}")).collect();
            let _ = writeln!(
                o,
                "\n\t\t\treflect.TypeFor[pkg.{name}](): {{{}}},",
                list.join(", ")
            );
        }
        o.push_str("\t\t},\n");
    }
    o.push_str("\t}, nil\n}\n");
    o
}

/// Where the checked-in dispatcher of `world` is.
pub fn path(world: &str) -> std::path::PathBuf {
    crate_dir()
        .join("testsuite")
        .join("go")
        .join("replay")
        .join(format!("dispatch_{world}.go"))
}

#[test]
fn go_dispatchers_match() {
    let bless = std::env::var_os("KILN_BLESS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for world in crate::corpus_worlds() {
        let text = generate(&world);
        let path = path(&world);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "Go dispatchers changed (run with KILN_BLESS=1): {stale:?}"
    );
}
