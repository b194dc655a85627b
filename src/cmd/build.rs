//! `gen build`: render the site and write it to out/site/.

use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::cli::BuildArgs;
use crate::infra::outputs::{self, OutputsError, StackOutputs};
use crate::output;
use crate::render::{self, RenderOptions};
use crate::sources::Sources;
use crate::term;

pub fn run(args: &BuildArgs) -> Result<()> {
    let stack = args
        .counter_url
        .is_none()
        .then(|| outputs::discover_in(&args.root));
    run_with(args, stack.as_ref())
}

/// `gen build` with the stack's outputs already read (`gen deploy` has them); they are only
/// used when no counter URL is given.
pub fn run_with(
    args: &BuildArgs,
    stack: Option<&Result<StackOutputs, OutputsError>>,
) -> Result<()> {
    let started = Instant::now();
    let (counter_url, counter_note) = counter(args, stack)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.root.join("out").join("site"));
    let built = Sources::read(&args.root)
        .and_then(|sources| {
            render::render(
                &sources,
                &RenderOptions {
                    counter_url,
                    live_reload: false,
                },
            )
        })
        .and_then(|rendered| {
            for warning in &rendered.warnings {
                term::warning(warning);
            }
            output::write_site(&rendered.site, &out)?;
            Ok(rendered.site)
        });
    let site = built.inspect_err(|e| output::record_failure(&out, &first_line(e)))?;
    output::clear_failure(&out);
    let bytes: usize = site.files.iter().map(|f| f.bytes.len()).sum();
    term::status(
        "built",
        &format!(
            "{}: {} files, {:.1} KiB in {} ms",
            out.display(),
            site.files.len(),
            bytes as f64 / 1024.0,
            started.elapsed().as_millis()
        ),
    );
    if let Some(note) = counter_note {
        term::note(&note);
    }
    Ok(())
}

const NO_COUNTER: &str = "no visitor counter: deploy the stack (gen deploy), or pass --counter-url or set GEN_COUNTER_URL";

/// The counter URL the page calls, and what to tell the user about it.
fn counter(
    args: &BuildArgs,
    stack: Option<&Result<StackOutputs, OutputsError>>,
) -> Result<(Option<String>, Option<String>)> {
    let stack_url = match (&args.counter_url, stack) {
        (Some(url), _) if url.trim().is_empty() => return Ok((None, Some(NO_COUNTER.into()))),
        (Some(url), _) => return Ok((Some(check_counter_url(url.trim())?), None)),
        (None, Some(Ok(stack))) => stack.counter_url.as_deref(),
        (None, None | Some(Err(OutputsError::NoState))) => {
            return Ok((None, Some(NO_COUNTER.into())));
        }
        (None, Some(Err(e))) => return Ok((None, Some(format!("no visitor counter: {e}")))),
    };
    Ok(match stack_url {
        Some(url) => (
            Some(check_counter_url(url).context("the stack's counter_url output")?),
            Some("counter URL from the stack's outputs".to_owned()),
        ),
        None => (
            None,
            Some("no visitor counter: the stack has none ([counter] mode = \"off\")".to_owned()),
        ),
    })
}

fn first_line(error: &anyhow::Error) -> String {
    error
        .to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The counter API must be https, or plain http on this machine for local testing.
pub fn check_counter_url(url: &str) -> Result<String> {
    let lower = url.to_ascii_lowercase();
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| {
            lower
                .strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
        });
    if !crate::links::is_web_url(url) || !(lower.starts_with("https://") || loopback) {
        bail!(
            "counter URL {url:?} must be an https:// address (or http://127.0.0.1:PORT for local testing)"
        );
    }
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_urls() {
        assert!(
            check_counter_url("https://abc.execute-api.eu-west-1.amazonaws.com/visits").is_ok()
        );
        assert!(check_counter_url("http://127.0.0.1:9000/visits").is_ok());
        assert!(check_counter_url("http://example.com/visits").is_err());
        assert!(check_counter_url("http://127.0.0.1.evil.example/visits").is_err());
        assert!(check_counter_url("javascript:alert(1)").is_err());
    }
}
