//! Bounds-checked access to guest memory: every pointer a guest passes is
//! checked, and a bad one is `EFAULT`, never a host fault.

use crate::errno::{Errno, WasiResult};

pub(crate) struct GuestMemory<'a>(pub &'a mut [u8]);

impl GuestMemory<'_> {
    pub fn slice(&self, ptr: u32, len: u32) -> WasiResult<&[u8]> {
        let end = ptr as usize + len as usize;
        self.0.get(ptr as usize..end).ok_or(Errno::Fault)
    }

    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> WasiResult<&mut [u8]> {
        let end = ptr as usize + len as usize;
        self.0.get_mut(ptr as usize..end).ok_or(Errno::Fault)
    }

    pub fn read<const N: usize>(&self, ptr: u32) -> WasiResult<[u8; N]> {
        let bytes = self.slice(ptr, N as u32)?;
        Ok(bytes.try_into().expect("slice has N bytes"))
    }

    pub fn write(&mut self, ptr: u32, bytes: &[u8]) -> WasiResult {
        self.slice_mut(ptr, bytes.len() as u32)?
            .copy_from_slice(bytes);
        Ok(())
    }

    pub fn read_u32(&self, ptr: u32) -> WasiResult<u32> {
        Ok(u32::from_le_bytes(self.read(ptr)?))
    }

    pub fn read_u64(&self, ptr: u32) -> WasiResult<u64> {
        Ok(u64::from_le_bytes(self.read(ptr)?))
    }

    pub fn write_u8(&mut self, ptr: u32, v: u8) -> WasiResult {
        self.write(ptr, &[v])
    }

    pub fn write_u16(&mut self, ptr: u32, v: u16) -> WasiResult {
        self.write(ptr, &v.to_le_bytes())
    }

    pub fn write_u32(&mut self, ptr: u32, v: u32) -> WasiResult {
        self.write(ptr, &v.to_le_bytes())
    }

    pub fn write_u64(&mut self, ptr: u32, v: u64) -> WasiResult {
        self.write(ptr, &v.to_le_bytes())
    }

    /// A UTF-8 string the guest passed as (pointer, length).
    pub fn str(&self, ptr: u32, len: u32) -> WasiResult<&str> {
        std::str::from_utf8(self.slice(ptr, len)?).map_err(|_| Errno::Ilseq)
    }

    /// Checks that an iovec array of `count` entries at `ptr` lies in
    /// memory, before any of it is used: nothing is allocated however many
    /// entries it claims (see [`GuestMemory::iovec`]).
    pub fn check_iovecs(&self, ptr: u32, count: u32) -> WasiResult {
        self.slice(ptr, count.checked_mul(8).ok_or(Errno::Fault)?)?;
        Ok(())
    }

    /// Entry `i` of the iovec array at `ptr`, as (buf, len).
    pub fn iovec(&self, ptr: u32, i: u32) -> WasiResult<(u32, u32)> {
        let at = ptr
            .checked_add(i.checked_mul(8).ok_or(Errno::Fault)?)
            .ok_or(Errno::Fault)?;
        Ok((
            self.read_u32(at)?,
            self.read_u32(at.checked_add(4).ok_or(Errno::Fault)?)?,
        ))
    }
}
