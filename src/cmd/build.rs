//! `gen build`: render the site and write it to out/site/.

use std::time::Instant;

use anyhow::Result;

use crate::cli::BuildArgs;
use crate::input;
use crate::output;
use crate::stack;
use crate::term;

pub fn run(args: &BuildArgs) -> Result<()> {
    let started = Instant::now();
    // A preview has no counter: the stack is not asked for one.
    let stack = (args.counter_url.is_none() && args.preview.is_none())
        .then(|| stack::discover_in(&args.root));
    let (counter_url, counter_note) =
        input::counter_url(args.counter_url.as_deref(), stack.as_ref())?;
    let out = args.out.clone().unwrap_or_else(|| match args.preview {
        Some(number) => output::preview_dir(&args.root, number),
        None => output::default_dir(&args.root),
    });
    let input = input::Input::read(&args.root)?;
    let built = match args.preview {
        Some(number) => input.preview(number, args.strict)?,
        None => input.published(counter_url, args.strict)?,
    };
    let written = output::write_site(&built.site, &out)?;
    output::report(&built.site, &out, written, started);
    if let Some(readability) = &built.readability {
        term::status("read", &readability.to_string());
    }
    if let Some(note) = counter_note.filter(|_| args.preview.is_none()) {
        term::note(&note);
    }
    Ok(())
}
