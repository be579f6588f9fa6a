//! Ctrl-C: the run ends promptly with status 130, prints nothing on stderr, and what it
//! streamed ends with a whole line.

#![cfg(unix)]

use std::io::{Read, Write};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::util::*;

fn interrupt(child: &Child) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Waits for the child at most `limit`; returns its exit code and how long it took.
fn wait_within(child: &mut Child, limit: Duration) -> (Option<i32>, Duration) {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return (status.code(), start.elapsed());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("still running {limit:?} after Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn spawn(args: &[&str]) -> Child {
    bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs")
}

fn read_all(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = r.read_to_end(&mut v);
        v
    })
}

#[test]
fn ctrl_c_during_a_large_read_exits_130_quietly() {
    // An export that never ends: the portal fixture's events, over and over, in one array.
    let text = String::from_utf8(read_fixture("portal-export.json")).expect("utf-8");
    let inner = text
        .trim()
        .trim_start_matches('\u{feff}')
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let mut child = spawn(&["analyze", "-", "--status", "all", "--format", "ndjson"]);
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let mut sent = 0usize;
        if stdin.write_all(b"[").is_err() {
            return sent;
        }
        loop {
            if stdin.write_all(inner.as_bytes()).is_err() || stdin.write_all(b",").is_err() {
                return sent;
            }
            sent += inner.len();
        }
    });
    let out = read_all(child.stdout.take().expect("stdout"));
    let err = read_all(child.stderr.take().expect("stderr"));
    // Let it read a good deal first.
    std::thread::sleep(Duration::from_millis(1500));
    interrupt(&child);
    let (code, took) = wait_within(&mut child, Duration::from_secs(5));
    let sent = writer.join().expect("writer");
    let stdout = String::from_utf8(out.join().expect("stdout")).expect("utf-8 output");
    let stderr = String::from_utf8_lossy(&err.join().expect("stderr")).into_owned();
    assert_eq!(code, Some(130), "stderr: {stderr}");
    assert!(took < Duration::from_secs(2), "took {took:?} to stop");
    assert!(stderr.is_empty(), "nothing on stderr, got: {stderr}");
    assert!(
        sent > 1_000_000,
        "it was reading a large input: {sent} bytes sent"
    );
    // Events were streamed before the interrupt, and the output ends with a whole line.
    assert!(
        !stdout.is_empty(),
        "events were streamed before the interrupt"
    );
    assert!(stdout.ends_with('\n'));
    for line in stdout.lines() {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "a cut line: {line:.80}"
        );
    }
}

#[test]
fn ctrl_c_while_waiting_for_input_exits_130_quietly() {
    // Nothing is ever written: the read is blocked, and the handler's grace period ends it.
    let mut child = spawn(&["analyze", "-", "--format", "json"]);
    let stdin = child.stdin.take().expect("stdin");
    let err = read_all(child.stderr.take().expect("stderr"));
    let out = read_all(child.stdout.take().expect("stdout"));
    std::thread::sleep(Duration::from_millis(500));
    interrupt(&child);
    let (code, took) = wait_within(&mut child, Duration::from_secs(5));
    drop(stdin);
    let stderr = String::from_utf8_lossy(&err.join().expect("stderr")).into_owned();
    assert_eq!(code, Some(130), "stderr: {stderr}");
    assert!(took < Duration::from_secs(2), "took {took:?} to stop");
    assert!(stderr.is_empty(), "{stderr}");
    assert!(out.join().expect("stdout").is_empty(), "no partial report");
}
