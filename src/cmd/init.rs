//! `gen init`: scaffold a new site without ever overwriting a file.

use std::fs;

use anyhow::{Context, Result, bail};

use crate::cli::InitArgs;
use crate::scaffold::{GITIGNORE, STARTER_FILES};
use crate::term;

pub fn run(args: &InitArgs) -> Result<()> {
    let files: Vec<(&str, &str)> = STARTER_FILES
        .iter()
        .copied()
        .chain([(".gitignore", GITIGNORE)])
        .collect();
    let existing: Vec<&str> = files
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| *path != ".gitignore" && args.dir.join(path).exists())
        .collect();
    if !existing.is_empty() {
        bail!(
            "{} already has {}; gen init never overwrites files (choose a new folder, or move them away)",
            args.dir.display(),
            existing.join(", ")
        );
    }
    for (path, contents) in files {
        let target = args.dir.join(path);
        if target.exists() {
            continue; // an existing .gitignore is the user's
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::write(&target, contents).with_context(|| format!("writing {}", target.display()))?;
    }
    term::status("created", &format!("a new site in {}", args.dir.display()));
    let (root, site) = if args.dir.as_os_str() == "." {
        (String::new(), "out/site".to_owned())
    } else {
        (
            format!(" --root {}", args.dir.display()),
            args.dir.join("out/site").display().to_string(),
        )
    };
    term::note(&format!(
        "edit content/resume.yaml, then run `gen build{root}` and open {site}/index.html"
    ));
    Ok(())
}
