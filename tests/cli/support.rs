//! A throwaway site in a temp folder, and the `gen` binary to run on it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct TestSite {
    dir: tempfile::TempDir,
    /// gen's cache folder for this site's runs (`XDG_CACHE_HOME`), apart from the user's.
    cache: tempfile::TempDir,
}

impl TestSite {
    /// A site with the default theme, settings and example resume.
    pub fn new() -> TestSite {
        let site = TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
            cache: tempfile::tempdir().expect("temp dir"),
        };
        for (path, contents) in starter_files() {
            site.write(&path, &contents);
        }
        site
    }

    /// Copies the default theme's file `name` into templates/, as `gen theme eject` does, to
    /// edit it there.
    pub fn eject(&self, name: &str) -> String {
        let bytes = resume_gen::themes::THEMES[0]
            .file(name)
            .unwrap_or_else(|| panic!("the theme has no {name}"));
        self.write(&format!("templates/{name}"), bytes);
        String::from_utf8(bytes.to_vec()).expect("a text file")
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The folder gen's runs on this site take as the user's cache folder.
    pub fn cache(&self) -> &Path {
        self.cache.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn write(&self, relative: &str, bytes: &[u8]) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create dir");
        std::fs::write(path, bytes).expect("write");
    }

    pub fn remove(&self, relative: &str) {
        let path = self.path(relative);
        if path.is_dir() {
            std::fs::remove_dir_all(path).expect("remove dir");
        } else {
            std::fs::remove_file(path).expect("remove file");
        }
    }

    /// Runs `gen build --root <site> ARGS`.
    pub fn build(&self, args: &[&str]) -> Run {
        run(Command::new(env!("CARGO_BIN_EXE_gen"))
            .arg("build")
            .arg("--root")
            .arg(self.root())
            .args(args)
            .env_remove("GEN_COUNTER_URL")
            .env("XDG_CACHE_HOME", self.cache())
            .env("NO_COLOR", "1"))
    }

    /// Runs `gen infra --root <site> ARGS`.
    pub fn infra(&self, args: &[&str]) -> Run {
        run(Command::new(env!("CARGO_BIN_EXE_gen"))
            .arg("infra")
            .arg("--root")
            .arg(self.root())
            .args(args)
            .env("XDG_CACHE_HOME", self.cache())
            .env("NO_COLOR", "1"))
    }

    /// Every file under out/site, by relative path.
    pub fn output(&self) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        collect(&self.path("out/site"), "", &mut files);
        files
    }

    /// Every file under a folder of the site (`out/_preview/pr-7`), by relative path.
    pub fn output_at(&self, folder: &str) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        collect(&self.path(folder), "", &mut files);
        files
    }

    pub fn html(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path("out/site").join(relative)).expect("output file")
    }
}

fn collect(dir: &Path, prefix: &str, files: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let entry = entry.expect("entry");
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.path().is_dir() {
            collect(&entry.path(), &format!("{name}/"), files);
        } else {
            files.insert(name, std::fs::read(entry.path()).expect("read"));
        }
    }
}

/// The outcome of one `gen` run.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(command: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("run gen");
    let run = Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "gen panicked:\n{}",
        run.stderr
    );
    run
}

impl Run {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// The text a reader sees: tags removed, entities decoded, white space folded.
/// Only `<body>` counts, without scripts, so metadata in the head cannot stand in for content.
pub fn visible_text(html: &str) -> String {
    let start = html.find("<body").unwrap_or(0);
    let end = html.rfind("</body>").unwrap_or(html.len());
    let mut body = html[start..end].to_owned();
    while let Some(open) = body.find("<script") {
        let close = body[open..]
            .find("</script>")
            .map_or(body.len(), |i| open + i + "</script>".len());
        body.replace_range(open..close, " ");
    }
    let html = body.as_str();
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    unescape(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

/// A file of the starter site as `gen init` writes it, or (`templates/NAME`) of its theme.
pub fn starter(path: &str) -> String {
    let theme_file = path
        .strip_prefix("templates/")
        .and_then(|name| resume_gen::themes::THEMES[0].file(name))
        .map(<[u8]>::to_vec);
    theme_file
        .or_else(|| {
            starter_files()
                .into_iter()
                .find(|(p, _)| p == path)
                .map(|(_, bytes)| bytes)
        })
        .map(|bytes| String::from_utf8(bytes).expect("text"))
        .unwrap_or_else(|| panic!("{path} is not a starter file"))
}

/// Every file `gen init` writes with the default theme.
fn starter_files() -> Vec<(String, Vec<u8>)> {
    resume_gen::scaffold::starter_files(&resume_gen::themes::THEMES[0])
}

/// gen's S3 requests in moto's record (`Moto::start_recording`), in order: method, the names
/// of the query's parameters but the SDK's `x-id`, and the expected bucket owner it named.
pub fn s3_calls(record: &Path) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(record).expect("reading moto's record");
    let mut calls = Vec::new();
    for line in text.lines() {
        let call: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let field = |name: &str| call[name].as_str().unwrap_or_default().to_owned();
        if field("service") != "s3" || !field("agent").contains("aws-sdk-rust") {
            continue;
        }
        let query = field("query");
        let names: Vec<&str> = query
            .split('&')
            .filter(|pair| !pair.is_empty() && !pair.starts_with("x-id="))
            .map(|pair| pair.split('=').next().unwrap_or_default())
            .collect();
        calls.push((field("method"), names.join("&"), field("expected_owner")));
    }
    calls
}
