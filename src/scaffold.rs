//! The files `gen init` writes: an example resume and settings, all in the binary so a new
//! site needs nothing else. The theme stays in gen (`crate::themes`): `gen theme eject` copies
//! the files a user wants to change into templates/.

use crate::themes::Theme;

/// The files of every new site besides its theme's: paths relative to its folder, with their
/// contents.
pub const STARTER_FILES: &[(&str, &str)] = &[
    ("gen.toml", include_str!("../gen.toml")),
    (
        "content/resume.yaml",
        include_str!("../content/resume.yaml"),
    ),
];

/// The `.gitignore` of a new site: the generated output stays out of version control.
pub const GITIGNORE: &str = "/out/\n# Terraform state (gen infra): may hold secrets; back it up, never commit it.\n/terraform.tfstate\n/terraform.tfstate.backup\n";

/// The files of a new site with `theme`: the starter files, gen.toml naming the theme.
pub fn starter_files(theme: &Theme) -> Vec<(String, Vec<u8>)> {
    STARTER_FILES
        .iter()
        .map(|(path, contents)| {
            let mut contents = (*contents).to_owned();
            if *path == "gen.toml" && theme.name != crate::themes::DEFAULT {
                contents = contents.replace(
                    &format!("# theme = \"{}\"", crate::themes::DEFAULT),
                    &format!("theme = \"{}\"", theme.name),
                );
            }
            ((*path).to_owned(), contents.into_bytes())
        })
        .collect()
}

/// Writes the starter files with `theme` (and `.gitignore`) that `dir` does not have yet,
/// leaving out the paths in `except`; never touches an existing file.
pub fn write_missing(dir: &std::path::Path, theme: &Theme, except: &[&str]) -> anyhow::Result<()> {
    use anyhow::Context;
    let files = starter_files(theme);
    for (path, contents) in files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_slice()))
        .chain([(".gitignore", GITIGNORE.as_bytes())])
    {
        let target = dir.join(path);
        if except.contains(&path) || target.exists() {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        crate::files::write(&target, contents)?;
    }
    Ok(())
}
