//! `provlog fetch` against a Graph and a sign-in service served by the test itself on
//! 127.0.0.1: paging by `$skiptoken` next links, throttling, a 503, an expired token, an
//! error body, a page cut short. Every test checks that the events written are the events
//! served, each once. Nothing leaves the machine.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::util::*;

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Req {
    method: String,
    path: String,
    query: HashMap<String, String>,
    auth: Option<String>,
    form: HashMap<String, String>,
}

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    /// Announce the whole body but send half of it, then close: a page cut short.
    cut: bool,
    /// Wait this long before answering (a slow page, for Ctrl-C).
    delay: Duration,
}

fn resp(status: u16, body: Value) -> Resp {
    Resp {
        status,
        headers: Vec::new(),
        body: body.to_string(),
        cut: false,
        delay: Duration::ZERO,
    }
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn pairs(s: &str) -> HashMap<String, String> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

type Handler = dyn Fn(&Req, u16) -> Resp + Send + Sync;

/// A tiny HTTP/1.1 server: one request per connection, answered by `handler` (given the
/// request and the server's port, for next links).
struct Server {
    port: u16,
    log: Arc<Mutex<Vec<Req>>>,
}

impl Server {
    fn start(handler: impl Fn(&Req, u16) -> Resp + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log2 = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let handler = handler.clone();
                let log = log2.clone();
                std::thread::spawn(move || serve(stream, port, &*handler, &log));
            }
        });
        Server { port, log }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn requests(&self) -> Vec<Req> {
        self.log.lock().unwrap().clone()
    }

    fn graph_requests(&self) -> Vec<Req> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.starts_with("/v1.0/"))
            .collect()
    }
}

fn serve(stream: TcpStream, port: u16, handler: &Handler, log: &Mutex<Vec<Req>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let target = parts.next().unwrap_or("").to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_lowercase(), v.trim().to_owned());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    let _ = reader.read_exact(&mut body);
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let req = Req {
        method,
        path: path.to_owned(),
        query: pairs(query),
        auth: headers.get("authorization").cloned(),
        form: pairs(&String::from_utf8_lossy(&body)),
    };
    log.lock().unwrap().push(req.clone());
    let r = handler(&req, port);
    std::thread::sleep(r.delay);
    let mut out = stream;
    let reason = match r.status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Other",
    };
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        r.status,
        r.body.len()
    );
    for (k, v) in &r.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = out.write_all(head.as_bytes());
    let body = if r.cut {
        &r.body.as_bytes()[..r.body.len() / 2]
    } else {
        r.body.as_bytes()
    };
    let _ = out.write_all(body);
    let _ = out.flush();
}

/// `n` events in the portal's v1.0 shape, alternately failures and successes.
fn events(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let failed = i % 2 == 0;
            json!({
                "id": format!("id-{i:04}"),
                "activityDateTime": format!("2026-11-24T08:{:02}:00Z", i % 60),
                "tenantId": "7584ba9c-dd91-4745-9b7e-b4de9da3be7b",
                "jobId": "scim.7584ba9cdd9147459b7eb4de9da3be7b.fa64de6e-a5fe-40fe-bd5c-eb15a3638d3d",
                "cycleId": "b6502552-018d-79bd-8869-a47194dc65c1",
                "changeId": format!("00000000-0000-0000-0000-{i:012}"),
                "provisioningAction": "create",
                "durationInMilliseconds": 100,
                "servicePrincipal": {"id": "e394395f-7b85-4a43-a1be-365854c5a110", "displayName": if i % 3 == 0 { "Airtable - Corp" } else { "Dropbox" }},
                "sourceIdentity": {"id": format!("u{i}"), "displayName": format!("User {i}"), "identityType": "User", "details": {}},
                "targetIdentity": {"id": "", "displayName": "", "identityType": "urn:ietf:params:scim:schemas:core:2.0:User", "details": {}},
                "provisioningStatusInfo": if failed {
                    json!({"status": "failure", "errorInformation": {"errorCode": "SystemForCrossDomainIdentityManagementServiceIncompatibleFiltering", "reason": "StatusCode: Conflict", "errorCategory": "nonServiceFailure"}})
                } else {
                    json!({"status": "success", "errorInformation": null})
                },
                "provisioningSteps": [],
                "modifiedProperties": []
            })
        })
        .collect()
}

const PAGE: usize = 3;

/// The Graph page that starts at event `start`, with a next link while events remain.
fn page(port: u16, all: &[Value], start: usize) -> Value {
    let end = (start + PAGE).min(all.len());
    let mut p = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/provisioning",
        "value": all[start..end],
    });
    if end < all.len() {
        p["@odata.nextLink"] = json!(format!(
            "http://127.0.0.1:{port}/v1.0/auditLogs/provisioning?$top={PAGE}&$skiptoken=tok{end}"
        ));
    }
    p
}

/// Where a Graph request starts: 0 for the first page, else its skiptoken.
fn start_of(r: &Req) -> usize {
    r.query
        .get("$skiptoken")
        .and_then(|t| t.strip_prefix("tok"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn token_answer(n: usize) -> Resp {
    resp(
        200,
        json!({"token_type": "Bearer", "access_token": format!("tok-{n}"), "expires_in": 3600}),
    )
}

/// The provlog command, with the environment that could change its sign-in or its network
/// path removed, and waits cut short.
fn fetch_cmd(server: &Server, args: &[&str]) -> Command {
    let mut c = bin();
    for v in [
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_CLIENT_CERTIFICATE_PATH",
        "PROVLOG_ACCESS_TOKEN",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        c.env_remove(v);
    }
    c.env("PROVLOG_FETCH_MAX_WAIT", "0.05")
        .arg("fetch")
        .args(["--graph-url", &server.url(), "--authority-url", &server.url()])
        .args(args)
        .stdin(Stdio::null());
    c
}

fn with_secret(c: &mut Command) -> &mut Command {
    c.env("AZURE_TENANT_ID", "contoso.onmicrosoft.com")
        .env("AZURE_CLIENT_ID", "11111111-2222-3333-4444-555555555555")
        .env("AZURE_CLIENT_SECRET", "s3cret-value")
}

fn output(c: &mut Command) -> Run {
    let out = c.output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|e| e["id"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn served_ids(all: &[Value]) -> Vec<String> {
    all.iter()
        .map(|e| e["id"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// The change ids `provlog analyze` reads from a file: the fetched file is an export.
fn analyzed_changes(path: &str) -> Vec<String> {
    let r = run(&["analyze", path, "--status", "all", "--format", "ndjson"]).ok();
    let mut v: Vec<String> = r
        .ndjson()
        .iter()
        .map(|e| e["change_id"].as_str().unwrap_or("").to_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn client_secret_fetch_survives_throttling_a_503_an_expired_token_and_a_cut_page() {
    let all = events(11);
    let served = all.clone();
    let tokens = Arc::new(Mutex::new(0usize));
    let hits: Arc<Mutex<HashMap<usize, usize>>> = Arc::default();
    let tokens2 = tokens.clone();
    let server = Server::start(move |r, port| {
        if r.path.ends_with("/oauth2/v2.0/token") {
            let mut n = tokens2.lock().unwrap();
            *n += 1;
            return token_answer(*n);
        }
        let start = start_of(r);
        let seen = {
            let mut h = hits.lock().unwrap();
            let e = h.entry(start).or_insert(0);
            *e += 1;
            *e
        };
        let current = format!("Bearer tok-{}", tokens2.lock().unwrap());
        if r.auth.as_deref() != Some(current.as_str()) {
            return resp(
                401,
                json!({"error": {"code": "InvalidAuthenticationToken", "message": "Lifetime validation failed, the token is expired."}}),
            );
        }
        match (start, seen) {
            // Page 2: throttled once.
            (3, 1) => Resp {
                headers: vec![("Retry-After".into(), "1".into())],
                ..resp(429, json!({"error": {"code": "TooManyRequests", "message": "slow down"}}))
            },
            // Page 3: unavailable once, then the token expires (a new one is issued here).
            (6, 1) => resp(503, json!({})),
            (6, 2) => {
                *tokens2.lock().unwrap() += 1;
                resp(401, json!({"error": {"code": "InvalidAuthenticationToken", "message": "expired"}}))
            }
            // Page 4: cut short once.
            (9, 1) => Resp {
                cut: true,
                ..resp(200, page(port, &served, 9))
            },
            _ => resp(200, page(port, &served, start)),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("week.json");
    let out_s = out.display().to_string();
    let r = output(with_secret(&mut fetch_cmd(&server, &["-o", &out_s])));
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert!(!r.stderr.contains("s3cret"), "the secret was printed: {}", r.stderr);
    let written: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(ids(&written), served_ids(&all), "each event once, in order");
    assert_eq!(written, Value::Array(all.clone()), "events written as served");
    assert!(!dir.path().join("week.json.resume").exists());
    let mut changes: Vec<String> = all
        .iter()
        .map(|e| e["changeId"].as_str().unwrap().to_owned())
        .collect();
    changes.sort();
    assert_eq!(analyzed_changes(&out_s), changes);

    let reqs = server.requests();
    let token_reqs: Vec<_> = reqs
        .iter()
        .filter(|r| r.path.ends_with("/token"))
        .collect();
    assert_eq!(token_reqs.len(), 2, "one sign-in, one renewal after the 401");
    let t = token_reqs[0];
    assert_eq!(t.method, "POST");
    assert_eq!(t.path, "/contoso.onmicrosoft.com/oauth2/v2.0/token");
    assert_eq!(t.form["grant_type"], "client_credentials");
    assert_eq!(t.form["client_secret"], "s3cret-value");
    assert_eq!(t.form["scope"], format!("{}/.default", server.url()));
    let first = &server.graph_requests()[0];
    assert_eq!(first.query.get("$top").map(String::as_str), Some("500"));
    assert_eq!(first.query.get("$filter"), None, "every status by default");
}
