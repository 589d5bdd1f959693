//! Copy-on-write images of a module's initial memory: the bytes its data
//! segments put there, in a sealed in-memory file that every instance maps
//! privately over the start of its memory instead of copying the segments.
//! Instantiation then touches no page of the memory; a page is read from the
//! image, or copied, only when wasm first uses it.

use super::memory::LinearMemory;
use std::fs::File;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// A module's initial memory contents, shared by all its instances.
pub(crate) struct MemoryImage {
    file: OwnedFd,
    /// A multiple of the host page size.
    len: usize,
}

impl std::fmt::Debug for MemoryImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryImage")
            .field("len", &self.len)
            .finish()
    }
}

/// The host's page size, which images are a multiple of.
pub(crate) fn host_page_size() -> usize {
    // SAFETY: `sysconf` only reads a system constant.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(size).unwrap_or(4096)
}

impl MemoryImage {
    /// An image of `bytes`, whose length must be a multiple of the host page
    /// size; `None` when the system cannot make one (the caller then copies
    /// the segments as before).
    pub fn new(bytes: &[u8]) -> Option<MemoryImage> {
        debug_assert!(bytes.len().is_multiple_of(host_page_size()));
        // SAFETY: the name is a NUL-terminated string; the flags are valid.
        let fd = unsafe {
            libc::memfd_create(
                c"kiln-memory-image".as_ptr(),
                libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING,
            )
        };
        if fd < 0 {
            return None;
        }
        // SAFETY: `memfd_create` returned a new descriptor that nothing else owns.
        let mut file = File::from(unsafe { OwnedFd::from_raw_fd(fd) });
        file.write_all(bytes).ok()?;
        // Sealed, so no one can change what later instances start with.
        let seals =
            libc::F_SEAL_SEAL | libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_WRITE;
        // SAFETY: `file` is an open memfd made with sealing allowed.
        if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_ADD_SEALS, seals) } != 0 {
            return None;
        }
        Some(MemoryImage {
            file: file.into(),
            len: bytes.len(),
        })
    }
}

impl LinearMemory {
    /// Maps `image` privately over the start of this memory, in place of
    /// its (still untouched) zero pages.
    pub fn map_image(&mut self, image: &MemoryImage) -> Result<(), String> {
        if image.len > self.len() {
            return Err(format!(
                "a memory image of {} bytes does not fit a memory of {} bytes",
                image.len,
                self.len()
            ));
        }
        let base = self.data_mut().as_mut_ptr();
        // SAFETY: `[base, base + image.len)` lies in this memory's accessible
        // part, which it owns and which holds nothing yet (it was just made);
        // `MAP_FIXED` replaces those pages with the image's, copy-on-write.
        let mapped = unsafe {
            libc::mmap(
                base.cast(),
                image.len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_FIXED,
                image.file.as_raw_fd(),
                0,
            )
        };
        if mapped == libc::MAP_FAILED {
            return Err(format!(
                "failed to map a memory image: {}",
                std::io::Error::last_os_error()
            ));
        }
        Ok(())
    }
}
