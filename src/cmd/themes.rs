//! `gen themes`: the built-in themes, each with a line on its look; `gen theme eject`: the
//! site's theme's files copied into templates/, to edit there.

use anyhow::{Result, anyhow, bail};

use crate::cli::{EjectArgs, ThemeArgs, ThemeCommand};
use crate::sources::TEMPLATES_DIR;
use crate::term;
use crate::themes::{DEFAULT, THEMES};

pub fn run() -> Result<()> {
    let width = THEMES.iter().map(|t| t.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for theme in THEMES {
        let default = if theme.name == DEFAULT {
            " (default)"
        } else {
            ""
        };
        out.push_str(&format!(
            "{:width$}  {}{default}\n",
            theme.name, theme.description
        ));
    }
    out.push_str("\nChoose one with `theme = \"NAME\"` in gen.toml, or `gen init --theme NAME`; files in the site's templates/ override the theme's, one by one (`gen theme eject FILE` copies one there to edit).\n");
    print!("{out}");
    Ok(())
}

pub fn theme(args: &ThemeArgs) -> Result<()> {
    match &args.command {
        ThemeCommand::Eject(eject) => self::eject(eject),
    }
}

/// Copies the named files of the site's theme (or all) into templates/, keeping any file
/// there: nothing is written unless every name is one of the theme's.
fn eject(args: &EjectArgs) -> Result<()> {
    if !args.root.join(crate::sources::RESUME_FILE).is_file() {
        return Err(crate::sources::not_a_site(&args.root));
    }
    let config =
        crate::config::parse_or_default(crate::sources::read_config_file(&args.root)?.as_ref())?;
    let theme = crate::themes::find(&config.theme)
        .ok_or_else(|| anyhow!("gen.toml: theme {:?} is not a built-in theme", config.theme))?;
    let files = theme.files();
    let names: Vec<String> = if args.all {
        files.keys().cloned().collect()
    } else {
        args.files
            .iter()
            .map(|name| name.trim_start_matches("templates/").to_owned())
            .collect()
    };
    let unknown: Vec<&str> = names
        .iter()
        .filter(|name| !files.contains_key(name.as_str()))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        bail!(
            "theme {} has no {}; its files: {} (nothing was written)",
            theme.name,
            unknown.join(", "),
            files.keys().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let dir = args.root.join(TEMPLATES_DIR);
    for name in &names {
        let target = dir.join(name);
        if std::fs::symlink_metadata(&target).is_ok() {
            term::note(&format!(
                "{TEMPLATES_DIR}/{name} is already the site's: kept (delete it first to take \
                 theme {}'s again)",
                theme.name
            ));
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| anyhow!("creating {}: {e}", parent.display()))?;
        }
        crate::files::write(&target, &files[name])?;
        term::status(
            "ejected",
            &format!("{TEMPLATES_DIR}/{name} (theme {})", theme.name),
        );
    }
    Ok(())
}
