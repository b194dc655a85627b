//! Located errors and warnings: `file:line:column: message` followed by a source snippet.

use std::fmt;

/// A text file as the user wrote it, named the way messages should show it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown in messages, e.g. `content/resume.yaml`.
    pub name: String,
    pub text: String,
}

/// A problem tied to a place in a source file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    pub message: String,
    /// The offending line with a caret under the column; empty when there is no source text.
    pub snippet: String,
}

impl Diagnostic {
    /// A diagnostic at `line:column` (both 1-based) of `source`, with a snippet of that line.
    pub fn at(source: &SourceFile, line: usize, column: usize, message: impl Into<String>) -> Self {
        let line = line.max(1);
        let column = column.max(1);
        Diagnostic {
            file: source.name.clone(),
            line,
            column,
            message: message.into(),
            snippet: snippet(&source.text, line, column),
        }
    }

    /// A diagnostic about a whole file, pointing at its start.
    pub fn file(name: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            file: name.to_owned(),
            line: 1,
            column: 1,
            message: message.into(),
            snippet: String::new(),
        }
    }

    /// The first line of the message: `file:line:column: message`.
    pub fn headline(&self) -> String {
        format!(
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())?;
        if !self.snippet.is_empty() {
            write!(f, "\n{}", self.snippet)?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Renders the source line with a gutter and a caret under the token that starts at `column`.
fn snippet(text: &str, line: usize, column: usize) -> String {
    let Some(source_line) = text.lines().nth(line - 1) else {
        return String::new();
    };
    // Tabs would shift the caret: show them as single spaces.
    let shown: String = source_line
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .take(160)
        .collect();
    let before = column - 1;
    let token_len = shown
        .chars()
        .skip(before)
        .take_while(|c| !c.is_whitespace())
        .count()
        .clamp(1, 60);
    let gutter = line.to_string().len();
    let pad = " ".repeat(gutter);
    format!(
        "{pad} |\n{line} | {shown}\n{pad} | {}{}",
        " ".repeat(before.min(shown.chars().count())),
        "^".repeat(token_len)
    )
}

/// Converts a byte offset in `text` to a 1-based (line, column in characters).
pub fn line_column(text: &str, byte_offset: usize) -> (usize, usize) {
    let upto = &text.as_bytes()[..byte_offset.min(text.len())];
    let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = upto.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&upto[line_start..]).chars().count() + 1;
    (line, column)
}

/// Every problem that stops a file from being used (the resume, a post, the PDF's template),
/// in document order.
#[derive(Debug, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_points_at_the_column() {
        let source = SourceFile {
            name: "content/resume.yaml".into(),
            text: "work:\n  - startDate: 2019-13\n".into(),
        };
        let d = Diagnostic::at(&source, 2, 16, "not a date");
        assert_eq!(
            d.to_string(),
            "content/resume.yaml:2:16: not a date\n  |\n2 |   - startDate: 2019-13\n  |                ^^^^^^^"
        );
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\nçd", 6), (2, 3));
        assert_eq!(line_column("", 0), (1, 1));
    }
}
