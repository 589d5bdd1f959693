//! Types as Java sees them: `long[]` encodings that `ExternType.decode` and
//! `FuncType.encode` (Java) read and write.
//!
//! A value type is its `ValType` ordinal (I32 0, I64 1, F32 2, F64 3,
//! V128 4, FUNCREF 5, EXTERNREF 6). An extern type is its kind followed by
//! its fields:
//! - function: `0, nparams, params..., nresults, results...`
//! - memory: `1, min, max (-1: none), is64, shared, page size log2`
//! - table: `2, element, min, max (-1: none), is64`
//! - global: `3, content, mutable`

use crate::errors::{Failure, JResult};
use jni::objects::JLongArray;
use jni::JNIEnv;
use kiln::{ExternType, FuncType, GlobalType, MemoryType, Mutability, TableType, ValType};

pub(crate) fn val_type_code(ty: ValType) -> i64 {
    match ty {
        ValType::I32 => 0,
        ValType::I64 => 1,
        ValType::F32 => 2,
        ValType::F64 => 3,
        ValType::V128 => 4,
        ValType::FuncRef => 5,
        ValType::ExternRef => 6,
    }
}

pub(crate) fn val_type(code: i64) -> JResult<ValType> {
    Ok(match code {
        0 => ValType::I32,
        1 => ValType::I64,
        2 => ValType::F32,
        3 => ValType::F64,
        4 => ValType::V128,
        5 => ValType::FuncRef,
        6 => ValType::ExternRef,
        other => return Err(Failure::Argument(format!("unknown value type {other}"))),
    })
}

fn max_code(max: Option<u64>) -> i64 {
    max.map_or(-1, |m| m as i64)
}

fn max_of(code: i64) -> Option<u64> {
    u64::try_from(code).ok()
}

pub(crate) fn encode(ty: &ExternType) -> Vec<i64> {
    match ty {
        ExternType::Func(f) => encode_func(f),
        ExternType::Memory(m) => vec![
            1,
            m.minimum() as i64,
            max_code(m.maximum()),
            i64::from(m.is_64()),
            i64::from(m.is_shared()),
            i64::from(m.page_size_log2()),
        ],
        ExternType::Table(t) => vec![
            2,
            val_type_code(t.element()),
            t.minimum() as i64,
            max_code(t.maximum()),
            i64::from(t.is_64()),
        ],
        ExternType::Global(g) => vec![
            3,
            val_type_code(g.content()),
            i64::from(g.mutability() == Mutability::Var),
        ],
    }
}

pub(crate) fn encode_func(f: &FuncType) -> Vec<i64> {
    let mut out = vec![0, f.params().len() as i64];
    out.extend(f.params().iter().map(|t| val_type_code(*t)));
    out.push(f.results().len() as i64);
    out.extend(f.results().iter().map(|t| val_type_code(*t)));
    out
}

pub(crate) fn to_java<'l>(env: &mut JNIEnv<'l>, codes: &[i64]) -> JResult<JLongArray<'l>> {
    let array = env.new_long_array(codes.len() as i32)?;
    env.set_long_array_region(&array, 0, codes)?;
    Ok(array)
}

pub(crate) fn from_java(env: &mut JNIEnv<'_>, array: &JLongArray<'_>) -> JResult<Vec<i64>> {
    if array.is_null() {
        return Err(Failure::Argument("a type must not be null".into()));
    }
    let len = env.get_array_length(array)? as usize;
    let mut codes = vec![0i64; len];
    env.get_long_array_region(array, 0, &mut codes)?;
    Ok(codes)
}

fn malformed() -> Failure {
    Failure::Argument("malformed type encoding".into())
}

pub(crate) fn decode_func(codes: &[i64]) -> JResult<FuncType> {
    let (&kind, rest) = codes.split_first().ok_or_else(malformed)?;
    if kind != 0 {
        return Err(malformed());
    }
    let (&n, rest) = rest.split_first().ok_or_else(malformed)?;
    let n = usize::try_from(n).map_err(|_| malformed())?;
    let params = rest.get(..n).ok_or_else(malformed)?;
    let rest = &rest[n..];
    let (&m, rest) = rest.split_first().ok_or_else(malformed)?;
    let m = usize::try_from(m).map_err(|_| malformed())?;
    let results = rest.get(..m).ok_or_else(malformed)?;
    let params = params
        .iter()
        .map(|c| val_type(*c))
        .collect::<JResult<Vec<_>>>()?;
    let results = results
        .iter()
        .map(|c| val_type(*c))
        .collect::<JResult<Vec<_>>>()?;
    Ok(FuncType::new(params, results))
}

pub(crate) fn decode_memory(codes: &[i64]) -> JResult<MemoryType> {
    let [1, min, max, is64, shared, log2] = codes else {
        return Err(malformed());
    };
    let limits = kiln::Limits {
        min: *min as u64,
        max: max_of(*max),
    };
    Ok(MemoryType::try_new(
        limits,
        *is64 != 0,
        *shared != 0,
        *log2 as u32,
    )?)
}

pub(crate) fn decode_table(codes: &[i64]) -> JResult<TableType> {
    let [2, element, min, max, is64] = codes else {
        return Err(malformed());
    };
    let element = val_type(*element)?;
    Ok(if *is64 != 0 {
        TableType::new64(element, *min as u64, max_of(*max))
    } else {
        let min = u32::try_from(*min)
            .map_err(|_| Failure::Argument(format!("table minimum {min} is over 2^32 - 1")))?;
        let max =
            match max_of(*max) {
                None => None,
                Some(m) => Some(u32::try_from(m).map_err(|_| {
                    Failure::Argument(format!("table maximum {m} is over 2^32 - 1"))
                })?),
            };
        TableType::new(element, min, max)
    })
}

pub(crate) fn decode_global(codes: &[i64]) -> JResult<GlobalType> {
    let [3, content, mutable] = codes else {
        return Err(malformed());
    };
    let mutability = if *mutable != 0 {
        Mutability::Var
    } else {
        Mutability::Const
    };
    Ok(GlobalType::new(val_type(*content)?, mutability))
}
