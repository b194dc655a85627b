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
    civil(i64::try_from(seconds / 86_400).unwrap_or(0))
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::civil;

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), "1970-01-01");
        assert_eq!(civil(11_016), "2000-02-29");
        assert_eq!(civil(20_787), "2026-11-30");
    }
}
