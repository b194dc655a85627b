//! The files `gen init` writes: the default theme, an example resume and settings, built into
//! the binary so a new site needs nothing else.

/// Paths relative to the new site's folder, with their contents.
pub const STARTER_FILES: &[(&str, &str)] = &[
    ("gen.toml", include_str!("../gen.toml")),
    (
        "content/resume.yaml",
        include_str!("../content/resume.yaml"),
    ),
    (
        "templates/_base.html",
        include_str!("../templates/_base.html"),
    ),
    (
        "templates/index.html",
        include_str!("../templates/index.html"),
    ),
    ("templates/404.html", include_str!("../templates/404.html")),
    (
        "templates/post.html",
        include_str!("../templates/post.html"),
    ),
    (
        "templates/posts.html",
        include_str!("../templates/posts.html"),
    ),
    (
        "templates/resume.typ",
        include_str!("../templates/resume.typ"),
    ),
    (
        "templates/style.css",
        include_str!("../templates/style.css"),
    ),
    (
        "templates/counter.js",
        include_str!("../templates/counter.js"),
    ),
    (
        "templates/favicon.svg",
        include_str!("../templates/favicon.svg"),
    ),
    (
        "templates/robots.txt",
        include_str!("../templates/robots.txt"),
    ),
    (
        "templates/sitemap.xml",
        include_str!("../templates/sitemap.xml"),
    ),
];

/// The `.gitignore` of a new site: the generated output stays out of version control.
pub const GITIGNORE: &str = "/out/\n# Terraform state (gen infra): may hold secrets; back it up, never commit it.\n/terraform.tfstate\n/terraform.tfstate.backup\n";

/// Writes the starter files (and `.gitignore`) that `dir` does not have yet, leaving out the
/// paths in `except`; never touches an existing file.
pub fn write_missing(dir: &std::path::Path, except: &[&str]) -> anyhow::Result<()> {
    use anyhow::Context;
    for (path, contents) in STARTER_FILES.iter().chain([&(".gitignore", GITIGNORE)]) {
        let target = dir.join(path);
        if except.contains(path) || target.exists() {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        crate::files::write(&target, contents.as_bytes())?;
    }
    Ok(())
}
