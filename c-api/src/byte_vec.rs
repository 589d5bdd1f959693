//! Byte vectors (`wasm_byte_vec_t`, also `wasm_name_t` and `wasm_message_t`).

declare_vec!(
    wasm_byte_vec_t, u8,
    wasm_byte_vec_new_empty, wasm_byte_vec_new_uninitialized, wasm_byte_vec_new,
    wasm_byte_vec_copy, wasm_byte_vec_delete,
    uninit: 0u8, copy: |b: &u8| *b, drop: |_: u8| (),
);

/// A name: bytes, not null-terminated.
pub type wasm_name_t = wasm_byte_vec_t;
/// A trap message: bytes ending with a NUL.
pub type wasm_message_t = wasm_byte_vec_t;

impl wasm_byte_vec_t {
    /// An owned copy of `bytes`.
    pub(crate) fn from_bytes(bytes: &[u8]) -> wasm_byte_vec_t {
        wasm_byte_vec_t::from_vec(bytes.to_vec())
    }
}

/// An owned byte vector that frees itself: for names kept inside objects.
pub(crate) struct OwnedName(pub(crate) wasm_byte_vec_t);

impl OwnedName {
    pub(crate) fn new(s: &str) -> OwnedName {
        OwnedName(wasm_byte_vec_t::from_bytes(s.as_bytes()))
    }
}

impl Clone for OwnedName {
    fn clone(&self) -> OwnedName {
        // SAFETY: the vector is owned by `self` and made by `from_bytes`.
        OwnedName(wasm_byte_vec_t::from_bytes(unsafe { self.0.as_slice() }))
    }
}

impl Drop for OwnedName {
    fn drop(&mut self) {
        // SAFETY: the vector is owned by `self`.
        drop(unsafe { self.0.take() });
    }
}
