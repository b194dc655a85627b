//! One publish of a rendered [`Site`] to its [`Target`]: the bucket checked to be the caller
//! account's and the site's, the remote compared with the site, deletes capped and confirmed,
//! then the uploads, deletes and invalidation, and one line saying what happened.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget};

use super::{Clients, Outcome, Reason, Target, record};
use crate::aws::account::ForeignBucket;
use crate::site::Site;
use crate::term;

/// How to publish.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site folder the publish record is kept beside (`out/site` → `out/.site.published.json`).
    pub record_anchor: PathBuf,
    /// Print the plan, send nothing.
    pub dry_run: bool,
    /// Refuse when more files than this would be deleted.
    pub max_deletes: usize,
    /// Upload everything, and publish to a bucket without gen's tag.
    pub force: bool,
    /// Delete without asking.
    pub yes: bool,
    /// Wait for CloudFront to apply the invalidation.
    pub wait: bool,
}

/// Publishes `site` to `target`. Runs on the caller's async runtime.
pub async fn run(site: &Site, target: &Target, options: &Options) -> Result<()> {
    let started = Instant::now();
    let clients = Clients::from_env().await?;
    let location = format!("s3://{}/{}", target.bucket, target.prefix);
    check_owner(&clients, target, options.force).await?;
    let known = match options.force {
        true => Default::default(),
        false => record::load(&options.record_anchor, &location),
    };
    let remote = super::remote_state(&clients, site, target, &known).await?;
    let plan = super::plan::plan(site, &target.prefix, &remote, options.force);

    if options.dry_run {
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
    confirm_deletes(&plan.deletes, &location, options)?;
    let progress = match std::io::stderr().is_terminal() {
        true => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
        false => ProgressBar::hidden(),
    };
    let mut outcome = Outcome::default();
    let result = super::execute(&clients, site, target, &plan, &progress, &mut outcome).await;
    let deleted = &plan.deletes[..outcome.deleted];
    record::save(
        &options.record_anchor,
        &location,
        &outcome.published,
        deleted,
    );
    result?;
    let metadata_only = plan
        .uploads
        .iter()
        .filter(|u| u.reason == Reason::Metadata)
        .count();
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
        Some((id, paths)) => {
            summary.push_str(&format!("; invalidation {id} ({})", paths.join(" ")))
        }
        None if target.distribution_id.is_none() => {
            summary.push_str("; no CloudFront invalidation (no --distribution-id)")
        }
        None => summary.push_str("; nothing to invalidate"),
    }
    summary.push_str(&format!(" in {} ms", started.elapsed().as_millis()));
    term::status("published", &summary);
    if let (true, Some((id, _)), Some(distribution)) =
        (options.wait, &outcome.invalidation, &target.distribution_id)
    {
        term::status("waiting", &format!("for invalidation {id}"));
        super::wait_for_invalidation(&clients, distribution, id).await?;
        term::status("done", "CloudFront serves the new files everywhere");
    }
    Ok(())
}

/// Refuses a bucket of another account, and one without the stack's tag (it may hold someone
/// else's files) unless `force`.
async fn check_owner(clients: &Clients, target: &Target, force: bool) -> Result<()> {
    let (key, value) = super::OWNER_TAG;
    match super::bucket_is_gens(clients, &target.bucket).await {
        Ok(true) => Ok(()),
        Ok(false) if force => {
            term::caution(&format!(
                "bucket {} does not carry the tag {key} = {value}; publishing to it anyway (--force)",
                target.bucket
            ));
            Ok(())
        }
        Ok(false) => bail!(
            "bucket {} does not carry the tag {key} = {value} that gen's stack puts on its bucket, so it may hold someone else's files, which publishing would overwrite or delete; nothing was changed. \
             Check --bucket, or pass --force if this bucket is meant for the site",
            target.bucket
        ),
        // Never published to, --force or not.
        Err(e) if e.is::<ForeignBucket>() => Err(e),
        Err(e) if force => {
            term::caution(&format!("{e:#}; publishing anyway (--force)"));
            Ok(())
        }
        Err(e) => Err(
            e.context("checking that the bucket is the site's (pass --force to skip this check)")
        ),
    }
}

/// Deletes need a yes: `--yes`, or an answer in a terminal. More than `--max-deletes` are
/// refused either way.
fn confirm_deletes(deletes: &[String], location: &str, options: &Options) -> Result<()> {
    if deletes.len() > options.max_deletes {
        bail!(
            "this publish would delete {} files from {location}, more than --max-deletes {}; nothing was changed. \
             Check --bucket and --prefix (gen publish --dry-run lists them), then pass --max-deletes {} if it is right",
            deletes.len(),
            options.max_deletes,
            deletes.len()
        );
    }
    if deletes.is_empty() || options.yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "this publish would delete {} files from {location} and there is no terminal to ask in; nothing was changed. \
             Check them with gen publish --dry-run, then pass --yes to delete them",
            deletes.len()
        );
    }
    eprintln!("gen publish will delete from {location}:");
    for key in deletes.iter().take(20) {
        eprintln!("  {key}");
    }
    if deletes.len() > 20 {
        eprintln!("  ... and {} more", deletes.len() - 20);
    }
    match term::ask(&format!("delete these {} files?", deletes.len()))? {
        true => Ok(()),
        false => bail!("nothing was changed"),
    }
}

fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / 1024.0 / 1024.0),
    }
}
