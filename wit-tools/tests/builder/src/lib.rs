//! Builds the C guests of Kiln's WIT corpus into WebAssembly components.
//!
//! The corpus lives beside this crate in `wit-tools/tests/`: `wit/` is one WIT
//! package (`kiln:corpus`, with `kiln:shared` under `wit/deps/`) holding every
//! world, and `guests/<world>/` holds the C source of the guest for the world
//! of that name. [`build_all`] turns each guest into a component with no
//! command-line tool but clang:
//!
//! 1. the `wit-bindgen-c` crate generates the world's C bindings (a header,
//!    a `.c` file and an object file carrying the component type);
//! 2. clang compiles the guest and its bindings for `wasm32-wasi` as a
//!    reactor (`-mexec-model=reactor`);
//! 3. `wit-component`'s [`ComponentEncoder`] wraps the core module into a
//!    component.
//!
//! Outputs go to `<target>/wit-guests/` (`<world>.wasm`, plus the module and
//! bindings under `<world>/`). A guest is rebuilt only when one of its inputs
//! changed: the WIT files, its C files, the builder itself or clang.
//!
//! ```no_run
//! let built = kiln_wit_guests::build_all(&kiln_wit_guests::Options::default())?;
//! for guest in &built {
//!     println!("{}: {}", guest.world, guest.component.display());
//! }
//! # Ok::<(), anyhow::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use anyhow::{bail, ensure, Context, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use wit_bindgen_core::wit_parser::{PackageId, Resolve};
use wit_bindgen_core::Files;
use wit_component::ComponentEncoder;

/// The flags every guest is compiled with, besides its sources and include
/// directory: a wasm32-wasi reactor (no `main`; `_initialize` runs the
/// constructors) against Debian's wasi-libc under `/usr`.
pub const CLANG_FLAGS: &[&str] = &[
    "--target=wasm32-wasi",
    "--sysroot=/usr",
    "-mexec-model=reactor",
    "-O2",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wno-unused-parameter",
];

/// Where the corpus is and where its guests go.
#[derive(Debug, Clone)]
pub struct Options {
    /// The corpus directory, holding `wit/` and `guests/`.
    pub corpus: PathBuf,
    /// The directory the components are written to.
    pub out_dir: PathBuf,
    /// The clang to compile with.
    pub clang: PathBuf,
}

impl Default for Options {
    /// The corpus beside this crate, output to `<target>/wit-guests` (the
    /// cargo target directory is `CARGO_TARGET_DIR` or the workspace's
    /// `target/`), and `clang` from `PATH` (or `CLANG`).
    fn default() -> Self {
        let corpus = corpus_dir();
        let workspace = corpus
            .ancestors()
            .nth(2)
            .expect("the corpus lives at <workspace>/wit-tools/tests");
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace.join("target"));
        Options {
            out_dir: target.join("wit-guests"),
            corpus,
            clang: std::env::var_os("CLANG")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("clang")),
        }
    }
}

/// A guest built into a component.
#[derive(Debug, Clone)]
pub struct Guest {
    /// The world's name, which is also the guest's directory name.
    pub world: String,
    /// The component: `<out_dir>/<world>.wasm`.
    pub component: PathBuf,
    /// The core module clang produced, before it became a component.
    pub module: PathBuf,
    /// The world's case file: `<corpus>/cases/<world>.json` (see the
    /// corpus's README for its format).
    pub cases: PathBuf,
    /// Whether this call rebuilt it (false when it was up to date).
    pub rebuilt: bool,
}

/// The corpus directory (`wit-tools/tests`), found from this crate's own
/// location.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the builder crate lives inside the corpus directory")
        .to_path_buf()
}

/// The worlds that have a guest: the names of the directories in
/// `<corpus>/guests`, sorted.
pub fn worlds(corpus: &Path) -> Result<Vec<String>> {
    let dir = corpus.join("guests");
    let mut names = Vec::new();
    for entry in fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// Parses the corpus's WIT: the `kiln:corpus` package in `<corpus>/wit`
/// with its dependencies. Returns the resolve, the main package and every
/// WIT file read.
pub fn load_wit(corpus: &Path) -> Result<(Resolve, PackageId, Vec<PathBuf>)> {
    let mut resolve = Resolve::default();
    let (package, sources) = resolve.push_dir(corpus.join("wit"))?;
    let files = sources.paths().map(Path::to_path_buf).collect();
    Ok((resolve, package, files))
}

/// Builds every guest of the corpus (see [`worlds`]).
pub fn build_all(options: &Options) -> Result<Vec<Guest>> {
    let _lock = lock(options)?;
    worlds(&options.corpus)?
        .iter()
        .map(|world| build_locked(options, world))
        .collect()
}

/// Builds the guest of one world into `<out_dir>/<world>.wasm`, unless it is
/// already up to date.
pub fn build(options: &Options, world: &str) -> Result<Guest> {
    let _lock = lock(options)?;
    build_locked(options, world)
}

/// Takes `<out_dir>/build.lock`, so that test binaries building the guests
/// at the same time take turns instead of writing the same files.
fn lock(options: &Options) -> Result<fs::File> {
    fs::create_dir_all(&options.out_dir)
        .with_context(|| format!("creating {}", options.out_dir.display()))?;
    let path = options.out_dir.join("build.lock");
    let file = fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    file.lock()
        .with_context(|| format!("locking {}", path.display()))?;
    Ok(file)
}

fn build_locked(options: &Options, world: &str) -> Result<Guest> {
    build_inner(options, world).with_context(|| format!("building the `{world}` guest"))
}

fn build_inner(options: &Options, world_name: &str) -> Result<Guest> {
    let guest_dir = options.corpus.join("guests").join(world_name);
    let work = options.out_dir.join(world_name);
    let bindings_dir = work.join("bindings");
    let module = work.join(format!("{world_name}.core.wasm"));
    let component = options.out_dir.join(format!("{world_name}.wasm"));
    let stamp_file = work.join("inputs.stamp");
    let cases = options
        .corpus
        .join("cases")
        .join(format!("{world_name}.json"));

    let (mut resolve, package, wit_files) = load_wit(&options.corpus)?;
    let world = resolve.select_world(&[package], Some(world_name))?;

    // Generated bindings are written only when their text changes, so that
    // the stamp below sees a change exactly when there is one.
    let mut files = Files::default();
    wit_bindgen_c::Opts::default()
        .build()
        .generate(&mut resolve, world, &mut files)
        .context("generating C bindings")?;
    fs::create_dir_all(&bindings_dir)?;
    let mut objects = Vec::new();
    let mut binding_sources = Vec::new();
    for (name, contents) in files.iter() {
        let path = bindings_dir.join(name);
        if fs::read(&path).ok().as_deref() != Some(contents) {
            fs::write(&path, contents).with_context(|| format!("writing {}", path.display()))?;
        }
        if name.ends_with(".o") {
            objects.push(path);
        } else if name.ends_with(".c") {
            binding_sources.push(path);
        }
    }

    let mut sources = c_files(&guest_dir)?;
    ensure!(
        sources
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "c")),
        "{} has no .c file",
        guest_dir.display()
    );
    let headers: Vec<PathBuf> = sources
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "h"))
        .cloned()
        .collect();
    sources.retain(|p| p.extension().is_some_and(|e| e == "c"));
    // Headers shared by all guests sit directly in `guests/`.
    let shared_headers = c_files(&options.corpus.join("guests"))?;

    let clang_version = command_output(Command::new(&options.clang).arg("--version"))
        .with_context(|| {
            format!(
                "running `{} --version`; install clang, lld, wasi-libc and \
                 libclang-rt-14-dev-wasm32 (Debian) or set CLANG",
                options.clang.display()
            )
        })?;

    let mut stamp = Stamp::default();
    stamp.add("builder", env!("CARGO_PKG_VERSION").as_bytes());
    stamp.add("builder-source", include_bytes!("lib.rs"));
    stamp.add("clang", clang_version.as_bytes());
    stamp.add("flags", CLANG_FLAGS.join(" ").as_bytes());
    for path in wit_files
        .iter()
        .chain(&sources)
        .chain(&headers)
        .chain(&shared_headers)
        .chain(&binding_sources)
        .chain(&objects)
    {
        stamp.add(&path.display().to_string(), &fs::read(path)?);
    }
    let stamp = stamp.finish();
    if component.exists()
        && module.exists()
        && fs::read_to_string(&stamp_file).ok().as_deref() == Some(stamp.as_str())
    {
        return Ok(Guest {
            world: world_name.to_string(),
            component,
            module,
            cases,
            rebuilt: false,
        });
    }

    let mut clang = Command::new(&options.clang);
    clang
        .args(CLANG_FLAGS)
        .arg("-I")
        .arg(&bindings_dir)
        .arg("-I")
        .arg(&guest_dir)
        .arg("-I")
        .arg(options.corpus.join("guests"))
        .args(&sources)
        .args(&binding_sources)
        .args(&objects)
        .arg("-o")
        .arg(&module);
    command_output(&mut clang).context("compiling with clang")?;

    let module_bytes = fs::read(&module)?;
    let component_bytes = ComponentEncoder::default()
        .validate(true)
        .module(&module_bytes)
        .context("reading the core module's component type")?
        .encode()
        .context("encoding the component")?;
    // Written aside and renamed, so that a reader never sees half a file.
    let partial = component.with_extension("wasm.partial");
    fs::write(&partial, component_bytes)?;
    fs::rename(&partial, &component)?;
    fs::write(&stamp_file, &stamp)?;
    Ok(Guest {
        world: world_name.to_string(),
        component,
        module,
        cases,
        rebuilt: true,
    })
}

/// The `.c` and `.h` files directly in `dir`, sorted.
fn c_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "c" || e == "h") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Runs `command` and returns its standard output, or an error carrying its
/// standard error when it fails.
fn command_output(command: &mut Command) -> Result<String> {
    let output = command
        .output()
        .with_context(|| format!("starting {:?}", command.get_program()))?;
    if !output.status.success() {
        bail!(
            "{:?} failed ({}):\n{}{}",
            command,
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// A fingerprint of a build's inputs: 64-bit FNV-1a over each input's name
/// and contents, stable across Rust versions (unlike `DefaultHasher`).
#[derive(Default)]
struct Stamp {
    lines: Vec<String>,
}

impl Stamp {
    fn add(&mut self, name: &str, contents: &[u8]) {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in contents {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.lines
            .push(format!("{hash:016x} {} {name}", contents.len()));
    }

    fn finish(self) -> String {
        let mut text = self.lines.join("\n");
        text.push('\n');
        text
    }
}
