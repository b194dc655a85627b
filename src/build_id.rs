//! The build id on the home page, `<meta name="generator" content="gen 0.1.0 build 1a2b…">`:
//! a hash of the page as rendered, so `gen check` can tell that the live page is, byte for
//! byte, the one a build wrote. Only the home page carries it: an edit elsewhere does not
//! change every page, so publishing still uploads only what changed.

use sha2::{Digest, Sha256};

/// What the pages name as their generator.
pub const GENERATOR: &str = concat!("gen ", env!("CARGO_PKG_VERSION"));

/// Where a page names gen as its generator, and the build id after it.
const PREFIX: &str = "content=\"gen ";
const BUILD: &str = " build ";

/// `page` with its build id written into the generator meta; `None` when the page has no
/// such meta (a theme that leaves it out).
pub fn stamp(page: &[u8]) -> Option<Vec<u8>> {
    let plain = format!("content=\"{GENERATOR}\"");
    let at = find(page, plain.as_bytes())?;
    let stamped = format!("content=\"{GENERATOR}{BUILD}{}\"", id_of(page));
    let mut out = Vec::with_capacity(page.len() + stamped.len() - plain.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(stamped.as_bytes());
    out.extend_from_slice(&page[at + plain.len()..]);
    Some(out)
}

/// The build id a page carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub id: String,
    /// The page is exactly what that build wrote: its hash, id left out, is the id.
    pub intact: bool,
}

/// The build id in `page`, from any version of gen; `None` when it has none.
pub fn read(page: &[u8]) -> Option<Stamp> {
    let start = find(page, PREFIX.as_bytes())?;
    let value_start = start + "content=\"".len();
    let end = value_start + page[value_start..].iter().position(|b| *b == b'"')?;
    let value = std::str::from_utf8(&page[value_start..end]).ok()?;
    let (_, id) = value.rsplit_once(BUILD)?;
    // The page as rendered: the same bytes without ` build <id>`.
    let cut = value_start + value.len() - id.len() - BUILD.len();
    let mut plain = Vec::with_capacity(page.len());
    plain.extend_from_slice(&page[..cut]);
    plain.extend_from_slice(&page[end..]);
    Some(Stamp {
        id: id.to_owned(),
        intact: id_of(&plain) == id,
    })
}

/// 16 hex digits of the page's SHA-256.
fn id_of(page: &[u8]) -> String {
    hex::encode(&Sha256::digest(page)[..8])
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str) -> Vec<u8> {
        format!("<head><meta name=\"generator\" content=\"{GENERATOR}\"></head><body>{body}</body>")
            .into_bytes()
    }

    #[test]
    fn a_stamped_page_reads_back_intact_and_any_change_shows() {
        let stamped = stamp(&page("Ada")).unwrap();
        let text = String::from_utf8(stamped.clone()).unwrap();
        let read_back = read(&stamped).unwrap();
        assert!(read_back.intact);
        assert_eq!(read_back.id.len(), 16);
        assert!(text.contains(&format!("{GENERATOR} build {}\"", read_back.id)));
        // The same page gives the same id; another page another.
        assert_eq!(read(&stamp(&page("Ada")).unwrap()).unwrap(), read_back);
        assert_ne!(
            read(&stamp(&page("Bob")).unwrap()).unwrap().id,
            read_back.id
        );
        // A byte changed after the build: the id no longer matches the page.
        let edited = text.replace("Ada", "Adb").into_bytes();
        assert!(!read(&edited).unwrap().intact);
    }

    #[test]
    fn pages_without_the_meta_are_left_alone() {
        assert_eq!(stamp(b"<p>no head</p>"), None);
        assert_eq!(read(b"<p>no head</p>"), None);
        assert_eq!(read(&page("unstamped")), None);
    }
}
