//! Files written whole or not at all: the bytes go to a temporary file in the same folder,
//! which is then renamed over the target, so no reader (and no crash) ever sees half a file.
//! And the user's files read with bounds: only regular files (a named pipe would block the
//! build, `/dev/zero` would never end), and never more than a limit. And where gen keeps what
//! it can make again: the user's cache folder.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The size of the regular file at `path` (shown as `shown`), following links; an error that
/// names what it is otherwise (a folder, a named pipe, a device, a socket).
pub fn regular_size(path: &Path, shown: &str) -> Result<u64> {
    let meta = std::fs::metadata(path).with_context(|| format!("reading {shown}"))?;
    if meta.is_file() {
        return Ok(meta.len());
    }
    let kind = {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            let t = meta.file_type();
            if t.is_fifo() {
                "a named pipe"
            } else if t.is_socket() {
                "a socket"
            } else if t.is_block_device() || t.is_char_device() {
                "a device"
            } else if t.is_dir() {
                "a folder"
            } else {
                "not a file"
            }
        }
        #[cfg(not(unix))]
        {
            if meta.is_dir() {
                "a folder"
            } else {
                "not a file"
            }
        }
    };
    bail!(
        "{shown} is {kind}, not a regular file: gen reads only regular files (remove it, or put the file itself there)"
    )
}

/// The bytes of the regular file at `path` (shown as `shown`), at most `limit` of them: a
/// larger file is refused with `too_large(its size)` before it is read, or as soon as it has
/// grown past the limit while being read.
pub fn read_limited(
    path: &Path,
    shown: &str,
    limit: u64,
    too_large: impl Fn(u64) -> anyhow::Error,
) -> Result<Vec<u8>> {
    let size = regular_size(path, shown)?;
    if size > limit {
        return Err(too_large(size));
    }
    let file = std::fs::File::open(path).with_context(|| format!("reading {shown}"))?;
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {shown}"))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The error for a file over its limit: `{shown}: 17 MiB is more than the 16 MiB {what} may be`.
pub fn too_large(shown: &str, size: u64, limit: u64, what: &str) -> anyhow::Error {
    let mib = |n: u64| n.div_ceil(1024 * 1024);
    anyhow::anyhow!(
        "{shown}: {} MiB is more than the {} MiB {what} may be",
        mib(size),
        mib(limit)
    )
}

/// Writes `bytes` to `path` in one step, creating nothing else that stays behind.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".gen-").suffix(".new");
    // What `std::fs::write` would give (before the umask), not the temporary file's 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut file = builder
        .tempfile_in(folder)
        .with_context(|| format!("writing {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    file.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// gen's folder in the user's cache: `$XDG_CACHE_HOME/gen` (or `~/.cache/gen`) on Linux,
/// `~/Library/Caches/gen` on macOS, `%LOCALAPPDATA%\gen` on Windows. None without a home.
pub fn cache_dir() -> Option<PathBuf> {
    let base = if cfg!(windows) {
        std::env::var_os("LOCALAPPDATA")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        home().map(|h| h.join("Library").join("Caches"))
    } else {
        std::env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| home().map(|h| h.join(".cache")))
    };
    base.map(|base| base.join("gen"))
}

/// The user's home folder.
pub fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write(&path, b"one").unwrap();
        write(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.json"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o044,
                0o044,
                "readable like any file gen writes: {mode:o}"
            );
        }
        assert!(write(&dir.path().join("missing/a.json"), b"x").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn reads_only_regular_files_up_to_a_limit() {
        let dir = tempfile::tempdir().unwrap();
        let big = |size: u64| too_large("x", size, 4, "a test file");
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // A named pipe nobody writes to would block here forever.
        let err = read_limited(&fifo, "templates/pipe", 4, big).unwrap_err();
        assert!(
            err.to_string()
                .contains("templates/pipe is a named pipe, not a regular file"),
            "{err}"
        );
        let err = read_limited(Path::new("/dev/zero"), "/dev/zero", 4, big).unwrap_err();
        assert!(err.to_string().contains("is a device"), "{err}");
        let err = read_limited(dir.path(), "content", 4, big).unwrap_err();
        assert!(err.to_string().contains("is a folder"), "{err}");
        let file = dir.path().join("f");
        std::fs::write(&file, b"12345").unwrap();
        let err = read_limited(&file, "f", 4, big).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x: 1 MiB is more than the 1 MiB a test file may be"
        );
        assert_eq!(read_limited(&file, "f", 5, big).unwrap(), b"12345");
        // A link to a regular file is read.
        std::os::unix::fs::symlink(&file, dir.path().join("link")).unwrap();
        assert_eq!(
            read_limited(&dir.path().join("link"), "link", 5, big).unwrap(),
            b"12345"
        );
    }
}
