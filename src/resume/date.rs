//! Resume dates: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, shown as "Jan 2020".

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

    /// The machine-readable form for `<time datetime>`.
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }
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
