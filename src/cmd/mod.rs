//! One module per subcommand.

pub mod build;
pub mod check;
pub mod ci;
pub mod deploy;
pub mod import;
pub mod infra;
pub mod init;
pub mod new;
pub mod publish;
pub mod serve;
pub mod state;
pub mod themes;

use crate::cli::{Cli, Command};

/// The one async runtime of a command (the AWS SDK and the preview server need one).
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    use anyhow::Context;
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Build(args) => build::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Themes(_) => themes::run(),
        Command::Theme(args) => themes::theme(&args),
        Command::Import(args) => import::run(&args),
        Command::New(args) => new::run(&args),
        Command::Infra(args) => infra::run(&args),
        Command::Publish(args) => publish::run(&args),
        Command::Deploy(args) => deploy::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Check(args) => check::run(&args),
        Command::State(args) => state::run(&args),
        Command::Ci(args) => ci::run(&args),
    }
}
