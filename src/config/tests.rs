//! `gen.toml` parsed and checked: every bad value located where it is written.

use super::*;

fn toml(text: &str) -> SourceFile {
    SourceFile {
        name: "gen.toml".into(),
        text: text.into(),
    }
}

#[test]
fn defaults_and_trailing_slash() {
    let c = parse(&toml("base_url = \"https://ada.example.com\"\n")).unwrap();
    assert_eq!(c.base_url.as_deref(), Some("https://ada.example.com/"));
    assert_eq!(c.language, "en");
}

#[test]
fn unknown_key_is_located() {
    let err = parse(&toml("language = \"en\"\nbase_ulr = \"x\"\n")).unwrap_err();
    assert_eq!((err.line, err.column), (2, 1), "{err}");
    assert!(err.message.contains("base_ulr"), "{err}");
}

/// Every setting the starter gen.toml shows in a comment is valid once uncommented.
#[test]
fn the_starter_settings_parse_uncommented() {
    let text: String = include_str!("../../gen.toml")
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest) if rest.starts_with('[') || rest.contains(" = ") => rest,
            _ => line,
        })
        .map(|line| format!("{line}\n"))
        .collect();
    let config = parse(&toml(&text)).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let stack = &config.stack;
    assert_eq!(stack.counter.concurrency, Some(5));
    assert!(!stack.headers.hsts_preload);
    assert_eq!(stack.alerts.as_ref().unwrap().email, "ada@example.com");
}

#[test]
fn header_and_alert_settings_are_checked_where_written() {
    let err = parse(&toml("[headers]\nhsts_preload = true\n")).unwrap_err();
    assert_eq!((err.line, err.column), (2, 16), "{err}");
    assert!(
        err.message.contains("set hsts_include_subdomains = true"),
        "{err}"
    );
    let err = parse(&toml("[alerts]\nemail = \"not an address\"\n")).unwrap_err();
    assert_eq!(err.line, 2, "{err}");
    assert!(err.message.contains("is not an email address"), "{err}");
    let err = parse(&toml("[alerts]\nmonthly_budget = 5\n")).unwrap_err();
    assert!(err.message.contains("set alerts.email too"), "{err}");
    let err = parse(&toml("[counter]\nmode = \"websocket\"\nshards = 4\n")).unwrap_err();
    assert_eq!((err.line, err.column), (3, 10), "{err}");
    assert!(
        err.message
            .contains("the live counter (mode = \"websocket\") pushes each page's count"),
        "{err}"
    );
    let live = parse(&toml("[counter]\nmode = \"websocket\"\nshards = 1\n")).unwrap();
    assert_eq!(live.stack.counter.mode, CounterMode::Websocket);
    let err = parse(&toml("[counter]\nconcurrency = 0\n")).unwrap_err();
    assert!(
        err.message
            .contains("counter.concurrency: 0 is out of range"),
        "{err}"
    );
}

#[test]
fn ci_names_a_github_repository() {
    let config = parse(&toml("[ci]\ngithub = \"ada-l/resume.site_2\"\n")).unwrap();
    let ci = config.stack.ci.unwrap();
    assert_eq!(ci.github, "ada-l/resume.site_2");
    assert!(!ci.use_existing_oidc_provider);
    for bad in [
        "ada",
        "ada/",
        "/resume",
        "ada/resume/x",
        "-ada/resume",
        "ada--l/resume",
        "ada/..",
        "https://github.com/ada/resume",
        "ada/re sume",
    ] {
        let err = parse(&toml(&format!("[ci]\ngithub = \"{bad}\"\n"))).unwrap_err();
        assert_eq!(err.line, 2, "{bad}: {err}");
        assert!(err.message.contains("owner/repo"), "{bad}: {err}");
    }
    let err = parse(&toml("[ci]\nuse_existing_oidc_provider = true\n")).unwrap_err();
    assert!(err.message.contains("set ci.github"), "{err}");
    assert!(parse(&toml("[ci]\nrepo = \"ada/resume\"\n")).is_err());
}

#[test]
fn previews_are_kept_fourteen_days_unless_ci_says() {
    assert_eq!(parse(&toml("")).unwrap().stack.preview_days, 14);
    let config = parse(&toml("[ci]\ngithub = \"ada/resume\"\npreview_days = 3\n")).unwrap();
    assert_eq!(config.stack.preview_days, 3);
    for bad in ["0", "366", "-1"] {
        let err = parse(&toml(&format!("[ci]\npreview_days = {bad}\n"))).unwrap_err();
        assert_eq!((err.line, err.column), (2, 16), "{bad}: {err}");
        assert!(err.message.contains("ci.preview_days"), "{bad}: {err}");
    }
}

#[test]
fn bad_base_url_is_located() {
    let err = parse(&toml("\nbase_url = \"javascript:alert(1)\"\n")).unwrap_err();
    assert_eq!((err.line, err.column), (2, 12), "{err}");
    for bad in [
        "https://ada.example/?x=1",
        "https://ada.example/#top",
        "https://u:p@ada.example/",
    ] {
        let err = parse(&toml(&format!("base_url = {bad:?}\n"))).unwrap_err();
        assert!(err.message.contains("not a site's address"), "{bad}: {err}");
    }
    // Characters that would break an attribute or the feed's XML are refused; an address
    // in any script is kept as written.
    let err = parse(&toml("base_url = 'https://ada.example/a\"b'\n")).unwrap_err();
    assert!(err.message.contains("holds `\"`"), "{err}");
    assert!(err.message.contains("%22"), "{err}");
    assert!(parse(&toml("base_url = 'https://ada.example/<b>'\n")).is_err());
    let c = parse(&toml("base_url = 'https://bücher.example/josé'\n")).unwrap();
    assert_eq!(c.base_url.as_deref(), Some("https://bücher.example/josé/"));
}

/// Each checked value is located where the TOML parser read it: a quoted label key, a value
/// in an inline table.
#[test]
fn checked_values_are_located_where_the_parser_read_them() {
    let err = parse(&toml("[labels]\nwork = \"Jobs\"\n\"skils\" = \"Skills\"\n")).unwrap_err();
    assert_eq!((err.line, err.column), (3, 1), "{err}");
    assert!(err.message.contains("\"skils\" is not a label"), "{err}");
    let err = parse(&toml(
        "title = \"x\"\npdf = { enabled = true, margins = \"9km\" }\n",
    ))
    .unwrap_err();
    assert_eq!((err.line, err.column), (2, 35), "{err}");
    let err = parse(&toml("theme = \"fancy\"\n")).unwrap_err();
    assert_eq!((err.line, err.column), (1, 9), "{err}");
}
