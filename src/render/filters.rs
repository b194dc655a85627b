//! Filters and functions the theme's templates use.

use std::sync::Arc;

use minijinja::{Environment, Value};

use super::inline_markdown::{self, Flow};
use crate::locale::Locale;
use crate::resume::date::Date;

pub fn register(env: &mut Environment<'static>, locale: &Arc<Locale>) {
    env.add_filter("markdown", |v: Value| {
        Value::from_safe_string(inline_markdown::to_html(&text(&v), Flow::Block))
    });
    env.add_filter("markdown_inline", |v: Value| {
        Value::from_safe_string(inline_markdown::to_html(&text(&v), Flow::Inline))
    });
    env.add_filter("plain", |v: Value| {
        inline_markdown::to_plain_text(&text(&v))
    });
    let l = Arc::clone(locale);
    env.add_filter("date", move |v: Value| {
        let t = text(&v);
        Date::parse(&t).map_or(t, |d| l.month(&d))
    });
    let l = Arc::clone(locale);
    env.add_filter("day", move |v: Value| {
        let t = text(&v);
        Date::parse(t.get(..10).unwrap_or(&t)).map_or(t, |d| l.day(&d))
    });
    // `{{ t.visits | fill(n=3) }}`: a label's `{n}`, `{name}`... filled in.
    env.add_filter(
        "fill",
        |v: Value, kwargs: minijinja::value::Kwargs| -> Result<Value, minijinja::Error> {
            let mut out = text(&v);
            for key in kwargs.args() {
                let value: Value = kwargs.get(key)?;
                out = out.replace(&format!("{{{key}}}"), &text(&value));
            }
            kwargs.assert_all_used()?;
            Ok(Value::from(out))
        },
    );
    env.add_filter("tel", |v: Value| {
        let digits: String = text(&v)
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        format!("tel:{digits}")
    });
    env.add_filter("initials", |v: Value| {
        text(&v)
            .split_whitespace()
            .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
            .take(2)
            .flat_map(char::to_uppercase)
            .collect::<String>()
    });
    // `{% for s in ["summary", "work", ...] | in_order(site.order) %}`: the theme's sections,
    // those a version's `order` names first.
    env.add_filter("in_order", |blocks: Vec<String>, wanted: Vec<String>| {
        let blocks: Vec<&str> = blocks.iter().map(String::as_str).collect();
        crate::config::versions::in_order(&blocks, &wanted)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    });
    env.add_filter("display_url", |v: Value| {
        let t = text(&v);
        let bare = t.split_once("://").map_or(t.as_str(), |(_, rest)| rest);
        bare.trim_end_matches('/').to_owned()
    });
    // The counter's words around its number: `<span>0</span> visits`, in the page's language.
    let l = Arc::clone(locale);
    env.add_function("visits", move || {
        let label = l.label("visits", &[]);
        let (before, after) = label.split_once("{n}").unwrap_or(("", &label));
        let mut out = String::new();
        inline_markdown::escape_into(&mut out, before);
        out.push_str("<span>0</span>");
        inline_markdown::escape_into(&mut out, after);
        Value::from_safe_string(out)
    });
    let l = Arc::clone(locale);
    env.add_function("date_range", move |start: Value, end: Value| {
        Value::from_safe_string(date_range(&l, &text(&start), &text(&end)))
    });
}

/// The value as text: strings as they are, numbers printed, nothing for none/undefined.
fn text(v: &Value) -> String {
    if v.is_undefined() || v.is_none() {
        return String::new();
    }
    match v.as_str() {
        Some(s) => s.trim().to_owned(),
        None => v.to_string(),
    }
}

/// `<time>Jan 2020</time> – Present`, in the page's language; an end without a start is
/// shown alone.
fn date_range(locale: &Locale, start: &str, end: &str) -> String {
    let escaped = |raw: &str| {
        let mut out = String::new();
        inline_markdown::escape_into(&mut out, raw);
        out
    };
    let present = escaped(&locale.label("present", &[]));
    range(locale, start, end, &present, |raw| match Date::parse(raw) {
        Some(d) => format!(
            "<time datetime=\"{}\">{}</time>",
            d.iso(),
            escaped(&locale.month(&d))
        ),
        None => escaped(raw),
    })
}

/// `Jan 2020 – Present`: the page's date range as text (for resume.pdf).
#[cfg(any(feature = "pdf", test))]
pub fn date_range_text(locale: &Locale, start: &str, end: &str) -> String {
    let present = locale.label("present", &[]);
    range(locale, start, end, &present, |raw| {
        Date::parse(raw).map_or_else(|| raw.to_owned(), |d| locale.month(&d))
    })
}

fn range(
    locale: &Locale,
    start: &str,
    end: &str,
    present: &str,
    time: impl Fn(&str) -> String,
) -> String {
    match (start.is_empty(), end.is_empty()) {
        (true, true) => String::new(),
        (true, false) => time(end),
        (false, true) => locale.range(&time(start), present),
        (false, false) if start == end => time(start),
        (false, false) => locale.range(&time(start), &time(end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let en = Locale::default();
        let date_range = |a, b| super::date_range(&en, a, b);
        let date_range_text = |a, b| super::date_range_text(&en, a, b);
        assert_eq!(
            date_range("2020-01", ""),
            "<time datetime=\"2020-01\">Jan 2020</time>\u{2009}–\u{2009}Present"
        );
        assert_eq!(
            date_range("2013-12-01", "2014"),
            "<time datetime=\"2013-12-01\">Dec 2013</time>\u{2009}–\u{2009}<time datetime=\"2014\">2014</time>"
        );
        assert_eq!(date_range("", ""), "");
        assert_eq!(
            date_range_text("2013-12-01", "2014"),
            "Dec 2013\u{2009}–\u{2009}2014"
        );
        assert_eq!(
            date_range("2016-08-24", "2016-08-24"),
            "<time datetime=\"2016-08-24\">Aug 2016</time>"
        );
    }
}
