//! The `gen` binary: parse the command line, run, report.

use std::process::ExitCode;

use clap::Parser;
use resume_gen::{cli::Cli, cmd, term};

fn main() -> ExitCode {
    #[cfg(feature = "pdf")]
    {
        use resume_gen::pdf::worker;
        if std::env::args_os()
            .nth(1)
            .is_some_and(|a| a == worker::ARGUMENT)
        {
            return worker::serve_one();
        }
        // resume.pdf is typeset in a child of this gen, with a memory and a time budget.
        if let Ok(exe) = std::env::current_exe() {
            worker::use_worker(exe);
        }
    }
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
