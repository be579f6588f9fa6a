//! Running the built binary hermetically, and reading its output back.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "exit status\nstderr:\n{}", self.stderr);
        self
    }

    #[track_caller]
    pub fn code(self, want: i32) -> Run {
        assert_eq!(
            self.code, want,
            "exit status\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// NDJSON output parsed line by line; every line must be one JSON object.
    #[track_caller]
    pub fn ndjson(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| match serde_json::from_str::<serde_json::Value>(l) {
                Ok(v @ serde_json::Value::Object(_)) => v,
                other => panic!("not a JSON object line: {l:?} ({other:?})"),
            })
            .collect()
    }

    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON: {e}\n{}", self.stdout))
    }
}

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_provlog"));
    for var in ["LANG", "LC_ALL", "LC_MESSAGES", "NO_COLOR", "COLUMNS", "TZ"] {
        c.env_remove(var);
    }
    c
}

pub fn run_with(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut c = bin();
    c.args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut child = c.spawn().expect("the binary runs");
    // Feed stdin from another thread: the child writes output while it reads, and both
    // pipes filling up at once would deadlock.
    let feeder = stdin.map(|input| {
        let mut pipe = child.stdin.take().expect("stdin");
        let input = input.to_vec();
        std::thread::spawn(move || {
            // The child may stop reading early; that is its business.
            let _ = pipe.write_all(&input);
        })
    });
    let out = child.wait_with_output().expect("the binary finishes");
    if let Some(f) = feeder {
        let _ = f.join();
    }
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn run(args: &[&str]) -> Run {
    run_with(args, None)
}

pub fn fixture(rel: &str) -> String {
    let p: PathBuf = [env!("CARGO_MANIFEST_DIR"), "fixtures", rel]
        .iter()
        .collect();
    p.display().to_string()
}

pub fn read_fixture(rel: &str) -> Vec<u8> {
    std::fs::read(fixture(rel)).expect("fixture exists")
}

/// A temporary folder holding one file with these bytes; returns (folder, path).
pub fn temp_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write temp file");
    (dir, path.display().to_string())
}

/// Events of an NDJSON run keyed and sorted by change id, for comparing shapes.
pub fn by_change(rows: Vec<serde_json::Value>) -> Vec<(String, serde_json::Value)> {
    let mut v: Vec<_> = rows
        .into_iter()
        .map(|r| (r["change_id"].as_str().unwrap_or("").to_owned(), r))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

pub fn golden_path(name: &str) -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "tests", "golden", name]
        .iter()
        .collect()
}

/// Compares with `tests/golden/NAME`; `UPDATE_GOLDEN=1` writes the file instead.
#[track_caller]
pub fn golden(name: &str, got: &str) {
    let path = golden_path(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("golden dir")).expect("mkdir");
        std::fs::write(&path, got).expect("write golden");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run UPDATE_GOLDEN=1 cargo test to create it",
            path.display()
        )
    });
    if want != got {
        let line = want
            .lines()
            .zip(got.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| want.lines().count().min(got.lines().count()));
        panic!(
            "{} differs from the output, first at line {}:\n  want: {:?}\n  got:  {:?}\n\nfull output:\n{got}",
            path.display(),
            line + 1,
            want.lines().nth(line),
            got.lines().nth(line)
        );
    }
}

/// The NDJSON contract's top-level keys, in order (spec, Output contract).
pub const KEYS: &[&str] = &[
    "change_id",
    "time",
    "action",
    "status",
    "app",
    "job_id",
    "cycle_id",
    "identity",
    "source_system",
    "target_system",
    "error_code",
    "reason",
    "failed_step",
    "diagnosis",
    "facts",
];
