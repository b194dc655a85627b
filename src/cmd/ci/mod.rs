//! `gen ci github`: `.github/workflows/gen.yml`, the site's CI/CD. Pull requests are built
//! and planned with the stack's read-only role, pushes to main deployed with its deploy role (in
//! the GitHub environment that role trusts) and checked live (`[ci]` in gen.toml, `infra::ci`).
//! The workflow installs this very version of gen from its release archive, pinned by SHA-256,
//! and every action by commit.
//!
//! A workflow gen wrote carries a checksum of itself: run again, gen replaces it when it is
//! as written, and refuses (showing the difference) when someone changed it, unless --force.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use sha2::{Digest, Sha256};

use crate::cli::{CiArgs, CiCommand, CiGithubArgs};
use crate::config::{Backend, Config};
use crate::infra::ci::DEPLOY_ENVIRONMENT;
use crate::stack;
use crate::term;

/// Where the workflow goes, from the site's folder.
pub const WORKFLOW: &str = ".github/workflows/gen.yml";

/// gen's releases; `GEN_RELEASES_URL` names a mirror with the same layout.
pub const RELEASES: &str = "https://github.com/resume-gen/gen/releases";

/// The Terraform the workflow installs: the version gen is tested with.
pub const TERRAFORM_VERSION: &str = "1.11.4";

/// Actions the workflow uses, pinned to the commit of a release (a tag can be moved).
const CHECKOUT: &str = "08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0";
const SETUP_TERRAFORM: &str = "dfe3c3f87815947d99a8997f908cb6525fc44e9e # v4.0.1";
const CONFIGURE_AWS_CREDENTIALS: &str = "e6de054238d6b7531b4efff3b6587d9aade6a06c # v6.2.3";

const TEMPLATE: &str = include_str!("gen.yml");
const CHECKSUM_PREFIX: &str = "# gen-checksum: ";

/// The release archive the workflow installs.
fn archive_name() -> String {
    format!(
        "gen-{}-x86_64-unknown-linux-gnu.tar.gz",
        env!("CARGO_PKG_VERSION")
    )
}

pub fn run(args: &CiArgs) -> Result<()> {
    match &args.command {
        CiCommand::Github(github) => write_github(github),
    }
}

/// What goes into the workflow.
pub struct Workflow<'a> {
    pub region: &'a str,
    pub deploy_role: &'a str,
    pub plan_role: &'a str,
    /// Where pull requests' previews go: the site's bucket and distribution, and its address
    /// (`base_url`, else the distribution's).
    pub bucket: &'a str,
    pub distribution_id: &'a str,
    pub site_url: &'a str,
    pub gen_sha256: &'a str,
    pub releases: &'a str,
}

fn write_github(args: &CiGithubArgs) -> Result<()> {
    // The workflow needs gen.toml's settings and the stack's outputs, nothing of the content.
    if !args.root.join(crate::sources::RESUME_FILE).is_file() {
        return Err(crate::sources::not_a_site(&args.root));
    }
    let config =
        &crate::config::parse_or_default(crate::sources::read_config_file(&args.root)?.as_ref())?;
    let stack = deployed(&args.root, config)?;
    let (Some(deploy_role), Some(plan_role)) = (&stack.ci_deploy_role_arn, &stack.ci_plan_role_arn)
    else {
        bail!(
            "the deployed stack has no roles for {} yet: run gen deploy (it creates them from [ci]), \
             then gen ci github again (nothing was written)",
            config
                .stack
                .ci
                .as_ref()
                .map_or("[ci]", |ci| ci.github.as_str())
        );
    };
    let site_url = config.base_url.as_deref().unwrap_or(&stack.site_url);
    let releases = std::env::var("GEN_RELEASES_URL").unwrap_or_else(|_| RELEASES.to_owned());
    let releases = releases.trim_end_matches('/');
    let gen_sha256 = match &args.gen_sha256 {
        Some(hex) => checked_sha256(hex)
            .ok_or_else(|| anyhow!("--gen-sha256: {hex:?} is not a SHA-256 (64 hex digits)"))?,
        None => published_sha256(releases)?,
    };
    let text = render(&Workflow {
        region: &config.stack.region,
        deploy_role,
        plan_role,
        bucket: &stack.bucket,
        distribution_id: &stack.distribution_id,
        site_url,
        gen_sha256: &gen_sha256,
        releases,
    });

    let path = args.root.join(WORKFLOW);
    let shown = Path::new(WORKFLOW).display().to_string();
    // A workflow is a few kilobytes; a named pipe or a huge file there is not gen's.
    let read = crate::files::read_limited(&path, &shown, 1024 * 1024, |size| {
        crate::files::too_large(&shown, size, 1024 * 1024, "a workflow")
    })
    .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    match read {
        Ok(old) if old == text => {
            term::status("unchanged", &format!("{shown}: nothing to do"));
            return Ok(());
        }
        Ok(old) => {
            print!("{}", diff(&old, &text, &shown));
            if args.dry_run {
                term::note("--dry-run: nothing was written");
                return Ok(());
            }
            if !as_written(&old) && !args.force {
                bail!(
                    "{shown} was changed since gen wrote it; the difference above is what gen ci github \
                     would write: keep your changes elsewhere, or pass --force to overwrite them (nothing was written)"
                );
            }
        }
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound) =>
        {
            if args.dry_run {
                print!("{}", diff("", &text, &shown));
                term::note("--dry-run: nothing was written");
                return Ok(());
            }
        }
        Err(e) => return Err(e),
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    crate::files::write(&path, text.as_bytes())?;
    term::status("wrote", &shown);
    term::note(&format!(
        "next: commit {shown} and {}, push, and open a pull request to see its plan",
        crate::stack::LOCK_FILE
    ));
    term::note(&format!(
        "deploys run in the GitHub environment {DEPLOY_ENVIRONMENT:?}: in the repository's Settings, \
         Environments, limit it to the main branch (and add reviewers if deploys need approval)"
    ));
    Ok(())
}

/// The deployed stack's outputs (the roles' ARNs among them): only once the state is shared.
fn deployed(root: &Path, config: &Config) -> Result<stack::StackOutputs> {
    if config.stack.backend == Backend::Local {
        bail!(
            "gen.toml keeps the Terraform state in this folder, which a workflow never sees: run \
             gen state init (an S3 state bucket, set in [backend]) and gen deploy, then gen ci github \
             again (nothing was written)"
        );
    }
    if config.stack.ci.is_none() {
        bail!(
            "gen.toml has no [ci]: add\n\n  [ci]\n  github = \"owner/repo\"\n\nrun gen deploy (it creates \
             the workflow's roles), then gen ci github again (nothing was written)"
        );
    }
    stack::discover_in(root).map_err(|e| match e {
        stack::OutputsError::NoState => anyhow!(
            "no deployed stack yet: run gen deploy (it creates the workflow's roles from [ci]), \
             then gen ci github again (nothing was written)"
        ),
        other => anyhow!("reading the deployed stack's roles: {other} (nothing was written)"),
    })
}

/// The workflow's text, with its checksum line.
pub fn render(workflow: &Workflow) -> String {
    let body = [
        ("@GEN_VERSION@", env!("CARGO_PKG_VERSION")),
        ("@GEN_SHA256@", workflow.gen_sha256),
        ("@GEN_RELEASES@", workflow.releases),
        ("@AWS_REGION@", workflow.region),
        ("@TERRAFORM_VERSION@", TERRAFORM_VERSION),
        ("@CHECKOUT@", CHECKOUT),
        ("@SETUP_TERRAFORM@", SETUP_TERRAFORM),
        ("@CONFIGURE_AWS_CREDENTIALS@", CONFIGURE_AWS_CREDENTIALS),
        ("@DEPLOY_ROLE@", workflow.deploy_role),
        ("@DEPLOY_ENVIRONMENT@", DEPLOY_ENVIRONMENT),
        ("@PLAN_ROLE@", workflow.plan_role),
        ("@SITE_BUCKET@", workflow.bucket),
        ("@DISTRIBUTION_ID@", workflow.distribution_id),
        ("@SITE_URL@", workflow.site_url.trim_end_matches('/')),
    ]
    .iter()
    .fold(TEMPLATE.to_owned(), |text, (key, value)| {
        text.replace(key, value)
    });
    format!("{CHECKSUM_PREFIX}{}\n{body}", checksum(&body))
}

fn checksum(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

/// The file is exactly as gen wrote it: its first line is the checksum of the rest.
fn as_written(text: &str) -> bool {
    text.split_once('\n').is_some_and(|(first, body)| {
        first.strip_prefix(CHECKSUM_PREFIX) == Some(checksum(body).as_str())
    })
}

/// `old` → `new` as a unified diff of `name`.
fn diff(old: &str, new: &str, name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(name, &format!("{name} (gen ci github)"))
        .to_string()
}

/// `hex` in lowercase, when it is a SHA-256.
fn checked_sha256(hex: &str) -> Option<String> {
    let hex = hex.trim().to_ascii_lowercase();
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hex)
}

/// Reads the SHA-256 that gen's release publishes beside the archive (one HTTPS request,
/// announced).
fn published_sha256(releases: &str) -> Result<String> {
    let archive = archive_name();
    let url = format!(
        "{releases}/download/v{}/{archive}.sha256",
        env!("CARGO_PKG_VERSION")
    );
    term::status("reading", &url);
    let runtime = super::runtime()?;
    let text = runtime
        .block_on(crate::https::fetch_text(&url))
        .map_err(|e| {
            anyhow!(
                "reading {url}: {e:#}; pass --gen-sha256 with the SHA-256 of {archive} instead (nothing was written)"
            )
        })?;
    parse_sha256_file(&text, &archive).ok_or_else(|| {
        anyhow!(
            "{url} does not give the SHA-256 of {archive}: {:?}",
            text.trim()
        )
    })
}

/// `<hex>  <name>` (sha256sum's format, `*` before a binary-mode name).
fn parse_sha256_file(text: &str, archive: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (hex, name) = line.trim().split_once(char::is_whitespace)?;
        let name = name.trim().trim_start_matches('*');
        (name == archive).then(|| checked_sha256(hex)).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_workflow_is_known_until_edited() {
        let text = render(&Workflow {
            region: "eu-west-1",
            deploy_role: "arn:aws:iam::1:role/gen-ci/a-ci-deploy",
            plan_role: "arn:aws:iam::1:role/gen-ci/a-ci-plan",
            bucket: "a-site-1",
            distribution_id: "E1",
            site_url: "https://d1.cloudfront.net/",
            gen_sha256: &"ab".repeat(32),
            releases: RELEASES,
        });
        assert!(as_written(&text));
        assert!(!as_written(&text.replace("eu-west-1", "us-east-1")));
        assert!(!as_written("name: gen\n"));
        for placeholder in [
            "@GEN_",
            "@AWS_",
            "@DEPLOY_",
            "@PLAN_",
            "@CHECKOUT@",
            "@SITE_",
            "@DISTRIBUTION_",
        ] {
            assert!(
                !text.contains(placeholder),
                "{placeholder} left in:\n{text}"
            );
        }
    }

    #[test]
    fn sha256_files_are_read_as_sha256sum_writes_them() {
        let archive = archive_name();
        let hex = "0123456789abcdef".repeat(4);
        assert_eq!(
            parse_sha256_file(&format!("{hex}  {archive}\n"), &archive),
            Some(hex.clone())
        );
        assert_eq!(
            parse_sha256_file(&format!("{}  *{archive}\n", hex.to_uppercase()), &archive),
            Some(hex.clone())
        );
        assert_eq!(
            parse_sha256_file(&format!("{hex}  other.tar.gz\n"), &archive),
            None
        );
        assert_eq!(
            parse_sha256_file(&format!("{}  {archive}\n", &hex[1..]), &archive),
            None
        );
        assert_eq!(parse_sha256_file("<html>Not Found</html>", &archive), None);
    }
}
