//! `gen infra`: the stack's Terraform JSON (`infra::generate`, with the site's pages from
//! `input::Input::page_paths`) and the counter's Lambda zip (`counter_zip`), written into out/infra/
//! by `infra::disk`.

use anyhow::Result;

use crate::cli::InfraArgs;
use crate::infra;
use crate::input;
use crate::term;

pub fn run(args: &InfraArgs) -> Result<()> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| infra::default_dir(&args.root));
    let input = input::Input::read(&args.root)?;
    input.write_stack(&args.root, &out, args.counter_zip.as_deref())?;
    let dir = out.display();
    term::note(&format!(
        "next: terraform -chdir={dir} init && terraform -chdir={dir} apply (or run gen deploy)"
    ));
    Ok(())
}
