//! Whether resume.pdf reads right to a machine: its text, extracted as an applicant-tracking
//! system extracts it, holds every field of the [`Outline`] in order: the name first, the
//! contact details on page 1 before the sections, each section's heading, then its entries
//! with their fields in order and within their entry. Each miss is a warning at the field's
//! place in the resume.

mod searchable;
#[cfg(test)]
mod tests;

use super::outline::{Field, Outline};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::resume::Warning;
use crate::resume::lenient::Kind;
use crate::resume::path::{Part, Segment, ValuePath, locate};
use searchable::{Text, letters};

/// What the check found: resume.pdf's pages and how many of its fields a machine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readability {
    pub pages: usize,
    pub found: usize,
    pub total: usize,
}

impl std::fmt::Display for Readability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "resume.pdf: {} page{}, {}/{} fields machine-readable",
            self.pages,
            if self.pages == 1 { "" } else { "s" },
            self.found,
            self.total
        )
    }
}

/// `text`, cut to a length a message can quote.
fn quoted(text: &str) -> String {
    let cut: String = text.chars().take(40).collect();
    if cut.len() < text.len() {
        format!("\"{cut}…\"")
    } else {
        format!("\"{cut}\"")
    }
}

/// In the alignment of an entry's fields: the most weight found in order ending at one field's
/// place, and the field and place before it.
type Step = (usize, Option<(usize, usize)>);

/// One check of resume.pdf's text against `outline`: the count and a warning per miss.
struct Check<'a> {
    text: Text,
    source: &'a SourceFile,
    found: usize,
    total: usize,
    warnings: Vec<Warning>,
}

impl Check<'_> {
    fn warn(&mut self, path: &ValuePath, message: String) {
        // `when` is made from the entry's dates (`meta`'s from `lastModified`): it is shown at
        // the first of them there is.
        let places: Vec<ValuePath> = match path.0.split_last() {
            Some((Segment::Key(key), entry)) if key == "when" => {
                let entry = ValuePath(entry.to_vec());
                let section = entry.keys().first().copied().unwrap_or_default();
                let (start, end) = super::outline::DATES
                    .iter()
                    .find(|(s, _, _)| *s == section)
                    .map_or(("", "lastModified"), |&(_, start, end)| (start, end));
                [start, end]
                    .iter()
                    .filter(|k| !k.is_empty())
                    .map(|k| entry.key(k))
                    .chain([entry.clone()])
                    .collect()
            }
            _ => vec![path.clone()],
        };
        let (line, column) = places
            .iter()
            .find_map(|at| {
                locate(&self.source.text, at, Part::Value)
                    .or_else(|| locate(&self.source.text, at, Part::Key))
            })
            .unwrap_or((1, 1));
        self.warnings.push(Warning {
            kind: Kind::PdfText,
            path: path.to_string(),
            diagnostic: Diagnostic::at(self.source, line, column, format!("{path}: {message}")),
        });
    }

    /// Where each of `fields` ends in `from..to`, choosing among the places each occurs so
    /// that as many as possible are found in order without overlapping: an organisation the
    /// template hides is not "found" in the summary that names it, at the expense of the
    /// dates and the summary that follow.
    ///
    /// Each field has a weight: the most weight found wins.
    fn align(&self, fields: &[(&Field, usize)], from: usize, to: usize) -> Vec<Option<usize>> {
        /// Places looked at per field: a short word may occur often.
        const PLACES: usize = 64;
        let occurs: Vec<Vec<(usize, usize)>> = fields
            .iter()
            .map(|(field, _)| {
                let needle = letters(&field.text, false);
                let mut places = Vec::new();
                let mut at = from;
                while places.len() < PLACES {
                    let Some(start) = self.text.find(&needle, false, at, to) else {
                        break;
                    };
                    places.push((start, start + needle.len()));
                    at = start + 1;
                }
                places
            })
            .collect();
        // best[i][j]: the most weight found in order ending with field i at its place j, and
        // the field and place before it.
        let mut best: Vec<Vec<Step>> = Vec::with_capacity(fields.len());
        for (i, places) in occurs.iter().enumerate() {
            let row = places
                .iter()
                .map(|&(start, _)| {
                    let weight = fields[i].1;
                    let mut chosen = (weight, None);
                    for (k, earlier) in occurs[..i].iter().enumerate() {
                        for (j, &(_, end)) in earlier.iter().enumerate() {
                            let count = best[k][j].0 + weight;
                            if end <= start && count > chosen.0 {
                                chosen = (count, Some((k, j)));
                            }
                        }
                    }
                    chosen
                })
                .collect();
            best.push(row);
        }
        let mut last = None;
        for (i, row) in best.iter().enumerate() {
            for (j, &(count, _)) in row.iter().enumerate() {
                if last.is_none_or(|(k, l): (usize, usize)| count > best[k][l].0) {
                    last = Some((i, j));
                }
            }
        }
        let mut ends = vec![None; fields.len()];
        while let Some((i, j)) = last {
            ends[i] = Some(occurs[i][j].1);
            last = best[i][j].1;
        }
        ends
    }

    /// The warning for `field`, not found where it belongs: after `after`, if anything.
    fn missed(&mut self, field: &Field, after: Option<&str>) {
        let needle = letters(&field.text, false);
        let after = after.map_or(String::new(), |a| format!(" after {}", quoted(a)));
        let message = if self.text.find(&needle, false, 0, usize::MAX).is_some() {
            format!(
                "{} is in resume.pdf's text, but not{after} where it belongs: a machine reads the text in order, so the template must show it in its entry, in reading order",
                quoted(&field.text)
            )
        } else {
            format!(
                "{} is not found in resume.pdf's text{after}: the template hides it or draws it as a graphic",
                quoted(&field.text)
            )
        };
        self.warn(&field.path, message);
    }
}

/// Checks `pages` (resume.pdf's text) against `outline`; warnings are located in `source`.
pub fn check(
    outline: &Outline,
    pages: &[String],
    source: &SourceFile,
) -> (Readability, Vec<Warning>) {
    let mut check = Check {
        text: Text::new(pages),
        source,
        found: 0,
        total: 0,
        warnings: Vec::new(),
    };
    let end = check.text.chars.len();

    // The name: the first text of page 1.
    let mut header_end = 0;
    if let Some(name) = &outline.name {
        check.total += 1;
        let needle = letters(&name.text, false);
        match check.text.find(&needle, false, 0, end) {
            Some(0) => {
                check.found += 1;
                header_end = needle.len();
            }
            Some(at) => {
                let before = check.text.before(at);
                check.warn(
                    &name.path,
                    format!(
                        "{} is not the first text of resume.pdf ({} comes before it): parsers take the first line for the name, so show it first, alone on its line",
                        quoted(&name.text),
                        quoted(&before)
                    ),
                );
            }
            None => check.warn(
                &name.path,
                format!(
                    "{} is not found in resume.pdf's text: the template hides it or draws it as a graphic",
                    quoted(&name.text)
                ),
            ),
        }
    }

    // Each section's heading, searched after the header: upper case as shown, else any case;
    // where it occurs more than once (a heading's word in a summary, in a script without
    // case), the place its section's first field follows at once.
    let headings: Vec<Option<(usize, usize)>> = outline
        .sections
        .iter()
        .map(|section| {
            let first = section
                .entries
                .iter()
                .flat_map(|e| e.lines.iter().flat_map(|l| l.fields()))
                .next()
                .map(|f| letters(&f.text, false));
            let occurrences = |any_case: bool| {
                let needle = letters(&section.heading, any_case);
                let mut places = Vec::new();
                let mut at = header_end;
                while let Some(found) = check.text.find(&needle, any_case, at, end) {
                    places.push((found, found + needle.len()));
                    at = found + 1;
                }
                places
            };
            let mut places = occurrences(false);
            if places.is_empty() {
                places = occurrences(true);
            }
            let followed = places.iter().copied().find(|&(_, after)| {
                first.as_ref().is_some_and(|f| {
                    check.text.find(f, false, after, after + f.len()) == Some(after)
                })
            });
            followed.or(places.first().copied())
        })
        .collect();
    let body = headings
        .iter()
        .flatten()
        .map(|(at, _)| *at)
        .min()
        .unwrap_or(end);

    // The label and the contact details: in page 1's text, after the name, before the sections.
    let page_one = check.text.page.iter().position(|&p| p > 0).unwrap_or(end);
    let header = outline
        .label
        .iter()
        .chain(outline.contact.iter().flat_map(|line| line.fields()));
    for field in header {
        check.total += 1;
        let needle = letters(&field.text, false);
        let limit = body.min(page_one);
        match check.text.find(&needle, false, header_end, limit) {
            Some(_) => check.found += 1,
            None if check.text.find(&needle, false, 0, end).is_some() => check.warn(
                &field.path,
                format!(
                    "{} is in resume.pdf's text, but not on page 1 between the name and the first section: parsers look for contact details there (a header, a footer or a link's address is missed)",
                    quoted(&field.text)
                ),
            ),
            None => check.warn(
                &field.path,
                format!(
                    "{} is not found in resume.pdf's text: the template hides it, draws it as a graphic or puts it only in a link's address",
                    quoted(&field.text)
                ),
            ),
        }
    }

    // Each section: its heading, then its entries in order, each entry's fields within it.
    for (section, heading) in outline.sections.iter().zip(&headings) {
        // A section without a heading is looked for anywhere after the header.
        let (mut cursor, stop) = match heading {
            &Some((at, after)) => {
                check.total += 1;
                check.found += 1;
                // It ends where the next heading in the text starts.
                let next = headings
                    .iter()
                    .flatten()
                    .map(|(h, _)| *h)
                    .filter(|&h| h > at);
                (after, next.min().unwrap_or(end))
            }
            None => {
                if !section.heading.trim().is_empty() {
                    check.total += 1;
                    check.warn(
                        &section.path,
                        format!(
                            "the heading {} is not found in resume.pdf's text: parsers find a section by its heading, so show it as text",
                            quoted(&section.heading)
                        ),
                    );
                }
                (header_end, end)
            }
        };
        let mut previous = heading.map(|_| section.heading.clone());
        for (i, entry) in section.entries.iter().enumerate() {
            // The entry's fields, then the next entry's first: an entry ends where the next
            // begins, and a field of one is never taken from the other.
            let mut fields: Vec<(&Field, usize)> = entry
                .lines
                .iter()
                .flat_map(|l| l.fields())
                .map(|f| (f, 1))
                .collect();
            let own = fields.len();
            if let Some(next) = section
                .entries
                .get(i + 1)
                .and_then(|e| e.lines.iter().flat_map(|l| l.fields()).next())
            {
                fields.push((next, own + 1));
            }
            let places = check.align(&fields, cursor, stop);
            for ((field, _), place) in fields.iter().zip(places).take(own) {
                check.total += 1;
                match place {
                    Some(end) => {
                        check.found += 1;
                        cursor = end;
                        previous = Some(field.text.clone());
                    }
                    None => check.missed(field, previous.as_deref()),
                }
            }
        }
    }
    let pages = pages.len();
    (
        Readability {
            pages,
            found: check.found,
            total: check.total,
        },
        check.warnings,
    )
}
