//! `gen publish`: upload out/site/ to the stack's bucket, changed files only, and invalidate
//! exactly what changed in CloudFront.

use std::io::IsTerminal;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget};

use crate::cli::PublishArgs;
use crate::output;
use crate::publish::{self, Clients, Reason, Target, record};
use crate::term;

pub fn run(args: &PublishArgs) -> Result<()> {
    let started = Instant::now();
    let site_dir = args
        .site
        .clone()
        .unwrap_or_else(|| args.root.join("out").join("site"));
    if let Some(failure) = output::last_failure(&site_dir) {
        bail!(
            "the last gen build failed, so {} is not what your sources say: fix the error and build again\n  {failure}",
            site_dir.display()
        );
    }
    if !site_dir.is_dir() {
        bail!("{} not found: run gen build first", site_dir.display());
    }
    let site = output::read_site(&site_dir)?;
    if site.get("index.html").is_none() {
        bail!(
            "{} has no index.html: run gen build first",
            site_dir.display()
        );
    }
    let stack = match (&args.bucket, &args.distribution_id) {
        (Some(_), Some(_)) => None,
        _ => Some(crate::infra::outputs::discover_in(&args.root)),
    };
    let bucket = match (&args.bucket, &stack) {
        (Some(bucket), _) => bucket.clone(),
        (None, Some(Ok(stack))) => stack.bucket.clone(),
        (None, Some(Err(e))) => {
            bail!("which bucket? pass --bucket, or deploy the stack first ({e})")
        }
        (None, None) => unreachable!("outputs are read when --bucket is missing"),
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

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let clients = Clients::from_env().await;
        let location = format!("s3://{}/{}", target.bucket, target.prefix);
        let (key, value) = publish::OWNER_TAG;
        match publish::bucket_is_gens(&clients, &target.bucket).await {
            Ok(true) => {}
            Ok(false) if args.force => term::caution(&format!(
                "bucket {} does not carry the tag {key} = {value}; publishing to it anyway (--force)",
                target.bucket
            )),
            Ok(false) => bail!(
                "bucket {} does not carry the tag {key} = {value} that gen's stack puts on its bucket, so it may hold someone else's files, which publishing would overwrite or delete; nothing was changed. \
                 Check --bucket, or pass --force if this bucket is meant for the site",
                target.bucket
            ),
            Err(e) if args.force => term::caution(&format!("{e:#}; publishing anyway (--force)")),
            Err(e) => return Err(e.context("checking that the bucket is the site's (pass --force to skip this check)")),
        }
        let known = match args.force {
            true => Default::default(),
            false => record::load(&site_dir, &location),
        };
        let remote = publish::remote_state(&clients, &site, &target, &known).await?;
        let plan = publish::plan::plan(&site, &target.prefix, &remote, args.force);

        if args.dry_run {
            for upload in &plan.uploads {
                println!("upload {} ({})", upload.key, upload.reason.describe());
            }
            for key in &plan.deletes {
                println!("delete {key}");
            }
            println!(
                "dry run for {location}: {} to upload, {} to delete, {} unchanged; nothing was sent",
                plan.uploads.len(),
                plan.deletes.len(),
                plan.unchanged
            );
            return Ok(());
        }
        if plan.deletes.len() > args.max_deletes {
            bail!(
                "this publish would delete {} files from {location}, more than --max-deletes {}; nothing was changed. \
                 Check --bucket and --prefix (gen publish --dry-run lists them), then pass --max-deletes {} if it is right",
                plan.deletes.len(),
                args.max_deletes,
                plan.deletes.len()
            );
        }
        if !plan.deletes.is_empty() && !args.yes {
            if !std::io::stdin().is_terminal() {
                bail!(
                    "this publish would delete {} files from {location} and there is no terminal to ask in; nothing was changed. \
                     Check them with gen publish --dry-run, then pass --yes to delete them",
                    plan.deletes.len()
                );
            }
            if !confirm(&plan.deletes, &location)? {
                bail!("nothing was changed");
            }
        }
        let progress = match std::io::stderr().is_terminal() {
            true => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
            false => ProgressBar::hidden(),
        };
        let mut outcome = publish::Outcome::default();
        let result = publish::execute(&clients, &site, &target, &plan, &progress, &mut outcome).await;
        let deleted = &plan.deletes[..outcome.deleted];
        record::save(&site_dir, &location, &outcome.published, deleted);
        result?;
        let metadata_only = plan.uploads.iter().filter(|u| u.reason == Reason::Metadata).count();
        let mut summary = format!(
            "{location}: uploaded {} ({}), deleted {}, unchanged {}",
            outcome.published.len(),
            human_bytes(outcome.uploaded_bytes),
            outcome.deleted,
            plan.unchanged
        );
        if metadata_only > 0 {
            summary.push_str(&format!(" ({metadata_only} for new headers only)"));
        }
        match &outcome.invalidation {
            Some((id, paths)) => summary.push_str(&format!("; invalidation {id} ({})", paths.join(" "))),
            None if target.distribution_id.is_none() => summary.push_str("; no CloudFront invalidation (no --distribution-id)"),
            None => summary.push_str("; nothing to invalidate"),
        }
        summary.push_str(&format!(" in {} ms", started.elapsed().as_millis()));
        term::status("published", &summary);
        if let (true, Some((id, _)), Some(distribution)) = (args.wait, &outcome.invalidation, &target.distribution_id) {
            term::status("waiting", &format!("for invalidation {id}"));
            publish::wait_for_invalidation(&clients, distribution, id).await?;
            term::status("done", "CloudFront serves the new files everywhere");
        }
        Ok(())
    })
}

fn confirm(deletes: &[String], location: &str) -> Result<bool> {
    eprintln!("gen publish will delete from {location}:");
    for key in deletes.iter().take(20) {
        eprintln!("  {key}");
    }
    if deletes.len() > 20 {
        eprintln!("  ... and {} more", deletes.len() - 20);
    }
    term::ask(&format!("delete these {} files?", deletes.len()))
}

fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / 1024.0 / 1024.0),
    }
}
