//! `gen infra`: the stack's Terraform JSON (`infra::generate`, with the site's pages from
//! `build::Input::page_paths`) and the counter's Lambda zip (`counter_zip`), written into out/infra/
//! by `infra::disk`.

use std::path::Path;

use anyhow::{Result, bail};

use crate::build;
use crate::cli::InfraArgs;
use crate::config::{Backend, CounterMode};
use crate::counter_zip;
use crate::infra::{self, COUNTER_ZIP, StackOptions};
use crate::term;

pub fn run(args: &InfraArgs) -> Result<()> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| infra::default_dir(&args.root));
    let input = build::Input::read(&args.root)?;
    write_stack(&args.root, &input, &out, args.counter_zip.as_deref())?;
    let dir = out.display();
    term::note(&format!(
        "next: terraform -chdir={dir} init && terraform -chdir={dir} apply (or run gen deploy)"
    ));
    Ok(())
}

/// Writes the stack of the site at `root` into `out`: its counter counts the pages of `input`,
/// and its zip comes from `counter_zip` or wherever `counter_zip::locate` finds one.
pub fn write_stack(
    root: &Path,
    input: &build::Input,
    out: &Path,
    counter_zip: Option<&Path>,
) -> Result<()> {
    let config = &input.config;
    if let (Some(ci), Backend::Local) = (&config.stack.ci, &config.stack.backend) {
        bail!(
            "gen.toml: [ci] github = {:?} needs the Terraform state in S3, where a workflow can \
             read it (this folder's terraform.tfstate never reaches GitHub): run gen state init, \
             then this again (nothing was written)",
            ci.github
        );
    }
    let pages = match config.stack.counter.mode {
        CounterMode::Off => Vec::new(),
        _ => input.page_paths()?,
    };
    let options = StackOptions {
        local_state_path: infra::disk::state_path(root, out)?,
        pages,
    };
    let files = infra::generate(&config.stack, &options);
    let counter_zip = match config.stack.counter.mode {
        CounterMode::Off => None,
        _ => {
            let origin = counter_zip::locate(root, counter_zip)?;
            Some(counter_zip::obtain(&origin)?)
        }
    };
    infra::disk::write(out, &files, counter_zip.as_deref())?;
    term::status(
        "wrote",
        &format!(
            "{}: {}",
            out.display(),
            files
                .iter()
                .map(|f| f.name)
                .chain(counter_zip.as_ref().map(|_| COUNTER_ZIP))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    Ok(())
}
