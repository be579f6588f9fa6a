//! Timestamps as exports write them, and the relative spans users type (`24h`, `7d`).

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};

/// Parses ISO 8601 / RFC 3339 with 0–9 fractional digits (a missing offset means UTC), and
/// the US forms the portal and Log Analytics write (`5/25/2023, 4:32:49.469 AM`,
/// `3/24/2026 7:17:42 AM`), also with an offset after them (`1/9/2007 10:41:00 AM +01:00`,
/// the form Azure Monitor's records can carry). The US forms are month/day/year: `1/9/2007`
/// is 9 January, as the portal writes it, never 1 September.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    let s = s.strip_suffix(" UTC").unwrap_or(s).trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    const NAIVE: [&str; 8] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%m/%d/%Y, %I:%M:%S%.f %p",
        "%m/%d/%Y %I:%M:%S%.f %p",
        "%m/%d/%Y, %H:%M:%S%.f",
        "%m/%d/%Y %H:%M:%S%.f",
        "%Y/%m/%d %H:%M:%S%.f",
    ];
    for f in NAIVE {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(Utc.from_utc_datetime(&t));
        }
    }
    // The same forms followed by an offset, `+01:00` or `+0100`.
    if s.ends_with(|c: char| c.is_ascii_digit()) && s.contains([' ', 'T']) {
        const OFFSET: [&str; 6] = [
            "%m/%d/%Y %I:%M:%S%.f %p %z",
            "%m/%d/%Y, %I:%M:%S%.f %p %z",
            "%m/%d/%Y %H:%M:%S%.f %z",
            "%m/%d/%Y, %H:%M:%S%.f %z",
            "%Y-%m-%d %H:%M:%S%.f %z",
            "%Y-%m-%dT%H:%M:%S%.f %z",
        ];
        for f in OFFSET {
            if let Ok(t) = DateTime::parse_from_str(s, f) {
                return Some(t.with_timezone(&Utc));
            }
        }
    }
    // A space before the offset (`2026-03-24 13:23:44 +00:00`) or a `Z` after naive forms.
    if let Some(stripped) = s.strip_suffix('Z') {
        return parse_time(stripped);
    }
    None
}

/// `24h`, `7d`, `30m`, `2w`, `90s`.
pub fn parse_relative(s: &str) -> Option<Duration> {
    let s = s.trim();
    let unit = s.chars().last()?;
    let n: i64 = s[..s.len() - unit.len_utf8()].trim().parse().ok()?;
    if n < 0 {
        return None;
    }
    match unit {
        's' => Duration::try_seconds(n),
        'm' => Duration::try_minutes(n),
        'h' => Duration::try_hours(n),
        'd' => Duration::try_days(n),
        'w' => Duration::try_weeks(n),
        _ => None,
    }
}

/// RFC 3339 in UTC with as many fractional digits as the value needs (none, or up to 9).
/// A time for a person to read: RFC 3339 UTC to the second (the machine formats keep the
/// source's precision with `format_time`).
pub fn format_seconds(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn format_time(t: &DateTime<Utc>) -> String {
    let s = t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    // "…:36.027829800Z" -> "…:36.0278298Z", "…:36.000000000Z" -> "…:36Z"
    match s.rfind('.') {
        Some(dot) => {
            let frac = s[dot + 1..s.len() - 1].trim_end_matches('0');
            if frac.is_empty() {
                format!("{}Z", &s[..dot])
            } else {
                format!("{}.{frac}Z", &s[..dot])
            }
        }
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_export_forms() {
        let cases = [
            ("2019-05-04T03:00:54Z", "2019-05-04T03:00:54Z"),
            (
                "2022-08-23T13:36:50.3538931Z",
                "2022-08-23T13:36:50.3538931Z",
            ),
            ("2022-08-23T13:36:52.869547Z", "2022-08-23T13:36:52.869547Z"),
            (
                "2026-03-24T13:23:44.9198514Z UTC",
                "2026-03-24T13:23:44.9198514Z",
            ),
            ("5/25/2023, 4:32:49.469 AM", "2023-05-25T04:32:49.469Z"),
            ("3/24/2026 7:17:42 PM", "2026-03-24T19:17:42Z"),
            ("2026-11-24 08:19:41", "2026-11-24T08:19:41Z"),
            ("2026-11-24T08:19:41+09:00", "2026-11-23T23:19:41Z"),
        ];
        for (input, want) in cases {
            let got = parse_time(input).map(|t| format_time(&t));
            assert_eq!(got.as_deref(), Some(want), "{input}");
        }
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(parse_time(""), None);
    }

    #[test]
    fn parses_us_forms_with_an_offset() {
        let cases = [
            // The form of issue 17, item 20: 10:41 at +01:00 is 09:41 UTC.
            ("1/9/2007 10:41:00 AM +01:00", "2007-01-09T09:41:00Z"),
            ("1/9/2007 10:41:00 PM +01:00", "2007-01-09T21:41:00Z"),
            ("01/09/2007 10:41:00 AM +0100", "2007-01-09T09:41:00Z"),
            ("1/9/2007 10:41:00 AM -05:30", "2007-01-09T16:11:00Z"),
            ("1/9/2007 10:41:00 AM +00:00", "2007-01-09T10:41:00Z"),
            (
                "1/9/2007 10:41:00.125 AM +01:00",
                "2007-01-09T09:41:00.125Z",
            ),
            (
                "5/25/2023, 4:32:49.469 AM +09:00",
                "2023-05-24T19:32:49.469Z",
            ),
            // Midnight and noon on a 12-hour clock.
            ("1/9/2007 12:05:00 AM +00:00", "2007-01-09T00:05:00Z"),
            ("1/9/2007 12:05:00 PM +00:00", "2007-01-09T12:05:00Z"),
            ("1/9/2007 13:05:00 +02:00", "2007-01-09T11:05:00Z"),
            ("1/9/2007 10:41:00 AM Z", "2007-01-09T10:41:00Z"),
            ("2026-03-24 13:23:44 +00:00", "2026-03-24T13:23:44Z"),
            // An offset that moves the date back across a year.
            ("1/1/2026 0:30:00 +01:00", "2025-12-31T23:30:00Z"),
        ];
        for (input, want) in cases {
            let got = parse_time(input).map(|t| format_time(&t));
            assert_eq!(got.as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn us_forms_are_month_first_even_when_the_day_could_be_a_month() {
        // Ambiguous: 1/9 is 9 January in the US order the portal writes, not 1 September.
        let t = parse_time("1/9/2007 10:41:00 AM +01:00").map(|t| format_time(&t));
        assert_eq!(t.as_deref(), Some("2007-01-09T09:41:00Z"));
        let t = parse_time("9/1/2007 10:41:00 AM").map(|t| format_time(&t));
        assert_eq!(t.as_deref(), Some("2007-09-01T10:41:00Z"));
        // Not ambiguous, and not a US date: a 13th month is refused, not read day-first.
        assert_eq!(parse_time("13/9/2007 10:41:00 AM +01:00"), None);
        assert_eq!(parse_time("1/32/2007 10:41:00 AM +01:00"), None);
        // An hour past 12 with AM/PM, or an offset out of range, is no time.
        assert_eq!(parse_time("1/9/2007 13:41:00 PM +01:00"), None);
        assert_eq!(parse_time("1/9/2007 10:41:00 AM +25:00"), None);
        assert_eq!(parse_time("1/9/2007 10:41:00 AM +01:00 extra"), None);
    }

    #[test]
    fn relative_spans() {
        assert_eq!(parse_relative("24h"), Some(Duration::hours(24)));
        assert_eq!(parse_relative("7d"), Some(Duration::days(7)));
        assert_eq!(parse_relative("7x"), None);
        assert_eq!(parse_relative("h"), None);
        assert_eq!(parse_relative("é"), None);
    }
}
