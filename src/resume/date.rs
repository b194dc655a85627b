//! Resume dates: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, shown as "Jan 2020"; and the other ways
//! people write them (`6/2019`, `2019-6`, `Jan 2020`, `present`), read with a note.

/// A date with the precision the author gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Date {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking that the month and day exist.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().split('-');
        let year = number(parts.next()?, 4)?;
        let month = match parts.next() {
            Some(m) => Some(number(m, 2)?),
            None => None,
        };
        let day = match parts.next() {
            Some(d) => Some(number(d, 2)?),
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        let date = Date {
            year,
            month: month.map(|m| m as u8),
            day: day.map(|d| d as u8),
        };
        if let Some(m) = date.month {
            if !(1..=12).contains(&m) {
                return None;
            }
            if let Some(d) = date.day
                && (d == 0 || d > days_in_month(year, m))
            {
                return None;
            }
        }
        Some(date)
    }

    /// "Jan 2020", or "2020" when only the year is known.
    pub fn short(&self) -> String {
        match self.month {
            Some(m) => format!("{} {}", MONTHS[usize::from(m - 1)], self.year),
            None => self.year.to_string(),
        }
    }

    /// "30 Nov 2026", or [`Date::short`] without a day.
    pub fn long(&self) -> String {
        match self.day {
            Some(d) => format!("{d} {}", self.short()),
            None => self.short(),
        }
    }

    /// The machine-readable form for `<time datetime>`.
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }
}

/// How a date as written was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Written as the schema says.
    Exact(Date),
    /// Written another common way, unambiguously.
    Interpreted(Date),
    /// A word for "still going" (`present`, `current`, `now`, ...).
    Ongoing,
    /// Not a date gen can read: it is shown as written.
    Unknown,
}

/// Words that stand for no end date yet.
const ONGOING: &[&str] = &[
    "present",
    "current",
    "currently",
    "now",
    "ongoing",
    "today",
    "to date",
    "till date",
    "till now",
    "to present",
];

const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Reads a date the way people write them. Day-first and month-first dates with a day
/// (`03/04/2020`) are ambiguous and stay [`Reading::Unknown`].
pub fn read(text: &str) -> Reading {
    let text = text.trim();
    if let Some(date) = Date::parse(text) {
        return Reading::Exact(date);
    }
    let lower = text.to_lowercase();
    if ONGOING.contains(&lower.trim_end_matches('.')) {
        return Reading::Ongoing;
    }
    interpret(&lower).map_or(Reading::Unknown, Reading::Interpreted)
}

fn interpret(text: &str) -> Option<Date> {
    // An RFC 3339 / ISO 8601 timestamp: its date.
    if let Some((date, time)) = text.split_once('t')
        && time.starts_with(|c: char| c.is_ascii_digit())
    {
        return Date::parse(date);
    }
    let parts: Vec<&str> = text
        .split(['-', '/', '.', ' ', ','])
        .filter(|p| !p.is_empty())
        .collect();
    let date = match parts.as_slice() {
        // 2019-6, 2019/06, 2019.6.1
        [y, m] if y.len() == 4 => ymd(y, m, None),
        [y, m, d] if y.len() == 4 => ymd(y, m, Some(d)),
        // 6/2019, 06-2019
        [m, y] if y.len() == 4 && m.len() <= 2 => ymd(y, m, None),
        _ => None,
    };
    date.or_else(|| month_name(&parts))
}

fn ymd(year: &str, month: &str, day: Option<&&str>) -> Option<Date> {
    let short = |t: &str| (1..=2).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit());
    if !short(month) || day.is_some_and(|d| !short(d)) {
        return None;
    }
    let iso = match day {
        Some(d) => format!("{year}-{month:0>2}-{d:0>2}"),
        None => format!("{year}-{month:0>2}"),
    };
    Date::parse(&iso)
}

/// `Jan 2020`, `January, 2020`, `Sept. 2020`, `2020 March`.
fn month_name(parts: &[&str]) -> Option<Date> {
    let (name, year) = match parts {
        [name, year] if year.len() == 4 => (name, year),
        [year, name] if year.len() == 4 => (name, year),
        _ => return None,
    };
    if name.len() < 3 {
        return None;
    }
    let month = MONTH_NAMES
        .iter()
        .position(|m| m.starts_with(*name) || (*name == "sept" && *m == "september"))?;
    Date::parse(&format!("{year}-{:02}", month + 1))
}

/// Whether `end` lies before `start`, compared at the precision both have.
pub fn is_before(end: &Date, start: &Date) -> bool {
    let key = |d: &Date, month: bool, day: bool| {
        (
            d.year,
            if month { d.month.unwrap_or(0) } else { 0 },
            if day { d.day.unwrap_or(0) } else { 0 },
        )
    };
    let month = end.month.is_some() && start.month.is_some();
    let day = month && end.day.is_some() && start.day.is_some();
    key(end, month, day) < key(start, month, day)
}

fn number(text: &str, digits: usize) -> Option<u16> {
    if text.len() != digits || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_precisions() {
        assert_eq!(Date::parse("2020").map(|d| d.short()), Some("2020".into()));
        assert_eq!(
            Date::parse("2020-01").map(|d| d.short()),
            Some("Jan 2020".into())
        );
        assert_eq!(
            Date::parse("2013-12-01").map(|d| d.short()),
            Some("Dec 2013".into())
        );
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.iso()),
            Some("2024-02-29".into())
        );
    }

    #[test]
    fn reads_what_people_write() {
        let read_as = |text: &str| match read(text) {
            Reading::Interpreted(d) => d.iso(),
            other => format!("{other:?}"),
        };
        for (text, iso) in [
            ("2019-6", "2019-06"),
            ("2019-6-3", "2019-06-03"),
            ("6/2019", "2019-06"),
            ("06/2019", "2019-06"),
            ("2019/09", "2019-09"),
            ("2019.09", "2019-09"),
            ("Jan 2020", "2020-01"),
            ("January, 2020", "2020-01"),
            ("Sept. 2020", "2020-09"),
            ("2021-03-04T10:00:00Z", "2021-03-04"),
        ] {
            assert_eq!(read_as(text), iso, "{text}");
        }
        for word in ["present", "Present", "CURRENT", "now", "ongoing"] {
            assert_eq!(read(word), Reading::Ongoing, "{word}");
        }
        for unknown in [
            "202X-09-01",
            "<START_DATE>",
            "03/04/2020",
            "2019-13",
            "soon",
            "Ma 2020",
        ] {
            assert_eq!(read(unknown), Reading::Unknown, "{unknown}");
        }
        assert!(matches!(read("2019-06"), Reading::Exact(_)));
    }

    #[test]
    fn order_at_the_common_precision() {
        let d = |t: &str| Date::parse(t).unwrap();
        assert!(is_before(&d("2019-01"), &d("2020-03")));
        assert!(is_before(&d("2020-02"), &d("2020-03-15")));
        assert!(!is_before(&d("2020"), &d("2020-03")));
        assert!(!is_before(&d("2020-03"), &d("2020-03-15")));
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2019-13",
            "2019-00",
            "2023-02-29",
            "19",
            "2019-1",
            "2019/01",
            "2019-01-01T00:00",
            "",
            "soon",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }
}
