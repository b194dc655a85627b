//! `gen serve`: the site built in memory, rebuilt on every change and served from memory with
//! live reload, an error overlay and the local visitor counter.
//!
//! Three parts: [`Preview`] builds and keeps the latest [`Snapshot`]; `watch` turns file
//! events into rebuilds; `http` answers the browser from whatever snapshot is current.

mod guard;
mod http;
mod socket;
mod watch;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::Result;
use serde::Serialize;
use tokio::sync::watch as channel;

use crate::config::CounterMode;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Diagnostics;
use crate::input::{Input, RenderOptions};
use crate::render::Rendered;
use crate::site::{Site, SiteFile};
use crate::sources::KnownPosts;
use crate::term;

pub use http::{Server, ServerSettings, browser_url};
pub use watch::watch;

/// Where the preview's counter keeps its counts, under the site's root.
pub const COUNTER_FILE: &str = "out/visits.json";

/// What the server answers with at one moment.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Names the build being served: this server's start time and a sequence number, so a
    /// page loaded from an earlier run of `gen serve` is seen as stale too.
    pub build: String,
    /// The last site that built; empty when none has yet.
    pub site: Arc<Site>,
    /// Why the last rebuild failed; empty when it succeeded.
    pub problems: Vec<Problem>,
    /// The files whose content this build changed under the same name: a page that shows
    /// one of them (an image, say) must reload to show the new content.
    pub replaced: Vec<String>,
}

/// One build error as the page's overlay shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `content/resume.yaml:3:7`, when the error has a place.
    pub location: Option<String>,
    pub message: String,
    /// The source line with a caret under the column.
    pub snippet: String,
}

/// The preview's builder: renders the site at `root` and publishes each result as a
/// [`Snapshot`] that the server's handlers read.
pub struct Preview {
    root: PathBuf,
    run: String,
    sequence: u64,
    state: channel::Sender<Arc<Snapshot>>,
    /// Posts, post pages and the photo's thumbnails kept between rebuilds, so one edit does
    /// not redo every post.
    cache: Arc<crate::render::RenderCache>,
    /// Posts kept between rebuilds, so one edit does not read every post again.
    known: KnownPosts,
    /// The current site links a resume.pdf not typeset yet: [`Preview::attempt_pdf`] makes it.
    pdf_pending: bool,
}

impl Preview {
    pub fn new(root: &Path) -> Preview {
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let run = format!("{started:x}");
        let (state, _) = channel::channel(Arc::new(Snapshot {
            build: format!("{run}-0"),
            site: Arc::new(Site::default()),
            problems: Vec::new(),
            replaced: Vec::new(),
        }));
        Preview {
            root: root.to_path_buf(),
            run,
            sequence: 0,
            state,
            cache: Arc::default(),
            known: KnownPosts::default(),
            pdf_pending: false,
        }
    }

    /// The current snapshot, and every later one.
    pub fn subscribe(&self) -> channel::Receiver<Arc<Snapshot>> {
        self.state.subscribe()
    }

    /// Notes a changed input, by its path relative to the site's root.
    pub fn changed(&mut self, relative: &Path) {
        self.known.changed(relative);
    }

    /// Builds the site once more, without showing the result yet. After the first build the
    /// pages come first: resume.pdf, unless unchanged, is left for [`Preview::attempt_pdf`].
    pub fn attempt(&mut self) -> Attempt {
        let started = Instant::now();
        let pdf_later = self.sequence > 0;
        Attempt {
            result: build(&self.root, &self.cache, &mut self.known, pdf_later),
            started,
        }
    }

    /// Whether the site shown links a resume.pdf still to be typeset.
    pub fn pdf_pending(&self) -> bool {
        self.pdf_pending
    }

    /// Builds the site once more with resume.pdf typeset: the pages, kept from the build
    /// before, come from the cache.
    pub fn attempt_pdf(&mut self) -> Attempt {
        let started = Instant::now();
        Attempt {
            result: build(&self.root, &self.cache, &mut self.known, false),
            started,
        }
    }

    /// Makes a build's result current: a new site for the pages, or, when it failed, the
    /// last good site with the reasons. `changed` names the files that prompted it.
    pub fn apply(&mut self, attempt: Attempt, changed: &[String]) {
        let Attempt { result, started } = attempt;
        let current = self.state.borrow().clone();
        let because = match changed {
            [] => String::new(),
            [one] => format!(" ({one})"),
            [first, rest @ ..] => format!(" ({first} and {} more)", rest.len()),
        };
        self.pdf_pending = false;
        match result {
            Ok(mut rendered) => {
                if rendered.pdf_pending {
                    // Until the new one is typeset, the link leads to the last one.
                    self.pdf_pending = true;
                    for path in [crate::render::PDF_FILE, crate::render::TEXT_FILE] {
                        if let Some(old) = current.site.get(path) {
                            rendered.site.files.push(old.clone());
                        }
                    }
                    rendered.site.sort();
                }
                for warning in crate::resume::shown(&rendered.warnings) {
                    term::warning(&warning);
                }
                let (files, replaced) = changes(&current.site, &rendered.site);
                // The whole rebuild: reading, rendering and comparing.
                let took = started.elapsed().as_millis();
                let same =
                    files.is_empty() && current.site.files.len() == rendered.site.files.len();
                if same && self.sequence > 0 {
                    if !current.problems.is_empty() {
                        term::status("fixed", &format!("in {took} ms{because}"));
                        self.publish(Snapshot {
                            problems: Vec::new(),
                            ..(*current).clone()
                        });
                    } else {
                        term::status("unchanged", &format!("in {took} ms{because}"));
                    }
                    return;
                }
                let verb = if self.sequence == 0 {
                    "built"
                } else {
                    "rebuilt"
                };
                term::status(
                    verb,
                    &format!(
                        "{} files in {took} ms{because}{}",
                        rendered.site.files.len(),
                        describe(&files)
                    ),
                );
                self.sequence += 1;
                self.publish(Snapshot {
                    build: format!("{}-{}", self.run, self.sequence),
                    site: Arc::new(rendered.site),
                    problems: Vec::new(),
                    replaced,
                });
            }
            Err(e) => {
                term::error(&e);
                let problems = problems(&e);
                if problems != current.problems {
                    term::note(match self.sequence {
                        0 => "the page shows this error until the site builds",
                        _ => "still serving the last good build; the page shows this error",
                    });
                    self.publish(Snapshot {
                        problems,
                        ..(*current).clone()
                    });
                }
            }
        }
    }

    fn publish(&self, snapshot: Snapshot) {
        self.state.send_replace(Arc::new(snapshot));
    }
}

/// One build of the preview, not yet shown.
pub struct Attempt {
    result: Result<Rendered>,
    started: Instant,
}

impl Attempt {
    pub fn failed(&self) -> bool {
        self.result.is_err()
    }
}

/// `: index.html, resume.json changed` for the terminal line.
fn describe(files: &[&str]) -> String {
    match files {
        [] => String::new(),
        [a] => format!(": {a} changed"),
        [a, b] => format!(": {a}, {b} changed"),
        [a, b, rest @ ..] => format!(": {a}, {b} and {} more changed", rest.len()),
    }
}

/// The paths of the new site whose file differs from the old one's or is new (none when
/// the old site is empty), and of those the ones the old site had: changed under their name.
fn changes<'a>(old: &Site, new: &'a Site) -> (Vec<&'a str>, Vec<String>) {
    if old.files.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let before: HashMap<&str, &SiteFile> = old.files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut changed = Vec::new();
    let mut replaced = Vec::new();
    for file in &new.files {
        match before.get(file.path.as_str()) {
            Some(old) if !differs(old, file) => {}
            Some(_) => {
                changed.push(file.path.as_str());
                replaced.push(file.path.clone());
            }
            None => changed.push(file.path.as_str()),
        }
    }
    (changed, replaced)
}

/// Whether two files at one path differ; a page a preview kept is the same bytes, not read.
fn differs(a: &SiteFile, b: &SiteFile) -> bool {
    let shared = a.bytes.as_ptr() == b.bytes.as_ptr() && a.bytes.len() == b.bytes.len();
    a.cache != b.cache || (!shared && a.bytes != b.bytes)
}

/// One build of the preview: the site as `gen build` renders it, with the counter at the
/// page's own `/visits` (unless the site turns it off) and room for the live-reload script.
fn build(
    root: &Path,
    cache: &Arc<crate::render::RenderCache>,
    known: &mut KnownPosts,
    pdf_later: bool,
) -> Result<Rendered> {
    let input = Input::read_with(root, Some(known))?;
    let mode = input.config.stack.counter.mode;
    input.render(&RenderOptions {
        counter_url: (mode != CounterMode::Off).then(|| counter::api::ROUTE.to_owned()),
        counter_live: mode == CounterMode::Websocket,
        live_reload: true,
        cache: Some(Arc::clone(cache)),
        thumbnails: None,
        pdf_later,
        preview: None,
    })
}

/// The located problems in a build error, for the overlay.
pub fn problems(error: &anyhow::Error) -> Vec<Problem> {
    let located = |d: &Diagnostic| Problem {
        location: Some(format!("{}:{}:{}", d.file, d.line, d.column)),
        message: d.message.clone(),
        snippet: d.snippet.clone(),
    };
    if let Some(errors) = error.downcast_ref::<Diagnostics>() {
        return errors.0.iter().map(located).collect();
    }
    if let Some(d) = error.downcast_ref::<Diagnostic>() {
        return vec![located(d)];
    }
    vec![Problem {
        location: None,
        message: error
            .chain()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(": "),
        snippet: String::new(),
    }]
}

#[cfg(test)]
mod tests;
