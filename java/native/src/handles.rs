//! Native objects owned by Java objects through a `long` handle.

use jni::sys::jlong;

/// Moves `value` to the heap and returns its address for a Java object to
/// keep; [`free`] takes it back.
pub(crate) fn into_handle<T>(value: T) -> jlong {
    Box::into_raw(Box::new(value)) as jlong
}

/// The object behind `handle`.
///
/// # Safety
/// `handle` came from [`into_handle::<T>`] and has not been freed; the Java
/// side (`NativeObject.acquire`, `Store.enter`) keeps it live for `'a`.
pub(crate) unsafe fn borrow<'a, T>(handle: jlong) -> &'a T {
    // SAFETY: as the caller guarantees.
    unsafe { &*(handle as *const T) }
}

/// Drops the object behind `handle`; 0 is ignored.
///
/// # Safety
/// `handle` came from [`into_handle::<T>`] and is freed once: the Java side
/// frees through its `Cleaner`, which runs an action at most once.
pub(crate) unsafe fn free<T>(handle: jlong) {
    if handle != 0 {
        // SAFETY: as the caller guarantees.
        drop(unsafe { Box::from_raw(handle as *mut T) });
    }
}
