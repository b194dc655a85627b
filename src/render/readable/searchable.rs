//! resume.pdf's text as the check searches it: its letters in order, each with its page, found
//! exactly or in any case, and right-to-left text found by its letters.

/// The text of every page with white space left out (extractors differ on spaces and line
/// breaks, never on the letters), each letter with its page.
pub(super) struct Text {
    pub(super) chars: Vec<char>,
    folded: Vec<char>,
    pub(super) page: Vec<usize>,
}

impl Text {
    pub(super) fn new(pages: &[String]) -> Text {
        let mut text = Text {
            chars: Vec::new(),
            folded: Vec::new(),
            page: Vec::new(),
        };
        for (number, page) in pages.iter().enumerate() {
            // A page number at the foot (`1 / 2`) is not part of what it interrupts.
            let mut lines: Vec<&str> = page.lines().collect();
            while lines
                .last()
                .is_some_and(|l| l.trim().is_empty() || page_number(l))
            {
                lines.pop();
            }
            for c in lines
                .iter()
                .flat_map(|l| l.chars())
                .filter(|c| !c.is_whitespace())
            {
                text.chars.push(c);
                text.folded.push(fold(c));
                text.page.push(number);
            }
        }
        text
    }

    /// Where `needle` (without white space) starts in `from..to`, exactly or, when `any_case`,
    /// in any case.
    ///
    /// Text with right-to-left letters (Arabic, Hebrew...) is matched by its letters in any
    /// order: extractors give it in the order it is drawn, which is not the order it is read
    /// once digits and Latin words mix in.
    pub(super) fn find(
        &self,
        needle: &[char],
        any_case: bool,
        from: usize,
        to: usize,
    ) -> Option<usize> {
        let hay = if any_case { &self.folded } else { &self.chars };
        let to = to.min(hay.len());
        if needle.is_empty() || from >= to || needle.len() > to - from {
            return None;
        }
        if !needle.iter().copied().any(right_to_left) {
            return (from..=to - needle.len()).find(|&i| hay[i..i + needle.len()] == *needle);
        }
        // The same letters in a window as long as the needle, kept as a count of each letter.
        let mut want: std::collections::HashMap<char, isize> = std::collections::HashMap::new();
        for &c in needle {
            *want.entry(c).or_default() += 1;
        }
        let mut differ = want.len();
        let mut step = |c: char, by: isize, want: &mut std::collections::HashMap<char, isize>| {
            let count = want.entry(c).or_default();
            let before = *count == 0;
            *count -= by;
            match (before, *count == 0) {
                (true, false) => differ += 1,
                (false, true) => differ -= 1,
                _ => {}
            }
            differ
        };
        for (i, &c) in hay[from..to].iter().enumerate() {
            let mut left = step(c, 1, &mut want);
            if i >= needle.len() {
                left = step(hay[from + i - needle.len()], -1, &mut want);
            }
            if i + 1 >= needle.len() && left == 0 {
                return Some(from + i + 1 - needle.len());
            }
        }
        None
    }

    /// A few words of the text that ends at `end`, for a message.
    pub(super) fn before(&self, end: usize) -> String {
        let start = end.saturating_sub(24);
        let mut words: String = self.chars[start..end.min(self.chars.len())]
            .iter()
            .collect();
        if start > 0 {
            words.insert(0, '…');
        }
        words
    }
}

/// Whether `line` is a page number as a footer shows it: `2 / 3`.
fn page_number(line: &str) -> bool {
    let parts: Vec<&str> = line.split('/').map(str::trim).collect();
    parts.len() == 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `c` is a letter of a script written right to left.
fn right_to_left(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

pub(super) fn letters(text: &str, any_case: bool) -> Vec<char> {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if any_case { fold(c) } else { c })
        .collect()
}
