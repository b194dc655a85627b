//! `gen new post "Title"`: a draft post with today's date and a slug made from its title.

use anyhow::{Result, bail};
use serde_json::json;

use crate::cli::NewArgs;
use crate::files;
use crate::posts::markdown::slugify;
use crate::resume::yaml;
use crate::sources::{POSTS_DIR, RESUME_FILE};
use crate::term;

pub fn run(args: &NewArgs) -> Result<()> {
    if !args.root.join(RESUME_FILE).exists() {
        return Err(crate::sources::not_a_site(&args.root));
    }
    let title = args.title.trim();
    let slug = slugify(title);
    if slug.is_empty() {
        bail!(
            "{title:?} has no letters or digits to make the post's address from: choose another title"
        );
    }
    let relative = format!("{POSTS_DIR}/{slug}.md");
    let path = args.root.join(&relative);
    if path.exists() || args.root.join(POSTS_DIR).join(&slug).exists() {
        bail!("{relative} (or a folder post of that name) already exists: choose another title");
    }
    let front = yaml::to_yaml(&json!({
        "title": title,
        "date": today(),
        "description": "",
        "tags": [],
        "draft": true,
    }));
    let text = format!(
        "---\n{front}---\n\nWrite here, in Markdown. `gen serve` shows this draft; `gen build` leaves it out until you remove `draft: true`.\n"
    );
    std::fs::create_dir_all(args.root.join(POSTS_DIR))?;
    files::write(&path, text.as_bytes())?;
    term::status("created", &relative);
    term::note(
        "a draft: gen serve shows it, gen build and gen publish leave it out until you remove `draft: true`",
    );
    Ok(())
}

/// Today's date in UTC, `YYYY-MM-DD`.
fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    crate::resume::date::civil(i64::try_from(seconds / 86_400).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use crate::resume::date::civil;

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), "1970-01-01");
        assert_eq!(civil(11_016), "2000-02-29");
        assert_eq!(civil(20_787), "2026-11-30");
    }
}
