//! Strings in linear memory, in each of the canonical ABI's encodings.

use super::lift::LiftCx;
use super::lower::LowerCx;
use super::StringEncoding;
use crate::component::trap::{misaligned, out_of_bounds, trap};
use crate::environ::error::Result;

/// The tag bit of a `latin1+utf16` length that says the string is UTF-16.
pub(crate) const UTF16_TAG: u32 = 1 << 31;

/// The longest string, in bytes, the canonical ABI passes.
const MAX_STRING_BYTE_LENGTH: u64 = (1 << 31) - 1;

/// Reads the string at `ptr` of `tagged_len` code units (tagged for
/// `latin1+utf16`), in the encoding of `cx`.
pub(crate) fn load(cx: &LiftCx<'_>, ptr: u32, tagged_len: u32) -> Result<String> {
    let (utf16, units, align) = match cx.encoding {
        StringEncoding::Utf8 => (false, tagged_len, 1),
        StringEncoding::Utf16 => (true, tagged_len, 2),
        StringEncoding::CompactUtf16 if tagged_len & UTF16_TAG != 0 => {
            (true, tagged_len ^ UTF16_TAG, 2)
        }
        StringEncoding::CompactUtf16 => (false, tagged_len, 2),
    };
    if !ptr.is_multiple_of(align) {
        return Err(misaligned("string", ptr, align));
    }
    let byte_len = if utf16 {
        2 * u64::from(units)
    } else {
        u64::from(units)
    };
    let bytes = cx
        .bytes(ptr, byte_len)
        .ok_or_else(|| out_of_bounds("string"))?;
    match cx.encoding {
        StringEncoding::Utf8 => match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(_) => Err(trap("invalid utf-8 string")),
        },
        _ if utf16 => {
            let units = bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .map_err(|_| trap("invalid utf-16 string"))
        }
        _ => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

/// Writes `s` into memory allocated with `realloc`, in the encoding of `cx`;
/// returns the pointer and the (tagged) length in code units.
pub(crate) fn store<T>(cx: &mut LowerCx<'_, '_, T>, s: &str) -> Result<(u32, u32)> {
    match cx.opts.encoding {
        StringEncoding::Utf8 => {
            check_len(s.len() as u64)?;
            let ptr = cx.realloc_copy(1, s.as_bytes())?;
            Ok((ptr, s.len() as u32))
        }
        StringEncoding::Utf16 => store_utf16(cx, s, 0),
        StringEncoding::CompactUtf16 => {
            if s.chars().all(|c| (c as u32) < 0x100) {
                let bytes: Vec<u8> = s.chars().map(|c| c as u8).collect();
                let ptr = alloc(cx, 2, bytes.len() as u64)?;
                cx.write(ptr, &bytes)?;
                Ok((ptr, bytes.len() as u32))
            } else {
                store_utf16(cx, s, UTF16_TAG)
            }
        }
    }
}

fn store_utf16<T>(cx: &mut LowerCx<'_, '_, T>, s: &str, tag: u32) -> Result<(u32, u32)> {
    let bytes: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let ptr = alloc(cx, 2, bytes.len() as u64)?;
    cx.write(ptr, &bytes)?;
    Ok((ptr, (bytes.len() / 2) as u32 | tag))
}

fn alloc<T>(cx: &mut LowerCx<'_, '_, T>, align: u32, byte_len: u64) -> Result<u32> {
    check_len(byte_len)?;
    cx.realloc(align, byte_len as u32)
}

fn check_len(byte_len: u64) -> Result<()> {
    if byte_len > MAX_STRING_BYTE_LENGTH {
        return Err(trap(format!(
            "string of {byte_len} bytes is longer than the canonical ABI allows"
        )));
    }
    Ok(())
}
