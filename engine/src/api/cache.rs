//! The compiled-module cache: a directory of artifacts, one file per module
//! and engine, so a second process that loads the same module skips
//! compiling it.
//!
//! An entry's name is the SHA-256 of the engine's fingerprint and the
//! module's bytes, so a module is found only by an engine that would compile
//! it the same way. An entry is the artifact of [`Module::serialize`]
//! followed by the SHA-256 of that artifact: a truncated or damaged entry
//! fails the check and the module is compiled again and the entry rewritten.
//! Entries are written to a private temporary file and renamed into place,
//! so concurrent writers never expose a partial entry and a reader sees a
//! whole old entry or a whole new one.

use super::engine::Engine;
use super::module::Module;
use crate::environ::error::{Error, ErrorKind, Result};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Where compiled modules are kept between processes. Give it to
/// [`Config::cache`](crate::Config::cache).
///
/// The directory must be writable only by users whose code you would run:
/// an entry holds machine code that is loaded after a checksum, which
/// catches damage, not forgery.
///
/// ```
/// use kiln::{CacheConfig, Config, Engine, Module};
/// let dir = std::env::temp_dir().join(format!("kiln-doc-cache-{}", std::process::id()));
/// let mut config = Config::new();
/// config.cache(Some(CacheConfig::new(&dir)));
/// let engine = Engine::new(&config).unwrap();
/// let wat = "(module (func (export \"f\")))";
/// let first = Module::new(&engine, wat).unwrap(); // compiled, then stored
/// let second = Module::new(&engine, wat).unwrap(); // loaded from the cache
/// assert_eq!(second.exports().next().unwrap().name(), "f");
/// assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheConfig {
    directory: PathBuf,
}

/// The keys of a Wasmtime cache configuration file's `[cache]` table that
/// tune its background cleanup and compression, which Kiln does not have.
/// A file written for Wasmtime still loads; these keys have no effect.
const WASMTIME_TUNING_KEYS: &[&str] = &[
    "worker-event-queue-size",
    "baseline-compression-level",
    "optimized-compression-level",
    "optimized-compression-usage-counter-threshold",
    "cleanup-interval",
    "optimizing-compression-task-timeout",
    "allowed-clock-drift-for-files-from-future",
    "file-count-soft-limit",
    "files-total-size-soft-limit",
    "file-count-limit-percent-if-deleting",
    "files-total-size-limit-percent-if-deleting",
];

impl CacheConfig {
    /// A cache in `directory`, which is created when the first entry is
    /// written.
    pub fn new(directory: impl Into<PathBuf>) -> CacheConfig {
        CacheConfig {
            directory: directory.into(),
        }
    }

    /// The per-user cache: `$KILN_CACHE_DIR` if set, else
    /// `$XDG_CACHE_HOME/kiln`, else `$HOME/.cache/kiln`.
    pub fn from_default_location() -> Result<CacheConfig> {
        let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        if let Some(dir) = non_empty("KILN_CACHE_DIR") {
            return Ok(CacheConfig::new(dir));
        }
        if let Some(dir) = non_empty("XDG_CACHE_HOME") {
            return Ok(CacheConfig::new(PathBuf::from(dir).join("kiln")));
        }
        match non_empty("HOME") {
            Some(home) => Ok(CacheConfig::new(PathBuf::from(home).join(".cache/kiln"))),
            None => Err(Error::new(
                ErrorKind::Usage,
                "cannot find a cache directory: none of KILN_CACHE_DIR, XDG_CACHE_HOME and HOME is set",
            )),
        }
    }

    /// Reads a cache configuration file in Wasmtime's format: a TOML file
    /// with a `[cache]` table whose `directory` names the cache (relative
    /// paths are relative to the file; without it, the default location).
    /// `enabled = false` and unknown keys are errors; Wasmtime's cleanup
    /// and compression settings are accepted and have no effect.
    ///
    /// ```
    /// use kiln::CacheConfig;
    /// let dir = std::env::temp_dir();
    /// let file = dir.join(format!("kiln-doc-cache-{}.toml", std::process::id()));
    /// std::fs::write(&file, "[cache]\ndirectory = \"modules\"\n").unwrap();
    /// let cache = CacheConfig::from_file(&file).unwrap();
    /// assert_eq!(cache.directory(), dir.join("modules"));
    /// # std::fs::remove_file(&file).unwrap();
    /// ```
    pub fn from_file(path: impl AsRef<Path>) -> Result<CacheConfig> {
        let path = path.as_ref();
        let fail = |why: String| {
            Error::new(
                ErrorKind::Usage,
                format!("cache configuration {}: {why}", path.display()),
            )
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        let doc: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| fail(format!("not valid TOML: {}", e.message())))?;
        if let Some(key) = doc.keys().find(|k| *k != "cache") {
            return Err(fail(format!("unknown table or key `{key}`")));
        }
        let Some(cache) = doc.get("cache") else {
            return Err(fail("no `[cache]` table".to_string()));
        };
        let cache = cache
            .as_table()
            .ok_or_else(|| fail("`cache` is not a table".to_string()))?;
        let mut directory = None;
        for (key, value) in cache {
            match key.as_str() {
                "enabled" => {
                    match value.as_bool() {
                        Some(true) => {}
                        Some(false) => return Err(fail(
                            "`enabled = false` turns the cache off; leave the cache unset instead"
                                .to_string(),
                        )),
                        None => return Err(fail("`enabled` must be true or false".to_string())),
                    }
                }
                "directory" => {
                    let dir = value
                        .as_str()
                        .ok_or_else(|| fail("`directory` must be a string".to_string()))?;
                    let base = path.parent().unwrap_or(Path::new(""));
                    directory = Some(base.join(dir));
                }
                key if WASMTIME_TUNING_KEYS.contains(&key) => {}
                key => return Err(fail(format!("unknown key `cache.{key}`"))),
            }
        }
        match directory {
            Some(dir) => Ok(CacheConfig::new(dir)),
            None => CacheConfig::from_default_location(),
        }
    }

    /// The directory that holds the entries.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    fn entry_path(&self, fingerprint: &str, wasm: &[u8]) -> PathBuf {
        let mut key = Sha256::new();
        key.update((fingerprint.len() as u64).to_le_bytes());
        key.update(fingerprint.as_bytes());
        key.update(wasm);
        let name: String = key.finalize().iter().map(|b| format!("{b:02x}")).collect();
        self.directory.join(format!("{name}.kiln"))
    }
}

const CHECKSUM_LEN: usize = 32;

/// The module compiled from `wasm`, loaded from the cache when an intact
/// entry exists, else compiled with `compile` and stored. The cache never
/// makes loading fail: an entry that cannot be read or written is ignored.
pub(crate) fn load_or_compile(
    engine: &Engine,
    cache: &CacheConfig,
    fingerprint: &str,
    wasm: &[u8],
    compile: impl FnOnce() -> Result<Module>,
) -> Result<Module> {
    let path = cache.entry_path(fingerprint, wasm);
    if let Some(module) = load(engine, &path, wasm) {
        return Ok(module);
    }
    let module = compile()?;
    if let Ok(artifact) = module.serialize() {
        // A failed write only costs the next process a compile.
        let _ = store(cache.directory(), &path, &artifact);
    }
    Ok(module)
}

fn load(engine: &Engine, path: &Path, wasm: &[u8]) -> Option<Module> {
    let entry = std::fs::read(path).ok()?;
    let split = entry.len().checked_sub(CHECKSUM_LEN)?;
    let (artifact, checksum) = entry.split_at(split);
    if Sha256::digest(artifact).as_slice() != checksum {
        return None;
    }
    // SAFETY: the entry is an artifact this cache stored (its checksum
    // matches), made by `Module::serialize` of an engine with this
    // fingerprint (the entry's name covers it); `deserialize` checks the
    // fingerprint again.
    let module = unsafe { Module::deserialize(engine, artifact) }.ok()?;
    // The name covers the bytes, but a hash collision must not run another
    // module's code.
    module.is_compiled_from(wasm).then_some(module)
}

fn store(directory: &Path, path: &Path, artifact: &[u8]) -> std::io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    std::fs::create_dir_all(directory)?;
    let temp = directory.join(format!(
        ".{}.{}-{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("entry"),
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(artifact)?;
        file.write_all(&Sha256::digest(artifact))?;
        file.sync_data()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::engine::Config;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kiln-cache-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn cached_engine(dir: &Path) -> Engine {
        let mut config = Config::new();
        config.cache(Some(CacheConfig::new(dir)));
        Engine::new(&config).unwrap()
    }

    fn entries(dir: &Path) -> Vec<PathBuf> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        entries
    }

    const WAT: &str = r#"(module (func (export "answer") (result i32) i32.const 42))"#;

    fn answer(engine: &Engine, module: &Module) -> i32 {
        let mut store = crate::Store::new(engine, ());
        let instance = crate::Instance::new(&mut store, module, &[]).unwrap();
        let f = instance
            .get_typed_func::<(), i32>(&mut store, "answer")
            .unwrap();
        f.call(&mut store, ()).unwrap()
    }

    #[test]
    fn second_load_of_a_module_reads_its_entry_and_runs() {
        let dir = temp_dir("hit");
        let engine = cached_engine(&dir);
        let first = Module::new(&engine, WAT).unwrap();
        let stored = entries(&dir);
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].extension().unwrap(), "kiln");
        let modified = std::fs::metadata(&stored[0]).unwrap().modified().unwrap();
        // A second engine stands for a second process.
        let engine2 = cached_engine(&dir);
        let second = Module::new(&engine2, WAT).unwrap();
        assert_eq!(answer(&engine, &first), 42);
        assert_eq!(answer(&engine2, &second), 42);
        assert_eq!(entries(&dir), stored);
        assert_eq!(
            std::fs::metadata(&stored[0]).unwrap().modified().unwrap(),
            modified
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn damaged_or_truncated_entry_is_compiled_again_and_rewritten() {
        let dir = temp_dir("damaged");
        let engine = cached_engine(&dir);
        Module::new(&engine, WAT).unwrap();
        let entry = entries(&dir).remove(0);
        let good = std::fs::read(&entry).unwrap();

        let mut flipped = good.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x40;
        for damaged in [flipped, good[..good.len() - 1].to_vec(), Vec::new()] {
            std::fs::write(&entry, &damaged).unwrap();
            let module = Module::new(&engine, WAT).unwrap();
            assert_eq!(answer(&engine, &module), 42);
            assert_eq!(std::fs::read(&entry).unwrap(), good);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn engines_that_compile_differently_keep_separate_entries() {
        let dir = temp_dir("fingerprint");
        Module::new(&cached_engine(&dir), WAT).unwrap();
        let mut config = Config::new();
        config
            .cache(Some(CacheConfig::new(&dir)))
            .consume_fuel(true);
        let metered = Engine::new(&config).unwrap();
        Module::new(&metered, WAT).unwrap();
        assert_eq!(entries(&dir).len(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn invalid_module_is_an_error_and_leaves_no_entry() {
        let dir = temp_dir("invalid");
        let engine = cached_engine(&dir);
        let err = Module::new(&engine, b"\0asm\x01\0\0\0\x01").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation);
        assert!(!dir.exists() || entries(&dir).is_empty());
    }

    #[test]
    fn unwritable_cache_directory_still_compiles() {
        let file = std::env::temp_dir().join(format!("kiln-cache-file-{}", std::process::id()));
        std::fs::write(&file, b"not a directory").unwrap();
        let engine = cached_engine(&file.join("sub"));
        let module = Module::new(&engine, WAT).unwrap();
        assert_eq!(answer(&engine, &module), 42);
        std::fs::remove_file(&file).unwrap();
    }

    #[test]
    fn concurrent_writers_leave_one_whole_entry() {
        let dir = temp_dir("concurrent");
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let dir = dir.clone();
                std::thread::spawn(move || {
                    let engine = cached_engine(&dir);
                    let module = Module::new(&engine, WAT).unwrap();
                    answer(&engine, &module)
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), 42);
        }
        let stored = entries(&dir);
        assert_eq!(stored.len(), 1, "{stored:?}");
        let engine = cached_engine(&dir);
        assert!(load(&engine, &stored[0], &wat::parse_str(WAT).unwrap()).is_some());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn configuration_file_names_the_directory_relative_to_itself() {
        let dir = temp_dir("toml");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("cache.toml");
        let read = |text: &str| {
            std::fs::write(&file, text).unwrap();
            CacheConfig::from_file(&file)
        };
        assert_eq!(
            read("[cache]\nenabled = true\ndirectory = \"store\"\ncleanup-interval = \"1d\"\n")
                .unwrap()
                .directory(),
            dir.join("store")
        );
        assert_eq!(
            read("[cache]\ndirectory = \"/abs/path\"\n")
                .unwrap()
                .directory(),
            Path::new("/abs/path")
        );
        let message = |text: &str| read(text).unwrap_err().to_string();
        assert!(message("[cache]\nenabled = false\n").contains("`enabled = false`"));
        assert!(message("[cache]\ndirectroy = \"x\"\n").contains("unknown key `cache.directroy`"));
        assert!(message("[cash]\n").contains("unknown table or key `cash`"));
        assert!(message("[cache\n").contains("not valid TOML"));
        assert!(message("").contains("no `[cache]` table"));
        std::fs::remove_dir_all(&dir).unwrap();
        let missing = CacheConfig::from_file(dir.join("absent.toml")).unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::Usage);
        assert!(missing.to_string().contains("absent.toml"));
    }
}
