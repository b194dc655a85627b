//! Turns file events under the site into rebuilds: watches gen.toml, content/ (the resume and
//! the posts) and templates/, ignores editors' scratch files, and waits for a short quiet
//! spell (shorter once an input is closed after writing) so one save (often several writes, or
//! a write to a temporary file and a rename) is one rebuild.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};

use super::Preview;
use crate::sources::{
    CONFIG_FILE, CONTENT_DIR, POSTS_DIR, RESUME_FILE, TEMPLATES_DIR, is_scratch_file,
    translation_tag,
};

/// A save is over when no event has come for this long,
const QUIET: Duration = Duration::from_millis(12);
/// or for this long after an input was closed from writing: a save that writes several files
/// (a script, a `git checkout`) writes the next one within it.
const QUIET_AFTER_CLOSE: Duration = Duration::from_millis(2);
/// A stream of events that never pauses still gets a rebuild this often.
const MAX_WAIT: Duration = Duration::from_millis(150);
/// How long a failed build waits for more writes before its error is shown.
const SETTLE: Duration = Duration::from_millis(60);

/// The folders under the root whose files are inputs.
const INPUT_DIRS: [&str; 2] = [CONTENT_DIR, TEMPLATES_DIR];

/// Builds the site at `root` once, then watches it and rebuilds `preview` after each change,
/// on a thread of its own, until the process ends. Returns once the first build is done;
/// changes made during it are not lost (they queue up for the next rebuild).
pub fn watch(root: &Path, mut preview: Preview) -> Result<()> {
    let root = root
        .canonicalize()
        .with_context(|| format!("reading {}", root.display()))?;
    let (tx, rx) = mpsc::channel::<Change>();
    let filter_root = root.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Events lost (an error, or the kernel's queue overflowed): every post may have
        // changed, and the rest is read on every rebuild anyway.
        let lost = || {
            let _ = tx.send((PathBuf::from(POSTS_DIR), false));
        };
        let Ok(event) = event else { return lost() };
        if event.need_rescan() {
            lost();
        }
        let Some(closed) = written(event.kind) else {
            return;
        };
        for path in event.paths {
            if let Some(relative) = input(&filter_root, &path) {
                let _ = tx.send((relative, closed));
            }
        }
    })
    .context("starting the file watcher")?;
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .with_context(|| format!("watching {}", root.display()))?;
    for dir in INPUT_DIRS {
        watch_dir(&mut watcher, &root.join(dir));
    }
    let (ready, first_build) = mpsc::channel();
    std::thread::Builder::new()
        .name("gen-serve-rebuild".into())
        .spawn(move || {
            let first = preview.attempt();
            preview.apply(first, &[]);
            let _ = ready.send(());
            follow(&rx, &mut watcher, &root, &mut preview);
        })
        .context("starting the rebuild thread")?;
    first_build
        .recv()
        .context("the first build of the preview stopped")
}

/// An input that changed, and whether its writer has closed it (the save is over).
type Change = (PathBuf, bool);

/// Whether an event of this kind changes an input: `None` for a read, `Some(true)` for a file
/// closed after writing, `Some(false)` for any other change.
fn written(kind: EventKind) -> Option<bool> {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Some(true),
        EventKind::Access(_) => None,
        _ => Some(false),
    }
}

/// Adds the change's path to `changed`; returns how long to wait for the save's next event.
fn note(changed: &mut BTreeSet<PathBuf>, (path, closed): Change) -> Duration {
    changed.insert(path);
    if closed { QUIET_AFTER_CLOSE } else { QUIET }
}

/// The rebuild loop: waits for a change, lets the save finish, rebuilds, repeats. Returns when
/// the watcher is gone.
fn follow(
    rx: &mpsc::Receiver<Change>,
    watcher: &mut notify::RecommendedWatcher,
    root: &Path,
    preview: &mut Preview,
) {
    let mut changed = BTreeSet::new();
    loop {
        let mut quiet = QUIET;
        if changed.is_empty() {
            match rx.recv() {
                Ok(change) => quiet = note(&mut changed, change),
                Err(_) => return,
            };
        }
        let started = Instant::now();
        loop {
            let left = MAX_WAIT.saturating_sub(started.elapsed());
            match rx.recv_timeout(quiet.min(left)) {
                Ok(change) => {
                    quiet = note(&mut changed, change);
                    if left.is_zero() {
                        break;
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        // A folder that was replaced (deleted and created again) needs a new watch.
        for dir in INPUT_DIRS {
            if changed.contains(Path::new(dir)) {
                watch_dir(watcher, &root.join(dir));
            }
        }
        for path in &changed {
            preview.changed(path);
        }
        let attempt = preview.attempt();
        // A build that fails may have read a file in the middle of being written: if the
        // writer carries on within a moment, build again rather than flash an error.
        if attempt.failed() {
            match rx.recv_timeout(SETTLE) {
                Ok((path, _)) => {
                    changed.insert(path);
                    continue;
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        let names: Vec<String> = changed
            .iter()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect();
        preview.apply(attempt, &names);
        changed.clear();
        // The page is shown; resume.pdf is typeset now, unless another change came meanwhile
        // (its rebuild comes first, and typesets after in turn).
        if preview.pdf_pending() {
            match rx.try_recv() {
                Ok((path, _)) => {
                    changed.insert(path);
                }
                Err(TryRecvError::Empty) => {
                    let typeset = preview.attempt_pdf();
                    preview.apply(typeset, &names);
                }
                Err(TryRecvError::Disconnected) => return,
            }
        }
    }
}

fn watch_dir(watcher: &mut notify::RecommendedWatcher, dir: &Path) {
    if dir.is_dir() {
        // A folder that cannot be watched only loses live updates; the build reports
        // anything actually wrong with it.
        let _ = watcher.watch(dir, RecursiveMode::Recursive);
    }
}

/// `path` relative to `root` when it is one of the site's inputs (gen.toml, the resume, a
/// theme file, a file of content/, or one of their folders), not an editor's or the system's scratch file.
fn input(root: &Path, path: &Path) -> Option<PathBuf> {
    let relative = path.strip_prefix(root).ok()?;
    let mut parts = relative.components();
    let top = parts.next()?.as_os_str().to_str()?;
    if parts.clone().next().is_none() {
        return (top == CONFIG_FILE || INPUT_DIRS.contains(&top)).then(|| relative.into());
    }
    let translation = top == CONTENT_DIR
        && relative.parent() == Some(Path::new(CONTENT_DIR))
        && relative
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(translation_tag)
            .is_some();
    if relative == Path::new(RESUME_FILE) || translation {
        return Some(relative.into());
    }
    // content/: the resume, the posts, and the photo the resume names.
    let photo = top == CONTENT_DIR
        && relative
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ["jpg", "jpeg", "png"].contains(&e.to_ascii_lowercase().as_str()));
    if top != TEMPLATES_DIR && !relative.starts_with(POSTS_DIR) && !photo {
        return None;
    }
    let scratch = parts.any(|part| {
        let name = part.as_os_str().to_string_lossy();
        is_scratch_file(&name) || is_editor_temp(&name)
    });
    (!scratch).then(|| relative.into())
}

/// Names editors write while saving that `is_scratch_file` does not already cover: vim's
/// `4913` probe, JetBrains' `___jb_tmp___` / `___jb_old___`, and `file.yaml.12345.tmp`-style
/// atomic-save files that end in a random number.
fn is_editor_temp(name: &str) -> bool {
    name.chars().all(|c| c.is_ascii_digit())
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name.ends_with(".crswap")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_closed_after_writing_ends_the_save_and_reads_are_not_changes() {
        use notify::event::{CreateKind, ModifyKind, RenameMode};
        assert_eq!(
            written(EventKind::Access(AccessKind::Close(AccessMode::Write))),
            Some(true)
        );
        assert_eq!(
            written(EventKind::Access(AccessKind::Close(AccessMode::Read))),
            None
        );
        assert_eq!(
            written(EventKind::Access(AccessKind::Open(AccessMode::Any))),
            None
        );
        assert_eq!(written(EventKind::Modify(ModifyKind::Any)), Some(false));
        assert_eq!(
            written(EventKind::Modify(ModifyKind::Name(RenameMode::To))),
            Some(false)
        );
        assert_eq!(written(EventKind::Create(CreateKind::File)), Some(false));
    }

    #[test]
    fn inputs_and_scratch_files() {
        let root = Path::new("/site");
        let input = |p: &str| input(root, &root.join(p)).map(|p| p.display().to_string());
        assert_eq!(input("gen.toml").as_deref(), Some("gen.toml"));
        assert_eq!(
            input("content/resume.yaml").as_deref(),
            Some("content/resume.yaml")
        );
        assert_eq!(
            input("content/resume.de.yaml").as_deref(),
            Some("content/resume.de.yaml")
        );
        assert_eq!(input("content/notes.yaml").as_deref(), None);
        assert_eq!(
            input("templates/_partials/x.html").as_deref(),
            Some("templates/_partials/x.html")
        );
        assert_eq!(input("content").as_deref(), Some("content"));
        assert_eq!(
            input("content/img/me.JPG").as_deref(),
            Some("content/img/me.JPG")
        );
        for ignored in [
            "out/visits.json",
            "out/site/index.html",
            "README.md",
            "gen.toml~",
            ".gen.toml.swp",
            "content/.resume.yaml.swp",
            "content/resume.yaml~",
            "content/4913",
            "content/sedAb12Cd",
            "templates/4913",
            "content/#resume.yaml#",
            "content/.#resume.yaml",
            "templates/index.html___jb_tmp___",
            "templates/.git/HEAD",
        ] {
            assert_eq!(input(ignored), None, "{ignored}");
        }
    }
}
