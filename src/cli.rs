//! The command line: `gen <command>`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Turn a resume written in YAML into a fast, secure personal website.
#[derive(Debug, Parser)]
#[command(
    name = "gen",
    version,
    long_version = crate::counter_zip::LONG_VERSION,
    after_help = "Examples:\n  gen init my-site        create a new site in my-site/\n  gen build               render content/resume.yaml into out/site/\n  gen build --root my-site --counter-url https://api.example.com/visits"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Build(BuildArgs),
    Serve(ServeArgs),
    Init(InitArgs),
    Themes(ThemesArgs),
    Theme(ThemeArgs),
    Import(ImportArgs),
    New(NewArgs),
    Infra(InfraArgs),
    Publish(PublishArgs),
    Deploy(DeployArgs),
    Check(CheckArgs),
    State(StateArgs),
    Ci(CiArgs),
}

/// Render content/resume.yaml with templates/ into out/site/
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  gen build\n  gen build --root my-site --out /tmp/site\n  gen build --preview 7       pull request 7's preview, as served from /_preview/pr-7/\n  GEN_COUNTER_URL=https://api.example.com/visits gen build"
)]
pub struct BuildArgs {
    /// The site's folder (holds gen.toml, content/, templates/)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site [default: ROOT/out/site, ROOT/out/_preview/pr-N with --preview]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The visitor counter API the page calls (https, or http on 127.0.0.1 for testing)
    #[arg(long, value_name = "URL", env = "GEN_COUNTER_URL")]
    pub counter_url: Option<String>,
    /// Fail on any warning about the resume, as errors at the same places, writing nothing
    /// (for CI; `strict = true` in gen.toml does the same)
    #[arg(long)]
    pub strict: bool,
    /// Build pull request N's preview: the site as served from /_preview/pr-N/, every page
    /// marked as a preview and kept from search engines, without the visitor counter
    #[arg(long, value_name = "N", conflicts_with = "counter_url")]
    pub preview: Option<u32>,
}

/// Preview the site on this machine: rebuilt in memory on every save, live in the browser
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  gen serve                      http://127.0.0.1:8000/ (or the next free port)\n  gen serve --open --port 3000\n  gen serve --bind 0.0.0.0       let other devices on your network see it"
)]
pub struct ServeArgs {
    /// The site's folder (holds gen.toml, content/, templates/)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// The port to listen on; 0 takes any free port [default: 8000, or the next free one]
    #[arg(long, short, value_name = "N")]
    pub port: Option<u16>,
    /// The address to listen on; anything but loopback makes the preview visible to your
    /// network [default: 127.0.0.1]
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<std::net::IpAddr>,
    /// Also answer requests for this host name (the preview answers loopback names and IP
    /// addresses only, so no other site can reach it through DNS rebinding); repeatable
    #[arg(long, value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// Open the page in the default browser
    #[arg(long)]
    pub open: bool,
}

/// Write Terraform JSON for the whole AWS stack into out/infra/, with the counter's Lambda zip
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  gen infra\n  gen infra --counter-zip target/lambda/counter/bootstrap.zip\n  terraform -chdir=out/infra init && terraform -chdir=out/infra apply"
)]
pub struct InfraArgs {
    /// The site's folder (holds gen.toml)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Where to write the Terraform files [default: ROOT/out/infra]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Deploy this counter zip (a bootstrap.zip from `cargo lambda build`) instead of the one
    /// gen carries
    #[arg(long, value_name = "PATH")]
    pub counter_zip: Option<PathBuf>,
}

/// Render the site and upload it to S3 (changed files only), invalidating what changed in
/// CloudFront
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  gen publish --dry-run --bucket resume-site-2026\n  gen publish --bucket resume-site-2026 --distribution-id E2QWRUHAPOMQZL\n  gen publish --bucket my-bucket --prefix resume --max-deletes 10 --yes\n  gen publish --preview 7             pull request 7's preview, at /_preview/pr-7/\n  gen publish --preview 7 --remove    delete it"
)]
pub struct PublishArgs {
    /// The site's folder
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// The visitor counter API the page calls [default: the stack's counter_url output]
    #[arg(long, value_name = "URL", env = "GEN_COUNTER_URL")]
    pub counter_url: Option<String>,
    /// Fail on any warning about the resume, as errors at the same places, writing nothing
    /// (for CI; `strict = true` in gen.toml does the same)
    #[arg(long)]
    pub strict: bool,
    /// The S3 bucket (the stack's `bucket` output)
    #[arg(long, value_name = "NAME")]
    pub bucket: Option<String>,
    /// Publish under this key prefix; nothing outside it is touched
    #[arg(long, value_name = "PREFIX", default_value = "")]
    pub prefix: String,
    /// The CloudFront distribution to invalidate (the stack's `distribution_id` output)
    #[arg(long, value_name = "ID")]
    pub distribution_id: Option<String>,
    /// Print what would be uploaded and deleted, and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse to publish if more files than this would be deleted
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_DELETES)]
    pub max_deletes: usize,
    /// Upload every file, changed or not, and publish to a bucket without gen's tag
    #[arg(long)]
    pub force: bool,
    /// Delete files without asking (in a terminal gen asks; without one it refuses)
    #[arg(long)]
    pub yes: bool,
    /// Wait until CloudFront has applied the invalidation
    #[arg(long)]
    pub wait: bool,
    /// Publish pull request N's preview under _preview/pr-N/ (see gen build --preview);
    /// nothing outside that folder is touched
    #[arg(long, value_name = "N", conflicts_with_all = ["prefix", "counter_url"])]
    pub preview: Option<u32>,
    /// With --preview: delete the preview's files, and nothing else
    #[arg(long, requires = "preview")]
    pub remove: bool,
}

/// Stand up or update the AWS stack, then build and publish the site: all in one go
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  gen deploy                 shows terraform's plan and asks before applying\n  gen deploy --plan-only     only show what would change\n  gen deploy --auto-approve  apply without asking (CI)"
)]
pub struct DeployArgs {
    /// The site's folder
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Apply terraform's plan without asking
    #[arg(long)]
    pub auto_approve: bool,
    /// Fail on any warning about the resume, as errors at the same places, writing nothing
    /// (for CI; `strict = true` in gen.toml does the same)
    #[arg(long)]
    pub strict: bool,
    /// Stop after showing terraform's plan
    #[arg(long, conflicts_with = "auto_approve")]
    pub plan_only: bool,
    /// Deploy this counter zip (a bootstrap.zip from `cargo lambda build`) instead of the one
    /// gen carries
    #[arg(long, value_name = "PATH")]
    pub counter_zip: Option<PathBuf>,
    /// Refuse to publish if more files than this would be deleted
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_DELETES)]
    pub max_deletes: usize,
}

/// Smoke-test the live site: this build's page over HTTPS, the redirect from HTTP, security
/// headers, the 404 page and the visitor counter; one PASS or FAIL line each
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  gen check                          the deployed stack's site_url\n  gen check https://ada.example/\n  gen check --no-count               read the counter without adding a visit\n\nExits 1 when any check fails."
)]
pub struct CheckArgs {
    /// The site's https:// address [default: the stack's site_url output]
    #[arg(value_name = "URL")]
    pub url: Option<String>,
    /// The site's folder: the build its sources make (rendered in memory, nothing written) is
    /// what the live site should be
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// The visitor counter API the published page calls [default: the stack's counter_url output]
    #[arg(long, value_name = "URL", env = "GEN_COUNTER_URL")]
    pub counter_url: Option<String>,
    /// Read the visitor count without adding a visit
    #[arg(long)]
    pub no_count: bool,
}

/// The Terraform state: where the stack's record is kept
#[derive(Debug, Args)]
pub struct StateArgs {
    #[command(subcommand)]
    pub command: StateCommand,
}

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    Init(StateInitArgs),
}

/// Create an S3 bucket for the state (versioned, encrypted, private, TLS only) and point
/// gen.toml's [backend] at it; safe to run again
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  gen state init                      bucket <project>-tfstate-<account id>\n  gen state init --bucket my-state    another name"
)]
pub struct StateInitArgs {
    /// The site's folder (holds gen.toml)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// The bucket's name [default: <project>-tfstate-<AWS account id>]
    #[arg(long, value_name = "NAME")]
    pub bucket: Option<String>,
}

/// Continuous deployment: the workflow that builds, plans and deploys the site from its
/// repository
#[derive(Debug, Args)]
pub struct CiArgs {
    #[command(subcommand)]
    pub command: CiCommand,
}

#[derive(Debug, Subcommand)]
pub enum CiCommand {
    Github(CiGithubArgs),
}

/// Write .github/workflows/gen.yml: on pull requests gen build --strict and a plan posted as
/// one comment; on pushes to main gen deploy, then gen check. Signs in with the stack's OIDC
/// roles ([ci] in gen.toml), never with stored keys
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  gen ci github                        reads the archive's SHA-256 from gen's release\n  gen ci github --gen-sha256 HEX       no network: the SHA-256 of gen-<version>-x86_64-unknown-linux-gnu.tar.gz\n  gen ci github --force                overwrite a workflow changed by hand\n\nNeeds [ci] github = \"owner/repo\" and [backend] type = \"s3\" in gen.toml (gen state init), and a\ngen deploy since, which creates the roles the workflow uses."
)]
pub struct CiGithubArgs {
    /// The site's folder (holds gen.toml; the workflow goes in its .github/workflows/)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Overwrite the workflow even if it was changed since gen wrote it
    #[arg(long)]
    pub force: bool,
    /// Show what would change, and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// The SHA-256 of this version's Linux x86_64 release archive, which the workflow installs
    /// [default: read from the release's .sha256 file]
    #[arg(long, value_name = "HEX")]
    pub gen_sha256: Option<String>,
}

/// The most files one publish deletes unless told otherwise: a site's old assets, not a
/// bucket's worth of someone else's files.
pub const DEFAULT_MAX_DELETES: usize = 32;

/// Create a new site: gen.toml and content/resume.yaml (the theme stays in gen)
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  gen init                       in the current folder\n  gen init my-site               in my-site/ (created if needed)\n  gen init my-site --theme sidebar"
)]
pub struct InitArgs {
    /// The folder to create the site in
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// The built-in theme gen.toml names (`gen themes` lists them)
    #[arg(long, value_name = "NAME", default_value = crate::themes::DEFAULT,
          value_parser = clap::builder::PossibleValuesParser::new(crate::themes::THEMES.iter().map(|t| t.name)))]
    pub theme: String,
}

/// List the built-in themes, with a line on each one's look
#[derive(Debug, Args)]
pub struct ThemesArgs {}

/// Work with the site's theme: `gen theme eject` copies its files into templates/ to edit
#[derive(Debug, Args)]
pub struct ThemeArgs {
    #[command(subcommand)]
    pub command: ThemeCommand,
}

#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    Eject(EjectArgs),
}

/// Copy files of the site's theme (gen.toml's `theme`) into templates/, to edit them there;
/// a file templates/ already has is kept
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  gen theme eject style.css              restyle the page\n  gen theme eject index.html resume.typ  the page's HTML and the PDF's template\n  gen theme eject --all                  every file of the theme"
)]
pub struct EjectArgs {
    /// Files of the theme, by name in templates/ (`index.html`, `style.css`, `resume.typ`, …)
    #[arg(
        value_name = "FILE",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub files: Vec<String>,
    /// Every file of the theme
    #[arg(long)]
    pub all: bool,
    /// The site's folder (holds gen.toml)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
}

/// Turn an existing resume.json (JSON Resume, any version) into content/resume.yaml, in a new
/// or existing site
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  gen import ~/Downloads/resume.json            in the current folder (a new site if it is empty)\n  gen import resume.json --root my-site\n  gen import resume.json --force                replace content/resume.yaml"
)]
pub struct ImportArgs {
    /// The resume to import (JSON, or YAML)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The site's folder; the default settings are added when it has none
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Replace an existing content/resume.yaml (or content/resume.<TAG>.yaml)
    #[arg(long)]
    pub force: bool,
    /// Import FILE as the resume in language TAG (`de`): only the fields that differ from
    /// content/resume.yaml are written, to content/resume.<TAG>.yaml
    #[arg(long, value_name = "TAG")]
    pub language: Option<String>,
}

/// Start a new post: content/posts/<slug>.md with today's date, as a draft
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  gen new post \"Why I chose CloudFront OAC\"\n  gen new post \"Week one\" --root my-site"
)]
pub struct NewArgs {
    /// What to create
    #[arg(value_enum)]
    pub kind: NewKind,
    /// The post's title
    #[arg(value_name = "TITLE")]
    pub title: String,
    /// The site's folder
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum NewKind {
    Post,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
