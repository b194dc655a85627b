use super::*;

fn source(text: &str) -> SourceFile {
    SourceFile {
        name: "content/resume.yaml".into(),
        text: text.into(),
    }
}

fn error(text: &str) -> String {
    parse(&source(text)).expect_err("should fail").to_string()
}

fn headlines(text: &str) -> Vec<String> {
    let loaded = parse(&source(text)).expect("lenient reading builds");
    loaded
        .warnings
        .iter()
        .map(|w| w.diagnostic.headline())
        .collect()
}

fn sample() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sample.resume.json"
    ))
    .unwrap()
}

#[test]
fn official_sample_parses_without_warnings() {
    let loaded = parse(&source(&sample())).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(
        loaded.resume.data.work[0].name.as_deref(),
        Some("Pied Piper")
    );
    assert_eq!(loaded.resume.document["projects"][0]["type"], "application");
}

#[test]
fn a_date_gen_cannot_read_is_located_and_kept() {
    let text = "basics:\n  name: Ada\nwork:\n  - name: A\n  - name: B\n  - name: C\n    startDate: 2019-13\n";
    let loaded = parse(&source(text)).unwrap();
    let warning = &loaded.warnings[0].diagnostic;
    assert_eq!(
        warning.headline(),
        "content/resume.yaml:7:16: work[2].startDate: \"2019-13\" is not a date (YYYY, YYYY-MM or YYYY-MM-DD): shown as written"
    );
    assert!(
        warning.snippet.contains("7 |     startDate: 2019-13"),
        "{warning}"
    );
    assert_eq!(
        loaded.resume.data.work[2].start_date.as_deref(),
        Some("2019-13")
    );
}

#[test]
fn unquoted_numbers_are_text() {
    let loaded = parse(&source(
        "basics:\n  name: Ada\n  phone: 5550100\nwork:\n  - startDate: 2019\n",
    ))
    .unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(
        loaded.resume.data.basics.unwrap().phone.as_deref(),
        Some("5550100")
    );
    assert_eq!(
        loaded.resume.data.work[0].start_date.as_deref(),
        Some("2019")
    );
}

#[test]
fn typo_warns_with_suggestion_and_keeps_extras() {
    let loaded = parse(&source(
        "basics:\n  name: Ada\n  x-pronouns: she/her\nawards:\n  - titel: Best\n",
    ))
    .unwrap();
    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(
        loaded.warnings[0].diagnostic.headline(),
        "content/resume.yaml:5:5: `awards[0].titel` is not a JSON Resume field; did you mean `title`?"
    );
    assert_eq!(loaded.resume.document["basics"]["x-pronouns"], "she/her");
    assert_eq!(loaded.resume.document["awards"][0]["titel"], "Best");
}

#[test]
fn text_where_entries_belong_is_left_out_with_a_located_note() {
    assert_eq!(
        headlines("basics:\n  name: Ada\nwork: nope\n"),
        ["content/resume.yaml:3:7: work: expected a list of entries, found text: left out"]
    );
}

#[test]
fn a_resume_that_is_not_a_mapping_is_an_error() {
    assert!(
        error("# mine\n- basics\n").starts_with(
            "content/resume.yaml:2:1: expected a mapping (`key: value` lines), found a list"
        ),
        "{}",
        error("# mine\n- basics\n")
    );
}

#[test]
fn old_keys_are_read_under_their_new_names() {
    let text = "basics:\n  name: Ada\n  website: https://ada.example\nwork:\n  - company: Engines\n    name: Also\n";
    let loaded = parse(&source(text)).unwrap();
    assert_eq!(
        loaded.resume.data.basics.unwrap().url.as_deref(),
        Some("https://ada.example")
    );
    assert_eq!(loaded.resume.data.work[0].name.as_deref(), Some("Also"));
    let lines: Vec<String> = loaded
        .warnings
        .iter()
        .map(|w| w.diagnostic.headline())
        .collect();
    assert_eq!(
        lines,
        [
            "content/resume.yaml:3:3: basics.website: the JSON Resume 0.x name of `url`: read as `url`",
            "content/resume.yaml:5:5: work[0].company: the JSON Resume 0.x name of `name`, which is given too: not shown",
        ]
    );
}

#[test]
fn many_of_a_kind_are_counted_on_one_line() {
    let mut text = String::from("basics:\n  name: Ada\nwork:\n");
    for _ in 0..9 {
        text.push_str("  - name: X\n    startDate: 2019-01\n    endDate: present\n");
    }
    let loaded = parse(&source(&text)).unwrap();
    assert_eq!(loaded.warnings.len(), 9);
    let shown: Vec<String> = shown(&loaded.warnings)
        .iter()
        .map(Diagnostic::headline)
        .collect();
    assert_eq!(shown.len(), SHOWN_PER_KIND + 1, "{shown:#?}");
    assert_eq!(
        shown[3],
        "content/resume.yaml:15:14: 6 more like the above: work[3].endDate, work[4].endDate, work[5].endDate, work[6].endDate, …"
    );
}

/// A small deterministic generator, so a failure names a case that can be run again.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn value(&mut self, depth: usize) -> Value {
        const TEXTS: &[&str] = &[
            "",
            " ",
            "present",
            "2019-6",
            "13/2020",
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "example.com",
            "https://https://example.com",
            "<br><a href='https://x.example'>x</a><script>",
            "{{ 7 * 7 }}",
            "null",
            "ü\u{202e}\u{0}",
            "@",
        ];
        match self.below(if depth > 2 { 6 } else { 9 }) {
            0 => Value::Null,
            1 => Value::Bool(self.below(2) == 0),
            2 => serde_json::json!(self.next() as i64 % 5000),
            3 => serde_json::json!(-1.5e300),
            4 | 5 => Value::String(TEXTS[self.below(TEXTS.len())].to_owned()),
            6 => Value::String("x".repeat(self.below(3000))),
            7 => Value::Array((0..self.below(4)).map(|_| self.value(depth + 1)).collect()),
            _ => Value::Object(
                ["name", "city", "url", "startDate", "a"]
                    .iter()
                    .take(self.below(5))
                    .map(|k| (k.to_string(), self.value(depth + 1)))
                    .collect(),
            ),
        }
    }
}

/// Every place in `value`, as JSON pointers.
fn places(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{at}/{key}");
                out.push(here.clone());
                places(child, here, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let here = format!("{at}/{i}");
                out.push(here.clone());
                places(child, here, out);
            }
        }
        _ => {}
    }
}

/// Random values at every place of the official sample: the resume is always read (never a
/// panic, never an error), no message speaks of the program's insides, and the default theme
/// renders the result.
#[test]
fn random_values_anywhere_are_read_and_rendered() {
    let sample: Value = serde_json::from_str(&sample()).unwrap();
    let mut at = Vec::new();
    places(&sample, String::new(), &mut at);
    let templates = crate::themes::THEMES[0].files();
    // resume.pdf is typeset for the first value at every 6th place: typesetting all 1,512
    // would take minutes in a debug build.
    let with_pdf = crate::config::Config::default();
    let mut config = with_pdf.clone();
    config.pdf.enabled = false;
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mut cases = 0;
    for (n, place) in at.iter().enumerate() {
        for i in 0..12 {
            let mut resume = sample.clone();
            if let Some(slot) = resume.pointer_mut(place) {
                *slot = random.value(0);
            }
            let text = serde_json::to_string_pretty(&resume).unwrap();
            let sources = crate::sources::Sources {
                root: Default::default(),
                translations: Vec::new(),
                config: None,
                resume: source(&text),
                loaded: std::sync::Arc::new(super::parse(&source(&text))),
                resume_modified: None,
                templates: templates.clone(),
                theme_copies: Default::default(),
                posts: Vec::new(),
                photo: None,
            };
            let pdf = cfg!(feature = "pdf") && i == 0 && n % 6 == 0;
            let rendered = crate::render::render(
                &sources,
                if pdf { &with_pdf } else { &config },
                &crate::render::RenderOptions {
                    counter_url: None,
                    live_reload: false,
                    counter_live: false,
                    cache: None,
                    thumbnails: None,
                    pdf_later: false,
                    preview: None,
                },
            )
            .unwrap_or_else(|e| panic!("{place}: {e:#}\n{text}"));
            for warning in &rendered.warnings {
                let message = &warning.diagnostic.message;
                for inside in ["serde", "Option<", "deserialize", "struct", "Value", "Vec<"] {
                    assert!(!message.contains(inside), "{place}: {message}");
                }
            }
            // Every note points at the key or value it is about, not at the top of the file
            // (only a missing `basics` has no place of its own).
            let raw: serde_json::Map<String, Value> = serde_json::from_str(&text).unwrap();
            for note in lenient::read(raw).1 {
                let located = path::locate(&text, &note.path, note.part).is_some();
                assert!(
                    located || note.kind == lenient::Kind::MissingName,
                    "{place}: {} is not in the file, for {:?}",
                    note.path,
                    note.message
                );
            }
            assert!(rendered.site.get("index.html").is_some(), "{place}");
            assert_eq!(rendered.site.get("resume.pdf").is_some(), pdf, "{place}");
            cases += 1;
        }
    }
    assert!(cases > 1000, "{cases} cases");
}

/// A resume with very many warnings: every one is kept (a count for `--strict`), the first
/// few of each kind are located, in one walk of the text, and what is shown stays short.
#[test]
fn very_many_warnings_are_kept_and_only_the_first_few_located() {
    let mut text = String::from("basics:\n  name: Ada\nwork:\n");
    for _ in 0..200_000 {
        text.push_str("- x\n");
    }
    let loaded = super::parse(&source(&text)).expect("read leniently");
    let at_work: Vec<_> = loaded
        .warnings
        .iter()
        .filter(|w| w.path.starts_with("work["))
        .collect();
    assert_eq!(at_work.len(), 200_000);
    let located: Vec<usize> = at_work
        .iter()
        .filter(|w| !w.diagnostic.snippet.is_empty())
        .map(|w| w.diagnostic.line)
        .collect();
    assert_eq!(located, [4, 5, 6, 7], "the first four, at their lines");
    let shown = super::shown(&loaded.warnings);
    assert!(shown.len() <= 8, "{shown:#?}");
    assert!(
        shown.iter().any(|d| d
            .message
            .starts_with("199997 more like the above: work[3], work[4]")),
        "{shown:#?}"
    );
}
