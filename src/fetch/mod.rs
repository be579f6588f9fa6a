//! `provlog fetch`: provisioning logs read page by page from Microsoft Graph and written as
//! the portal's JSON array (or NDJSON), so that every other command reads them as an export.
//!
//! Memory stays flat: one page is held at a time, and events are written as the raw text
//! Graph sent. The output is whole at every stopping point: at the end, on Ctrl-C and on an
//! error after some pages, the array is closed and the file put in place, with the state
//! `--resume` needs beside it.

pub mod auth;
pub mod filter;
pub mod graph;
pub mod resume;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Result, anyhow, bail};
use chrono::{DateTime, Utc};
use serde_json::value::RawValue;
use url::Url;

use crate::cli::{FetchArgs, FetchFormat};
use crate::config::{CycleFilter, Filters, parse_actions, parse_statuses, time_arg};
use crate::error::Exit;
use crate::interrupt;
use crate::output::Output;
use graph::{Fetched, Waits};
use resume::{Saved, State};

/// Everything a fetch needs, decided before the first request.
pub struct Config {
    pub saved: Saved,
    pub filters: Filters,
    pub ndjson: bool,
    pub page_size: u32,
    pub graph: Url,
    pub authority: Url,
    pub method: auth::Method,
    /// The output file (`-o`, or the file resumed); `None` is stdout.
    pub path: Option<PathBuf>,
    /// The state of the run being continued.
    pub resume: Option<State>,
}

impl Config {
    pub fn from_args(
        a: &FetchArgs,
        output: Option<&Path>,
        now: DateTime<Utc>,
        env: impl Fn(&str) -> Option<String>,
        stdin_is_terminal: bool,
    ) -> Result<Config> {
        let graph = graph::checked_url("--graph-url", &a.graph_url)?;
        let authority = graph::checked_url("--authority-url", &a.authority_url)?;
        let output = output.filter(|p| p.as_os_str() != "-");
        let (saved, ndjson, path, resume) = match &a.resume {
            Some(file) => {
                if let Some(o) = output
                    && o != file
                {
                    bail!(
                        "--resume {} continues that file; -o {} names another (give one of them)",
                        file.display(),
                        o.display()
                    );
                }
                let given_filters = a.status != ["all"]
                    || !a.action.is_empty()
                    || a.since.is_some()
                    || a.until.is_some()
                    || a.app.is_some()
                    || a.job.is_some()
                    || a.cycle.is_some()
                    || a.change.is_some()
                    || a.max_events.is_some();
                if given_filters {
                    bail!(
                        "--resume continues with the filters of the run that wrote {}; give no filter with it",
                        file.display()
                    );
                }
                let state = resume::load(file)?;
                (
                    state.filters.clone(),
                    state.ndjson,
                    Some(file.clone()),
                    Some(state),
                )
            }
            None => {
                let rfc = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
                let saved = Saved {
                    statuses: a.status.clone(),
                    actions: a.action.clone(),
                    since: a
                        .since
                        .as_deref()
                        .map(|v| time_arg("since", v, now).map(rfc))
                        .transpose()?,
                    until: a
                        .until
                        .as_deref()
                        .map(|v| time_arg("until", v, now).map(rfc))
                        .transpose()?,
                    app: a.app.clone(),
                    job: a.job.clone(),
                    cycle: a.cycle.clone(),
                    change: a.change.clone(),
                    max_events: a.max_events,
                };
                (
                    saved,
                    a.format == FetchFormat::Ndjson,
                    output.map(Path::to_path_buf),
                    None,
                )
            }
        };
        let filters = filters_of(&saved, now)?;
        let method = auth::choose(
            &auth::Choice {
                token_file: a.access_token_file.clone(),
                az: a.az,
                device_code: a.device_code,
                tenant: a.tenant.clone(),
                client_id: a.client_id.clone(),
                stdin_is_terminal,
            },
            env,
        )?;
        Ok(Config {
            saved,
            filters,
            ndjson,
            page_size: a.page_size,
            graph,
            authority,
            method,
            path,
            resume,
        })
    }

    /// The first page: `$top`, and `$filter` when a flag narrows the events.
    pub fn first_url(&self) -> String {
        let base = self.graph.as_str().trim_end_matches('/');
        let mut url = format!("{base}/v1.0/auditLogs/provisioning?$top={}", self.page_size);
        if let Some(f) = filter::graph_filter(&self.filters, self.saved.job.as_deref()) {
            url.push_str("&$filter=");
            url.push_str(&encode(&f));
        }
        url
    }
}

fn filters_of(s: &Saved, now: DateTime<Utc>) -> Result<Filters> {
    let cycle = match s.cycle.as_deref().map(str::trim) {
        Some(c) if c.eq_ignore_ascii_case("latest") => bail!(
            "--cycle latest needs every event first: fetch, then run `provlog analyze FILE --cycle latest`"
        ),
        Some(c) => Some(CycleFilter::Id(c.to_lowercase())),
        None => None,
    };
    Ok(Filters {
        statuses: parse_statuses(&s.statuses)?,
        actions: parse_actions(&s.actions)?,
        since: s
            .since
            .as_deref()
            .map(|v| time_arg("since", v, now))
            .transpose()?,
        until: s
            .until
            .as_deref()
            .map(|v| time_arg("until", v, now))
            .transpose()?,
        app: s.app.as_deref().map(str::to_lowercase),
        job: s.job.as_deref().map(str::to_lowercase),
        cycle,
        change: s.change.as_deref().map(|c| c.trim().to_lowercase()),
        ..Filters::default()
    })
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The events written so far, as a JSON array kept open or as NDJSON lines.
struct Sink {
    ndjson: bool,
    count: u64,
}

impl Sink {
    fn event(&mut self, out: &mut dyn Write, raw: &RawValue) -> io::Result<()> {
        let text = raw.get();
        if self.ndjson {
            // Raw JSON can only hold line breaks as blank space between tokens: one line per
            // event needs them gone, which re-serializing does.
            if text.contains(['\n', '\r']) {
                let v: serde_json::Value = serde_json::from_str(text).map_err(io::Error::other)?;
                serde_json::to_writer(&mut *out, &v).map_err(io::Error::from)?;
            } else {
                out.write_all(text.as_bytes())?;
            }
            out.write_all(b"\n")?;
        } else {
            out.write_all(if self.count == 0 { b"\n" } else { b",\n" })?;
            out.write_all(text.as_bytes())?;
        }
        self.count += 1;
        Ok(())
    }

    fn close(&self, out: &mut dyn Write) -> io::Result<()> {
        if !self.ndjson {
            out.write_all(if self.count == 0 { b"]\n" } else { b"\n]\n" })?;
        }
        out.flush()
    }
}

/// The progress line on a terminal: pages, events and rate, rewritten in place.
struct Progress {
    on: bool,
    start: Instant,
}

impl Progress {
    fn show(&self, pages: u64, events: u64, err: &mut dyn Write) {
        if !self.on {
            return;
        }
        let secs = self.start.elapsed().as_secs_f64().max(0.001);
        let line = format!(
            "\r\x1b[2Kprovlog: {pages} pages, {events} events, {:.0} events/s",
            events as f64 / secs
        );
        let _ = err.write_all(line.as_bytes());
    }

    fn clear(&self, err: &mut dyn Write) {
        if self.on {
            let _ = err.write_all(b"\r\x1b[2K");
        }
    }
}

enum Stop {
    Done,
    Interrupted,
    Failed(anyhow::Error),
}

/// Runs the fetch into `out` (standard output or the `-o` file, which this function puts in
/// place itself, also when it stops early).
pub fn run(cfg: Config, out: Output, err: &mut dyn Write) -> Result<Exit> {
    interrupt::stop_by_myself();
    let waits = Waits::from_env();
    let agent = graph::agent(graph::is_loopback(&cfg.graph), 0);
    let mut auth = auth::Auth::new(cfg.method.clone(), cfg.authority.clone(), &cfg.graph, waits);
    // Resuming, the earlier file is copied into the new one before anything is fetched.
    let mut out = match (&cfg.resume, &cfg.path, out) {
        (Some(_), Some(p), Output::Stdout(_)) => Output::open(Some(p))?,
        (_, _, o) => o,
    };
    let mut sink = Sink {
        ndjson: cfg.ndjson,
        count: 0,
    };
    let (mut url, mut pages) = match (&cfg.resume, &cfg.path) {
        (Some(state), Some(p)) => {
            sink.count = resume::copy_back(p, cfg.ndjson, &mut out)?;
            if sink.count != state.events {
                bail!(
                    "{}: holds {} events but its resume state says {}; it cannot be resumed safely (fetch again)",
                    p.display(),
                    sink.count,
                    state.events
                );
            }
            (state.next_link.clone(), state.pages)
        }
        _ => {
            if !cfg.ndjson {
                out.write_all(b"[")?;
            }
            (cfg.first_url(), 0)
        }
    };
    let max = cfg.saved.max_events;
    let progress = Progress {
        on: io::stderr().is_terminal(),
        start: Instant::now(),
    };
    let resumed = cfg.resume.is_some();
    let stop = loop {
        if max.is_some_and(|m| sink.count >= m) {
            break Stop::Done;
        }
        if interrupt::requested() {
            break Stop::Interrupted;
        }
        let page = match graph::get_page(&agent, &mut auth, &url, pages + 1, waits) {
            Ok(Fetched::Page(p)) => p,
            Ok(Fetched::Interrupted) => break Stop::Interrupted,
            Err(e) => break Stop::Failed(e),
        };
        for ev in &page.value {
            if max.is_some_and(|m| sink.count >= m) {
                break;
            }
            if filter::keep(&cfg.filters, ev) {
                sink.event(&mut out, ev)?;
            }
        }
        pages += 1;
        progress.show(pages, sink.count, err);
        match page.next_link {
            None => break Stop::Done,
            Some(next) => match same_origin(&cfg.graph, &next) {
                Ok(()) => url = next,
                Err(e) => break Stop::Failed(e.context(format!("page {}", pages + 1))),
            },
        }
    };
    progress.clear(err);
    let nothing_written = pages == 0 && !resumed;
    if let Stop::Failed(e) = &stop
        && nothing_written
    {
        // Nothing to keep: the unfinished file goes with `out`.
        return Err(anyhow!("{e:#}"));
    }
    sink.close(&mut out)?;
    out.finish()?;
    let state = State {
        version: 1,
        next_link: url,
        events: sink.count,
        pages,
        ndjson: cfg.ndjson,
        filters: cfg.saved.clone(),
    };
    let hint = match &cfg.path {
        Some(p) if !matches!(stop, Stop::Done) => {
            resume::save(p, &state)?;
            format!(
                "{} holds them; continue with: provlog fetch --resume {}",
                p.display(),
                p.display()
            )
        }
        Some(p) => {
            resume::remove(p);
            String::new()
        }
        None => {
            "the output holds them (with -o FILE, an interrupted fetch can be resumed)".to_owned()
        }
    };
    let so_far = format!("{} events in {} pages", sink.count, pages);
    match stop {
        Stop::Done => {
            if progress.on {
                crate::error::warn(err, format!("fetched {so_far}"));
            }
            Ok(Exit::Ok)
        }
        Stop::Interrupted => {
            crate::error::warn(err, format!("interrupted after {so_far}; {hint}"));
            Ok(Exit::Interrupted)
        }
        Stop::Failed(e) => Err(anyhow!("{e:#}; fetched before that: {so_far}; {hint}")),
    }
}

/// A next link is followed exactly as given, but only to the Graph the run was pointed at:
/// the token goes with it.
fn same_origin(graph: &Url, next: &str) -> Result<()> {
    let u = Url::parse(next).map_err(|e| anyhow!("the next link '{next}' is not a URL ({e})"))?;
    if u.origin() != graph.origin() {
        bail!(
            "the next link points to {}, not to {}: not followed (the token would go with it)",
            u.origin().ascii_serialization(),
            graph.origin().ascii_serialization()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode("a eq 'x/y' and b"), "a%20eq%20%27x%2Fy%27%20and%20b");
    }

    #[test]
    fn a_next_link_to_another_host_is_refused() {
        let g = Url::parse("https://graph.microsoft.com").unwrap();
        assert!(
            same_origin(
                &g,
                "https://graph.microsoft.com/v1.0/auditLogs/provisioning?$skiptoken=x"
            )
            .is_ok()
        );
        assert!(same_origin(&g, "https://evil.example/v1.0/x").is_err());
        assert!(same_origin(&g, "http://graph.microsoft.com/v1.0/x").is_err());
    }

    #[test]
    fn the_json_sink_writes_an_array_the_portal_reader_accepts() {
        let mut out = b"[".to_vec();
        let mut s = Sink {
            ndjson: false,
            count: 0,
        };
        let a = RawValue::from_string(r#"{"id":"1"}"#.into()).unwrap();
        let b = RawValue::from_string("{\n\"id\": \"2\"}".into()).unwrap();
        s.event(&mut out, &a).unwrap();
        s.event(&mut out, &b).unwrap();
        s.close(&mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 2);
        let mut nd = Vec::new();
        let mut s = Sink {
            ndjson: true,
            count: 0,
        };
        s.event(&mut nd, &b).unwrap();
        assert_eq!(nd, b"{\"id\":\"2\"}\n");
    }
}
