//! `gen check [URL]`: the smoke test of the live site (see [`crate::check`]), against this
//! build's out/site; the stack's `site_url` when no address is given.

use anyhow::{Result, anyhow, bail};

use crate::build_id;
use crate::check::{self, Expected, Outcome};
use crate::cli::CheckArgs;
use crate::output;
use crate::stack;

pub fn run(args: &CheckArgs) -> Result<()> {
    let address = match &args.url {
        Some(url) => url.clone(),
        None => {
            stack::discover_in(&args.root)
                .map_err(|e| {
                    anyhow!(
                        "gen check needs the site's address: pass it (gen check https://example.com/), or run it in a deployed site's folder ({e})"
                    )
                })?
                .site_url
        }
    };
    let site = check::site_address(&address)?;
    let out = output::default_dir(&args.root);
    let index = out.join("index.html");
    let build_id = match std::fs::read(&index) {
        Ok(page) => build_id::read(&page).map(|stamp| stamp.id).ok_or_else(|| {
            format!(
                "{} has no build id: build it again with this gen (gen build)",
                index.display()
            )
        }),
        Err(e) => Err(format!(
            "cannot read {} ({e}): run gen build or gen deploy first",
            index.display()
        )),
    };
    let expected = Expected {
        build_id,
        not_found_page: std::fs::read(out.join(crate::site::NOT_FOUND_PAGE)).ok(),
    };
    let runtime = super::runtime()?;
    let lines = runtime.block_on(check::run(
        &site,
        &expected,
        !args.no_count,
        &mut |line: &check::Line| {
            println!("{line}");
        },
    ))?;
    let failed = lines.iter().filter(|l| l.outcome == Outcome::Fail).count();
    let passed = lines.iter().filter(|l| l.outcome == Outcome::Pass).count();
    if failed > 0 {
        bail!("{failed} of {} checks failed on {site}", passed + failed);
    }
    println!("all {passed} checks passed on {site}");
    Ok(())
}
