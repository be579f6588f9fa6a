//! Facts parsed out of reason strings: HTTP status, retries, the embedded error body.
//!
//! Pure functions over text, so they are tested with real strings. Nothing here knows the
//! catalog; the catalog's own captures are added to these facts by `classify`.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use regex::Regex;
use serde_json::Value;

use crate::time::parse_time;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub http_status: Option<u16>,
    pub retry_count: Option<u32>,
    pub next_retry: Option<DateTime<Utc>>,
    /// The code the target (SCIM app, Graph, IIJ's Azure AD call) put in its error body.
    pub target_error_code: Option<String>,
    pub request_id: Option<String>,
    /// Everything else worth showing: `target_message`, `scim_type`, `aadsts`, and the
    /// catalog pattern's captures. Sorted by name when rendered.
    pub extra: Vec<(String, String)>,
}

impl Facts {
    pub fn set_extra(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        if value.trim().is_empty() {
            return;
        }
        match self.extra.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.extra.push((key.to_owned(), value)),
        }
    }

    pub fn get_extra(&self, key: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

struct Res {
    status_name: Regex,
    status_phrase: Regex,
    http_code: Regex,
    retried: Regex,
    next: Regex,
    iij: Regex,
    aadsts: Regex,
}

/// Compiles one of provlog's own fixed patterns (never a user's). They are literals in the
/// source, compiled by the unit tests of every module that has them, so a failure here is a
/// bug in provlog, never something input can cause.
pub(crate) fn fixed_regex(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("provlog's own regex {pattern}: {e}"))
}

fn res() -> &'static Res {
    static RES: OnceLock<Res> = OnceLock::new();
    RES.get_or_init(|| {
        let re = fixed_regex;
        Res {
            status_name: re(r"StatusCode:\s*([A-Za-z]+|\d{3})\b"),
            status_phrase: re(
                r"(?:^|[\s:])(Bad Request|Unauthorized|Forbidden|Not Found|Method Not Allowed|Conflict|Precondition Failed|Unprocessable Entity|Too Many Requests|Internal Server Error|Not Implemented|Bad Gateway|Service Unavailable|Gateway Timeout|[a-z][A-Za-z]+) \((\d{3})\)",
            ),
            http_code: re(
                r"(?i)(?:HTTP status code|HTTP/\d(?:\.\d)?|status code:?)\s*(\d{3})\b",
            ),
            retried: re(r"retried (\d+|zero) times"),
            next: re(r"retried again after this date:\s*(\S+)"),
            iij: re(
                r"\[Error details:\s*(?:code:\s*(?P<code>[A-Za-z0-9_.]+),\s*)?(?:message:\s*)?(?P<message>.*?)(?:,\s*requestId:\s*(?P<request>[0-9A-Fa-f-]{36}))?\s*\]",
            ),
            aadsts: re(r"AADSTS(\d{5,7})"),
        }
    })
}

/// The .NET `HttpStatusCode` names Entra prints after `StatusCode:`.
pub fn status_from_name(name: &str) -> Option<u16> {
    Some(match name {
        "BadRequest" => 400,
        "Unauthorized" => 401,
        "PaymentRequired" => 402,
        "Forbidden" => 403,
        "NotFound" => 404,
        "MethodNotAllowed" => 405,
        "NotAcceptable" => 406,
        "RequestTimeout" => 408,
        "Conflict" => 409,
        "Gone" => 410,
        "PreconditionFailed" => 412,
        "RequestEntityTooLarge" => 413,
        "UnsupportedMediaType" => 415,
        "UnprocessableEntity" | "UnprocessableContent" => 422,
        "TooManyRequests" => 429,
        "InternalServerError" => 500,
        "NotImplemented" => 501,
        "BadGateway" => 502,
        "ServiceUnavailable" => 503,
        "GatewayTimeout" => 504,
        n => return n.parse().ok().filter(|c| (100..600).contains(c)),
    })
}

// In `parse`, `c[1]` and `c[2]` index capture groups that are not optional in their
// patterns: a match always has them.

/// Reason phrases as HTTP writes them (`Forbidden (403)`), and Google's API reasons
/// (`duplicate (409)`), are taken at the number in brackets.
pub fn parse(reason: &str) -> Facts {
    let r = res();
    let mut f = Facts::default();
    if let Some(c) = r.status_name.captures(reason) {
        f.http_status = status_from_name(&c[1]);
    }
    if f.http_status.is_none()
        && let Some(c) = r.status_phrase.captures(reason)
    {
        f.http_status = c[2].parse().ok().filter(|c| (100..600).contains(c));
        if f.http_status.is_some() {
            f.set_extra("reason_phrase", &c[1]);
        }
    }
    if f.http_status.is_none()
        && let Some(c) = r.http_code.captures(reason)
    {
        f.http_status = c[1].parse().ok().filter(|c| (100..600).contains(c));
    }
    if let Some(c) = r.retried.captures(reason) {
        f.retry_count = if &c[1] == "zero" {
            Some(0)
        } else {
            c[1].parse().ok()
        };
    }
    if let Some(c) = r.next.captures(reason) {
        f.next_retry = parse_time(c[1].trim_end_matches(['.', ',']));
    }
    if let Some(body) = embedded_json(reason) {
        body_facts(&body, &mut f);
    }
    if let Some(c) = r.iij.captures(reason) {
        if let Some(code) = c.name("code") {
            f.target_error_code
                .get_or_insert_with(|| code.as_str().to_owned());
        }
        if let Some(m) = c.name("message") {
            let m = m.as_str().trim();
            if !m.is_empty() && f.get_extra("target_message").is_none() {
                f.set_extra("target_message", m);
            }
        }
        if let Some(req) = c.name("request") {
            f.request_id.get_or_insert_with(|| req.as_str().to_owned());
        }
    }
    if let Some(c) = r.aadsts.captures(reason) {
        f.set_extra("aadsts", format!("AADSTS{}", &c[1]));
    }
    f
}

/// The first JSON object inside the text (a SCIM or Graph error body after
/// `Web Response:`), parsed up to its own end whatever follows it.
fn embedded_json(text: &str) -> Option<Value> {
    let mut from = 0;
    // Try a few opening braces: the first may be inside prose.
    for _ in 0..8 {
        let i = from + text[from..].find('{')?;
        let mut stream = serde_json::Deserializer::from_str(&text[i..]).into_iter::<Value>();
        if let Some(Ok(v @ Value::Object(_))) = stream.next() {
            return Some(v);
        }
        from = i + 1;
    }
    None
}

fn str_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn body_facts(body: &Value, f: &mut Facts) {
    // Graph: {"error":{"code","message","innerError":{"request-id"}}}
    if let Some(err) = body.get("error").filter(|e| e.is_object()) {
        f.target_error_code = f.target_error_code.take().or(str_of(err.get("code")));
        if let Some(m) = str_of(err.get("message")) {
            f.set_extra("target_message", m);
        }
        let inner = err
            .get("innerError")
            .or(err.get("innererror"))
            .or(err.get("innerError"));
        if let Some(inner) = inner {
            f.request_id = f
                .request_id
                .take()
                .or(str_of(inner.get("request-id")))
                .or(str_of(inner.get("requestId")));
        }
        return;
    }
    // AAD Graph: {"odata.error":{"code","message":{"value"}}}
    if let Some(err) = body.get("odata.error") {
        f.target_error_code = f.target_error_code.take().or(str_of(err.get("code")));
        if let Some(m) = str_of(err.get("message").and_then(|m| m.get("value"))) {
            f.set_extra("target_message", m);
        }
        return;
    }
    // Token endpoint: {"error":"invalid_client","error_description":"AADSTS…"}
    if let Some(code) = str_of(body.get("error")) {
        f.target_error_code.get_or_insert(code);
        if let Some(d) = str_of(body.get("error_description")) {
            f.set_extra("target_message", d);
        }
        return;
    }
    // SCIM: {"schemas":[…Error],"detail","status","scimType"}
    if let Some(d) = str_of(body.get("detail")) {
        f.set_extra("target_message", d);
    }
    if let Some(t) = str_of(body.get("scimType")) {
        f.set_extra("scim_type", t.clone());
        f.target_error_code.get_or_insert(t);
    }
    if f.http_status.is_none() {
        f.http_status = str_of(body.get("status"))
            .and_then(|s| s.trim().parse().ok())
            .filter(|c| (100..600).contains(c));
    }
    if let Some(code) = str_of(body.get("code")) {
        f.target_error_code.get_or_insert(code);
    }
    if let Some(m) = str_of(body.get("message")) {
        f.set_extra("target_message", m);
    }
    for key in ["requestId", "request-id", "request_id"] {
        if let Some(r) = str_of(body.get(key)) {
            f.request_id.get_or_insert(r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUMO: &str = "StatusCode: Conflict\r\nMessage: Processing of the HTTP request resulted in an exception. Please see the HTTP response returned by the 'Response' property of this exception for details.\r\nWeb Response: \r\n{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"],\"detail\":\"User must be Active.\",\"status\":409,\"scimType\":\"uniqueness\"}. This operation was retried 1 times. It will be retried again after this date: 2026-03-24T13:23:44.9198514Z UTC";

    #[test]
    fn scim_conflict_reason() {
        let f = parse(SUMO);
        assert_eq!(f.http_status, Some(409));
        assert_eq!(f.retry_count, Some(1));
        assert_eq!(
            f.next_retry
                .map(|t| crate::time::format_time(&t))
                .as_deref(),
            Some("2026-03-24T13:23:44.9198514Z")
        );
        assert_eq!(f.target_error_code.as_deref(), Some("uniqueness"));
        assert_eq!(f.get_extra("target_message"), Some("User must be Active."));
        assert_eq!(f.get_extra("scim_type"), Some("uniqueness"));
    }

    #[test]
    fn retried_zero_times_and_bad_request() {
        let f = parse(
            "Failed to create User 'a@b.com' in customappsso; Error: The SCIM endpoint is not fully compatible.\nStatusCode: BadRequest\nMessage: x\nWeb Response: Bad Request . This operation was retried zero times. It will be retried again after this date: 2019-10-30T15:13:17.6715300Z UTC",
        );
        assert_eq!(f.http_status, Some(400));
        assert_eq!(f.retry_count, Some(0));
        assert!(f.next_retry.is_some());
    }

    #[test]
    fn iij_wrapped_graph_error() {
        let f = parse(
            "Failed to create users in Azure AD [Error details: code: Request_BadRequest, message: Another object with the same value for property onPremisesImmutableId already exists., requestId: 1f0c2a4e-7b7d-4c5e-9a51-0c3d8e2b6f10]",
        );
        assert_eq!(f.target_error_code.as_deref(), Some("Request_BadRequest"));
        assert_eq!(
            f.get_extra("target_message"),
            Some(
                "Another object with the same value for property onPremisesImmutableId already exists."
            )
        );
        assert_eq!(
            f.request_id.as_deref(),
            Some("1f0c2a4e-7b7d-4c5e-9a51-0c3d8e2b6f10")
        );
        let g = parse(
            "Failed to create users in Azure AD [Error details:  Fax number can not convert ]",
        );
        assert_eq!(
            g.get_extra("target_message"),
            Some("Fax number can not convert")
        );
        assert_eq!(g.target_error_code, None);
    }

    #[test]
    fn graph_body_and_cloudgate_phrase() {
        let f = parse(
            r#"Web Response: {"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2026-11-24T01:02:03","request-id":"0d8e6a31-5b7e-4f3e-9d59-2b1f8a7c6e11"}}}"#,
        );
        assert_eq!(
            f.target_error_code.as_deref(),
            Some("Authorization_RequestDenied")
        );
        assert_eq!(
            f.request_id.as_deref(),
            Some("0d8e6a31-5b7e-4f3e-9d59-2b1f8a7c6e11")
        );
        let c = parse("Forbidden (403) Insufficient privileges to complete the operation.");
        assert_eq!(c.http_status, Some(403));
        assert_eq!(c.get_extra("reason_phrase"), Some("Forbidden"));
        let g = parse("duplicate (409) Entity already exists.");
        assert_eq!(g.http_status, Some(409));
    }

    #[test]
    fn token_error_and_aadsts() {
        let f = parse(
            r#"{"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys for app 'x' are expired.","error_codes":[7000222]}"#,
        );
        assert_eq!(f.target_error_code.as_deref(), Some("invalid_client"));
        assert_eq!(f.get_extra("aadsts"), Some("AADSTS7000222"));
    }

    #[test]
    fn a_body_status_that_is_no_http_status_is_ignored() {
        // Found by the reason_parser fuzz target: {"status":0} gave http_status 0.
        for body in [
            r#"4;"":{"status":0}"#,
            r#"{"status":"99"}"#,
            r#"{"status":700}"#,
        ] {
            assert_eq!(parse(body).http_status, None, "{body}");
        }
        assert_eq!(parse(r#"{"status":"409"}"#).http_status, Some(409));
    }

    #[test]
    fn nothing_to_find() {
        assert_eq!(parse("Something odd happened"), Facts::default());
        assert_eq!(parse(""), Facts::default());
        assert_eq!(parse("StatusCode: Teapot").http_status, None);
        assert_eq!(parse("{not json").http_status, None);
    }
}
