//! Carrying out a publish plan against S3 and CloudFront: bounded parallel uploads in two
//! groups (assets, then pages), batched deletes, and one invalidation of what changed.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::plan::{self, PublishPlan, Reason, RemoteMeta, Upload, invalidation_paths};
use super::{CONCURRENCY, Clients, Outcome, Target};
use crate::aws::aws_error;
use crate::site::Site;

/// Carries out a plan, filling `outcome` as it goes (also when it fails part-way): uploads (assets, then pages), deletes, one invalidation.
/// Stops at the first failed group, so pages never go live before what they link to, and
/// nothing is deleted unless every upload succeeded. Running it again converges.
pub async fn execute(
    clients: &Clients,
    site: &Site,
    target: &Target,
    plan: &PublishPlan,
    progress: &ProgressBar,
    outcome: &mut Outcome,
) -> Result<()> {
    progress.set_length(
        plan.uploads
            .iter()
            .map(|u| site.files[u.file].bytes.len() as u64)
            .sum(),
    );
    progress.set_style(
        ProgressStyle::with_template("{spinner} {msg} {bytes}/{total_bytes} [{bar:30}] {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let (assets, pages): (Vec<_>, Vec<_>) =
        plan.uploads.iter().partition(|u| !plan::is_page(&u.key));
    for group in [assets, pages] {
        upload(clients, site, target, &group, progress, outcome).await?;
    }
    for batch in plan.deletes.chunks(1000) {
        delete(clients, target, batch).await?;
        outcome.deleted += batch.len();
    }
    progress.finish_and_clear();

    let changed: Vec<String> = plan
        .uploads
        .iter()
        // A new page may have been asked for before (a cached 404); a new fingerprinted
        // file has a name nobody has seen.
        .filter(|u| {
            u.reason != Reason::New
                || site.files[u.file].cache == crate::site::CachePolicy::Revalidate
        })
        .map(|u| &u.key)
        .chain(&plan.deletes)
        .map(|k| format!("{}{}", target.viewer_prefix, &k[target.prefix.len()..]))
        .collect();
    let changed: Vec<&str> = changed.iter().map(String::as_str).collect();
    let paths = invalidation_paths(&changed);
    if let (Some(distribution), false) = (&target.distribution_id, paths.is_empty()) {
        let id = invalidate(clients, distribution, &paths).await?;
        outcome.invalidation = Some((id, paths));
    }
    Ok(())
}

/// Uploads one group at once, at most [`CONCURRENCY`] at a time; fails if any failed.
async fn upload(
    clients: &Clients,
    site: &Site,
    target: &Target,
    group: &[&Upload],
    progress: &ProgressBar,
    outcome: &mut Outcome,
) -> Result<()> {
    let limit = Arc::new(Semaphore::new(CONCURRENCY));
    let mut puts = JoinSet::new();
    for upload in group.iter().copied() {
        let file = &site.files[upload.file];
        let md5 = hex::encode(upload.md5);
        let request = clients
            .s3
            .put_object()
            .bucket(&target.bucket)
            .expected_bucket_owner(&clients.account)
            .key(&upload.key)
            .content_type(file.content_type)
            .cache_control(file.cache.header())
            .content_md5(BASE64.encode(upload.md5))
            .metadata("md5", &md5)
            .body(ByteStream::from(file.bytes.clone()));
        let (limit, key, size) = (
            Arc::clone(&limit),
            upload.key.clone(),
            file.bytes.len() as u64,
        );
        let meta = RemoteMeta {
            content_type: Some(file.content_type.to_owned()),
            cache_control: Some(file.cache.header().to_owned()),
            md5: Some(md5),
        };
        puts.spawn(async move {
            let _permit = limit.acquire_owned().await;
            (key, size, meta, request.send().await)
        });
    }
    let mut failures = Vec::new();
    while let Some(joined) = puts.join_next().await {
        let (key, size, meta, result) = joined.context("uploading")?;
        match result {
            Ok(_) => {
                outcome.published.insert(key, meta);
                outcome.uploaded_bytes += size;
                progress.inc(size);
                progress.set_message(format!("{} uploaded", outcome.published.len()));
            }
            Err(e) => failures.push(format!("{key}: {}", aws_error(e))),
        }
    }
    if !failures.is_empty() {
        progress.finish_and_clear();
        bail!(
            "{} of the uploads failed (run gen publish again to finish; nothing was deleted):\n  {}",
            failures.len(),
            failures.join("\n  ")
        );
    }
    Ok(())
}

/// Deletes one batch of at most 1,000 keys.
async fn delete(clients: &Clients, target: &Target, batch: &[String]) -> Result<()> {
    let objects = batch
        .iter()
        .map(|key| ObjectIdentifier::builder().key(key).build())
        .collect::<Result<Vec<_>, _>>()
        .context("listing keys to delete")?;
    let delete = Delete::builder()
        .set_objects(Some(objects))
        .quiet(true)
        .build()
        .context("listing keys to delete")?;
    let output = clients
        .s3
        .delete_objects()
        .bucket(&target.bucket)
        .expected_bucket_owner(&clients.account)
        .delete(delete)
        .send()
        .await
        .map_err(aws_error)
        .context("deleting removed files")?;
    if let Some(error) = output.errors().first() {
        bail!(
            "deleting {} failed: {}",
            error.key().unwrap_or("?"),
            error.message().unwrap_or("unknown error")
        );
    }
    Ok(())
}

async fn invalidate(clients: &Clients, distribution: &str, paths: &[String]) -> Result<String> {
    use aws_sdk_cloudfront::types::{InvalidationBatch, Paths};
    let reference = format!(
        "gen-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    );
    let batch = InvalidationBatch::builder()
        .paths(
            Paths::builder()
                .quantity(paths.len() as i32)
                .set_items(Some(paths.to_vec()))
                .build()
                .context("building the invalidation")?,
        )
        .caller_reference(reference)
        .build()
        .context("building the invalidation")?;
    let output = clients
        .cloudfront
        .create_invalidation()
        .distribution_id(distribution)
        .invalidation_batch(batch)
        .send()
        .await
        .map_err(aws_error)
        .with_context(|| {
            format!(
                "invalidating {} path(s) in CloudFront distribution {distribution}",
                paths.len()
            )
        })?;
    Ok(output
        .invalidation()
        .map(|i| i.id().to_owned())
        .unwrap_or_default())
}

/// Waits until CloudFront reports the invalidation complete (checking every 5 s, 20 min at most).
pub async fn wait_for_invalidation(clients: &Clients, distribution: &str, id: &str) -> Result<()> {
    for _ in 0..240 {
        let output = clients
            .cloudfront
            .get_invalidation()
            .distribution_id(distribution)
            .id(id)
            .send()
            .await
            .map_err(aws_error)
            .with_context(|| format!("checking invalidation {id}"))?;
        if output.invalidation().map(|i| i.status()) == Some("Completed") {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    bail!("invalidation {id} is still in progress after 20 minutes; the files are published")
}
