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
    if let Some(tag) = &args.language {
        return translation(args, tag);
    }
    let target = args.root.join(RESUME_FILE);
    if target.exists() && !args.force {
        bail!(
            "{} already exists: pass --force to replace it, or import into a new folder with --root",
            target.display()
        );
    }
    let (source, loaded) = read(&args.file)?;
    let shown = source.name.clone();
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

/// The resume in `file`, read as `gen build` reads one, its warnings shown.
fn read(file: &std::path::Path) -> Result<(crate::diagnostic::SourceFile, resume::Loaded)> {
    let shown = file.display().to_string();
    let bytes = crate::files::read_limited(file, &shown, resume::MAX_BYTES as u64, |size| {
        resume::too_large(&shown, "the resume", size).into()
    })?;
    let source = sources::text_file(&shown, bytes)?;
    let loaded = resume::parse(&source)?;
    for warning in resume::shown(&loaded.warnings) {
        term::warning(&warning);
    }
    Ok((source, loaded))
}

/// `gen import FILE --language TAG`: FILE is the site's resume in another language, written
/// as the fields that differ from content/resume.yaml.
fn translation(args: &ImportArgs, tag: &str) -> Result<()> {
    if crate::locale::translation_for(tag).is_none()
        || !tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        bail!(
            "--language {tag:?}: not a language gen translates; use one of {}",
            crate::locale::tags().collect::<Vec<_>>().join(", ")
        );
    }
    let config = crate::config::parse_or_default(sources::read_config_file(&args.root)?.as_ref())?;
    if *tag == config.language {
        bail!(
            "--language {tag}: that is the site's own language (gen.toml's `language`), which {RESUME_FILE} is in: import it without --language"
        );
    }
    let name = format!("{}/resume.{tag}.yaml", sources::CONTENT_DIR);
    let target = args.root.join(&name);
    if target.exists() && !args.force {
        bail!(
            "{} already exists: pass --force to replace it",
            target.display()
        );
    }
    let main_path = args.root.join(RESUME_FILE);
    if !main_path.is_file() {
        bail!(
            "{} not found: a translation is laid over the main resume, so import that first (gen import FILE)",
            main_path.display()
        );
    }
    let (_, main) = read(&main_path)?;
    let (source, other) = read(&args.file)?;
    let differing = resume::variant::differing(&main.read, &other.read)
        .unwrap_or_else(|| serde_json::Value::Object(Default::default()));
    // Laid over the main resume, what is written must give back what was imported.
    let mut notes = Vec::new();
    let merged = resume::variant::overlay(
        &main.read,
        &differing,
        &resume::path::ValuePath::default(),
        &mut notes,
    );
    if merged != other.read && notes.is_empty() {
        bail!(
            "{} leaves out fields {RESUME_FILE} has (a translation changes fields, it cannot remove them, so they would show from the main resume): add them to {}, or take them out of {RESUME_FILE}; nothing was written",
            source.name,
            source.name
        );
    }
    if merged != other.read {
        bail!(
            "{} has lists longer than {RESUME_FILE}'s ({}): a translation matches the main resume item by item, so add the items there first; nothing was written",
            source.name,
            notes
                .iter()
                .map(|n| n.path.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let text = format!(
        "# The resume in `{tag}`: only what differs from {RESUME_FILE}, laid over it key by key\n# and list item by item (imported from {} by gen import).\n{}",
        args.file
            .file_name()
            .map_or(source.name.clone(), |n| n.to_string_lossy().into_owned()),
        yaml::to_yaml(&differing)
    );
    create_parent(&target)?;
    files::write(&target, text.as_bytes())?;
    term::status(
        "imported",
        &format!(
            "{} into {} (the fields that differ)",
            source.name,
            target.display()
        ),
    );
    Ok(())
}

fn create_parent(file: &std::path::Path) -> Result<()> {
    match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display())),
        _ => Ok(()),
    }
}
