//! `gen publish`: render the site from its sources and upload it to the stack's bucket,
//! changed files only, invalidating exactly what changed in CloudFront.

use anyhow::{Result, bail};

use crate::cli::PublishArgs;
use crate::input;
use crate::output;
use crate::publish::{self, Options, Target};
use crate::stack;
use crate::term;

pub fn run(args: &PublishArgs) -> Result<()> {
    // The stack's outputs are read (a terraform call) only when something is left to them.
    let given = [&args.counter_url, &args.bucket, &args.distribution_id];
    let stack = given
        .iter()
        .any(|value| value.is_none())
        .then(|| stack::discover_in(&args.root));
    let (counter_url, counter_note) =
        input::counter_url(args.counter_url.as_deref(), stack.as_ref())?;
    let built = input::Input::read(&args.root)?.published(counter_url, args.strict)?;
    if let Some(note) = counter_note {
        term::note(&note);
    }
    let bucket = match (&args.bucket, &stack) {
        (Some(bucket), _) => bucket.clone(),
        (None, Some(Ok(stack))) => stack.bucket.clone(),
        (None, Some(Err(e))) => {
            bail!("which bucket? pass --bucket, or deploy the stack first ({e})")
        }
        (None, None) => bail!("which bucket? pass --bucket"),
    };
    // The stack's distribution serves the stack's bucket, not one given by hand.
    let distribution_id = match (&args.distribution_id, &stack) {
        (Some(id), _) => Some(id.clone()),
        (None, Some(Ok(stack))) if bucket == stack.bucket => Some(stack.distribution_id.clone()),
        _ => None,
    };
    let prefix = match args.prefix.trim_matches('/') {
        "" => String::new(),
        p => format!("{p}/"),
    };
    let target = Target {
        bucket,
        prefix,
        distribution_id,
    };
    let options = Options {
        record_anchor: output::default_dir(&args.root),
        dry_run: args.dry_run,
        max_deletes: args.max_deletes,
        force: args.force,
        yes: args.yes,
        wait: args.wait,
    };
    super::runtime()?.block_on(publish::run(&built.site, &target, &options))
}
