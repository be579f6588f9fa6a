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
        .args([
            "--graph-url",
            &server.url(),
            "--authority-url",
            &server.url(),
        ])
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
                ..resp(
                    429,
                    json!({"error": {"code": "TooManyRequests", "message": "slow down"}}),
                )
            },
            // Page 3: unavailable once, then the token expires (a new one is issued here).
            (6, 1) => resp(503, json!({})),
            (6, 2) => {
                *tokens2.lock().unwrap() += 1;
                resp(
                    401,
                    json!({"error": {"code": "InvalidAuthenticationToken", "message": "expired"}}),
                )
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
    assert!(
        !r.stderr.contains("s3cret"),
        "the secret was printed: {}",
        r.stderr
    );
    let written: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(ids(&written), served_ids(&all), "each event once, in order");
    assert_eq!(
        written,
        Value::Array(all.clone()),
        "events written as served"
    );
    assert!(!dir.path().join("week.json.resume").exists());
    let mut changes: Vec<String> = all
        .iter()
        .map(|e| e["changeId"].as_str().unwrap().to_owned())
        .collect();
    changes.sort();
    assert_eq!(analyzed_changes(&out_s), changes);

    let reqs = server.requests();
    let token_reqs: Vec<_> = reqs.iter().filter(|r| r.path.ends_with("/token")).collect();
    assert_eq!(
        token_reqs.len(),
        2,
        "one sign-in, one renewal after the 401"
    );
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

/// A Graph that serves `all` in pages to any token, ignoring filters, failing as `fail` says
/// (by page start and how many times that page was asked for).
fn plain_graph(
    all: Vec<Value>,
    fail: impl Fn(usize, usize) -> Option<Resp> + Send + Sync + 'static,
) -> Server {
    let hits: Mutex<HashMap<usize, usize>> = Mutex::default();
    Server::start(move |r, port| {
        if r.path.ends_with("/token") {
            return token_answer(1);
        }
        let start = start_of(r);
        let seen = {
            let mut h = hits.lock().unwrap();
            let e = h.entry(start).or_insert(0);
            *e += 1;
            *e
        };
        fail(start, seen).unwrap_or_else(|| resp(200, page(port, &all, start)))
    })
}

#[test]
fn filters_go_to_graph_with_documented_operators_and_are_narrowed_locally() {
    let all = events(9);
    let server = plain_graph(all.clone(), |_, _| None);
    let r = output(with_secret(&mut fetch_cmd(
        &server,
        &[
            "--since",
            "2026-11-24T08:02:00Z",
            "--until",
            "2026-11-25T00:00:00Z",
            "--status",
            "failure,warning",
            "--action",
            "create",
            "--job",
            "scim.7584",
            "--app",
            "airtable",
            "--page-size",
            "3",
        ],
    )));
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    let first = &server.graph_requests()[0];
    assert_eq!(first.query["$top"], "3");
    assert_eq!(
        first.query["$filter"],
        "activityDateTime gt 2026-11-24T08:01:59.999Z and activityDateTime lt 2026-11-25T00:00:00.000Z \
         and (provisioningStatusInfo/status eq 'failure' or provisioningStatusInfo/status eq 'warning') \
         and provisioningAction eq 'create' and contains(jobId, 'scim.7584')"
    );
    // The server ignored the filter: provlog kept failures at or after 08:02 of Airtable.
    let want: Vec<String> = all
        .iter()
        .filter(|e| {
            e["provisioningStatusInfo"]["status"] == "failure"
                && e["activityDateTime"].as_str().unwrap() >= "2026-11-24T08:02:00Z"
                && e["servicePrincipal"]["displayName"]
                    .as_str()
                    .unwrap()
                    .contains("Airtable")
        })
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(want, ["id-0006"]);
    assert_eq!(ids(&r.json()), want);
    // The next links were followed exactly as given.
    let skips: Vec<_> = server
        .graph_requests()
        .iter()
        .map(|r| r.query.get("$skiptoken").cloned().unwrap_or_default())
        .collect();
    assert_eq!(skips, ["", "tok3", "tok6"]);
}

#[test]
fn a_graph_error_is_one_sentence_with_its_fix_and_leaves_no_file() {
    let server = plain_graph(events(3), |_, _| {
        Some(resp(
            403,
            json!({"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation.", "innerError": {"date": "2026-11-24T08:00:00"}}}),
        ))
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.json");
    let r = output(with_secret(&mut fetch_cmd(
        &server,
        &["-o", &out.display().to_string()],
    )));
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("provlog: page 1 (http://127.0.0.1:"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("403 Authorization_RequestDenied: Insufficient privileges")
            && r.stderr.contains("AuditLog.Read.All")
            && r.stderr.contains("admin consent"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_failed_fetch_keeps_its_pages_and_resume_adds_the_rest_once() {
    let all = events(10);
    let broken = Arc::new(Mutex::new(true));
    let broken2 = broken.clone();
    let server = plain_graph(all.clone(), move |start, _| {
        (start == 6 && *broken2.lock().unwrap()).then(|| resp(500, json!({})))
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("week.json");
    let out_s = out.display().to_string();
    let r = output(with_secret(&mut fetch_cmd(
        &server,
        &[
            "-o",
            &out_s,
            "--status",
            "all",
            "--since",
            "2026-01-01T00:00:00Z",
        ],
    )));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("page 3")
            && r.stderr.contains("500")
            && r.stderr
                .contains(&format!("provlog fetch --resume {out_s}")),
        "{}",
        r.stderr
    );
    let partial: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(ids(&partial), served_ids(&all[..6]));
    assert!(dir.path().join("week.json.resume").exists());
    // A filter with --resume is refused: the first run's filters go on.
    let r = output(with_secret(&mut fetch_cmd(
        &server,
        &["--resume", &out_s, "--status", "failure"],
    )));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("give no filter"), "{}", r.stderr);

    *broken.lock().unwrap() = false;
    let before = server.graph_requests().len();
    let r = output(with_secret(&mut fetch_cmd(&server, &["--resume", &out_s])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let whole: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(ids(&whole), served_ids(&all), "every event once");
    let resumed: Vec<_> = server.graph_requests()[before..]
        .iter()
        .map(|r| r.query.get("$skiptoken").cloned().unwrap_or_default())
        .collect();
    assert_eq!(
        resumed,
        ["tok6", "tok9"],
        "the pages already written are not asked again"
    );
    assert!(!dir.path().join("week.json.resume").exists());
    // Nothing left to resume.
    let r = output(with_secret(&mut fetch_cmd(&server, &["--resume", &out_s])));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nothing to resume"), "{}", r.stderr);
}

#[test]
fn a_token_from_the_environment_streams_ndjson_into_analyze() {
    let all = events(7);
    let server = Server::start({
        let all = all.clone();
        move |r, port| {
            if r.auth.as_deref() == Some("Bearer given-token") {
                resp(200, page(port, &all, start_of(r)))
            } else {
                resp(
                    401,
                    json!({"error": {"code": "InvalidAuthenticationToken", "message": "no"}}),
                )
            }
        }
    });
    let r = output(
        fetch_cmd(&server, &["--format", "ndjson", "--max-events", "5"])
            .env("PROVLOG_ACCESS_TOKEN", "given-token"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, all[..5].to_vec(), "--max-events stops early");
    assert_eq!(
        server.graph_requests().len(),
        2,
        "no page past the fifth event"
    );
    let analyzed = run_with(
        &["analyze", "-", "--status", "all", "--format", "ndjson"],
        Some(r.stdout.as_bytes()),
    )
    .ok();
    assert_eq!(analyzed.ndjson().len(), 5);

    // A token given to provlog cannot be renewed: a 401 is explained, not retried.
    let r = output(fetch_cmd(&server, &[]).env("PROVLOG_ACCESS_TOKEN", "stale"));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("PROVLOG_ACCESS_TOKEN was refused") && !r.stderr.contains("stale"),
        "{}",
        r.stderr
    );
}

#[test]
fn device_code_sign_in_prints_the_code_and_polls_until_signed_in() {
    let all = events(4);
    let polls = Arc::new(Mutex::new(0));
    let polls2 = polls.clone();
    let server = Server::start(move |r, port| match r.path.as_str() {
        "/organizations/oauth2/v2.0/devicecode" => resp(
            200,
            json!({"device_code": "dev-123", "user_code": "ABCD-EFGH", "verification_uri": "https://microsoft.com/devicelogin", "expires_in": 900, "interval": 1, "message": "To sign in..."}),
        ),
        "/organizations/oauth2/v2.0/token" => {
            let mut n = polls2.lock().unwrap();
            *n += 1;
            if *n == 1 {
                resp(
                    400,
                    json!({"error": "authorization_pending", "error_description": "AADSTS70016: pending"}),
                )
            } else {
                resp(
                    200,
                    json!({"token_type": "Bearer", "access_token": "person-token", "refresh_token": "r", "expires_in": 3600}),
                )
            }
        }
        _ if r.auth.as_deref() == Some("Bearer person-token") => {
            resp(200, page(port, &all, start_of(r)))
        }
        _ => resp(401, json!({})),
    });
    let r = output(&mut fetch_cmd(
        &server,
        &[
            "--device-code",
            "--client-id",
            "04b07795-0000-0000-0000-000000000000",
        ],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("open https://microsoft.com/devicelogin and enter the code ABCD-EFGH"),
        "{}",
        r.stderr
    );
    assert_eq!(r.json(), Value::Array(events(4)));
    assert_eq!(*polls.lock().unwrap(), 2);
    let polled = server
        .requests()
        .into_iter()
        .rfind(|r| r.path.ends_with("/token"))
        .unwrap();
    assert_eq!(
        polled.form["grant_type"],
        "urn:ietf:params:oauth:grant-type:device_code"
    );
    assert_eq!(polled.form["device_code"], "dev-123");
}

#[test]
fn plain_http_is_refused_off_this_machine_and_no_credentials_is_explained() {
    let r = run(&["fetch", "--graph-url", "http://graph.example.com"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("use https"), "{}", r.stderr);
    let server = plain_graph(events(1), |_, _| None);
    let r = output(&mut fetch_cmd(&server, &[]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no credentials"), "{}", r.stderr);
    assert!(server.requests().is_empty());
}

#[cfg(unix)]
#[test]
fn the_azure_cli_token_is_used_with_az() {
    use std::os::unix::fs::PermissionsExt;
    let all = events(2);
    let server = Server::start({
        let all = all.clone();
        move |r, port| {
            if r.auth.as_deref() == Some("Bearer from-az") {
                resp(200, page(port, &all, start_of(r)))
            } else {
                resp(401, json!({}))
            }
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let az = dir.path().join("az");
    std::fs::write(
        &az,
        "#!/bin/sh\n[ \"$1 $2 $3 $4\" = 'account get-access-token --resource-type ms-graph' ] || exit 3\necho '{\"accessToken\": \"from-az\", \"expires_on\": 4102444800, \"tokenType\": \"Bearer\"}'\n",
    )
    .unwrap();
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let r = output(fetch_cmd(&server, &["--az"]).env("PATH", path));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json(), Value::Array(all));
}

#[cfg(unix)]
#[test]
fn ctrl_c_keeps_a_whole_file_of_the_pages_fetched_and_says_how_to_resume() {
    let all = events(9);
    let slow = Arc::new(Mutex::new(true));
    let slow2 = slow.clone();
    let server = plain_graph(all.clone(), move |start, _| {
        (start == 6 && *slow2.lock().unwrap()).then(|| Resp {
            delay: Duration::from_secs(20),
            ..resp(500, json!({}))
        })
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("week.json");
    let out_s = out.display().to_string();
    let child = with_secret(&mut fetch_cmd(&server, &["-o", &out_s]))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    // Wait until page 3 is asked for: pages 1 and 2 are written by then.
    let t0 = std::time::Instant::now();
    while !server.graph_requests().iter().any(|r| start_of(r) == 6) {
        assert!(t0.elapsed() < Duration::from_secs(20), "page 3 never asked");
        std::thread::sleep(Duration::from_millis(10));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let t1 = std::time::Instant::now();
    let out_child = child.wait_with_output().unwrap();
    assert!(
        t1.elapsed() < Duration::from_secs(5),
        "took {:?}",
        t1.elapsed()
    );
    assert_eq!(out_child.status.code(), Some(130));
    let stderr = String::from_utf8_lossy(&out_child.stderr);
    assert!(
        stderr.contains("interrupted after 6 events in 2 pages")
            && stderr.contains(&format!("provlog fetch --resume {out_s}")),
        "{stderr}"
    );
    let partial: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(ids(&partial), served_ids(&all[..6]));

    *slow.lock().unwrap() = false;
    let r = output(with_secret(&mut fetch_cmd(&server, &["--resume", &out_s])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let whole: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(ids(&whole), served_ids(&all));
}
