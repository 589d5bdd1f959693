//! The host side of each world, implementing the generated traits as
//! `wit-tools/tests/README.md` ("What the host implements") says.

use crate::generated::{lists, resources, scalars, traps, variants};
use std::collections::HashMap;

type R<T> = kiln::Result<T>;

/// The host's state for one test: whatever the world's imports keep.
#[derive(Default)]
pub struct Host {
    /// `set-host-value` / `get-host-value`.
    pub value: u64,
    /// The `trap-host.note` arguments.
    pub notes: Vec<u32>,
    /// The live blobs by rep.
    pub blobs: HashMap<u32, Vec<u8>>,
    next_blob: u32,
}

impl Host {
    /// Forgets the blob `rep`: its destructor.
    pub fn drop_blob(&mut self, rep: u32) -> R<()> {
        self.blobs
            .remove(&rep)
            .map(|_| ())
            .ok_or_else(|| kiln::Error::msg(format!("no blob {rep}")))
    }
}

// --- scalars -----------------------------------------------------------------

impl scalars::kiln::corpus::scalar_host::Host for Host {
    fn echo_bool(&mut self, x: bool) -> R<bool> {
        Ok(x)
    }
    fn echo_u8(&mut self, x: u8) -> R<u8> {
        Ok(x)
    }
    fn echo_u16(&mut self, x: u16) -> R<u16> {
        Ok(x)
    }
    fn echo_u32(&mut self, x: u32) -> R<u32> {
        Ok(x)
    }
    fn echo_u64(&mut self, x: u64) -> R<u64> {
        Ok(x)
    }
    fn echo_s8(&mut self, x: i8) -> R<i8> {
        Ok(x)
    }
    fn echo_s16(&mut self, x: i16) -> R<i16> {
        Ok(x)
    }
    fn echo_s32(&mut self, x: i32) -> R<i32> {
        Ok(x)
    }
    fn echo_s64(&mut self, x: i64) -> R<i64> {
        Ok(x)
    }
    fn echo_f32(&mut self, x: f32) -> R<f32> {
        Ok(x)
    }
    fn echo_f64(&mut self, x: f64) -> R<f64> {
        Ok(x)
    }
    fn echo_char(&mut self, x: char) -> R<char> {
        Ok(x)
    }
    #[allow(clippy::type_complexity)]
    fn many_params(
        &mut self,
        a: u8,
        b: i8,
        c: u16,
        d: i16,
        e: u32,
        f: i32,
        g: u64,
        h: i64,
        i: f32,
        j: f64,
        k: char,
        l: bool,
        m: u8,
        n: u16,
        o: u32,
        p: u64,
        q: f32,
        r: f64,
    ) -> R<(
        f64,
        f32,
        u64,
        u32,
        u16,
        u8,
        bool,
        char,
        f64,
        f32,
        i64,
        u64,
        i32,
        u32,
        i16,
        u16,
        i8,
        u8,
    )> {
        Ok((r, q, p, o, n, m, l, k, j, i, h, g, f, e, d, c, b, a))
    }
}

impl scalars::kiln::shared::host_info::Host for Host {
    fn greet(&mut self, who: String) -> R<String> {
        Ok(format!("hello, {who}"))
    }
}

impl scalars::ScalarsImports for Host {
    fn set_host_value(&mut self, x: u64) -> R<()> {
        self.value = x;
        Ok(())
    }
    fn get_host_value(&mut self) -> R<u64> {
        Ok(self.value)
    }
}

// --- lists -------------------------------------------------------------------

impl lists::kiln::corpus::list_host::Host for Host {
    fn reverse_string(&mut self, s: String) -> R<String> {
        Ok(s.chars().rev().collect())
    }
    fn echo_bytes(&mut self, b: Vec<u8>) -> R<Vec<u8>> {
        Ok(b)
    }
    fn split_words(&mut self, s: String) -> R<Vec<String>> {
        Ok(s.split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect())
    }
    fn sort_scores(
        &mut self,
        mut s: Vec<lists::kiln::corpus::list_types::Score>,
    ) -> R<Vec<lists::kiln::corpus::list_types::Score>> {
        s.sort_by(|a, b| b.value.total_cmp(&a.value));
        Ok(s)
    }
    fn echo_nested(&mut self, x: Vec<Vec<u32>>) -> R<Vec<Vec<u32>>> {
        Ok(x)
    }
    fn make_line(
        &mut self,
        a: lists::kiln::shared::geometry::Point,
        b: lists::kiln::shared::geometry::Point,
        label: String,
    ) -> R<lists::kiln::corpus::list_types::Line> {
        Ok(lists::kiln::corpus::list_types::Line {
            start: a,
            end: b,
            label,
        })
    }
    fn rotate_triple(&mut self, t: (u8, String, f64)) -> R<(f64, u8, String)> {
        Ok((t.2, t.0, t.1))
    }
}

// --- variants ----------------------------------------------------------------

mod v {
    pub use crate::generated::variants::kiln::corpus::variant_types::*;
}

impl variants::kiln::corpus::variant_host::Host for Host {
    fn echo_shape(&mut self, s: v::Shape) -> R<v::Shape> {
        Ok(s)
    }
    fn echo_number(&mut self, n: v::Number) -> R<v::Number> {
        Ok(n)
    }
    fn turn_right(&mut self, d: v::Direction) -> R<v::Direction> {
        Ok(match d {
            v::Direction::North => v::Direction::East,
            v::Direction::East => v::Direction::South,
            v::Direction::South => v::Direction::West,
            v::Direction::West => v::Direction::North,
        })
    }
    fn echo_wide(&mut self, w: v::Wide) -> R<v::Wide> {
        Ok(w)
    }
    fn invert_full(&mut self, f: v::Full) -> R<v::Full> {
        Ok(!f)
    }
    fn echo_nested_option(&mut self, x: Option<Option<u8>>) -> R<Option<Option<u8>>> {
        Ok(x)
    }
    fn safe_div(&mut self, a: i32, b: i32) -> R<Result<i32, v::MathError>> {
        Ok(match (a, b) {
            (_, 0) => Err(v::MathError::DivideByZero),
            (i32::MIN, -1) => Err(v::MathError::Overflow),
            (a, b) => Ok(a / b),
        })
    }
    #[allow(clippy::type_complexity)]
    fn echo_nested_result(
        &mut self,
        r: Result<Option<String>, Result<u8, String>>,
    ) -> R<Result<Option<String>, Result<u8, String>>> {
        Ok(r)
    }
    fn check_positive(&mut self, x: i32) -> R<Result<(), ()>> {
        Ok(if x > 0 { Ok(()) } else { Err(()) })
    }
}

// --- resources ---------------------------------------------------------------

use resources::kiln::corpus::blobs::Blob;

impl resources::kiln::corpus::blobs::HostBlob for Host {
    fn new(&mut self, init: Vec<u8>) -> R<Blob> {
        self.next_blob += 1;
        self.blobs.insert(self.next_blob, init);
        Ok(Blob::new(self.next_blob))
    }
    fn bytes(&mut self, self_: &Blob) -> R<Vec<u8>> {
        self.blob(self_).cloned()
    }
    fn append(&mut self, self_: &Blob, more: Vec<u8>) -> R<()> {
        self.blobs
            .get_mut(&self_.rep())
            .ok_or_else(|| kiln::Error::msg("no such blob"))?
            .extend(more);
        Ok(())
    }
    fn size(&mut self, self_: &Blob) -> R<u32> {
        Ok(self.blob(self_)?.len() as u32)
    }
    fn concat(&mut self, a: &Blob, b: &Blob) -> R<Blob> {
        let mut bytes = self.blob(a)?.clone();
        bytes.extend(self.blob(b)?);
        resources::kiln::corpus::blobs::HostBlob::new(self, bytes)
    }
    fn drop(&mut self, rep: Blob) -> R<()> {
        self.drop_blob(rep.rep())
    }
}

impl Host {
    fn blob(&self, b: &Blob) -> R<&Vec<u8>> {
        self.blobs
            .get(&b.rep())
            .ok_or_else(|| kiln::Error::msg("no such blob"))
    }
}

impl resources::kiln::corpus::blobs::Host for Host {
    fn live_blobs(&mut self) -> R<u32> {
        Ok(self.blobs.len() as u32)
    }
}

// --- traps -------------------------------------------------------------------

impl traps::kiln::corpus::trap_host::Host for Host {
    fn note(&mut self, x: u32) -> R<()> {
        self.notes.push(x);
        Ok(())
    }
    fn fail(&mut self, msg: String) -> R<()> {
        Err(kiln::Error::msg(msg))
    }
}
