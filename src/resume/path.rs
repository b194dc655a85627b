//! Where a value sits in the resume (`work[2].startDate`), and where that is in the YAML text.

use std::fmt;

use serde_saphyr::granit_parser::{Event, Parser};

/// One step into the document: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A path from the document root, shown the way users write it: `work[2].startDate`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ValuePath(pub Vec<Segment>);

impl ValuePath {
    pub fn key(&self, key: &str) -> ValuePath {
        let mut next = self.clone();
        next.0.push(Segment::Key(key.to_owned()));
        next
    }

    pub fn index(&self, index: usize) -> ValuePath {
        let mut next = self.clone();
        next.0.push(Segment::Index(index));
        next
    }

    /// The mapping keys along the path, with indices left out: `["work", "startDate"]`.
    pub fn keys(&self) -> Vec<&str> {
        self.0
            .iter()
            .filter_map(|s| match s {
                Segment::Key(k) => Some(k.as_str()),
                Segment::Index(_) => None,
            })
            .collect()
    }
}

impl fmt::Display for ValuePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Which part of a mapping entry to point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Key,
    Value,
}

/// Finds the 1-based (line, column) of the node at `path` in YAML `text`.
///
/// Runs the YAML event stream once; only called when there is something to report, so the
/// happy path never pays for it.
pub fn locate(text: &str, path: &ValuePath, part: Part) -> Option<(usize, usize)> {
    let mut found = None;
    for_each_node(text, |here, at, position, _| {
        if at == part && here == path && !(part == Part::Value && path.0.is_empty()) {
            found = Some(position);
            return true;
        }
        false
    });
    found
}

/// The 1-based (line, column) of each node `wanted` names, in one walk of the YAML `text`
/// however many there are: locating each on its own would walk the text once per node.
pub fn locate_all(text: &str, wanted: &[(&ValuePath, Part)]) -> Vec<Option<(usize, usize)>> {
    let mut found = vec![None; wanted.len()];
    // Keys by part, values by part: looked up by the walk's borrowed path.
    let mut waiting: [std::collections::HashMap<ValuePath, Vec<usize>>; 2] = Default::default();
    let slot = |part: Part| usize::from(part == Part::Value);
    for (i, &(path, part)) in wanted.iter().enumerate() {
        if !(part == Part::Value && path.0.is_empty()) {
            waiting[slot(part)].entry(path.clone()).or_default().push(i);
        }
    }
    for_each_node(text, |here, at, position, _| {
        if let Some(indices) = waiting[slot(at)].remove(here) {
            for i in indices {
                found[i] = Some(position);
            }
        }
        waiting.iter().all(std::collections::HashMap::is_empty)
    });
    found
}

/// An open mapping or list while walking a document, and whether it added a path segment.
enum Frame {
    Map { key: Option<String>, pushed: bool },
    Seq { index: usize, pushed: bool },
}

/// The segment of a value node about to start under the top frame; `None` while reading a key.
fn child_segment(stack: &[Frame]) -> Option<Option<Segment>> {
    match stack.last() {
        None => Some(None),
        Some(Frame::Map { key: None, .. }) => None,
        Some(Frame::Map { key: Some(k), .. }) => Some(Some(Segment::Key(k.clone()))),
        Some(Frame::Seq { index, .. }) => Some(Some(Segment::Index(*index))),
    }
}

/// A value under the top frame is complete: the mapping waits for a key, the list moves on.
fn finish_value(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Map { key, .. }) => *key = None,
        Some(Frame::Seq { index, .. }) => *index += 1,
        None => {}
    }
}

/// Calls `visit(path, part, (line, column), kind)` for every key and value in document order,
/// until it returns true.
fn for_each_node(
    text: &str,
    mut visit: impl FnMut(&ValuePath, Part, (usize, usize), &'static str) -> bool,
) {
    let mut stack: Vec<Frame> = Vec::new();
    let mut current = ValuePath::default();
    let position = |marker: &serde_saphyr::granit_parser::Marker| (marker.line(), marker.col() + 1);

    for item in Parser::new_from_str(text) {
        let Ok((event, span)) = item else { return };
        let at = position(&span.start);
        match event {
            Event::Scalar(..) | Event::Alias(_) => {
                let value = match &event {
                    Event::Scalar(v, ..) => v.to_string(),
                    _ => String::from("*"),
                };
                match child_segment(&stack) {
                    None => {
                        if visit(&current.key(&value), Part::Key, at, "a key") {
                            return;
                        }
                        if let Some(Frame::Map { key, .. }) = stack.last_mut() {
                            *key = Some(value);
                        }
                    }
                    Some(segment) => {
                        let mut here = current.clone();
                        here.0.extend(segment);
                        if visit(&here, Part::Value, at, "text") {
                            return;
                        }
                        finish_value(&mut stack);
                    }
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(event, Event::MappingStart(..));
                let segment = child_segment(&stack).unwrap_or(Some(Segment::Key("?".into())));
                let pushed = segment.is_some();
                current.0.extend(segment);
                if visit(
                    &current,
                    Part::Value,
                    at,
                    if is_map { "a mapping" } else { "a list" },
                ) {
                    return;
                }
                stack.push(if is_map {
                    Frame::Map { key: None, pushed }
                } else {
                    Frame::Seq { index: 0, pushed }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(Frame::Map { pushed, .. } | Frame::Seq { pushed, .. }) = stack.pop()
                    && pushed
                {
                    current.0.pop();
                }
                finish_value(&mut stack);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "basics:\n  name: Ada\nwork:\n  - name: A\n  - name: B\n    startDate: 2019-13\n    highlights: [x, y]\n";

    fn path(segments: &[Segment]) -> ValuePath {
        ValuePath(segments.to_vec())
    }

    #[test]
    fn finds_values_and_keys() {
        let p = path(&[
            Segment::Key("work".into()),
            Segment::Index(1),
            Segment::Key("startDate".into()),
        ]);
        assert_eq!(p.to_string(), "work[1].startDate");
        assert_eq!(locate(YAML, &p, Part::Value), Some((6, 16)));
        assert_eq!(locate(YAML, &p, Part::Key), Some((6, 5)));
        let h = path(&[
            Segment::Key("work".into()),
            Segment::Index(1),
            Segment::Key("highlights".into()),
            Segment::Index(1),
        ]);
        assert_eq!(locate(YAML, &h, Part::Value), Some((7, 21)));
        let n = path(&[Segment::Key("basics".into()), Segment::Key("name".into())]);
        assert_eq!(locate(YAML, &n, Part::Value), Some((2, 9)));
    }

    #[test]
    fn locates_many_in_one_walk() {
        let start = path(&[
            Segment::Key("work".into()),
            Segment::Index(1),
            Segment::Key("startDate".into()),
        ]);
        let missing = path(&[Segment::Key("awards".into())]);
        let name = path(&[Segment::Key("basics".into()), Segment::Key("name".into())]);
        assert_eq!(
            locate_all(
                YAML,
                &[
                    (&start, Part::Value),
                    (&missing, Part::Value),
                    (&name, Part::Value),
                    (&start, Part::Key),
                    (&name, Part::Value),
                ]
            ),
            [
                Some((6, 16)),
                None,
                Some((2, 9)),
                Some((6, 5)),
                Some((2, 9))
            ]
        );
    }

    #[test]
    fn missing_path_is_none() {
        let p = path(&[Segment::Key("awards".into())]);
        assert_eq!(locate(YAML, &p, Part::Value), None);
    }
}
