//! `gen build`: render the site and write it to out/site/.

use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::cli::BuildArgs;
use crate::cmd::infra::STATE_FILE;
use crate::infra::outputs::{self, OutputsError};
use crate::output;
use crate::render::{self, RenderOptions};
use crate::sources::Sources;
use crate::term;

pub fn run(args: &BuildArgs) -> Result<()> {
    let started = Instant::now();
    let (counter_url, counter_note) = match &args.counter_url {
        Some(url) if url.trim().is_empty() => (None, None),
        Some(url) => (Some(check_counter_url(url.trim())?), None),
        None => match outputs::discover(
            &args.root.join("out").join("infra"),
            &args.root.join(STATE_FILE),
        ) {
            Ok(stack) => match stack.counter_url {
                Some(url) => {
                    let url = check_counter_url(&url).context("the stack's counter_url output")?;
                    (
                        Some(url),
                        Some("counter URL from the stack's outputs".to_owned()),
                    )
                }
                None => (
                    None,
                    Some(
                        "no visitor counter: the stack has none ([counter] mode = \"off\")"
                            .to_owned(),
                    ),
                ),
            },
            Err(OutputsError::NoState) => (None, None),
            Err(e) => (None, Some(format!("no visitor counter: {e}"))),
        },
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.root.join("out").join("site"));
    let rendered = Sources::read(&args.root).and_then(|sources| {
        render::render(
            &sources,
            &RenderOptions {
                counter_url: counter_url.clone(),
                live_reload: false,
            },
        )
    });
    let rendered = match rendered {
        Ok(rendered) => rendered,
        Err(e) => {
            output::record_failure(&out, &first_line(&e));
            return Err(e);
        }
    };
    for warning in &rendered.warnings {
        term::warning(warning);
    }
    if let Err(e) = output::write_site(&rendered.site, &out) {
        output::record_failure(&out, &first_line(&e));
        return Err(e);
    }
    output::clear_failure(&out);
    let bytes: usize = rendered.site.files.iter().map(|f| f.bytes.len()).sum();
    term::status(
        "built",
        &format!(
            "{}: {} files, {:.1} KiB in {} ms",
            out.display(),
            rendered.site.files.len(),
            bytes as f64 / 1024.0,
            started.elapsed().as_millis()
        ),
    );
    match (&counter_url, counter_note) {
        (_, Some(note)) => term::note(&note),
        (None, None) => term::note(
            "no visitor counter: deploy the stack (gen deploy), or pass --counter-url or set GEN_COUNTER_URL",
        ),
        (Some(_), None) => {}
    }
    Ok(())
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
