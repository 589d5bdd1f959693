//! `FileReport`: what running one script found.

/// The outcome of running one `.wast` script.
///
/// Every directive of the script counts once: as a pass when it did what it
/// should (a module compiled and instantiated, an assertion held), or as a
/// failure, with a message in `failures` that starts with
/// `FILE:LINE:COL:` and says what differed. A script that cannot be parsed
/// counts as one failure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    /// Directives that behaved as expected.
    pub passed: usize,
    /// Directives that did not.
    pub failed: usize,
    /// One message per failure, in script order. When the engine panics, the
    /// directives left unrun are counted in `failed` and summed up in one
    /// final message.
    pub failures: Vec<String>,
}

impl FileReport {
    /// True when nothing failed.
    pub fn is_pass(&self) -> bool {
        self.failed == 0
    }

    pub(crate) fn pass(&mut self) {
        self.passed += 1;
    }

    pub(crate) fn fail(&mut self, message: String) {
        self.failed += 1;
        self.failures.push(message);
    }
}
