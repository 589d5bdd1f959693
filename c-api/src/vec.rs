//! The representation shared by every `wasm_xxx_vec_t`: a boxed slice handed
//! to C as a size and a data pointer.

use std::ptr;

/// Hands `items` to C as `(size, data)`; an empty vector has null data.
pub(crate) fn into_raw<T>(items: Vec<T>) -> (usize, *mut T) {
    if items.is_empty() {
        return (0, ptr::null_mut());
    }
    let boxed = items.into_boxed_slice();
    let size = boxed.len();
    (size, Box::into_raw(boxed) as *mut T)
}

/// Takes back a vector made by [`into_raw`].
///
/// # Safety
/// `(size, data)` must come from [`into_raw`] with the same `T` and not have
/// been taken back already.
pub(crate) unsafe fn from_raw<T>(size: usize, data: *mut T) -> Vec<T> {
    if data.is_null() {
        return Vec::new();
    }
    // SAFETY: the caller guarantees this is a boxed slice of `size` elements
    // that `into_raw` leaked.
    unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(data, size)) }.into_vec()
}

/// Borrows the elements of a C vector, which may be one C built itself.
///
/// # Safety
/// `data` must be null or point to `size` initialised elements that stay
/// valid and unaliased by writers for `'a`.
pub(crate) unsafe fn as_slice<'a, T>(size: usize, data: *const T) -> &'a [T] {
    if data.is_null() || size == 0 {
        return &[];
    }
    // SAFETY: guaranteed by the caller.
    unsafe { std::slice::from_raw_parts(data, size) }
}

/// Declares a `wasm_xxx_vec_t` and its five functions. `$uninit` makes the
/// value of a fresh element, `$copy` copies one (`&elem -> elem`), and
/// `$drop` releases one.
macro_rules! declare_vec {
    (
        $vec:ident, $elem:ty,
        $new_empty:ident, $new_uninit:ident, $new:ident, $copy:ident, $delete:ident,
        uninit: $uninit:expr, copy: $copy_elem:expr, drop: $drop_elem:expr $(,)?
    ) => {
        #[doc = concat!("`", stringify!($vec), "`: a size and the address of the elements.")]
        #[repr(C)]
        pub struct $vec {
            /// The number of elements.
            pub size: usize,
            /// The elements; null when empty.
            pub data: *mut $elem,
        }

        impl $vec {
            /// An owned vector of `items`.
            #[allow(dead_code)]
            pub(crate) fn from_vec(items: Vec<$elem>) -> $vec {
                let (size, data) = $crate::vec::into_raw(items);
                $vec { size, data }
            }

            /// The elements, borrowed.
            ///
            /// # Safety
            /// `self` must describe valid elements (see [`crate::vec::as_slice`]).
            #[allow(dead_code)]
            pub(crate) unsafe fn as_slice(&self) -> &[$elem] {
                // SAFETY: the caller guarantees the vector is valid.
                unsafe { $crate::vec::as_slice(self.size, self.data) }
            }

            /// Takes the elements out of an owned vector, leaving it empty.
            ///
            /// # Safety
            /// `self` must be owned, i.e. made by this library.
            #[allow(dead_code)]
            pub(crate) unsafe fn take(&mut self) -> Vec<$elem> {
                let (size, data) = (self.size, self.data);
                self.size = 0;
                self.data = std::ptr::null_mut();
                // SAFETY: owned vectors come from `into_raw`.
                unsafe { $crate::vec::from_raw(size, data) }
            }
        }

        #[no_mangle]
        pub unsafe extern "C" fn $new_empty(out: *mut $vec) {
            $crate::guard_unit(|| {
                if !out.is_null() {
                    // SAFETY: `out` points to writable (possibly uninitialised) storage.
                    unsafe { out.write($vec::from_vec(Vec::new())) };
                }
            })
        }

        #[no_mangle]
        pub unsafe extern "C" fn $new_uninit(out: *mut $vec, size: usize) {
            $crate::guard_unit(|| {
                if out.is_null() {
                    return;
                }
                let items: Vec<$elem> = (0..size).map(|_| $uninit).collect();
                // SAFETY: `out` points to writable (possibly uninitialised) storage.
                unsafe { out.write($vec::from_vec(items)) };
            })
        }

        #[no_mangle]
        pub unsafe extern "C" fn $new(out: *mut $vec, size: usize, data: *const $elem) {
            $crate::guard_unit(|| {
                if out.is_null() {
                    return;
                }
                let mut items = Vec::with_capacity(size);
                if !data.is_null() {
                    for i in 0..size {
                        // SAFETY: `data` holds `size` owned elements, whose
                        // ownership moves into the new vector; each is read once.
                        items.push(unsafe { data.add(i).read() });
                    }
                }
                // SAFETY: `out` points to writable (possibly uninitialised) storage.
                unsafe { out.write($vec::from_vec(items)) };
            })
        }

        #[no_mangle]
        pub unsafe extern "C" fn $copy(out: *mut $vec, src: *const $vec) {
            $crate::guard_unit(|| {
                if out.is_null() {
                    return;
                }
                // SAFETY: `src` is null or a valid vector.
                let items: Vec<$elem> = match unsafe { src.as_ref() } {
                    // SAFETY: a valid vector describes valid elements.
                    Some(src) => unsafe { src.as_slice() }.iter().map($copy_elem).collect(),
                    None => Vec::new(),
                };
                // SAFETY: `out` points to writable (possibly uninitialised) storage.
                unsafe { out.write($vec::from_vec(items)) };
            })
        }

        #[no_mangle]
        pub unsafe extern "C" fn $delete(v: *mut $vec) {
            $crate::guard_unit(|| {
                // SAFETY: `v` is null or an owned vector made by this library.
                if let Some(v) = unsafe { v.as_mut() } {
                    // SAFETY: as above.
                    for item in unsafe { v.take() } {
                        ($drop_elem)(item);
                    }
                }
            })
        }
    };
}
