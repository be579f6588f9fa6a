//! [`Html`]: markup that is safe to put in the report, by construction.
//!
//! The report shows text from the logs and from catalogs a user may write, and any of it
//! may try to be markup. So the renderer never writes strings; it builds `Html`, and an
//! `Html` can only come from
//! - text, escaped: [`Html::text`], or any `&str`/`String` part of a template;
//! - a template, the [`html!`] macro: a string literal of our own markup whose `{}` holes
//!   take [`Part`]s (text is escaped, numbers are written, `Html` is kept). The literal is
//!   checked at compile time: one hole per part, whole tags only, and a hole inside a tag
//!   only as a double-quoted attribute value, where escaping keeps it one value (a part in
//!   a value is escaped even when it is `Html`);
//! - [`Html::trusted`], the one way around both, for markup provlog generates itself: the
//!   stylesheet and the charts' SVG. Each call says why its input is safe.
//!
//! Rejected: a template crate (askama, maud, markup). They escape by type as this does, but
//! add a dependency and a template language or proc macro for a page whose markup is a few
//! dozen short literals; the templates here stay next to the code that fills them.

use std::fmt::Write as _;

use crate::render::sanitize;

/// Markup safe to write into the page (see the module doc for how one is made).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Html(String);

/// What a template's `{}` hole can hold.
pub trait Part {
    /// Writes this part where the template puts it, between tags.
    fn put(&self, out: &mut String);
    /// Writes this part inside a double-quoted attribute value: as text, whatever it is, so
    /// it cannot end the value.
    fn put_in_value(&self, out: &mut String) {
        self.put(out);
    }
}

/// Text: control characters made visible (as in the terminal views), then `& < > " '` as
/// character references, so the text can neither open a tag nor end an attribute value.
impl Part for str {
    fn put(&self, out: &mut String) {
        let text = sanitize(self);
        let mut rest: &str = &text;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            out.push_str(&rest[..i]);
            out.push_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                // `find` stops at the five characters above only.
                _ => "&#39;",
            });
            rest = &rest[i + 1..];
        }
        out.push_str(rest);
    }
}

impl Part for String {
    fn put(&self, out: &mut String) {
        self.as_str().put(out);
    }
}

impl Part for Html {
    fn put(&self, out: &mut String) {
        out.push_str(&self.0);
    }
    fn put_in_value(&self, out: &mut String) {
        self.0.put(out);
    }
}

/// Nothing for `None`: an empty cell or an absent value.
impl<T: Part> Part for Option<T> {
    fn put(&self, out: &mut String) {
        if let Some(p) = self {
            p.put(out);
        }
    }
    fn put_in_value(&self, out: &mut String) {
        if let Some(p) = self {
            p.put_in_value(out);
        }
    }
}

impl<T: Part + ?Sized> Part for &T {
    fn put(&self, out: &mut String) {
        (**self).put(out);
    }
    fn put_in_value(&self, out: &mut String) {
        (**self).put_in_value(out);
    }
}

/// Numbers are digits and a sign: nothing to escape.
macro_rules! number_parts {
    ($($t:ty),*) => {$(
        impl Part for $t {
            fn put(&self, out: &mut String) {
                // Formatting into a String cannot fail.
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
number_parts!(u32, u64, usize, i64);

impl Html {
    pub fn new() -> Html {
        Html(String::new())
    }

    /// Escaped text.
    pub fn text(s: &str) -> Html {
        let mut out = String::with_capacity(s.len());
        s.put(&mut out);
        Html(out)
    }

    /// The escape hatch: `markup` goes into the page as it is. Only for markup provlog
    /// generates without text from the input or a catalog in it; every caller says why
    /// that holds for its markup.
    pub fn trusted(markup: impl Into<String>) -> Html {
        Html(markup.into())
    }

    /// `parts` one after the other, `sep` between them.
    pub fn join(parts: impl IntoIterator<Item = Html>, sep: &Html) -> Html {
        let mut out = Html::new();
        for (i, p) in parts.into_iter().enumerate() {
            if i > 0 {
                out.0.push_str(&sep.0);
            }
            out.0.push_str(&p.0);
        }
        out
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Appends a template with its holes filled. The template is written as it is, so call
    /// this only through [`html!`], which takes a string literal and checks it at compile
    /// time.
    pub fn fill(&mut self, template: &'static str, parts: &[&dyn Part]) {
        let bytes = template.as_bytes();
        let mut parts = parts.iter();
        let (mut at, mut i, mut from) = (At::Text, 0, 0);
        while i < bytes.len() {
            if is_hole(bytes, i) {
                self.0.push_str(&template[from..i]);
                if let Some(p) = parts.next() {
                    match at {
                        At::Value => p.put_in_value(&mut self.0),
                        _ => p.put(&mut self.0),
                    }
                }
                i += 2;
                from = i;
                continue;
            }
            at = at.after(bytes[i]);
            i += 1;
        }
        self.0.push_str(&template[from..]);
    }
}

/// Where a template is, read from the start: between tags, inside a tag, or inside a
/// double-quoted attribute value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    Text,
    Tag,
    Value,
}

impl At {
    const fn after(self, byte: u8) -> At {
        match (self, byte) {
            (At::Text, b'<') => At::Tag,
            (At::Tag, b'"') => At::Value,
            (At::Value, b'"') => At::Tag,
            (At::Tag, b'>') => At::Text,
            (at, _) => at,
        }
    }
}

const fn is_hole(bytes: &[u8], i: usize) -> bool {
    bytes[i] == b'{' && i + 1 < bytes.len() && bytes[i + 1] == b'}'
}

/// The number of `{}` holes in a template, or `None` when it cannot be filled safely: a
/// hole inside a tag but not in a double-quoted attribute value (`<a href={}>`, `<{}>`,
/// `<p {}>`, `<p title='{}'>`), or a tag left open at the end.
pub const fn holes(template: &str) -> Option<usize> {
    let bytes = template.as_bytes();
    let (mut at, mut i, mut n) = (At::Text, 0, 0);
    while i < bytes.len() {
        if is_hole(bytes, i) {
            if matches!(at, At::Tag) {
                return None;
            }
            n += 1;
            i += 2;
            continue;
        }
        at = at.after(bytes[i]);
        i += 1;
    }
    match at {
        At::Text => Some(n),
        At::Tag | At::Value => None,
    }
}

/// `template`, when it has `parts` holes and can be filled safely.
pub const fn checked(template: &'static str, parts: usize) -> &'static str {
    // These panics happen while compiling, never at run time: `html!` calls this in a
    // `const` block, so a bad template is a build error naming the rule it breaks.
    match holes(template) {
        None => panic!(
            "html!: a hole inside a tag must be a double-quoted attribute value, and every tag must close"
        ),
        Some(n) if n != parts => {
            panic!("html!: the template's holes and the parts differ in number")
        }
        Some(_) => template,
    }
}

/// `html!("<p class=\"note\">{}</p>\n", text)` makes an [`Html`];
/// `html!(out, "<p>{}</p>\n", text)` appends to the `Html` named `out`. The template must be
/// a string literal (checked at compile time, see [`holes`]); every part is a [`Part`].
macro_rules! html {
    ($out:ident, $template:literal $(, $part:expr)* $(,)?) => {
        $out.fill(
            const {
                $crate::render::html::markup::checked(
                    $template,
                    <[&str]>::len(&[$(stringify!($part)),*]),
                )
            },
            &[$(&$part as &dyn $crate::render::html::markup::Part),*],
        )
    };
    ($template:literal $(, $part:expr)* $(,)?) => {{
        let mut html = $crate::render::html::markup::Html::new();
        html.fill(
            const {
                $crate::render::html::markup::checked(
                    $template,
                    <[&str]>::len(&[$(stringify!($part)),*]),
                )
            },
            &[$(&$part as &dyn $crate::render::html::markup::Part),*],
        );
        html
    }};
}
pub(crate) use html;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HOSTILE: &[&str] = &[
        "<script>alert('x')</script>",
        "\"><img src=x onerror=alert(1)>",
        "' onmouseover='alert(1)",
        "</p></td></table><p>",
        "&lt;already escaped&gt;",
        "{}",
        "\u{1b}[31mred\u{202e}",
    ];

    fn text(s: &str) -> String {
        Html::text(s).as_str().to_owned()
    }

    #[test]
    fn escape_leaves_no_markup_and_shows_control_characters() {
        assert_eq!(
            text("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
        assert_eq!(
            text("\"><img src=x onerror=alert(1)>"),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(text("a & b"), "a &amp; b");
        assert_eq!(text("\u{1b}[31mred\u{202e}"), "\\x1b[31mred\\u{202e}");
        assert_eq!(text("佐藤 太郎"), "佐藤 太郎");
        for hostile in ["<", ">", "\"", "'", "&lt;"] {
            let e = text(hostile);
            assert!(!e.contains(['<', '>', '"', '\'']), "{hostile} -> {e}");
        }
    }

    /// The page's tags and attribute values as the template wrote them: `<p title="…">…</p>`
    /// has two tags and one value whatever the text.
    #[track_caller]
    fn assert_shape(out: &Html, value: &str) {
        let s = out.as_str();
        assert_eq!(s.matches('<').count(), 2, "{s}");
        assert_eq!(s.matches('>').count(), 2, "{s}");
        assert_eq!(s.matches('"').count(), 2, "{s}");
        assert!(!s.contains('\''), "{s}");
        assert!(s.starts_with("<p title=\"") && s.ends_with("</p>"), "{s}");
        let v = &s["<p title=\"".len()..];
        assert_eq!(&v[..v.find('"').unwrap_or(0)], value);
    }

    #[test]
    fn hostile_text_cannot_make_a_tag_or_leave_its_attribute() {
        for h in HOSTILE {
            let out = html!("<p title=\"{}\">{}</p>", h, h.to_string());
            assert_shape(&out, &text(h));
        }
    }

    proptest! {
        #[test]
        fn any_text_stays_text(s in any::<String>()) {
            let out = html!("<p title=\"{}\">{}</p>", s, s);
            assert_shape(&out, &text(&s));
        }
    }

    #[test]
    fn markup_is_kept_between_tags_and_escaped_in_a_value() {
        let b = html!("<b>{}</b>", "x&y");
        assert_eq!(b.as_str(), "<b>x&amp;y</b>");
        assert_eq!(
            html!("<a title=\"{}\">{}</a>", b, b).as_str(),
            "<a title=\"&lt;b&gt;x&amp;amp;y&lt;/b&gt;\"><b>x&amp;y</b></a>"
        );
        let mut out = Html::new();
        html!(out, "<td class=\"{}\">{}</td>", "n", 1234usize);
        html!(out, "{}{}{}\n", -5i64, Some("<"), None::<&str>);
        assert_eq!(out.as_str(), "<td class=\"n\">1234</td>-5&lt;\n");
        let joined = Html::join([html!("<code>a</code>"), Html::text("<")], &html!("<br>"));
        assert_eq!(joined.as_str(), "<code>a</code><br>&lt;");
        // CSS braces are not holes; `{}` always is.
        assert_eq!(
            html!(".cat-{}{--c:{}}\n", "auth", "#c62828").as_str(),
            ".cat-auth{--c:#c62828}\n"
        );
    }

    #[test]
    fn only_safe_templates_pass_the_check() {
        assert_eq!(holes("<p title=\"{}\">{}</p>\n"), Some(2));
        assert_eq!(holes("<meta content=\"'none'\">{} → {}"), Some(2));
        assert_eq!(holes(".cat-{}{--c:{};--on:{}}"), Some(3));
        assert_eq!(holes("plain"), Some(0));
        for bad in [
            "<a href={}>",
            "<{}>",
            "<p {}>",
            "<p title='{}'>",
            "<p class=\"x\" {}>",
            "<p",
            "<p title=\"{}>",
        ] {
            assert_eq!(holes(bad), None, "{bad}");
        }
    }

    #[test]
    fn trusted_markup_is_kept_as_it_is() {
        let svg = Html::trusted("<svg><rect/></svg>");
        assert_eq!(
            html!("<figure>{}</figure>", svg).as_str(),
            "<figure><svg><rect/></svg></figure>"
        );
    }
}
