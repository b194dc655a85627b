//! Terminal messages, colored when the terminal supports it (honours NO_COLOR).

use anstream::eprintln;
use anstyle::{AnsiColor, Style};

use crate::diagnostic::Diagnostic;

const GREEN: Style = AnsiColor::Green.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const DIM: Style = Style::new().dimmed();

/// `   built out/site: 8 files ...`
pub fn status(verb: &str, message: &str) {
    eprintln!("{GREEN}{verb:>8}{GREEN:#} {message}");
}

/// A hint the user may act on.
pub fn note(message: &str) {
    eprintln!("{DIM}    note{DIM:#} {message}");
}

/// `warning: ...`: gen goes on, but something is not as it should be.
pub fn caution(message: &str) {
    eprintln!("{YELLOW}warning{YELLOW:#}: {message}");
}

/// A located warning: `file:line:column: warning: message`, then its snippet.
pub fn warning(diagnostic: &Diagnostic) {
    eprintln!(
        "{YELLOW}{}:{}:{}: warning:{YELLOW:#} {}",
        diagnostic.file, diagnostic.line, diagnostic.column, diagnostic.message
    );
    if !diagnostic.snippet.is_empty() {
        eprintln!("{}", diagnostic.snippet);
    }
}

/// Prints a failed command's error: located problems as `file:line:col: message` with their
/// snippet, anything else as `error: ...` with its causes.
pub fn error(err: &anyhow::Error) {
    if let Some(errors) = err.downcast_ref::<crate::diagnostic::Diagnostics>() {
        for d in &errors.0 {
            located(d);
        }
        // A context added around them (`--strict`'s), after the places.
        if err.chain().count() > 1 {
            eprintln!("{RED}error:{RED:#} {err}");
        }
    } else if let Some(d) = err.downcast_ref::<Diagnostic>() {
        located(d);
    } else {
        eprintln!("{RED}error:{RED:#} {err}");
        for cause in err.chain().skip(1) {
            eprintln!("  caused by: {cause}");
        }
    }
}

fn located(d: &Diagnostic) {
    eprintln!("{RED}{}{RED:#}", d.headline());
    if !d.snippet.is_empty() {
        eprintln!("{}", d.snippet);
    }
}

/// Asks a yes/no question on the terminal; only "y" or "yes" is yes.
pub fn ask(question: &str) -> anyhow::Result<bool> {
    use std::io::Write;
    eprint!("{question} [y/N] ");
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| anyhow::anyhow!("reading the answer: {e}"))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
