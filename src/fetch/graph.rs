//! Talking to Graph: the HTTP agent, one page fetched with retries, and Graph's errors
//! explained.
//!
//! Reliability rules, from what Graph asks of clients: 429 and 503 carry `Retry-After`
//! (seconds or an HTTP date), which is honoured up to a cap; other 5xx, connection failures
//! and pages cut short are retried with exponential backoff and jitter, a bounded number of
//! times; a 401 gets one token refresh. Every call runs on a helper thread so that Ctrl-C is
//! noticed within a fraction of a second even while a page is on its way.

use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use anyhow::{Result, anyhow, bail};
use serde::Deserialize;
use serde_json::value::RawValue;
use url::Url;

use super::auth::Auth;
use crate::interrupt;

/// Every call is bounded, so that a dead connection is retried rather than waited on.
const CALL_TIMEOUT: Duration = Duration::from_secs(120);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// A page of 1,000 events is a few MB; this only guards against a runaway body.
const PAGE_LIMIT: u64 = 256 * 1024 * 1024;
/// Transient failures (5xx, connection, cut pages) retried per page, then the run fails.
const MAX_RETRIES: u32 = 5;
/// Throttling answers (429, 503) honoured per page: Graph throttles busy tenants for a while.
const MAX_THROTTLED: u32 = 12;
/// The longest `Retry-After` honoured; a longer one is cut to this.
const MAX_WAIT: Duration = Duration::from_secs(120);

/// An http URL is only for a Graph or sign-in server on this machine (tests, a local
/// proxy); anything that carries a token elsewhere must be https.
pub fn checked_url(flag: &str, s: &str) -> Result<Url> {
    let u = Url::parse(s.trim()).map_err(|e| anyhow!("{flag} '{s}': not a URL ({e})"))?;
    match u.scheme() {
        "https" => Ok(u),
        "http" if is_loopback(&u) => Ok(u),
        "http" => bail!(
            "{flag} '{s}': plain http is accepted only for this machine (127.0.0.1, ::1, localhost); use https"
        ),
        other => bail!("{flag} '{s}': expected an https URL, not {other}"),
    }
}

pub fn is_loopback(u: &Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// The agent for Graph and sign-in calls: rustls, the proxy from HTTPS_PROXY/NO_PROXY
/// (none for a loopback server), and the status of every answer left to the caller.
pub fn agent(loopback: bool, redirects: u32) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(redirects)
        .timeout_global(Some(CALL_TIMEOUT))
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .user_agent(concat!("provlog/", env!("CARGO_PKG_VERSION")))
        .proxy(if loopback {
            None
        } else {
            ureq::Proxy::try_from_env()
        })
        .build();
    ureq::Agent::new_with_config(config)
}

/// How long to wait between tries. The cap exists so that tests (and impatient scripts,
/// through PROVLOG_FETCH_MAX_WAIT, in seconds) need not sit through real back-offs.
#[derive(Debug, Clone, Copy)]
pub struct Waits {
    pub cap: Duration,
}

impl Waits {
    pub fn from_env() -> Waits {
        let cap = std::env::var("PROVLOG_FETCH_MAX_WAIT")
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64)
            .map_or(MAX_WAIT, |d| d.min(MAX_WAIT));
        Waits { cap }
    }

    /// Exponential backoff with jitter: 1 s, 2 s, 4 s… plus up to half again, capped.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let base = Duration::from_secs(1u64 << attempt.min(6));
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let jitter = base.mul_f64(f64::from(nanos % 500) / 1000.0);
        (base + jitter).min(self.cap)
    }

    /// `Retry-After`, as seconds or an HTTP date; absent or unreadable means a backoff step.
    pub fn retry_after(&self, header: Option<&str>, now: SystemTime, attempt: u32) -> Duration {
        let asked = header.and_then(|h| {
            let h = h.trim();
            if let Ok(secs) = h.parse::<u64>() {
                return Some(Duration::from_secs(secs));
            }
            let at = chrono::DateTime::parse_from_rfc2822(h).ok()?;
            let at =
                SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(at.timestamp()).ok()?);
            Some(at.duration_since(now).unwrap_or(Duration::ZERO))
        });
        match asked {
            Some(d) => d.min(self.cap),
            None => self.backoff(attempt),
        }
    }
}

/// Sleeps in short steps; false when Ctrl-C came first.
pub fn sleep(d: Duration) -> bool {
    let step = Duration::from_millis(50);
    let mut left = d;
    while !left.is_zero() {
        if interrupt::requested() {
            return false;
        }
        let s = left.min(step);
        std::thread::sleep(s);
        left -= s;
    }
    !interrupt::requested()
}

/// A page of `GET /auditLogs/provisioning`. The events stay raw text: they are written out
/// exactly as Graph sent them.
#[derive(Deserialize)]
pub struct Page {
    pub value: Vec<Box<RawValue>>,
    #[serde(rename = "@odata.nextLink")]
    pub next_link: Option<String>,
}

/// What became of one page.
pub enum Fetched {
    Page(Page),
    Interrupted,
}

enum Answer {
    Status(u16, Option<String>, String),
    Cut(String),
}

/// One GET, on a helper thread: `None` when Ctrl-C came while it was in flight (the call is
/// abandoned; the process ends soon after).
fn call(agent: &ureq::Agent, url: &str, token: &str) -> Option<Answer> {
    let (tx, rx) = mpsc::channel();
    let agent = agent.clone();
    let url = url.to_owned();
    let bearer = format!("Bearer {token}");
    std::thread::spawn(move || {
        let answer = (|| {
            let mut resp = match agent
                .get(&url)
                .header("Authorization", &bearer)
                .header("Accept", "application/json")
                .call()
            {
                Ok(r) => r,
                Err(e) => return Answer::Cut(e.to_string()),
            };
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            match resp
                .body_mut()
                .with_config()
                .limit(PAGE_LIMIT)
                .read_to_string()
            {
                Ok(body) => Answer::Status(status, retry_after, body),
                Err(e) => Answer::Cut(e.to_string()),
            }
        })();
        let _ = tx.send(answer);
    });
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(a) => return Some(a),
            Err(mpsc::RecvTimeoutError::Timeout) if interrupt::requested() => return None,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Some(Answer::Cut("the request ended without an answer".into()));
            }
        }
    }
}

/// Fetches page `n` (1-based, for messages) at `url`, with every retry the rules allow.
pub fn get_page(
    agent: &ureq::Agent,
    auth: &mut Auth,
    url: &str,
    n: u64,
    waits: Waits,
) -> Result<Fetched> {
    let mut transient = 0u32;
    let mut throttled = 0u32;
    let mut refreshed = false;
    loop {
        let token = auth.token()?;
        let Some(answer) = call(agent, url, &token) else {
            return Ok(Fetched::Interrupted);
        };
        let wait = match answer {
            Answer::Status(200, _, body) => match serde_json::from_str::<Page>(&body) {
                Ok(p) => return Ok(Fetched::Page(p)),
                Err(e) => {
                    transient += 1;
                    if transient > MAX_RETRIES {
                        bail!(
                            "page {n} ({url}): the answer is not a whole page of events ({e}), {MAX_RETRIES} retries"
                        );
                    }
                    waits.backoff(transient - 1)
                }
            },
            Answer::Status(s @ (429 | 503), retry_after, _) => {
                throttled += 1;
                if throttled > MAX_THROTTLED {
                    bail!(
                        "page {n} ({url}): Graph kept answering {s} (throttled) after {MAX_THROTTLED} waits; try again later"
                    );
                }
                waits.retry_after(retry_after.as_deref(), SystemTime::now(), throttled - 1)
            }
            Answer::Status(401, _, body) if !refreshed && auth.can_refresh() => {
                // An expired token mid-run: one new token, then the same page again.
                let _ = body;
                auth.refresh()?;
                refreshed = true;
                continue;
            }
            Answer::Status(s, _, body) if s >= 500 => {
                transient += 1;
                if transient > MAX_RETRIES {
                    bail!(
                        "page {n} ({url}): Graph answered {s} {} times: {}",
                        MAX_RETRIES + 1,
                        explain(s, &body, auth.describe())
                    );
                }
                waits.backoff(transient - 1)
            }
            Answer::Status(s, _, body) => {
                bail!("page {n} ({url}): {}", explain(s, &body, auth.describe()))
            }
            Answer::Cut(e) => {
                transient += 1;
                if transient > MAX_RETRIES {
                    bail!("page {n} ({url}): {e} ({MAX_RETRIES} retries)");
                }
                waits.backoff(transient - 1)
            }
        };
        if !sleep(wait) {
            return Ok(Fetched::Interrupted);
        }
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

/// A Graph error answer in one sentence, with what to do about it.
pub fn explain(status: u16, body: &str, credential: &str) -> String {
    let (code, message) = match serde_json::from_str::<ErrorBody>(body) {
        Ok(b) => (b.error.code, b.error.message),
        Err(_) => (String::new(), String::new()),
    };
    let what = match (code.is_empty(), message.is_empty()) {
        (false, false) => format!("Graph answered {status} {code}: {}", message.trim()),
        (false, true) => format!("Graph answered {status} {code}"),
        _ => format!("Graph answered {status}"),
    };
    let fix = match (status, code.as_str()) {
        (_, "Authentication_RequestFromNonPremiumTenantOrB2CTenant") => {
            "provisioning logs need a Microsoft Entra ID P1 or P2 licence in the tenant".to_owned()
        }
        (_, "Authorization_RequestDenied") | (403, _) => format!(
            "{credential} needs AuditLog.Read.All: an application permission with admin consent for an app, or, signed in as a person, a role such as Reports Reader or Security Reader"
        ),
        (_, "InvalidAuthenticationToken") | (401, _) => format!(
            "the token from {credential} was refused (expired, or issued for another resource than Graph): sign in again"
        ),
        (400, _) => {
            "Graph refused the request; check the filters (--since, --status, ...)".to_owned()
        }
        (404, _) => {
            "check --graph-url (the Graph endpoint of your cloud, without /v1.0)".to_owned()
        }
        _ => String::new(),
    };
    if fix.is_empty() {
        what
    } else {
        format!("{what}. Fix: {fix}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_may_be_plain_http() {
        assert!(checked_url("--graph-url", "http://127.0.0.1:8080").is_ok());
        assert!(checked_url("--graph-url", "http://[::1]:8080").is_ok());
        assert!(checked_url("--graph-url", "http://localhost").is_ok());
        assert!(checked_url("--graph-url", "https://graph.microsoft.us").is_ok());
        let e = checked_url("--graph-url", "http://graph.microsoft.com").unwrap_err();
        assert!(e.to_string().contains("use https"), "{e}");
        assert!(checked_url("--graph-url", "ftp://x").is_err());
        assert!(checked_url("--graph-url", "not a url").is_err());
    }

    #[test]
    fn retry_after_in_seconds_or_a_date_is_honoured_up_to_the_cap() {
        let w = Waits {
            cap: Duration::from_secs(120),
        };
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(w.retry_after(Some("7"), now, 0), Duration::from_secs(7));
        assert_eq!(
            w.retry_after(Some("9999"), now, 0),
            Duration::from_secs(120)
        );
        // 1_700_000_000 is Tue, 14 Nov 2023 22:13:20 GMT.
        let date = "Tue, 14 Nov 2023 22:13:50 GMT";
        assert_eq!(w.retry_after(Some(date), now, 0), Duration::from_secs(30));
        let past = "Tue, 14 Nov 2023 22:00:00 GMT";
        assert_eq!(w.retry_after(Some(past), now, 0), Duration::ZERO);
        let b = w.retry_after(Some("soon"), now, 2);
        assert!(
            b >= Duration::from_secs(4) && b < Duration::from_secs(6),
            "{b:?}"
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let w = Waits {
            cap: Duration::from_secs(10),
        };
        assert!(w.backoff(0) >= Duration::from_secs(1) && w.backoff(0) < Duration::from_secs(2));
        assert!(w.backoff(1) >= Duration::from_secs(2));
        assert_eq!(w.backoff(9), Duration::from_secs(10));
    }

    #[test]
    fn graph_errors_come_with_their_fix() {
        let denied = r#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}"#;
        let s = explain(403, denied, "the app");
        assert!(s.starts_with(
            "Graph answered 403 Authorization_RequestDenied: Insufficient privileges"
        ));
        assert!(
            s.contains("AuditLog.Read.All") && s.contains("admin consent"),
            "{s}"
        );
        let licence = r#"{"error":{"code":"Authentication_RequestFromNonPremiumTenantOrB2CTenant","message":"x"}}"#;
        assert!(explain(403, licence, "the app").contains("P1 or P2"));
        let expired = r#"{"error":{"code":"InvalidAuthenticationToken","message":"Lifetime validation failed, the token is expired."}}"#;
        assert!(explain(401, expired, "PROVLOG_ACCESS_TOKEN").contains("sign in again"));
        assert_eq!(explain(418, "teapot", "x"), "Graph answered 418");
    }
}
