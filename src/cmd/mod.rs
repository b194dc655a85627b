//! One module per subcommand.

pub mod build;
pub mod deploy;
pub mod infra;
pub mod init;
pub mod publish;
pub mod serve;

use crate::cli::{Cli, Command};

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Build(args) => build::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Infra(args) => infra::run(&args),
        Command::Publish(args) => publish::run(&args),
        Command::Deploy(args) => deploy::run(&args),
        Command::Serve(args) => serve::run(&args),
    }
}
