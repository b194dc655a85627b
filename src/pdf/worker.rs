//! Typesetting in a child process with a budget. A template is a program: a recursion that
//! doubles at each step ran for minutes and took gigabytes, `range(300000000)` aborted gen.
//! So `gen` typesets in a child of itself, limited to [`MEMORY_BUDGET`] of address space and
//! stopped after [`TIME_BUDGET`]; either is a located error, and the parent (a preview
//! among them) goes on. The job goes to the child's stdin and the result comes back on its
//! stdout, in postcard. A PDF made is kept in gen's cache folder by the SHA-256 of its job
//! ([`crate::disk_cache`]), so a build whose resume, template and fonts did not change starts
//! no child.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Date, Job, Typeset, template_name};
use crate::diagnostic::Diagnostic;
use crate::disk_cache::{self, Kind};

/// The longest a PDF may take: the official sample takes 30 ms, 28 jobs on two pages 60 ms.
pub const TIME_BUDGET: Duration = Duration::from_secs(20);

/// The most address space the typesetting process may take: the sample needs about 150 MiB.
pub const MEMORY_BUDGET: u64 = 2 << 30;

/// PDFs kept between builds in gen's cache folder, by the SHA-256 of their job.
const PDFS: Kind = Kind {
    folder: "pdf",
    max_bytes: 256 * 1024 * 1024,
};

/// The argument that makes `gen` the typesetting child. Not a command users see.
pub const ARGUMENT: &str = "__typeset";

/// The binary that typesets, when this process has one: set by `gen`'s `main`. Libraries,
/// tests and benchmarks that leave it unset typeset in process, without a budget.
static WORKER: OnceLock<PathBuf> = OnceLock::new();

/// Typesets in children of `exe` (this `gen`) from now on. On Linux the running binary itself
/// (`/proc/self/exe`), which stays the same program when an install replaces the file while
/// `gen serve` runs.
pub fn use_worker(exe: PathBuf) {
    let own = PathBuf::from("/proc/self/exe");
    let _ = WORKER.set(if cfg!(target_os = "linux") && own.exists() {
        own
    } else {
        exe
    });
}

/// A [`Job`], owned, as it crosses the pipe.
#[derive(Serialize, Deserialize)]
struct OwnedJob {
    theme: std::collections::BTreeMap<String, Vec<u8>>,
    data: Vec<u8>,
    fonts: Vec<(String, Vec<u8>)>,
    date: Option<Date>,
    archival: bool,
}

type Outcome = Result<Typeset, Vec<Diagnostic>>;

/// Typesets `job` in a child process when this process has a worker binary, else here.
pub fn typeset(job: &Job<'_>) -> Outcome {
    match WORKER.get() {
        Some(exe) => in_child(exe, job),
        None => super::typeset_here(job),
    }
}

fn in_child(exe: &PathBuf, job: &Job<'_>) -> Outcome {
    let failed = |message: String| vec![Diagnostic::file(&template_name(), message)];
    let owned = OwnedJob {
        theme: job.theme.clone(),
        data: job.data.clone(),
        fonts: job.fonts.to_vec(),
        date: job.date,
        archival: job.archival,
    };
    let input = postcard::to_allocvec(&owned)
        .map_err(|e| failed(format!("preparing the typesetting job failed ({e})")))?;
    // The same job always typesets the same: a PDF made from it before is taken from gen's
    // cache folder. Only PDFs are kept, never a failure (a budget may fail on a busy machine).
    let key = disk_cache::key([&input[..]]);
    let kept = PDFS
        .load(&key)
        .and_then(|bytes| postcard::from_bytes::<Outcome>(&bytes).ok());
    if let Some(Ok(typeset)) = kept {
        return Ok(typeset);
    }
    let mut child = Command::new(exe)
        .arg(ARGUMENT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(format!("starting the typesetting process failed ({e})")))?;
    let (Some(mut stdin), Some(mut stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(failed("the typesetting process has no pipes".into()));
    };
    // Written and read on threads of their own: a child that stops reading or writing cannot
    // hold the parent, which waits on the clock alone.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    // stderr drained apart from stdout, so a child that writes much of it is never stuck.
    let messages = std::thread::spawn(move || {
        let mut messages = Vec::new();
        let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut messages);
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        messages
    });
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut output = Vec::new();
        let read = stdout.read_to_end(&mut output);
        let _ = done.send(read.map(|_| output));
    });
    let received = finished.recv_timeout(TIME_BUDGET);
    if received.is_err() {
        let _ = child.kill();
        let _ = child.wait();
        return Err(failed(format!(
            "typesetting resume.pdf took more than {} s, gen's limit: look for a loop or a \
             recursion in the template that does not end",
            TIME_BUDGET.as_secs()
        )));
    }
    let status = child.wait();
    let _ = writer.join();
    let messages = messages.join().unwrap_or_default();
    let Ok(Ok(output)) = received else {
        return Err(failed(
            "reading the typesetting process's answer failed".into(),
        ));
    };
    match postcard::from_bytes::<Outcome>(&output) {
        Ok(outcome) if status.as_ref().is_ok_and(|s| s.success()) => {
            if outcome.is_ok() {
                PDFS.store(&key, &output);
            }
            outcome
        }
        _ => {
            let messages = String::from_utf8_lossy(&messages);
            let out_of_memory = messages.contains("memory allocation")
                || messages.contains("out of memory")
                || messages.contains("capacity overflow");
            Err(failed(if out_of_memory {
                format!(
                    "typesetting resume.pdf needed more than {} MiB, gen's limit: look for a \
                     loop, a recursion or a range in the template that grows without end",
                    MEMORY_BUDGET >> 20
                )
            } else {
                format!(
                    "the typesetting process stopped ({}): {}",
                    status.map_or_else(|e| e.to_string(), |s| s.to_string()),
                    messages.trim()
                )
            }))
        }
    }
}

/// The child: reads a job on stdin, typesets it within [`MEMORY_BUDGET`], answers on stdout.
pub fn serve_one() -> ExitCode {
    if let Err(e) = limit_memory() {
        eprintln!("setting the typesetting memory limit failed: {e}");
        return ExitCode::FAILURE;
    }
    let mut input = Vec::new();
    if std::io::stdin().read_to_end(&mut input).is_err() {
        return ExitCode::FAILURE;
    }
    let Ok(job) = postcard::from_bytes::<OwnedJob>(&input) else {
        eprintln!("the typesetting job could not be read");
        return ExitCode::FAILURE;
    };
    let outcome: Outcome = super::typeset_here(&Job {
        theme: &job.theme,
        data: job.data,
        fonts: &job.fonts,
        date: job.date,
        archival: job.archival,
    });
    match postcard::to_allocvec(&outcome) {
        Ok(bytes) if std::io::stdout().write_all(&bytes).is_ok() => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}

/// Limits this process's address space to [`MEMORY_BUDGET`]: past it, an allocation fails and
/// the process ends, which the parent reports.
#[cfg(unix)]
fn limit_memory() -> std::io::Result<()> {
    use rustix::process::{Resource, Rlimit, setrlimit};
    let limit = Rlimit {
        current: Some(MEMORY_BUDGET),
        maximum: Some(MEMORY_BUDGET),
    };
    setrlimit(Resource::As, limit).map_err(std::io::Error::from)
}

/// Windows has no address-space limit a process can set on itself: the time budget holds.
#[cfg(not(unix))]
fn limit_memory() -> std::io::Result<()> {
    Ok(())
}
