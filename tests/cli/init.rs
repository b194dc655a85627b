//! `gen init`: a new site that builds, and never an overwritten file.

use crate::support::run;

fn gen_init(dir: &std::path::Path) -> crate::support::Run {
    run(std::process::Command::new(env!("CARGO_BIN_EXE_gen"))
        .arg("init")
        .arg(dir)
        .env("NO_COLOR", "1"))
}

#[test]
fn init_creates_a_site_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my-site");
    let run = gen_init(&dir);
    assert!(run.success(), "{}", run.stderr);
    for file in ["gen.toml", "content/resume.yaml", ".gitignore"] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    assert!(!dir.join("templates").exists(), "the theme stays in gen");
    let build = crate::support::run(
        std::process::Command::new(env!("CARGO_BIN_EXE_gen"))
            .args(["build", "--root"])
            .arg(&dir),
    );
    assert!(build.success(), "{}", build.stderr);
    assert!(dir.join("out/site/index.html").is_file());
}

#[test]
fn init_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("content")).unwrap();
    std::fs::write(
        tmp.path().join("content/resume.yaml"),
        "basics: {name: Mine}\n",
    )
    .unwrap();
    let run = gen_init(tmp.path());
    assert_eq!(run.code, Some(1));
    assert_contains!(run.stderr, "never overwrites");
    assert_contains!(run.stderr, "content/resume.yaml");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("content/resume.yaml")).unwrap(),
        "basics: {name: Mine}\n"
    );
    assert!(
        !tmp.path().join("gen.toml").exists(),
        "nothing written when anything exists"
    );
}

#[test]
fn help_shows_examples() {
    for args in [&["--help"][..], &["build", "--help"], &["init", "--help"]] {
        let run = run(std::process::Command::new(env!("CARGO_BIN_EXE_gen")).args(args));
        assert!(run.success());
        assert!(run.stdout.contains("Examples:"), "{args:?}: {}", run.stdout);
    }
}
