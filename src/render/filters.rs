//! Filters and functions the theme's templates use.

use minijinja::{Environment, Value};

use super::markdown::{self, Flow};
use crate::resume::date::Date;

pub fn register(env: &mut Environment<'static>) {
    env.add_filter("markdown", |v: Value| {
        Value::from_safe_string(markdown::to_html(&text(&v), Flow::Block))
    });
    env.add_filter("markdown_inline", |v: Value| {
        Value::from_safe_string(markdown::to_html(&text(&v), Flow::Inline))
    });
    env.add_filter("plain", |v: Value| markdown::to_plain_text(&text(&v)));
    env.add_filter("date", |v: Value| {
        let t = text(&v);
        Date::parse(&t).map_or(t, |d| d.short())
    });
    env.add_filter("day", |v: Value| {
        let t = text(&v);
        Date::parse(t.get(..10).unwrap_or(&t)).map_or(t, |d| d.long())
    });
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
    env.add_filter("display_url", |v: Value| {
        let t = text(&v);
        let bare = t.split_once("://").map_or(t.as_str(), |(_, rest)| rest);
        bare.trim_end_matches('/').to_owned()
    });
    env.add_function("date_range", |start: Value, end: Value| {
        Value::from_safe_string(date_range(&text(&start), &text(&end)))
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

/// `<time>Jan 2020</time> – Present`; an end without a start is shown alone.
fn date_range(start: &str, end: &str) -> String {
    range(start, end, |raw| match Date::parse(raw) {
        Some(d) => format!("<time datetime=\"{}\">{}</time>", d.iso(), d.short()),
        None => {
            let mut out = String::new();
            markdown::escape_into(&mut out, raw);
            out
        }
    })
}

/// `Jan 2020 – Present`: the page's date range as text (for resume.pdf).
#[cfg(any(feature = "pdf", test))]
pub fn date_range_text(start: &str, end: &str) -> String {
    range(start, end, |raw| {
        Date::parse(raw).map_or_else(|| raw.to_owned(), |d| d.short())
    })
}

fn range(start: &str, end: &str, time: impl Fn(&str) -> String) -> String {
    match (start.is_empty(), end.is_empty()) {
        (true, true) => String::new(),
        (true, false) => time(end),
        (false, true) => format!("{} – Present", time(start)),
        (false, false) if start == end => time(start),
        (false, false) => format!("{} – {}", time(start), time(end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(
            date_range("2020-01", ""),
            "<time datetime=\"2020-01\">Jan 2020</time> – Present"
        );
        assert_eq!(
            date_range("2013-12-01", "2014"),
            "<time datetime=\"2013-12-01\">Dec 2013</time> – <time datetime=\"2014\">2014</time>"
        );
        assert_eq!(date_range("", ""), "");
        assert_eq!(date_range_text("2013-12-01", "2014"), "Dec 2013 – 2014");
        assert_eq!(
            date_range("2016-08-24", "2016-08-24"),
            "<time datetime=\"2016-08-24\">Aug 2016</time>"
        );
    }
}
