//! Arguments that must be Kiln objects or names, checked in one place so
//! that every wrong one raises the same `ArgumentTypeError` (see
//! `errors::argument_type_error`) instead of pyo3's plain `TypeError`.

use crate::errors::argument_type_error;
use pyo3::prelude::*;
use pyo3::types::PyString;
use pyo3::PyTypeInfo;
use std::ops::Deref;

/// An argument that must be a `T` (a Kiln class).
pub(crate) struct Arg<'py, T>(Bound<'py, T>);

impl<'py, T> Arg<'py, T> {
    pub(crate) fn into_bound(self) -> Bound<'py, T> {
        self.0
    }
}

impl<'py, T> From<Bound<'py, T>> for Arg<'py, T> {
    fn from(bound: Bound<'py, T>) -> Self {
        Arg(bound)
    }
}

impl<'py, T> Deref for Arg<'py, T> {
    type Target = Bound<'py, T>;

    fn deref(&self) -> &Bound<'py, T> {
        &self.0
    }
}

impl<'a, 'py, T: PyTypeInfo> FromPyObject<'a, 'py> for Arg<'py, T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        match obj.cast::<T>() {
            Ok(t) => Ok(Arg(t.to_owned())),
            Err(_) => {
                let name = T::type_object(obj.py()).name()?.to_string();
                Err(argument_type_error(&article(&name), &obj))
            }
        }
    }
}

/// A name argument (of a module or an item): a `str`.
pub(crate) struct Name(pub(crate) String);

impl<'a, 'py> FromPyObject<'a, 'py> for Name {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        match obj.cast::<PyString>() {
            Ok(s) => Ok(Name(s.to_cow()?.into_owned())),
            Err(_) => Err(argument_type_error("a name as str", &obj)),
        }
    }
}

/// `name` with its indefinite article, for messages: "an Engine", "a Store".
pub(crate) fn article(name: &str) -> String {
    let vowel = name
        .chars()
        .next()
        .is_some_and(|c| "AEIOUaeiou".contains(c));
    format!("{} {name}", if vowel { "an" } else { "a" })
}
