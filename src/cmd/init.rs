//! `gen init`: scaffold a new site without ever overwriting a file.

use anyhow::{Result, bail};

use crate::cli::InitArgs;
use crate::scaffold;
use crate::term;

pub fn run(args: &InitArgs) -> Result<()> {
    let theme = crate::themes::find(&args.theme)
        .ok_or_else(|| anyhow::anyhow!("--theme {}: no such theme", args.theme))?;
    let files = scaffold::starter_files(theme);
    let existing: Vec<&str> = files
        .iter()
        .map(|(path, _)| path.as_str())
        .filter(|path| args.dir.join(path).exists())
        .collect();
    if !existing.is_empty() {
        bail!(
            "{} already has {}; gen init never overwrites files (choose a new folder, or move them away)",
            args.dir.display(),
            existing.join(", ")
        );
    }
    // An existing .gitignore is the user's, and stays.
    scaffold::write_missing(&args.dir, theme, &[])?;
    term::status(
        "created",
        &format!(
            "a new site in {} (theme {})",
            args.dir.display(),
            theme.name
        ),
    );
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
