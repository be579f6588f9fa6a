//! The layers of a failure message.
//!
//! A provisioning reason is written by several hands. Entra (or IIJ, or CloudGate) writes
//! its own sentence, often with the HTTP status and a boilerplate `Message:`; then comes
//! what the target answered (`Web Response:`, `[Error details: …]`, or a bare JSON body):
//! a SCIM error with `detail` and `scimType`, a Graph error, an OAuth error carrying an
//! AADSTS code, an HTML page, plain text; then the retry sentence. The target's own words
//! are usually the most specific, so each layer is matched on its own and the innermost
//! match decides (see `catalog::matcher`), while the outer ones stay as context.
//!
//! `split` cuts a text into pieces in reading order (the pieces of the original text,
//! which together cover it), followed by decoded forms of the body (JSON leaves as
//! `key: value`, an HTML page's visible text) that a pattern can read without escapes.

use std::borrow::Cow;

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    /// The HTTP status alone (`StatusCode: Unauthorized`).
    Status,
    /// The event's error code.
    Code,
    /// The service's own sentence(s): Entra's summary and `Message:`, the retry sentence.
    Summary,
    /// The event's additional details.
    Details,
    /// The failed step's description, or a skipped event's scoping details.
    Step,
    /// The target's answer, by its shape.
    Scim,
    Graph,
    OAuth,
    Html,
    Json,
    Text,
}

impl Layer {
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Status => "status",
            Layer::Code => "code",
            Layer::Summary => "summary",
            Layer::Details => "details",
            Layer::Step => "step",
            Layer::Scim => "scim",
            Layer::Graph => "graph",
            Layer::OAuth => "oauth",
            Layer::Html => "html",
            Layer::Json => "json",
            Layer::Text => "text",
        }
    }

    /// How far inside the message the layer sits: a match deeper in speaks for the
    /// target itself and is more specific than the envelope around it.
    pub fn depth(self) -> u8 {
        match self {
            Layer::Status => 0,
            Layer::Code | Layer::Summary | Layer::Details | Layer::Step => 1,
            Layer::Scim | Layer::Graph | Layer::OAuth | Layer::Html | Layer::Json | Layer::Text => {
                2
            }
        }
    }

    pub fn is_body(self) -> bool {
        self.depth() == 2
    }
}

/// One piece of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece<'a> {
    pub layer: Layer,
    pub text: Cow<'a, str>,
    /// A decoded form (JSON leaves, an HTML page's text), not a stretch of the original.
    pub decoded: bool,
}

/// Longest decoded text kept from one body: a pattern needs the words, not a megabyte
/// page.
const MAX_DECODED: usize = 4096;

/// Splits `text` into its layers; `outer` is the layer of whatever is not the target's
/// answer (the summary of a reason, the details, a pasted message).
pub fn split(text: &str, outer: Layer) -> Vec<Piece<'_>> {
    fn piece(layer: Layer, s: &str) -> Piece<'_> {
        Piece {
            layer,
            text: Cow::Borrowed(s),
            decoded: false,
        }
    }
    let Some(body) = find_body(text) else {
        return vec![piece(outer, text)];
    };
    let mut pieces = Vec::with_capacity(5);
    if body.start > 0 {
        pieces.push(piece(outer, &text[..body.start]));
    }
    pieces.push(piece(body.layer, &text[body.start..body.end]));
    if body.end < text.len() {
        pieces.push(piece(outer, &text[body.end..]));
    }
    if let Some(decoded) = body.decoded {
        pieces.push(Piece {
            layer: body.layer,
            text: Cow::Owned(decoded),
            decoded: true,
        });
    }
    pieces
}

struct Body {
    start: usize,
    end: usize,
    layer: Layer,
    decoded: Option<String>,
}

/// Finds the target's answer inside a message, if it has one.
fn find_body(text: &str) -> Option<Body> {
    // Cheap test first: most reasons without a body have none of these bytes.
    let b = text.as_bytes();
    if !b.iter().any(|&c| matches!(c, b'{' | b'<' | b'[' | b':')) {
        return None;
    }
    if let Some(at) = find_ci(text, "web response:") {
        let start = at + "web response:".len();
        let end =
            find_ci(&text[start..], "this operation was retried").map_or(text.len(), |i| start + i);
        let inner = &text[start..end];
        return Some(answer(inner, start, end));
    }
    if let Some(at) = find_ci(text, "[error details:") {
        let start = at + "[error details:".len();
        let end = text[start..].rfind(']').map_or(text.len(), |i| start + i);
        return Some(answer(&text[start..end], start, end));
    }
    if let Some((start, len, v)) = json_object(text) {
        let (layer, decoded) = decode_json(&v);
        return Some(Body {
            start,
            end: start + len,
            layer,
            decoded: Some(decoded),
        });
    }
    if let Some(at) = find_ci(text, "<!doctype html").or_else(|| find_ci(text, "<html")) {
        return Some(Body {
            start: at,
            end: text.len(),
            layer: Layer::Html,
            decoded: Some(html_text(&text[at..])),
        });
    }
    None
}

/// The sentence of the target's answer that says what went wrong (a SCIM `detail`, a
/// Graph `message`, an OAuth `error_description`, an HTML page's text, the plain answer),
/// or `None` when the text carries no answer.
pub fn telling(text: &str) -> Option<String> {
    let body = find_body(text)?;
    let raw = &text[body.start..body.end];
    if let Some((_, _, v)) = json_object(raw) {
        return json_message(&v);
    }
    let t = match body.layer {
        Layer::Html => body.decoded.unwrap_or_default(),
        _ => raw.trim().trim_end_matches(['.', ' ']).to_owned(),
    };
    (t.chars().count() > 3).then_some(t)
}

/// The keys an error body keeps its message under, most telling first.
const MESSAGE_KEYS: &[&str] = &[
    "detail",
    "error_description",
    "message",
    "errormessage",
    "error_message",
    "description",
    "title",
    "value",
    "reason",
    "error",
];

fn json_message(v: &Value) -> Option<String> {
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    let mut queue = vec![(v, 0usize)];
    while let Some((v, depth)) = queue.pop() {
        match v {
            Value::Object(map) if depth < 5 => {
                for (k, x) in map {
                    let key = k.to_ascii_lowercase();
                    match x {
                        Value::String(s) if !s.trim().is_empty() => {
                            if let Some(rank) = MESSAGE_KEYS.iter().position(|m| *m == key) {
                                found.push((rank, depth, s.trim().to_owned()));
                            }
                        }
                        _ => queue.push((x, depth + 1)),
                    }
                }
            }
            Value::Array(items) if depth < 5 => {
                queue.extend(items.iter().map(|i| (i, depth + 1)));
            }
            _ => {}
        }
    }
    found.sort();
    found.into_iter().next().map(|(_, _, s)| s)
}

/// The answer inside a `Web Response:` or `[Error details:` frame: JSON, HTML or text.
fn answer(inner: &str, start: usize, end: usize) -> Body {
    if let Some((_, _, v)) = json_object(inner) {
        let (layer, decoded) = decode_json(&v);
        return Body {
            start,
            end,
            layer,
            decoded: Some(decoded),
        };
    }
    if find_ci(inner, "<html").is_some() || find_ci(inner, "<!doctype").is_some() {
        return Body {
            start,
            end,
            layer: Layer::Html,
            decoded: Some(html_text(inner)),
        };
    }
    Body {
        start,
        end,
        layer: Layer::Text,
        decoded: None,
    }
}

/// Byte offset of `needle` (ASCII, lower case) in `hay`, ignoring ASCII case.
pub fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    let h = hay.as_bytes();
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    let first = n[0];
    let mut i = 0;
    while let Some(p) = memchr::memchr2(first, first.to_ascii_uppercase(), &h[i..]) {
        let at = i + p;
        if at + n.len() > h.len() {
            return None;
        }
        if h[at..at + n.len()].eq_ignore_ascii_case(n) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// The first JSON object inside the text, parsed up to its own end whatever follows it:
/// its offset, its length and its value.
pub fn json_object(text: &str) -> Option<(usize, usize, Value)> {
    let mut from = 0;
    // Try a few opening braces: the first may be inside prose.
    for _ in 0..8 {
        let i = from + text[from..].find('{')?;
        let mut stream = serde_json::Deserializer::from_str(&text[i..]).into_iter::<Value>();
        if let Some(Ok(v @ Value::Object(_))) = stream.next() {
            return Some((i, stream.byte_offset(), v));
        }
        from = i + 1;
    }
    None
}

/// The kind of a JSON error body, and its leaves as `key: value` lines joined by `; `
/// (a string that is itself JSON is decoded too, once).
fn decode_json(v: &Value) -> (Layer, String) {
    let layer = if v.get("error").is_some_and(Value::is_string)
        || v.get("error_description").is_some()
    {
        Layer::OAuth
    } else if v.get("error").is_some_and(Value::is_object) || v.get("odata.error").is_some() {
        Layer::Graph
    } else if v.get("schemas").is_some() || v.get("scimType").is_some() || v.get("detail").is_some()
    {
        Layer::Scim
    } else {
        Layer::Json
    };
    let mut out = String::new();
    leaves(v, None, &mut out, 0);
    (layer, out)
}

fn leaves(v: &Value, key: Option<&str>, out: &mut String, depth: u8) {
    if out.len() >= MAX_DECODED || depth > 8 {
        return;
    }
    let mut push = |s: &str| {
        if !out.is_empty() {
            out.push_str("; ");
        }
        if let Some(k) = key {
            out.push_str(k);
            out.push_str(": ");
        }
        out.push_str(s);
    };
    match v {
        Value::String(s) => {
            let t = s.trim();
            if t.starts_with('{')
                && depth < 4
                && let Ok(inner @ Value::Object(_)) = serde_json::from_str::<Value>(t)
            {
                leaves(&inner, key, out, depth + 1);
                return;
            }
            if !t.is_empty() {
                push(t);
            }
        }
        Value::Number(n) => push(&n.to_string()),
        Value::Bool(b) => push(if *b { "true" } else { "false" }),
        Value::Null => {}
        Value::Array(items) => {
            for i in items {
                leaves(i, key, out, depth + 1);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                leaves(v, Some(k), out, depth + 1);
            }
        }
    }
}

/// An HTML page's title and visible text, tags, scripts and styles removed.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    let mut skip_until: Option<&str> = None;
    while !rest.is_empty() && out.len() < MAX_DECODED {
        if let Some(end) = skip_until {
            match find_ci(rest, end) {
                Some(i) => rest = &rest[i + end.len()..],
                None => break,
            }
            skip_until = None;
            continue;
        }
        match rest.find('<') {
            Some(0) => {
                let close = rest.find('>').map_or(rest.len(), |i| i + 1);
                let tag = &rest[..close];
                if find_ci(tag, "<script").is_some() {
                    skip_until = Some("</script>");
                } else if find_ci(tag, "<style").is_some() {
                    skip_until = Some("</style>");
                }
                out.push(' ');
                rest = &rest[close..];
            }
            Some(i) => {
                out.push_str(&rest[..i]);
                rest = &rest[i..];
            }
            None => {
                out.push_str(rest);
                rest = "";
            }
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layers(t: &str) -> Vec<(Layer, String, bool)> {
        split(t, Layer::Summary)
            .into_iter()
            .map(|p| (p.layer, p.text.into_owned(), p.decoded))
            .collect()
    }

    #[test]
    fn a_message_without_a_body_is_one_piece() {
        assert_eq!(
            layers("Refused to create a new, duplicate resource"),
            vec![(
                Layer::Summary,
                "Refused to create a new, duplicate resource".into(),
                false
            )]
        );
    }

    #[test]
    fn scim_body_after_web_response() {
        let t = r#"StatusCode: Conflict Message: Processing of the HTTP request resulted in an exception. Web Response: { "schemas" : [ "urn:ietf:params:scim:api:messages:2.0:Error" ], "status" : "409", "detail" : "User must be Active." }. This operation was retried 0 times."#;
        let l = layers(t);
        assert_eq!(l.len(), 4, "{l:?}");
        assert_eq!(l[0].0, Layer::Summary);
        assert!(l[0].1.ends_with("Web Response:"));
        assert_eq!(l[1].0, Layer::Scim);
        assert_eq!(l[2].0, Layer::Summary);
        assert!(l[2].1.starts_with("This operation"));
        assert_eq!(
            l[3],
            (
                Layer::Scim,
                "detail: User must be Active.; schemas: urn:ietf:params:scim:api:messages:2.0:Error; status: 409".into(),
                true
            )
        );
        // The pieces of the original cover it.
        let joined: String = l.iter().filter(|p| !p.2).map(|p| p.1.as_str()).collect();
        assert_eq!(joined, t);
    }

    #[test]
    fn oauth_graph_html_and_iij_bodies() {
        let oauth = r#"StatusCode: Unauthorized Web Response: {"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys are expired."}"#;
        assert_eq!(layers(oauth)[1].0, Layer::OAuth);
        let graph = r#"Error: {"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}"#;
        let l = layers(graph);
        assert_eq!(l[1].0, Layer::Graph);
        assert_eq!(
            l.last().map(|p| p.1.as_str()),
            Some(
                "code: Authorization_RequestDenied; message: Insufficient privileges to complete the operation."
            )
        );
        let html = "While attempting to validate our authorization... Web Response: <!DOCTYPE html><html><head><title>Sign in</title><script>var x='<b>';</script></head><body><p>Please&nbsp;log in</p></body></html>";
        let l = layers(html);
        assert_eq!(l[1].0, Layer::Html);
        assert_eq!(
            l.last().map(|p| p.1.as_str()),
            Some("Sign in Please&nbsp;log in")
        );
        let iij = "Failed to create users in Azure AD [Error details: code: Request_BadRequest, message: Another object with the same value for property proxyAddresses already exists.]";
        let l = layers(iij);
        assert_eq!(l[1].0, Layer::Text);
        assert!(l[1].1.contains("proxyAddresses"));
        let nested = r#"{"detail":"{\"message\":\"inner\"}"}"#;
        assert_eq!(
            layers(nested).last().map(|p| p.1.as_str()),
            Some("message: inner")
        );
    }

    #[test]
    fn the_telling_sentence_of_an_answer() {
        let scim = r#"StatusCode: Conflict Web Response: {"schemas":["x"],"detail":"User must be Active.","status":"409"}. This operation was retried 0 times."#;
        assert_eq!(telling(scim).as_deref(), Some("User must be Active."));
        let graph = r#"Error: {"error":{"code":"Request_BadRequest","message":"Another object with the same value for property proxyAddresses already exists."}}"#;
        assert_eq!(
            telling(graph).as_deref(),
            Some("Another object with the same value for property proxyAddresses already exists.")
        );
        let errors = r#"Web Response: {"Errors":[{"description":"Invalid name","code":400}]}"#;
        assert_eq!(telling(errors).as_deref(), Some("Invalid name"));
        let text = "StatusCode: BadRequest Web Response: Refused to create a new, duplicate resource. This operation was retried 1 times.";
        assert_eq!(
            telling(text).as_deref(),
            Some("Refused to create a new, duplicate resource")
        );
        assert_eq!(telling("No answer in here"), None);
    }

    #[test]
    fn find_ci_ignores_case() {
        assert_eq!(find_ci("a WEB Response: x", "web response:"), Some(2));
        assert_eq!(find_ci("short", "longer needle"), None);
        assert_eq!(find_ci("ééé web", "web"), Some(7));
    }
}
