//! Writes a JSON value as YAML a person can read and edit: block mappings and lists, plain
//! text where YAML reads it back as the same text, `|` blocks for paragraphs, and quotes only
//! where they are needed. `gen import` writes resumes with it.

use std::fmt::Write;

use serde_json::Value;

/// The YAML document for `value`, ending with a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => mapping(&mut out, map, 0, false),
        Value::Array(items) if !items.is_empty() => list(&mut out, items, 0),
        scalar => {
            inline(&mut out, scalar, 0);
            out.push('\n');
        }
    }
    out
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A block mapping at `indent`; `in_item`: its first entry goes on a list item's `- ` line.
fn mapping(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize, in_item: bool) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !in_item {
            pad(out, indent);
        }
        out.push_str(&key_text(key));
        out.push(':');
        nested(out, value, indent);
    }
}

fn list(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        pad(out, indent);
        out.push_str("- ");
        match item {
            Value::Object(map) if !map.is_empty() => mapping(out, map, indent + 2, true),
            Value::Array(inner) if !inner.is_empty() => {
                flow(out, item);
                out.push('\n');
            }
            scalar => {
                inline(out, scalar, indent + 2);
                out.push('\n');
            }
        }
    }
}

/// A mapping entry's value, after `key:`.
fn nested(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            mapping(out, map, indent + 2, false);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            list(out, items, indent);
        }
        scalar => {
            out.push(' ');
            inline(out, scalar, indent + 2);
            out.push('\n');
        }
    }
}

/// A list inside a list, in flow style: `[a, b]` (rare in resumes).
fn flow(out: &mut String, value: &Value) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                flow(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                quoted(out, key);
                out.push_str(": ");
                flow(out, item);
            }
            out.push('}');
        }
        Value::String(text) => quoted(out, text),
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// A scalar (or an empty mapping or list) on the current line; paragraphs as a `|` block
/// indented to `indent`.
fn inline(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::String(text) if is_block(text) => {
            let trailing = text.len() - text.trim_end_matches('\n').len();
            out.push_str(match trailing {
                0 => "|-",
                1 => "|",
                _ => "|+",
            });
            for line in text.trim_end_matches('\n').split('\n') {
                out.push('\n');
                if !line.is_empty() {
                    pad(out, indent);
                    out.push_str(line);
                }
            }
            for _ in 1..trailing {
                out.push('\n');
            }
        }
        Value::String(text) if is_plain(text) => out.push_str(text),
        Value::String(text) => quoted(out, text),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn key_text(key: &str) -> String {
    if is_plain(key) && !key.contains(' ') {
        key.to_owned()
    } else {
        let mut out = String::new();
        quoted(&mut out, key);
        out
    }
}

/// Text of several lines that a literal block keeps exactly.
fn is_block(text: &str) -> bool {
    text.contains('\n')
        && !text.starts_with([' ', '\t', '\n'])
        && text.chars().all(|c| c == '\n' || is_printable(c))
        && !text.split('\n').any(|line| line.ends_with([' ', '\t']))
}

/// Text YAML reads back as the same text when written without quotes.
fn is_plain(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let reserved = matches!(
        text.to_ascii_lowercase().as_str(),
        "null" | "~" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    );
    let numeric = text.parse::<f64>().is_ok()
        || text.starts_with(['.', '+', '-']) && text[1..].starts_with(|c: char| c.is_ascii_digit())
        || text.starts_with("0x")
        || text.starts_with("0o")
        || text
            .to_ascii_lowercase()
            .trim_start_matches(['+', '-', '.'])
            .starts_with("inf")
        || text.eq_ignore_ascii_case(".nan");
    !reserved
        && !numeric
        && !"-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !text.starts_with(char::is_whitespace)
        && !text.ends_with(char::is_whitespace)
        && !text.ends_with(':')
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.contains('\t')
        && text.chars().all(is_printable)
}

fn is_printable(c: char) -> bool {
    !(c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        ))
        || c == '\t'
}

/// A double-quoted YAML string: every character that is not printable is escaped.
fn quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if !is_printable(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> Value {
        serde_saphyr::from_str(yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
    }

    #[test]
    fn reads_like_a_person_wrote_it() {
        let value = serde_json::json!({
            "basics": {
                "name": "Ada Lovelace",
                "summary": "First paragraph.\n\nSecond: with a colon.",
                "profiles": [{ "network": "GitHub", "url": "https://github.com/ada" }]
            },
            "work": [{ "startDate": "2019", "highlights": ["Built it", "- not a list", ""] }],
            "x-empty": {},
            "x-list": [[1, "a"], []]
        });
        let yaml = to_yaml(&value);
        assert_eq!(
            yaml,
            "basics:\n  name: Ada Lovelace\n  summary: |-\n    First paragraph.\n\n    Second: with a colon.\n  profiles:\n  - network: GitHub\n    url: https://github.com/ada\nwork:\n- startDate: \"2019\"\n  highlights:\n  - Built it\n  - \"- not a list\"\n  - \"\"\nx-empty: {}\nx-list:\n- [1, \"a\"]\n- []\n"
        );
        assert_eq!(read(&yaml), value);
    }

    #[test]
    fn awkward_text_survives() {
        for text in [
            "",
            " lead",
            "trail ",
            "yes",
            "No",
            "null",
            "~",
            "12",
            "1e3",
            "-5",
            ".5",
            "0x1f",
            "-",
            "- x",
            "a: b",
            "a #b",
            "#x",
            "&a",
            "*a",
            "!x",
            "|",
            ">",
            "'q'",
            "\"q\"",
            "%x",
            "@x",
            "`x`",
            "{a}",
            "[a]",
            "k:",
            "tab\there",
            "nul\u{0}",
            "del\u{7f}",
            "\u{85}",
            "line\u{2028}sep",
            "\u{feff}bom",
            "ü 漢字 😀",
            "two\nlines",
            "ends\n",
            "ends\n\n",
            " lead\nline",
            "trail \nline",
            "\nfirst",
            "cr\r\nlf",
            "inf",
            ".inf",
            "-.Inf",
            ".nan",
        ] {
            let value = serde_json::json!({ "k": text, "l": [text], "m": { text: 1 } });
            let yaml = to_yaml(&value);
            assert_eq!(read(&yaml), value, "{text:?}\n{yaml}");
        }
    }
}
