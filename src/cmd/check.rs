//! `gen check [URL]`: the smoke test of the live site (see [`crate::check`]), against the
//! build the site's sources make, rendered in memory as `gen publish` renders it (out/site is
//! not read); the stack's `site_url` when no address is given.

use anyhow::{Result, bail};

use crate::build_id;
use crate::check::{self, Expected, Outcome};
use crate::cli::CheckArgs;
use crate::input::{self, Input};
use crate::stack::{self, OutputsError, StackOutputs};

pub fn run(args: &CheckArgs) -> Result<()> {
    // The stack's outputs give the address and the counter URL when they are not given.
    let stack =
        (args.url.is_none() || args.counter_url.is_none()).then(|| stack::discover_in(&args.root));
    let address = match (&args.url, stack.as_ref().map(Result::as_ref)) {
        (Some(url), _) => url.clone(),
        (None, Some(Ok(outputs))) => outputs.site_url.clone(),
        (None, why) => bail!(
            "gen check needs the site's address: pass it (gen check https://example.com/), or run it in a deployed site's folder{}",
            why.and_then(Result::err)
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        ),
    };
    let site = check::site_address(&address)?;
    let expected = expected(args, stack.as_ref());
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

/// What the live site should serve: the home page's build id and the 404 page of the site as
/// `gen publish` would render it from this folder now, or why there is none to compare with.
fn expected(args: &CheckArgs, stack: Option<&Result<StackOutputs, OutputsError>>) -> Expected {
    let rendered =
        input::counter_url(args.counter_url.as_deref(), stack).and_then(|(counter_url, _)| {
            let input = Input::read(&args.root)?;
            Ok((input.language_prefixes(), input.as_published(counter_url)?))
        });
    match rendered {
        Ok((prefixes, built)) => Expected {
            languages: prefixes
                .into_iter()
                .filter_map(|prefix| {
                    let page = built.site.get(&format!("{prefix}index.html"))?;
                    Some((prefix, page.bytes.to_vec()))
                })
                .collect(),
            build_id: built
                .site
                .get("index.html")
                .and_then(|page| build_id::read(&page.bytes))
                .map(|stamp| stamp.id)
                .ok_or_else(|| {
                    "the theme's templates/_base.html leaves out {{ site.generator }}, so the page has no build id".to_owned()
                }),
            not_found_page: built
                .site
                .get(crate::site::NOT_FOUND_PAGE)
                .map(|page| page.bytes.to_vec()),
        },
        Err(e) => Expected {
            build_id: Err(format!(
                "the site in {} does not build ({e:#}); run gen check in the site's folder or pass --root",
                args.root.display()
            )),
            not_found_page: None,
            languages: Vec::new(),
        },
    }
}
