//! Tolerant matching: text and patterns are brought to one form before they meet.
//!
//! The same message reaches provlog with its punctuation changed by whoever carried it: a
//! portal that HTML-escapes, a ticket that curls quotes, a console that turns a long tail
//! into `…`, Windows line ends, full-width Latin letters typed on a Japanese keyboard. A
//! pattern should describe the message, not its punctuation, so both sides are normalised
//! the same way (case is handled by compiling every pattern case-insensitively):
//!
//! - HTML entities are decoded (`&quot;`, `&#39;`, `&amp;`, numeric forms);
//! - curly quotes become straight ones, `…` becomes `...`;
//! - full-width ASCII (`ＡＢＣ（：）`) becomes ASCII, the ideographic space a space;
//! - every run of whitespace (CR, LF, tab, no-break space) becomes one space, zero-width
//!   characters go, and the ends are trimmed;
//! - a space after a colon, comma, semicolon or period in a pattern is optional (copies
//!   of a message lose it: "Error:A value"), and its periods are optional (its final `\.` or `。` is dropped), so a message
//!   cut short or ending in ` ...` still matches, and its word boundaries `\b` are ASCII ones (which the fast regex
//!   engines support; Unicode ones send every search to the slowest engine).

use std::borrow::Cow;

/// A text as the matcher sees it. Borrowed when there is nothing to change (the common
/// case: plain ASCII with single spaces), so the fast path does not allocate.
pub fn text(s: &str) -> Cow<'_, str> {
    if is_plain(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let mut width = c.len_utf8();
        let mapped: Mapped = if c == '&' {
            match entity(rest) {
                Some((decoded, len)) => {
                    width = len;
                    map_char(decoded)
                }
                None => Mapped::One('&'),
            }
        } else {
            map_char(c)
        };
        rest = &rest[width..];
        match mapped {
            Mapped::Space => space = true,
            Mapped::Drop => {}
            Mapped::One(c) => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
            Mapped::Str(t) => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push_str(t);
            }
        }
    }
    Cow::Owned(out)
}

/// ASCII printable, no entity, no doubled or edge space: nothing to normalise.
fn is_plain(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let mut prev_space = false;
    for &c in b {
        if !(0x20..0x7f).contains(&c) || c == b'&' {
            return false;
        }
        let sp = c == b' ';
        if sp && prev_space {
            return false;
        }
        prev_space = sp;
    }
    true
}

enum Mapped {
    One(char),
    Str(&'static str),
    Space,
    Drop,
}

fn map_char(c: char) -> Mapped {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' => Mapped::One('\''),
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' => Mapped::One('"'),
        '\u{2026}' => Mapped::Str("..."),
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => Mapped::Drop,
        '\u{3000}' => Mapped::Space,
        '\u{ff01}'..='\u{ff5e}' => {
            // Full-width ASCII sits at a fixed offset from ASCII.
            char::from_u32(c as u32 - 0xfee0).map_or(Mapped::One(c), Mapped::One)
        }
        c if c.is_whitespace() => Mapped::Space,
        c => Mapped::One(c),
    }
}

/// An HTML entity at the start of `s`: the character and the entity's length in bytes.
fn entity(s: &str) -> Option<(char, usize)> {
    let end = s.as_bytes().iter().take(12).position(|&b| b == b';')?;
    let name = &s[1..end];
    let c = match name {
        "quot" => '"',
        "apos" => '\'',
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "nbsp" => ' ',
        "hellip" => '\u{2026}',
        "lsquo" | "rsquo" => '\'',
        "ldquo" | "rdquo" => '"',
        n => {
            let num = n.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code).filter(|c| *c != '\0')?
        }
    };
    Some((c, end + 1))
}

/// A pattern's source rewritten to meet normalised text: the literal characters that
/// `text` replaces are replaced here too (escaped where ASCII makes them regex syntax),
/// and a final period is dropped.
pub fn pattern(src: &str) -> String {
    let mut out = String::with_capacity(src.len() + 8);
    let mut chars = src.chars().peekable();
    let mut escaped = false;
    let mut in_class = false;
    while let Some(c) = chars.next() {
        if escaped {
            escaped = false;
            if !in_class && (c == 'b' || c == 'B') {
                // A word boundary on ASCII terms: the fast regex engines handle it, and
                // the words catalogs bound (codes, English words) are ASCII.
                out.pop();
                out.push_str(if c == 'b' { r"(?-u:\b)" } else { r"(?-u:\B)" });
            } else if !in_class && c == '.' && !matches!(chars.peek(), Some('?' | '*' | '+' | '{'))
            {
                // A sentence's period may be cut off or turned into an ellipsis.
                out.push_str(".?");
            } else {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' => {
                out.push(c);
                escaped = true;
            }
            '[' if !in_class => {
                out.push(c);
                in_class = true;
                // `[]...]` and `[^]...]` start with a literal bracket.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push(']');
                    chars.next();
                }
            }
            ']' if in_class => {
                out.push(c);
                in_class = false;
            }
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' => out.push('\''),
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' => out.push('"'),
            '\u{2026}' => out.push_str(r"\.\.\."),
            '\u{3000}' => out.push(' '),
            '\u{ff01}'..='\u{ff5e}' => {
                let a = char::from_u32(c as u32 - 0xfee0).unwrap_or(c);
                if r"\.+*?()|[]{}^$#&-~".contains(a) {
                    out.push('\\');
                }
                out.push(a);
            }
            ' ' if !in_class => {
                // A run of literal spaces is one space in normalised text, unless its last
                // space is quantified (` ?`, `  {2}`): then the run says on purpose how
                // many spaces there may be, and stays as written.
                let mut run = 1;
                while chars.peek() == Some(&' ') {
                    chars.next();
                    run += 1;
                }
                if matches!(chars.peek(), Some('*' | '+' | '?' | '{')) {
                    out.extend(std::iter::repeat_n(' ', run));
                } else if after_punctuation(&out) {
                    // "Error:A value", "occurred.No superior": copies of a message lose
                    // the space after its punctuation.
                    out.push_str(" ?");
                } else {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    drop_final_period(&mut out);
    // A pattern anchored at the end still matches a message cut short with an ellipsis.
    if out.ends_with('$') && !out.ends_with("\\$") {
        out.pop();
        out.push_str(r"(?:\s*\.\.\.)?\s*$");
    }
    out
}

/// Whether a pattern written so far ends with a literal colon, comma, semicolon or
/// period (not the `(?:` of a group).
fn after_punctuation(out: &str) -> bool {
    if out.ends_with("(?:") || out.ends_with("(?-u:") {
        return false;
    }
    out.ends_with(':') || out.ends_with(',') || out.ends_with(';') || out.ends_with(r"\.?")
}

fn drop_final_period(p: &mut String) {
    for tail in [r"\.?", r"\.", "。?", "。"] {
        if let Some(head) = p.strip_suffix(tail) {
            // An odd run of backslashes before the tail escapes it (`\\.` is a backslash
            // and any character, not a period).
            let backslashes = head.bytes().rev().take_while(|&b| b == b'\\').count();
            if backslashes % 2 == 0 && !head.is_empty() {
                p.truncate(head.len());
            }
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(text("StatusCode: Conflict"), Cow::Borrowed(_)));
        assert!(matches!(text("two  spaces"), Cow::Owned(_)));
    }

    #[test]
    fn punctuation_spacing_and_entities() {
        assert_eq!(
            text("Don\u{2019}t  use \u{201c}x\u{201d}\r\n\tnow\u{2026}"),
            "Don't use \"x\" now..."
        );
        assert_eq!(
            text("&quot;a&quot; &amp; &#39;b&#39; &#x41; &lt;p&gt; &bogus; & end"),
            "\"a\" & 'b' A <p> &bogus; & end"
        );
        assert_eq!(
            text("\u{3000}ＵＳＥＲ（１）：\u{a0}x\u{200b}y "),
            "USER(1): xy"
        );
        assert_eq!(
            text("学生の DisplayName に無効な文字があります。"),
            "学生の DisplayName に無効な文字があります。"
        );
    }

    #[test]
    fn patterns_follow_the_text() {
        assert_eq!(pattern(r"already exists\."), "already exists");
        assert_eq!(pattern(r"already exists\.?"), "already exists");
        assert_eq!(
            pattern(r"client\.(?:\s*Please)?"),
            r"client\.?(?:\s*Please)?"
        );
        assert_eq!(pattern(r"[\.\b]a\.+"), r"[\.\b]a\.+");
        assert_eq!(pattern(r"a\\."), r"a\\.");
        assert_eq!(pattern("存在しません。"), "存在しません");
        assert_eq!(pattern("Don\u{2019}t"), "Don't");
        assert_eq!(pattern("a  b"), "a b");
        assert_eq!(pattern("a  {2}"), "a  {2}");
        assert_eq!(pattern("a ?b"), "a ?b");
        assert_eq!(
            pattern(r"^only this\.?\s*$"),
            r"^only this\.?\s*(?:\s*\.\.\.)?\s*$"
        );
        assert_eq!(pattern(r"costs \$"), r"costs \$");
        assert_eq!(
            pattern(r"Error: A value\. No, x; y"),
            r"Error: ?A value\.? ?No, ?x; ?y"
        );
        assert_eq!(pattern("(?: a)"), "(?: a)");
        assert_eq!(pattern("a   b"), "a b");
        assert_eq!(pattern("（\u{ff0e}）"), r"\(\.\)");
        assert_eq!(pattern(r"\bcode\B\\b"), r"(?-u:\b)code(?-u:\B)\\b");
        assert_eq!(pattern("F(?:\u{2026}|x)"), r"F(?:\.\.\.|x)");
        for p in [
            r"already exists\.",
            "[(（]30[)）]",
            "a　b",
            "x\u{ff0d}y[\u{ff0d}]",
        ] {
            assert!(regex::Regex::new(&pattern(p)).is_ok(), "{p}");
        }
    }

    #[test]
    fn a_normalised_pattern_matches_the_normalised_message() {
        let cases = [
            (r"User must be Active\.", "user must be active ..."),
            (
                r"Resource \[USER\]: with email\[(?P<email>[^\]]+)\] already exists\.",
                "Resource [USER]: with email[a@b.com] already exists …",
            ),
            (
                "セキュリティープロファイルの「(?P<p>.+?)」は存在しません。",
                "セキュリティープロファイルの「営業」は存在しません",
            ),
            (
                r#"The proxy address "SMTP:"#,
                "The proxy address &quot;SMTP:x@y&quot; is already being used",
            ),
        ];
        for (p, t) in cases {
            let re = regex::RegexBuilder::new(&pattern(p))
                .case_insensitive(true)
                .build()
                .unwrap_or_else(|e| panic!("{p}: {e}"));
            assert!(re.is_match(&text(t)), "{p} / {t}");
        }
    }
}
