//! Resumes as people write them (tests/fixtures/lenient/): each builds with exactly its
//! located warnings and shows what it should; under --strict each warning is an error at the
//! same place and the previous out/site is kept. And `gen import`.

use std::path::Path;
use std::process::Command;

use crate::support::{Run, TestSite, run};

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lenient");
const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/sample.resume.json"
);

struct Case {
    name: String,
    resume: Vec<u8>,
    warnings: Vec<String>,
    page: Vec<String>,
    absent: Vec<String>,
    files: Vec<String>,
}

fn cases() -> Vec<Case> {
    let mut dirs: Vec<_> = std::fs::read_dir(CASES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.iter().map(|dir| read_case(dir)).collect()
}

fn read_case(dir: &Path) -> Case {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let resume = ["resume.yaml", "resume.json"]
        .iter()
        .find_map(|f| std::fs::read(dir.join(f)).ok())
        .unwrap_or_else(|| panic!("{name}: no resume"));
    let expected = std::fs::read_to_string(dir.join("expected"))
        .unwrap_or_else(|_| panic!("{name}: no expected"));
    let mut case = Case {
        name,
        resume,
        warnings: Vec::new(),
        page: Vec::new(),
        absent: Vec::new(),
        files: Vec::new(),
    };
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(text) = line.strip_prefix("page: ") {
            case.page.push(text.to_owned());
        } else if let Some(text) = line.strip_prefix("absent: ") {
            case.absent.push(text.to_owned());
        } else if let Some(text) = line.strip_prefix("file: ") {
            case.files.push(text.to_owned());
        } else {
            assert!(
                line.starts_with("content/resume.yaml:") && line.contains(": warning: "),
                "{}: not an expected line: {line}",
                case.name
            );
            case.warnings.push(line.to_owned());
        }
    }
    case
}

fn printed_warnings(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.contains(": warning: "))
        .collect()
}

#[test]
fn resumes_as_people_write_them_build_with_located_warnings() {
    let cases = cases();
    assert!(cases.len() >= 45, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let site = TestSite::new();
        site.write("content/resume.yaml", &case.resume);
        let run = site.build(&[]);
        if !run.success() {
            failures.push(format!("{}: failed\n{}", case.name, run.stderr));
            continue;
        }
        if printed_warnings(&run) != case.warnings {
            failures.push(format!(
                "{}: warnings\n  expected: {:#?}\n  got: {}",
                case.name, case.warnings, run.stderr
            ));
        }
        let html = site.html("index.html");
        for text in &case.page {
            if !html.contains(text) {
                failures.push(format!("{}: the page lacks {text:?}", case.name));
            }
        }
        for text in &case.absent {
            if html.contains(text) {
                failures.push(format!("{}: the page has {text:?}", case.name));
            }
        }
        let output = site.output();
        for start in &case.files {
            if !output.keys().any(|path| path.starts_with(start)) {
                failures.push(format!(
                    "{}: no file {start}… in {:?}",
                    case.name,
                    output.keys()
                ));
            }
        }
        for forbidden in ["serde", "Option<", "deserialize", "struct ", "panicked"] {
            if run.stderr.contains(forbidden) {
                failures.push(format!("{}: {forbidden:?} in\n{}", case.name, run.stderr));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn strict_makes_every_warning_an_error_at_its_place_and_writes_nothing() {
    let mut failures = Vec::new();
    for case in cases() {
        let site = TestSite::new();
        assert!(site.build(&[]).success());
        let before = site.output();
        site.write("content/resume.yaml", &case.resume);
        let run = site.build(&["--strict"]);
        let errors: Vec<String> = case
            .warnings
            .iter()
            .filter(|w| !w.contains(" more like the above: "))
            .map(|w| w.replacen(": warning: ", ": ", 1))
            .collect();
        if errors.is_empty() {
            if !run.success() {
                failures.push(format!("{}: no warnings, yet\n{}", case.name, run.stderr));
            }
            continue;
        }
        if run.code != Some(1) {
            failures.push(format!(
                "{}: exit {:?}\n{}",
                case.name, run.code, run.stderr
            ));
        }
        for error in &errors {
            if !run.stderr.lines().any(|l| l == error) {
                failures.push(format!(
                    "{}: no error line {error:?} in\n{}",
                    case.name, run.stderr
                ));
            }
        }
        if !run
            .stderr
            .contains("made errors by --strict: nothing was written")
        {
            failures.push(format!("{}: no summary in\n{}", case.name, run.stderr));
        }
        if before != site.output() {
            failures.push(format!("{}: out/site changed", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn strict_in_gen_toml_fails_the_build_too() {
    let site = TestSite::new();
    site.write(
        "content/resume.yaml",
        b"basics:\n  name: Ada\n  url: ada.example\n",
    );
    site.write("gen.toml", b"strict = true\n");
    let run = site.build(&[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "content/resume.yaml:3:8: basics.url: \"ada.example\" read as https://ada.example"
    );
    assert_contains!(run.stderr, "made errors by strict = true in gen.toml");
    assert!(!site.path("out/site").exists());
}

fn import(dir: &Path, args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_gen"))
        .arg("import")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1"))
}

fn build_in(dir: &Path) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_gen"))
        .arg("build")
        .current_dir(dir)
        .env_remove("GEN_COUNTER_URL")
        .env("NO_COLOR", "1"))
}

/// The official sample, imported into an empty folder, builds the very page the JSON builds.
#[test]
fn imported_sample_builds_the_same_page_as_the_json() {
    let folder = tempfile::tempdir().unwrap();
    let imported = import(folder.path(), &[SAMPLE]);
    assert!(imported.success(), "{}", imported.stderr);
    assert_contains!(imported.stderr, "with the default settings");
    assert!(!imported.stderr.contains("warning"), "{}", imported.stderr);
    let yaml = std::fs::read_to_string(folder.path().join("content/resume.yaml")).unwrap();
    assert!(
        yaml.contains("\nbasics:\n  name: Richard Hendriks\n"),
        "{yaml}"
    );
    assert!(!yaml.contains('{'), "block style only: {yaml}");
    let from_yaml = build_in(folder.path());
    assert!(from_yaml.success(), "{}", from_yaml.stderr);
    assert!(
        !from_yaml.stderr.contains("warning"),
        "{}",
        from_yaml.stderr
    );
    let yaml_page = std::fs::read(folder.path().join("out/site/index.html")).unwrap();

    let direct = TestSite::new();
    direct.write("content/resume.yaml", &std::fs::read(SAMPLE).unwrap());
    assert!(direct.build(&[]).success());
    assert_eq!(
        String::from_utf8(yaml_page).unwrap(),
        direct.html("index.html"),
        "the imported page differs from the JSON's"
    );
}

#[test]
fn import_renames_old_keys_and_what_it_writes_builds_without_warnings() {
    let folder = tempfile::tempdir().unwrap();
    let source = Path::new(CASES).join("json-resume-v0/resume.json");
    let imported = import(folder.path(), &[source.to_str().unwrap()]);
    assert!(imported.success(), "{}", imported.stderr);
    assert_contains!(
        imported.stderr,
        "resume.json:23:7: warning: work[0].company: the JSON Resume 0.x name of `name`: read as `name`"
    );
    let yaml = std::fs::read_to_string(folder.path().join("content/resume.yaml")).unwrap();
    assert_contains!(yaml, "- name: Engines Ltd\n");
    assert!(!yaml.contains("company"), "{yaml}");
    let built = build_in(folder.path());
    assert!(built.success(), "{}", built.stderr);
    assert!(!built.stderr.contains("warning"), "{}", built.stderr);
}

#[test]
fn import_never_replaces_a_resume_unless_forced() {
    let site = TestSite::new();
    let before = std::fs::read(site.path("content/resume.yaml")).unwrap();
    let refused = import(site.root(), &[SAMPLE]);
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    assert_contains!(
        refused.stderr,
        "content/resume.yaml already exists: pass --force"
    );
    // Refused before reading the file: no warnings about a resume that is not imported.
    let old = Path::new(CASES).join("json-resume-v0/resume.json");
    let refused_old = import(site.root(), &[old.to_str().unwrap()]);
    assert_eq!(refused_old.code, Some(1));
    assert!(
        !refused_old.stderr.contains("warning"),
        "{}",
        refused_old.stderr
    );
    assert_eq!(
        before,
        std::fs::read(site.path("content/resume.yaml")).unwrap()
    );
    let forced = import(site.root(), &[SAMPLE, "--force"]);
    assert!(forced.success(), "{}", forced.stderr);
    assert!(
        !forced.stderr.contains("default theme"),
        "{}",
        forced.stderr
    );
    let yaml = std::fs::read_to_string(site.path("content/resume.yaml")).unwrap();
    assert_contains!(yaml, "Richard Hendriks");
}

#[test]
fn import_of_broken_json_is_located_in_that_file() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("mine.json"),
        "{\n  \"basics\": {\n    \"name\": \"Ada\",\n  }\n  \"work\": []\n}\n",
    )
    .unwrap();
    let run = import(folder.path(), &["mine.json"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.starts_with("mine.json:"), "{}", run.stderr);
    assert!(!folder.path().join("content").exists());
}

/// `gen deploy --strict` stops at the resume's warnings before it checks or changes anything.
#[test]
fn strict_deploy_stops_before_anything_else() {
    let site = TestSite::new();
    site.write(
        "content/resume.yaml",
        b"basics:\n  name: Ada\nwork:\n  - name: X\n    endDate: present\n",
    );
    let run = run(Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["deploy", "--strict", "--plan-only", "--root"])
        .arg(site.root())
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", site.root())
        .env("NO_COLOR", "1"));
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "content/resume.yaml:5:14: work[0].endDate: \"present\" read as the current job"
    );
    assert!(!run.stderr.contains("terraform"), "{}", run.stderr);
    assert!(!site.path("out").exists());
}
