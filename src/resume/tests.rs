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

#[test]
fn official_sample_parses_without_warnings() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sample.resume.json"
    ))
    .unwrap();
    let loaded = parse(&source(&text)).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(
        loaded.resume.data.work[0].name.as_deref(),
        Some("Pied Piper")
    );
    assert_eq!(loaded.resume.document["projects"][0]["type"], "application");
}

#[test]
fn bad_date_is_located() {
    let text = "basics:\n  name: Ada\nwork:\n  - name: A\n  - name: B\n  - name: C\n    startDate: 2019-13\n";
    let message = error(text);
    assert!(
        message.starts_with("content/resume.yaml:7:16: work[2].startDate: \"2019-13\" is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"),
        "{message}"
    );
    assert!(message.contains("7 |     startDate: 2019-13"), "{message}");
}

#[test]
fn unquoted_numbers_are_text() {
    let loaded = parse(&source(
        "basics:\n  name: Ada\n  phone: 5550100\nwork:\n  - startDate: 2019\n",
    ))
    .unwrap();
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
        loaded.warnings[0].headline(),
        "content/resume.yaml:5:5: warning: `awards[0].titel` is not a JSON Resume field; did you mean `title`?"
    );
    assert_eq!(loaded.resume.document["basics"]["x-pronouns"], "she/her");
    assert_eq!(loaded.resume.document["awards"][0]["titel"], "Best");
}

#[test]
fn wrong_type_is_located() {
    let message = error("basics:\n  name: Ada\nwork: nope\n");
    assert!(
        message.starts_with("content/resume.yaml:3:7: "),
        "{message}"
    );
}

#[test]
fn wrong_kind_names_path_and_what_was_found() {
    let message = error("basics:\n  - name: Ada\n");
    assert!(
        message.starts_with(
            "content/resume.yaml:2:3: basics: expected a mapping (`key: value` lines), found a list"
        ),
        "{message}"
    );
}
