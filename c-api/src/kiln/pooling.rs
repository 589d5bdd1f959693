//! The pooling allocator, shaped like Wasmtime's C API
//! (`wasmtime_pooling_allocation_config_*`): limits set on a
//! `kiln_pooling_allocation_config_t`, copied into an engine's settings by
//! `kiln_pooling_allocation_strategy_set`.

use crate::engine::wasm_config_t;
use crate::guard;

/// The limits of the pooling allocator: how many instances, memories and
/// tables may be live at once across every store of an engine, how large
/// each memory and table may grow, and how much of a freed slot stays
/// resident. Owned by the caller; `kiln_pooling_allocation_strategy_set`
/// copies it.
///
/// Going past a limit fails instantiation (or `wasm_memory_new`,
/// `wasm_table_new`) with Wasmtime's words, "maximum concurrent limit of N
/// for core instances reached" (or "for memories", "for tables"), never a
/// crash. A slot comes back when the store that held it is freed: when
/// `wasm_store_delete` has been called and every object of the store is
/// deleted. A reused memory slot is zeroed: the next tenant never sees the
/// last one's bytes. Limits a slot cannot hold (`max_memory_size` past
/// 4 GiB, more slots than the address space holds) make `kiln_engine_new`
/// fail, naming the setting.
#[derive(Default)]
pub struct kiln_pooling_allocation_config_t {
    config: kiln::PoolingAllocationConfig,
}

/// Applies a limit to a pooling configuration, tolerating NULL.
fn update(
    pool: Option<&mut kiln_pooling_allocation_config_t>,
    f: impl FnOnce(&mut kiln::PoolingAllocationConfig),
) {
    guard((), || {
        if let Some(pool) = pool {
            f(&mut pool.config);
        }
    })
}

/// The default limits: 100,000 live instances, memories and tables,
/// memories of up to 256 MiB and tables of up to 20,000 elements, nothing
/// kept resident.
#[no_mangle]
pub unsafe extern "C" fn kiln_pooling_allocation_config_new(
) -> Option<Box<kiln_pooling_allocation_config_t>> {
    guard(None, || Some(Box::default()))
}

/// Releases a pooling configuration (configs that took a copy keep it).
#[no_mangle]
pub unsafe extern "C" fn kiln_pooling_allocation_config_delete(
    pool: Option<Box<kiln_pooling_allocation_config_t>>,
) {
    guard((), || drop(pool))
}

/// How many core instances may be live at once across every store of the
/// engine (100,000 by default). An instance holds its place until its
/// store is freed.
#[no_mangle]
pub unsafe extern "C" fn kiln_pooling_allocation_config_total_core_instances_set(
    pool: Option<&mut kiln_pooling_allocation_config_t>,
    count: u32,
) {
    update(pool, |p| {
        p.total_core_instances(count);
    })
}

/// How many linear memories may be live at once across every store of the
/// engine, whether modules or the host (`wasm_memory_new`) made them
/// (100,000 by default).
#[no_mangle]
pub unsafe extern "C" fn kiln_pooling_allocation_config_total_memories_set(
    pool: Option<&mut kiln_pooling_allocation_config_t>,
    count: u32,
) {
    update(pool, |p| {
        p.total_memories(count);
    })
}

/// How many tables may be live at once across every store of the engine,
/// whether modules or the host (`wasm_table_new`) made them (100,000 by
/// default).
#[no_mangle]
pub unsafe extern "C" fn kiln_pooling_allocation_config_total_tables_set(
    pool: Option<&mut kiln_pooling_allocation_config_t>,
    count: u32,
) {
    update(pool, |p| {
        p.total_tables(count);
    })
}

/// The most bytes any memory may hold, the size of a memory slot (256 MiB
/// by default, at most 4 GiB). A module whose memory starts larger fails
/// to instantiate; `memory.grow` past it returns -1.
#[no_mangle]
pub unsafe extern "C" fn kiln_pooling_allocation_config_max_memory_size_set(
    pool: Option<&mut kiln_pooling_allocation_config_t>,
    bytes: usize,
) {
    update(pool, |p| {
        p.max_memory_size(bytes);
    })
}

/// The most elements any table may hold, the size of a table slot (20,000
/// by default). A module whose table starts larger fails to instantiate;
/// `table.grow` past it returns -1.
#[no_mangle]
pub unsafe extern "C" fn kiln_pooling_allocation_config_table_elements_set(
    pool: Option<&mut kiln_pooling_allocation_config_t>,
    elements: usize,
) {
    update(pool, |p| {
        p.table_elements(elements);
    })
}

/// How many bytes at the start of a freed memory slot are zeroed by
/// writing and stay resident for the next tenant (0 by default); the rest
/// is given back to the kernel, which zeroes it too.
#[no_mangle]
pub unsafe extern "C" fn kiln_pooling_allocation_config_linear_memory_keep_resident_set(
    pool: Option<&mut kiln_pooling_allocation_config_t>,
    bytes: usize,
) {
    update(pool, |p| {
        p.linear_memory_keep_resident(bytes);
    })
}

/// As `kiln_pooling_allocation_config_linear_memory_keep_resident_set`,
/// for table slots (0 by default).
#[no_mangle]
pub unsafe extern "C" fn kiln_pooling_allocation_config_table_keep_resident_set(
    pool: Option<&mut kiln_pooling_allocation_config_t>,
    bytes: usize,
) {
    update(pool, |p| {
        p.table_keep_resident(bytes);
    })
}

/// Makes engines of `config` allocate instances, memories and tables from
/// pools with `pool`'s limits (borrowed: the config takes a copy), as
/// `wasmtime_pooling_allocation_strategy_set` does. Without it engines
/// allocate on demand. Modules compiled by an engine of one strategy are
/// refused by `wasm_module_deserialize` on an engine of the other.
#[no_mangle]
pub unsafe extern "C" fn kiln_pooling_allocation_strategy_set(
    config: Option<&mut wasm_config_t>,
    pool: Option<&kiln_pooling_allocation_config_t>,
) {
    guard((), || {
        if let (Some(config), Some(pool)) = (config, pool) {
            config.config.allocation_strategy(pool.config.clone());
        }
    })
}
