//! Message templates: a reason with its variable parts masked.
//!
//! Thousands of failures often share a handful of messages that differ only in a user
//! name, an object id or a timestamp. Masking those parts (GUIDs, e-mail addresses, URLs,
//! times, quoted values, long hex strings, numbers) gives the message's template, so
//! unclassified failures can be counted by cause (`analyze --group-by template`) and a
//! catalog entry drafted for each (`catalog draft`).

use std::sync::OnceLock;

use regex::Regex;

use crate::catalog::normalize;
use crate::reason::fixed_regex;

/// Longest template kept: enough to tell messages apart, bounded for a group key.
const MAX_TEMPLATE: usize = 400;

/// What a mask stands for, and the pattern a drafted entry uses for it.
const MASKS: &[(&str, &str)] = &[
    ("<url>", r"\S+"),
    ("<email>", r"[^\s@]+@[^\s@]+"),
    (
        "<guid>",
        r"[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}",
    ),
    ("<time>", r"\S+(?: \S+)?"),
    ("<hex>", r"[0-9A-Fa-f]+"),
    ("<value>", r"[^'\x22」\]]*"),
    ("<n>", r"\d+"),
];

struct Masks {
    url: Regex,
    email: Regex,
    guid: Regex,
    time: Regex,
    quoted: Regex,
    hex: Regex,
    number: Regex,
}

fn masks() -> &'static Masks {
    static M: OnceLock<Masks> = OnceLock::new();
    M.get_or_init(|| Masks {
        url: fixed_regex(r"(?i)\bhttps?://[^\s'\x22<>]+"),
        email: fixed_regex(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
        guid: fixed_regex(r"\b[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}\b"),
        time: fixed_regex(
            r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?|\b\d{1,2}/\d{1,2}/\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[AP]M)?)?",
        ),
        quoted: fixed_regex(
            r"'[^'\n]{1,200}'|\x22[^\x22\n]{1,200}\x22(\s*:)?|「[^」\n]{1,200}」|\[[^\]\n]{1,200}\]",
        ),
        hex: fixed_regex(r"\b[0-9A-Fa-f]{16,}\b"),
        number: fixed_regex(r"\b\d+\b"),
    })
}

/// The template of a message: normalised (as the matcher sees it), variable parts masked,
/// cut to a bounded length at a character boundary.
pub fn of(message: &str) -> String {
    let m = masks();
    let text = normalize::text(message);
    let t = m.url.replace_all(&text, "<url>");
    let t = m.email.replace_all(&t, "<email>");
    let t = m.guid.replace_all(&t, "<guid>");
    let t = m.time.replace_all(&t, "<time>");
    let t = m.quoted.replace_all(&t, |c: &regex::Captures<'_>| {
        let q = &c[0];
        // A JSON key is structure, not a value.
        if c.get(1).is_some() {
            return q.to_owned();
        }
        // Keep the quotes: they are part of the message's shape.
        let (open, close) = if q.starts_with('「') {
            ("「", "」")
        } else if q.starts_with('[') {
            ("[", "]")
        } else {
            (&q[..1], &q[..1])
        };
        let inner = &q[open.len()..q.len() - close.len()];
        // A short bracketed word is text; a double-quoted sentence (a JSON error's
        // `detail`) is the message itself; a single-quoted or 「」 value is a name.
        let keep = match open {
            "[" => !inner
                .chars()
                .any(|c| c.is_ascii_digit() || c == '@' || c == '<'),
            "\"" => inner.contains(' ') && !inner.starts_with('<'),
            _ => false,
        };
        if keep {
            return q.to_owned();
        }
        format!("{open}<value>{close}")
    });
    let t = m.hex.replace_all(&t, "<hex>");
    // HTTP statuses stay: a 409 and a 503 are different failures.
    let t = m.number.replace_all(&t, |c: &regex::Captures<'_>| {
        let n = &c[0];
        if n.len() == 3 && matches!(n.as_bytes()[0], b'4' | b'5') {
            n.to_owned()
        } else {
            "<n>".to_owned()
        }
    });
    cut(&t, MAX_TEMPLATE)
}

fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// A catalog pattern for a template: its text literally (case and punctuation are
/// normalised by the matcher anyway), each mask as what it stands for; the first quoted
/// value and the first e-mail address become the captures `value` and `email`, so that
/// they show as facts. Cut at `max_chars` characters (at a word end) so that the pattern
/// matches the message's stable head, not its tail.
pub fn pattern(template: &str, max_chars: usize) -> String {
    let mut t = template.trim_end_matches('…');
    if let Some((i, _)) = t.char_indices().nth(max_chars) {
        let head = &t[..i];
        // Never cut inside a mask.
        let head = match (head.rfind('<'), head.rfind('>')) {
            (Some(open), close) if close.is_none_or(|c| c < open) => &head[..open],
            _ => head,
        };
        t = head.rfind(' ').map_or(head, |sp| &head[..sp]);
    }
    let mut out = String::new();
    let mut named_value = false;
    let mut named_email = false;
    let mut rest = t;
    while !rest.is_empty() {
        let next = MASKS
            .iter()
            .filter_map(|(mask, re)| rest.find(mask).map(|i| (i, *mask, *re)))
            .min_by_key(|(i, _, _)| *i);
        match next {
            Some((i, mask, re)) => {
                out.push_str(&regex::escape(&rest[..i]));
                match mask {
                    "<value>" if !named_value => {
                        named_value = true;
                        out.push_str(&format!("(?P<value>{re})"));
                    }
                    "<email>" if !named_email => {
                        named_email = true;
                        out.push_str(&format!("(?P<email>{re})"));
                    }
                    _ => {
                        out.push_str("(?:");
                        out.push_str(re);
                        out.push(')');
                    }
                }
                rest = &rest[i + mask.len()..];
            }
            None => {
                out.push_str(&regex::escape(rest));
                rest = "";
            }
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_parts_are_masked() {
        let a = of(
            "Failed to create User 'alice@contoso.com' in customappsso; Error: user 7f3a1c2e-9b8d-4e6f-a1b2-c3d4e5f60718 exists. This operation was retried 3 times. It will be retried again after this date: 2026-03-24T13:23:44.9198514Z UTC",
        );
        let b = of(
            "Failed to create User 'bob@contoso.com' in customappsso; Error: user 00000000-1111-2222-3333-444444444444 exists.  This operation was retried 12 times. It will be retried again after this date: 2026-04-01T01:02:03Z UTC",
        );
        assert_eq!(a, b);
        assert_eq!(
            a,
            "Failed to create User '<value>' in customappsso; Error: user <guid> exists. This operation was retried <n> times. It will be retried again after this date: <time> UTC"
        );
        assert_eq!(
            of("Resource [USER]: with email[a@b.com] already exists."),
            "Resource [USER]: with email[<value>] already exists."
        );
        assert_eq!(
            of("セキュリティープロファイルの「営業部」は存在しません。"),
            "セキュリティープロファイルの「<value>」は存在しません。"
        );
        assert_eq!(of("see https://aka.ms/x?y=1 now"), "see <url> now");
        assert_eq!(
            of(r#"Web Response: {"detail":"User must be Active.","status":409,"userName":"u123"}"#),
            r#"Web Response: {"detail":"User must be Active.","status":409,"userName":"<value>"}"#
        );
        assert!(of(&"x".repeat(5000)).chars().count() <= MAX_TEMPLATE + 1);
    }

    #[test]
    fn a_pattern_from_a_template_matches_the_messages_it_came_from() {
        let messages = [
            "Failed to create User 'alice@contoso.com' in customappsso; Error: quota of 25 reached for 7f3a1c2e-9b8d-4e6f-a1b2-c3d4e5f60718.",
            "Resource [USER]: with email[a@b.com] already exists.",
            "セキュリティープロファイルの「営業部」は存在しません。",
            "Contact alice@contoso.com (id 42) at https://example.com/x on 2026-03-24T13:23:44Z",
        ];
        for m in messages {
            let p = pattern(&of(m), 120);
            let re = regex::RegexBuilder::new(&normalize::pattern(&p))
                .case_insensitive(true)
                .build()
                .unwrap_or_else(|e| panic!("{p}: {e}"));
            assert!(re.is_match(&normalize::text(m)), "{p} / {m}");
        }
        let p = pattern(&of("Failed for 'a' and 'b' by x@y.com"), 200);
        assert_eq!(p.matches("(?P<value>").count(), 1, "{p}");
        assert!(p.contains("(?P<email>"), "{p}");
    }

    #[test]
    fn a_long_template_is_cut_at_a_word_outside_a_mask() {
        let p = pattern("aaaa bbbb <guid> cccc dddd", 12);
        assert_eq!(p, r"aaaa bbbb");
    }
}
