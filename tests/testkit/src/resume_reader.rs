//! A structural reader of a resume's text, as applicant-tracking systems read a PDF: text in
//! order (poppler's `pdftotext -layout`), then lines → sections → entries. The first line is
//! the name; an email is a word with `@`; a phone a run of digits, spaces and `+()-.` with at
//! least 7 digits, before the first heading; a heading a line that is one of the given
//! headings; in the experience section each date line closes an entry whose title and
//! organisation are the two lines above it. The tests' oracle for resume.pdf, and the bench's
//! count of what a machine recovers.

/// The section headings of an English resume.pdf, as the built-in template shows them.
pub const ENGLISH_HEADINGS: &[&str] = &[
    "SUMMARY",
    "EXPERIENCE",
    "PROJECTS",
    "SKILLS",
    "EDUCATION",
    "VOLUNTEERING",
    "AWARDS AND CERTIFICATES",
    "AWARDS",
    "CERTIFICATES",
    "PUBLICATIONS",
    "LANGUAGES",
    "INTERESTS",
    "REFERENCES",
];

/// What the reader recovers from a resume's text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reading {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub headings: Vec<String>,
    /// Title, organisation and dates of each entry of the experience section.
    pub jobs: Vec<(String, String, String)>,
}

/// A line that is a date range or a date: its first part (before a `·` or a wide gap),
/// short, with a year.
pub fn dates_of(line: &str) -> Option<&str> {
    let dates = line.split('·').next()?.split("   ").next()?.trim();
    let year = dates
        .as_bytes()
        .windows(4)
        .any(|w| w.iter().all(u8::is_ascii_digit));
    let plain = dates
        .chars()
        .all(|c| c.is_alphanumeric() || " .–-~～/'".contains(c));
    (year && plain && dates.chars().count() <= 40).then_some(dates)
}

/// Reads `text` (a PDF's text, in order) whose section headings are `headings`; jobs are
/// the entries of the section headed `experience`.
pub fn read(text: &str, headings: &[String], experience: &str) -> Reading {
    // Bidirectional marks poppler puts around right-to-left runs are not text.
    let text: String = text
        .chars()
        .filter(|c| !matches!(*c as u32, 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069))
        .collect();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut reading = Reading {
        name: lines.first().map(|l| l.to_string()).unwrap_or_default(),
        ..Reading::default()
    };
    let first_heading = lines
        .iter()
        .position(|l| headings.iter().any(|h| h == l))
        .unwrap_or(lines.len());
    let header = lines[..first_heading].join("\n");
    reading.email = header
        .split(|c: char| c.is_whitespace() || c == '|' || c == '·')
        .find(|w| w.contains('@') && w.contains('.'))
        .map(|w| w.trim_matches(|c: char| ",;()<>".contains(c)).to_owned());
    let mut run = String::new();
    for c in header.chars().chain(std::iter::once('\n')) {
        if c.is_ascii_digit() || "+()-. ".contains(c) {
            run.push(c);
            continue;
        }
        let digits = run.chars().filter(char::is_ascii_digit).count();
        if digits >= 7 && reading.phone.is_none() {
            reading.phone = Some(run.trim().to_owned());
        }
        run.clear();
    }
    let mut section = String::new();
    for (i, line) in lines.iter().enumerate() {
        if headings.iter().any(|h| h == line) {
            reading.headings.push(line.to_string());
            section = line.to_string();
            continue;
        }
        if section == experience
            && i >= 2
            && let Some(dates) = dates_of(line)
        {
            reading.jobs.push((
                lines[i - 2].to_owned(),
                lines[i - 1].to_owned(),
                dates.to_owned(),
            ));
        }
    }
    reading
}

/// The same text, as a reader compares it: white space aside, and right-to-left text (drawn,
/// and so extracted, in an order of its own around digits) by its letters.
pub fn same_text(read: &str, expected: &str) -> bool {
    let letters = |t: &str| -> Vec<char> { t.chars().filter(|c| !c.is_whitespace()).collect() };
    let (mut a, mut b) = (letters(read), letters(expected));
    if b.iter().any(|c| ('\u{0590}'..='\u{08FF}').contains(c)) {
        a.sort_unstable();
        b.sort_unstable();
    }
    a == b
}

/// `2013-12-01` → `Dec 2013`, as English pages and PDFs show dates; none for what is not a
/// date (a lenient resume's `2019-13` is shown as written).
pub fn month(date: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let year = date
        .get(..4)
        .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))?;
    match date.get(5..7) {
        None => Some(year.to_owned()),
        Some(m) => {
            let m = m.parse::<usize>().ok().filter(|m| (1..=12).contains(m))?;
            Some(format!("{} {year}", MONTHS[m - 1]))
        }
    }
}

/// Each job of `resume` (as resume.json has it) as title, organisation and English dates
/// (empty when a date is not one).
pub fn expected_jobs(resume: &serde_json::Value) -> Vec<(String, String, String)> {
    let text = |v: &serde_json::Value, k: &str| {
        v.get(k)
            .and_then(serde_json::Value::as_str)
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    resume["work"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|w| {
            let (start, end) = (text(w, "startDate"), text(w, "endDate"));
            let dates = match (month(&start), month(&end)) {
                _ if start.is_empty() && end.is_empty() => String::new(),
                (None, Some(end)) if start.is_empty() => end,
                (Some(start), None) if end.is_empty() => format!("{start} – Present"),
                (Some(start), Some(end)) if start == end => start,
                (Some(start), Some(end)) => format!("{start} – {end}"),
                _ => String::new(),
            };
            (text(w, "position"), text(w, "name"), dates)
        })
        .collect()
}

/// Of the fields an ATS fills in (name, email, phone, and each job's title, organisation and
/// dates), how many `reading` recovered from a resume whose resume.json is `resume`, and how
/// many there are.
pub fn recovered(reading: &Reading, resume: &serde_json::Value) -> (usize, usize) {
    let basics = &resume["basics"];
    let given = |key: &str| {
        basics[key]
            .as_str()
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let mut found = 0;
    let mut total = 0;
    let mut count = |expected: Option<&str>, read: Option<&str>| {
        if let Some(expected) = expected.filter(|e| !e.is_empty()) {
            total += 1;
            if read.is_some_and(|r| same_text(r, expected)) {
                found += 1;
            }
        }
    };
    count(given("name"), Some(reading.name.as_str()));
    count(given("email"), reading.email.as_deref());
    count(given("phone"), reading.phone.as_deref());
    for (i, (title, org, dates)) in expected_jobs(resume).iter().enumerate() {
        let read = reading.jobs.get(i);
        // A job without a position shows its organisation as its title.
        let (title, org) = if title.is_empty() {
            (org, &String::new())
        } else {
            (title, org)
        };
        count(Some(title), read.map(|j| j.0.as_str()));
        count(Some(org), read.map(|j| j.1.as_str()));
        count(Some(dates), read.map(|j| j.2.as_str()));
    }
    (found, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_name_contact_and_jobs_by_their_date_lines() {
        let text = "  Ada Lovelace\n  ada@example.com | +44 20 7946 0000\n\nEXPERIENCE\nProgrammer\nAnalytical Engines\nJan 1842 – Present\n • Wrote the first program\nEDUCATION\nMathematics\nHome\n1830\n";
        let headings = ["EXPERIENCE".to_owned(), "EDUCATION".to_owned()];
        let reading = read(text, &headings, "EXPERIENCE");
        assert_eq!(reading.name, "Ada Lovelace");
        assert_eq!(reading.email.as_deref(), Some("ada@example.com"));
        assert_eq!(reading.phone.as_deref(), Some("+44 20 7946 0000"));
        assert_eq!(reading.headings, headings);
        assert_eq!(
            reading.jobs,
            [(
                "Programmer".to_owned(),
                "Analytical Engines".to_owned(),
                "Jan 1842 – Present".to_owned()
            )]
        );
    }
}
