//! Timestamps as exports write them, and the relative spans users type (`24h`, `7d`).

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};

/// Parses ISO 8601 / RFC 3339 with 0–9 fractional digits (a missing offset means UTC), and
/// the US forms the portal and Log Analytics write (`5/25/2023, 4:32:49.469 AM`,
/// `3/24/2026 7:17:42 AM`).
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
    fn relative_spans() {
        assert_eq!(parse_relative("24h"), Some(Duration::hours(24)));
        assert_eq!(parse_relative("7d"), Some(Duration::days(7)));
        assert_eq!(parse_relative("7x"), None);
        assert_eq!(parse_relative("h"), None);
        assert_eq!(parse_relative("é"), None);
    }
}
