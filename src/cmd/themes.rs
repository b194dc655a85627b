//! `gen themes`: the built-in themes, each with a line on its look.

use anyhow::Result;

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
    out.push_str("\nChoose one with `theme = \"NAME\"` in gen.toml, or `gen init --theme NAME`; files in the site's templates/ override the theme's, one by one.\n");
    print!("{out}");
    Ok(())
}
