//! The theme's CSS, minified for the browsers the site supports.

use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
use lightningcss::targets::{Browsers, Targets};

use crate::diagnostic::{Diagnostic, SourceFile};

/// Browsers released since 2021: evergreen desktop and mobile engines.
fn targets() -> Targets {
    let version = |major: u32| Some(major << 16);
    Targets::from(Browsers {
        chrome: version(96),
        edge: version(96),
        firefox: version(95),
        safari: version(15),
        ios_saf: version(15),
        android: version(96),
        samsung: version(17),
        ..Browsers::default()
    })
}

/// Minifies `source`; a CSS syntax error is reported at its line and column.
pub fn minify(source: &SourceFile) -> Result<String, Diagnostic> {
    let located = |line: u32, column: u32, message: String| {
        Diagnostic::at(source, line as usize + 1, column as usize, message)
    };
    let mut sheet = StyleSheet::parse(
        &source.text,
        ParserOptions {
            filename: source.name.clone(),
            ..ParserOptions::default()
        },
    )
    .map_err(|e| match &e.loc {
        Some(loc) => located(loc.line, loc.column, format!("invalid CSS: {}", e.kind)),
        None => Diagnostic::file(&source.name, format!("invalid CSS: {}", e.kind)),
    })?;
    sheet
        .minify(MinifyOptions {
            targets: targets(),
            ..MinifyOptions::default()
        })
        .map_err(|e| Diagnostic::file(&source.name, format!("cannot minify CSS: {}", e.kind)))?;
    let printed = sheet
        .to_css(PrinterOptions {
            minify: true,
            targets: targets(),
            ..PrinterOptions::default()
        })
        .map_err(|e| Diagnostic::file(&source.name, format!("cannot print CSS: {}", e.kind)))?;
    Ok(printed.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn css(text: &str) -> SourceFile {
        SourceFile {
            name: "templates/style.css".into(),
            text: text.into(),
        }
    }

    #[test]
    fn minifies() {
        assert_eq!(
            minify(&css("a {\n  color: #ff0000;\n}\n")).unwrap(),
            "a{color:red}"
        );
    }

    #[test]
    fn syntax_error_is_located() {
        let err = minify(&css("a { color: red; }\n}} b { color: }\n")).unwrap_err();
        assert_eq!(err.file, "templates/style.css");
        assert_eq!(err.line, 2, "{err}");
    }
}
