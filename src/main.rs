//! The `gen` binary: parse the command line, run, report.

use std::process::ExitCode;

use clap::Parser;
use resume_gen::{cli::Cli, cmd, term};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            term::error(&err);
            ExitCode::FAILURE
        }
    }
}

/// See Cargo.toml for why.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
