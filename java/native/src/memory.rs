//! `dev.kiln.Memory`: linear memory, as a `ByteBuffer` or copied.

use crate::errors::{run, Failure, JResult};
use crate::store::{enter, Entered, Item};
use crate::types;
use jni::objects::{JByteArray, JClass, JLongArray, JObject};
use jni::sys::{jint, jlong};
use jni::JNIEnv;

/// The range `offset..offset + len` of `memory`, checked against its size.
fn range(size: usize, offset: jlong, len: usize) -> JResult<std::ops::Range<usize>> {
    usize::try_from(offset)
        .ok()
        .and_then(|start| Some(start..start.checked_add(len)?))
        .filter(|r| r.end <= size)
        .ok_or_else(|| {
            Failure::Bounds(format!(
                "memory access of {len} bytes at offset {offset} is out of bounds \
                 (the memory holds {size} bytes)"
            ))
        })
}

fn data<'a>(entered: &'a mut Entered<'_>, memory: jint) -> JResult<&'a mut [u8]> {
    let memory = entered.sb.memory(memory)?;
    Ok(memory.data_mut(entered.cx()))
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Memory_newMemory(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    ty: JLongArray<'_>,
) -> jint {
    run(&mut env, |env| {
        let ty = types::decode_memory(&types::from_java(env, &ty)?)?;
        let mut entered = enter(env, &store, handle)?;
        let memory = kiln::Memory::new(entered.cx(), ty)?;
        Ok(entered.sb.number(Item::Memory(memory)))
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_kiln_Memory_type<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    store: JObject<'l>,
    handle: jlong,
    memory: jint,
) -> JLongArray<'l> {
    run(&mut env, |env| {
        let codes = {
            let mut entered = enter(env, &store, handle)?;
            let memory = entered.sb.memory(memory)?;
            types::encode(&kiln::ExternType::Memory(memory.ty(entered.cx())))
        };
        types::to_java(env, &codes)
    })
}

/// The size in pages.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Memory_size(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    memory: jint,
) -> jlong {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        let memory = entered.sb.memory(memory)?;
        Ok(memory.size(entered.cx()) as jlong)
    })
}

/// The size in bytes.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Memory_dataSize(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    memory: jint,
) -> jlong {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        let memory = entered.sb.memory(memory)?;
        Ok(memory.data_size(entered.cx()) as jlong)
    })
}

/// Grows by `delta` pages; returns the old size in pages.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Memory_grow(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    memory: jint,
    delta: jlong,
) -> jlong {
    run(&mut env, |env| {
        let delta = u64::try_from(delta)
            .map_err(|_| Failure::Argument(format!("cannot grow a memory by {delta} pages")))?;
        let mut entered = enter(env, &store, handle)?;
        let memory = entered.sb.memory(memory)?;
        Ok(memory.grow(entered.cx(), delta)? as jlong)
    })
}

/// A direct buffer over the memory's bytes as they are now.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Memory_buffer<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    store: JObject<'l>,
    handle: jlong,
    memory: jint,
) -> JObject<'l> {
    run(&mut env, |env| {
        let (ptr, len) = {
            let mut entered = enter(env, &store, handle)?;
            let data = data(&mut entered, memory)?;
            (data.as_mut_ptr(), data.len())
        };
        // A memory of no bytes may have no address; any non-null one serves.
        let ptr = if len == 0 {
            std::ptr::NonNull::<u8>::dangling().as_ptr()
        } else {
            ptr
        };
        // SAFETY: the bytes stay mapped while the store lives, and the Java
        // `Store` keeps its native store alive while any buffer from
        // `Memory.buffer` is reachable; growing never moves a memory's base,
        // since `Memory.buffer` refuses engines whose memories may move and
        // Java's engines keep `memory_may_move` off unless asked.
        Ok(unsafe { env.new_direct_byte_buffer(ptr, len) }?.into())
    })
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_kiln_Memory_read(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    memory: jint,
    offset: jlong,
    dst: JByteArray<'_>,
    at: jint,
    len: jint,
) {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        let data = data(&mut entered, memory)?;
        let range = range(data.len(), offset, len as usize)?;
        let bytes = &data[range];
        // SAFETY: `i8` and `u8` have the same size and alignment.
        let bytes = unsafe { std::slice::from_raw_parts(bytes.as_ptr().cast::<i8>(), bytes.len()) };
        env.set_byte_array_region(&dst, at, bytes)?;
        Ok(())
    })
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_kiln_Memory_write(
    mut env: JNIEnv<'_>,
    _class: JClass<'_>,
    store: JObject<'_>,
    handle: jlong,
    memory: jint,
    offset: jlong,
    src: JByteArray<'_>,
    at: jint,
    len: jint,
) {
    run(&mut env, |env| {
        let mut entered = enter(env, &store, handle)?;
        let data = data(&mut entered, memory)?;
        let range = range(data.len(), offset, len as usize)?;
        let bytes = &mut data[range];
        // SAFETY: `i8` and `u8` have the same size and alignment.
        let bytes =
            unsafe { std::slice::from_raw_parts_mut(bytes.as_mut_ptr().cast::<i8>(), bytes.len()) };
        env.get_byte_array_region(&src, at, bytes)?;
        Ok(())
    })
}
