//! The GitHub workflows gen ships pass both offline linters (actionlint, and the workflow JSON
//! schema through check-jsonschema), and the linters catch a typo, so the check can fail.

use std::path::{Path, PathBuf};
use std::process::Command;

use testkit::workspace_root;

fn workflows() -> Vec<PathBuf> {
    let dir = workspace_root().join(".github/workflows");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .collect();
    files.sort();
    files
}

/// Runs a linter from `.venv/bin`; (passed, its output).
fn lint(tool: &str, args: &[&str], file: &Path) -> (bool, String) {
    let output = Command::new(workspace_root().join(".venv/bin").join(tool))
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("running .venv/bin/{tool} (run scripts/test once): {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn actionlint(file: &Path) -> (bool, String) {
    let shellcheck = workspace_root().join(".venv/bin/shellcheck");
    lint(
        "actionlint",
        &["-no-color", "-shellcheck", shellcheck.to_str().unwrap()],
        file,
    )
}

fn schema(file: &Path) -> (bool, String) {
    lint(
        "check-jsonschema",
        &["--builtin-schema", "vendor.github-workflows"],
        file,
    )
}

#[test]
fn shipped_workflows_pass_both_linters() {
    let files = workflows();
    assert!(
        files.iter().any(|f| f.ends_with("release.yml")),
        "{files:?}"
    );
    for file in files {
        let (ok, text) = actionlint(&file);
        assert!(ok, "actionlint {}:\n{text}", file.display());
        let (ok, text) = schema(&file);
        assert!(ok, "check-jsonschema {}:\n{text}", file.display());
    }
}

#[test]
fn typos_fail_the_linters() {
    let release =
        std::fs::read_to_string(workspace_root().join(".github/workflows/release.yml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let typo = |name: &str, from: &str, to: &str| {
        assert!(release.contains(from), "release.yml has no {from:?}");
        let path = dir.path().join(name);
        std::fs::write(&path, release.replacen(from, to, 1)).unwrap();
        path
    };

    // A misspelt input name in an expression.
    let input = typo("input.yml", "inputs.tag ||", "inputs.tga ||");
    let (ok, text) = actionlint(&input);
    assert!(!ok, "{text}");
    assert!(text.contains(r#"property "tga" is not defined"#), "{text}");

    // A misspelt key of a job.
    let key = typo(
        "key.yml",
        "    runs-on: ubuntu-24.04\n",
        "    run-on: ubuntu-24.04\n",
    );
    let (ok, text) = schema(&key);
    assert!(!ok, "{text}");
    let (ok, text) = actionlint(&key);
    assert!(!ok, "{text}");
    assert!(text.contains(r#""runs-on" section is missing"#), "{text}");

    // A misspelt input type.
    let kind = typo(
        "type.yml",
        "        type: string\n",
        "        type: strng\n",
    );
    let (ok, text) = actionlint(&kind);
    assert!(!ok, "{text}");
    assert!(text.contains(r#"but got "strng""#), "{text}");
}
