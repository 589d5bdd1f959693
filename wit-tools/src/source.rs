//! A text buffer for generated code that indents itself: a line ending in
//! an opening bracket indents the lines after it, a line starting with a
//! closing one dedents.

/// Generated source text.
#[derive(Default, Debug, Clone)]
pub struct Source {
    text: String,
    indent: usize,
}

impl Source {
    /// Appends `lines` (one or more, separated by `\n`), each indented to
    /// the current depth; empty lines stay empty.
    pub fn line(&mut self, lines: &str) {
        for line in lines.split('\n') {
            let line = line.trim();
            if line.is_empty() {
                self.text.push('\n');
                continue;
            }
            if line.starts_with(['}', ')', ']']) {
                self.indent = self.indent.saturating_sub(1);
            }
            for _ in 0..self.indent {
                self.text.push_str("    ");
            }
            self.text.push_str(line);
            self.text.push('\n');
            if line.ends_with(['{', '(', '[']) {
                self.indent += 1;
            }
        }
    }

    /// Appends an empty line, unless the text already ends with one (or is
    /// empty, or just opened a block).
    pub fn blank(&mut self) {
        if !(self.text.is_empty() || self.text.ends_with("\n\n") || self.text.ends_with("{\n")) {
            self.text.push('\n');
        }
    }

    /// Appends documentation: each line of `docs` after `prefix` (`///`,
    /// ` *`, ...).
    pub fn docs(&mut self, prefix: &str, docs: Option<&str>) {
        if let Some(docs) = docs {
            for line in docs.trim_end().lines() {
                let text = if line.trim().is_empty() {
                    prefix.to_string()
                } else {
                    format!("{prefix} {}", line.trim_end())
                };
                self.verbatim(&text);
            }
        }
    }

    /// Appends one line at the current depth, as it is: its brackets do not
    /// change the indentation.
    pub fn verbatim(&mut self, line: &str) {
        if line.is_empty() {
            self.text.push('\n');
            return;
        }
        for _ in 0..self.indent {
            self.text.push_str("    ");
        }
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// The text so far.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text.
    pub fn finish(self) -> String {
        let mut text = self.text;
        while text.ends_with("\n\n") {
            text.pop();
        }
        text
    }
}
