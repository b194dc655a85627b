//! `gen deploy`: from sources to a live site in one command. gen infra, terraform init, plan
//! (shown, then applied after confirmation or with --auto-approve), gen build with the fresh
//! outputs, gen publish. Each step says what it does; a failed step stops the chain and
//! everything can simply be run again.

use std::io::IsTerminal;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::cli::DeployArgs;
use crate::config::{Config, CounterMode};
use crate::counter_zip;
use crate::input;
use crate::output;
use crate::publish::{self, Options, Target};
use crate::stack::{self, LOCK_FILE, terraform_in};
use crate::term;

pub fn run(args: &DeployArgs) -> Result<()> {
    let runtime = super::runtime()?;
    // The sources are read once: the stack counts the pages of the very site it publishes,
    // and a broken resume or gen.toml stops here, located, before anything changes.
    let input = input::Input::read(&args.root)?;
    if args.strict || input.config.strict {
        // Warnings about the resume stop the deploy before anything changes.
        input.published(None, args.strict)?;
    }
    preflight(args, &input.config, &runtime)?;
    let dir = crate::infra::default_dir(&args.root);

    step(1, "gen infra: Terraform files and the counter Lambda");
    input.write_stack(&args.root, &dir, args.counter_zip.as_deref())?;

    step(2, "terraform init");
    init_with_kept_lock(&args.root, &dir)?;

    step(3, "terraform plan");
    let scratch = tempfile::tempdir().context("creating a folder for the plan")?;
    let plan_file = scratch.path().join("gen.tfplan");
    let plan_arg = format!("-out={}", plan_file.display());
    let changes = match terraform_status(
        &dir,
        &["plan", "-input=false", "-detailed-exitcode", &plan_arg],
    )? {
        0 => false,
        2 => true,
        code => bail!(
            "terraform plan failed (exit {code}); fix what it reports, then run gen deploy again"
        ),
    };
    if args.plan_only {
        term::note("--plan-only: nothing was applied, built or published");
        return Ok(());
    }
    if changes {
        if !args.auto_approve && !confirm()? {
            bail!("nothing was applied; run gen deploy again to apply, or --plan-only to review");
        }
        step(4, "terraform apply");
        let plan_path = plan_file.display().to_string();
        terraform(&dir, &["apply", "-input=false", &plan_path])?;
    } else {
        step(4, "terraform apply: no infrastructure changes");
    }

    step(5, "gen build with the stack's outputs, and gen publish");
    build_and_publish(args, &input, &runtime)
}

/// Renders the site with the applied stack's counter, writes it to out/site and publishes
/// that same value to the stack's bucket.
fn build_and_publish(
    args: &DeployArgs,
    input: &input::Input,
    runtime: &tokio::runtime::Runtime,
) -> Result<()> {
    // One render with the stack's counter: the site written to out/site is the site published.
    let started = std::time::Instant::now();
    let stack = stack::discover_in(&args.root)
        .map_err(|e| anyhow::anyhow!("reading the stack's outputs after apply: {e}"))?;
    let (counter_url, _) = input::counter_url(None, Some(&Ok(stack.clone())))?;
    let built = input.published(counter_url, args.strict)?;
    let out = output::default_dir(&args.root);
    let written = output::write_site(&built.site, &out)?;
    output::report(&built.site, &out, written, started);
    if let Some(readability) = &built.readability {
        crate::term::status("read", &readability.to_string());
    }
    runtime.block_on(publish::run(
        &built.site,
        &Target {
            bucket: stack.bucket.clone(),
            prefix: String::new(),
            viewer_prefix: String::new(),
            distribution_id: Some(stack.distribution_id.clone()),
        },
        &Options {
            record_anchor: out,
            dry_run: false,
            max_deletes: args.max_deletes,
            force: false,
            yes: args.auto_approve,
            wait: false,
        },
    ))?;
    term::status("live", &stack.site_url);
    Ok(())
}

/// `terraform init` with the lock file kept at the project root, where the user's repository
/// commits it (out/ is generated and ignored): copied in before, and back after, so every
/// machine and CI run installs exactly the providers first recorded there.
fn init_with_kept_lock(root: &Path, dir: &Path) -> Result<()> {
    let kept = root.join(LOCK_FILE);
    let working = dir.join(LOCK_FILE);
    copy_if_changed(&kept, &working)?;
    terraform(dir, &["init", "-input=false"])?;
    if copy_if_changed(&working, &kept)? {
        term::note(&format!(
            "{} records the providers' versions and checksums: commit it",
            kept.display()
        ));
    }
    Ok(())
}

/// Copies `from` over `to` when `from` exists and differs; whether it copied.
fn copy_if_changed(from: &Path, to: &Path) -> Result<bool> {
    let bytes = match std::fs::read(from) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e).with_context(|| format!("reading {}", from.display())),
    };
    if std::fs::read(to).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    std::fs::write(to, &bytes).with_context(|| format!("writing {}", to.display()))?;
    Ok(true)
}

fn step(number: u8, what: &str) {
    eprintln!();
    term::status(&format!("step {number}/5"), what);
}

/// Checks everything the steps need before any of them changes anything, and names every
/// missing piece with its fix at once.
fn preflight(args: &DeployArgs, config: &Config, runtime: &tokio::runtime::Runtime) -> Result<()> {
    let mut missing = Vec::new();
    let version = terraform_in(&args.root).arg("version").output();
    if !version.is_ok_and(|o| o.status.success()) {
        missing.push(
            "terraform not found on PATH: install Terraform 1.10 or newer \
             (https://developer.hashicorp.com/terraform/install)"
                .to_owned(),
        );
    }
    if let Err(e) = check_credentials(runtime) {
        missing.push(format!("{e:#}"));
    }
    if config.stack.counter.mode != CounterMode::Off
        && let Err(e) = counter_zip::locate(&args.root, args.counter_zip.as_deref())
    {
        missing.push(format!("{e:#}"));
    }
    match missing.as_slice() {
        [] => Ok(()),
        [one] => bail!("{one}; then run gen deploy again (nothing was changed)"),
        many => bail!(
            "gen deploy needs {} things first (nothing was changed):\n  - {}",
            many.len(),
            many.join("\n  - ")
        ),
    }
}

/// The AWS SDK finds credentials.
fn check_credentials(runtime: &tokio::runtime::Runtime) -> Result<()> {
    runtime.block_on(async {
        use aws_sdk_s3::config::ProvideCredentials;
        let config = crate::aws::sdk_config().await;
        let Some(provider) = config.credentials_provider() else {
            bail!("no AWS credentials: set AWS_PROFILE, or run aws configure or aws sso login");
        };
        provider.provide_credentials().await.map_err(|e| {
            anyhow::anyhow!(
                "no usable AWS credentials ({e}): set AWS_PROFILE, or run aws configure or aws sso login"
            )
        })?;
        Ok(())
    })
}

fn confirm() -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "terraform wants to change the stack (above); pass --auto-approve to apply without asking"
        );
    }
    term::ask("apply these changes?")
}

fn terraform_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = terraform_in(dir);
    command.args(args);
    if std::env::var_os("NO_COLOR").is_some() || !std::io::stderr().is_terminal() {
        command.arg("-no-color");
    }
    command
}

fn terraform_status(dir: &Path, args: &[&str]) -> Result<i32> {
    // Terraform's own output goes straight to the terminal, as it happens.
    let status = terraform_command(dir, args)
        .status()
        .context("running terraform")?;
    Ok(status.code().unwrap_or(1))
}

fn terraform(dir: &Path, args: &[&str]) -> Result<()> {
    match terraform_status(dir, args)? {
        0 => Ok(()),
        code => bail!(
            "terraform {} failed (exit {code}); fix what it reports above, then run gen deploy again",
            args[0]
        ),
    }
}
