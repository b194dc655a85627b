//! `gen import`: an existing resume (JSON Resume 0.x or 1.0, as JSON) becomes
//! content/resume.yaml, read the way `gen build` reads it (see `resume::lenient`) and written
//! as readable YAML; in a folder without a site, the starter settings come with it.

use anyhow::{Context, Result, bail};

use crate::cli::ImportArgs;
use crate::files;
use crate::resume::{self, yaml};
use crate::scaffold;
use crate::sources::{self, CONFIG_FILE, RESUME_FILE, TEMPLATES_DIR};
use crate::term;

pub fn run(args: &ImportArgs) -> Result<()> {
    let target = args.root.join(RESUME_FILE);
    if target.exists() && !args.force {
        bail!(
            "{} already exists: pass --force to replace it, or import into a new folder with --root",
            target.display()
        );
    }
    let shown = args.file.display().to_string();
    let bytes = crate::files::read_limited(&args.file, &shown, resume::MAX_BYTES as u64, |size| {
        resume::too_large(&shown, "the resume", size).into()
    })?;
    let source = sources::text_file(&shown, bytes)?;
    let loaded = resume::parse(&source)?;
    for warning in resume::shown(&loaded.warnings) {
        term::warning(&warning);
    }
    let text = format!(
        "# Imported from {} by gen import: JSON Resume 1.0 (https://jsonresume.org/schema) in YAML.\n{}",
        args.file
            .file_name()
            .map_or(shown.clone(), |n| n.to_string_lossy().into_owned()),
        yaml::to_yaml(&loaded.read)
    );
    // What is written must read back as exactly what was imported.
    let written = crate::diagnostic::SourceFile {
        name: RESUME_FILE.to_owned(),
        text: text.clone(),
    };
    let reread = resume::parse(&written).map_err(|e| {
        anyhow::anyhow!(
            "the YAML gen wrote does not read back ({e}): please report this, with the file"
        )
    })?;
    if reread.read != loaded.read {
        bail!("the YAML gen wrote does not read back the same: please report this, with the file");
    }
    let new_site = !args.root.join(TEMPLATES_DIR).exists() && !args.root.join(CONFIG_FILE).exists();
    if new_site {
        scaffold::write_missing(&args.root, &crate::themes::THEMES[0], &[RESUME_FILE])?;
    }
    create_parent(&target)?;
    files::write(&target, text.as_bytes())?;
    let left = reread.warnings.len();
    term::status(
        "imported",
        &format!(
            "{shown} into {}{}",
            target.display(),
            if new_site {
                ", with the default settings"
            } else {
                ""
            }
        ),
    );
    if left > 0 {
        term::note(&format!(
            "{left} warning{} left that gen cannot settle for you: fix {} by hand (gen build shows where)",
            if left == 1 { " is" } else { "s are" },
            if left == 1 { "it" } else { "them" }
        ));
    }
    if source.text.lines().any(|l| l.trim_start().starts_with('#')) {
        term::note(&format!("comments in {shown} are not carried over"));
    }
    Ok(())
}

fn create_parent(file: &std::path::Path) -> Result<()> {
    match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display())),
        _ => Ok(()),
    }
}
