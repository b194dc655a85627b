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
    // A preview needs no counter from the stack, only where to publish.
    let counter = args.counter_url.is_some() || args.preview.is_some();
    let stack = (!counter || args.bucket.is_none() || args.distribution_id.is_none())
        .then(|| stack::discover_in(&args.root));
    // A preview calls no counter; one being removed is not even rendered.
    let mut base_url = None;
    let site = match (args.preview, args.remove) {
        (Some(_), true) => crate::site::Site::default(),
        (Some(number), false) => {
            let input = input::Input::read(&args.root)?;
            base_url = input.config.base_url.clone();
            input.preview(number, args.strict)?.site
        }
        (None, _) => {
            let (counter_url, counter_note) =
                input::counter_url(args.counter_url.as_deref(), stack.as_ref())?;
            let built = input::Input::read(&args.root)?.published(counter_url, args.strict)?;
            if let Some(note) = counter_note {
                term::note(&note);
            }
            built.site
        }
    };
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
    let (prefix, viewer_prefix) = match (args.preview, args.prefix.trim_matches('/')) {
        // The distribution serves previews from the bucket's root, beside the site.
        (Some(number), _) => {
            let prefix = crate::site::preview_prefix(number);
            (prefix.clone(), prefix)
        }
        (None, "") => (String::new(), String::new()),
        (None, p) if p.split('/').next() == crate::site::PREVIEWS.strip_suffix('/') => bail!(
            "--prefix {p}: {} holds pull requests' previews; publish one with --preview N",
            crate::site::PREVIEWS
        ),
        (None, p) => (format!("{p}/"), String::new()),
    };
    let target = Target {
        bucket,
        prefix,
        viewer_prefix,
        distribution_id,
    };
    let options = Options {
        record_anchor: output::default_dir(&args.root),
        dry_run: args.dry_run,
        // Removing a preview deletes all of it: that is what was asked.
        max_deletes: if args.remove {
            usize::MAX
        } else {
            args.max_deletes
        },
        force: args.force,
        yes: args.yes || args.remove,
        wait: args.wait,
    };
    super::runtime()?.block_on(publish::run(&site, &target, &options))?;
    // Where the preview is, on a line of its own for scripts (the pull request's comment).
    let site_url = base_url.or_else(|| Some(stack.as_ref()?.as_ref().ok()?.site_url.clone()));
    if let (Some(number), false, false, Some(url)) =
        (args.preview, args.remove, args.dry_run, site_url)
    {
        let slash = if url.ends_with('/') { "" } else { "/" };
        println!(
            "preview: {url}{slash}{}",
            crate::site::preview_prefix(number)
        );
    }
    Ok(())
}
