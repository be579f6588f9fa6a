//! Exit status policy, and the one way a line is said on stderr ([`warn`]).

use std::io::{self, Write};

/// 0: ran fine (failures in the logs are not an error); 1: `--fail-on` tripped, or
/// `explain` found no entry for an input; 2: bad usage or input that could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    Ok,
    /// `explain` found no entry for an input (like grep finding no line).
    NoMatch,
    FailOn,
    Error,
    /// Ctrl-C: the run stopped early and reports nothing.
    Interrupted,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::NoMatch | Exit::FailOn => 1,
            Exit::Error => 2,
            Exit::Interrupted => crate::interrupt::EXIT_CODE,
        }
    }

    /// The worse of two outcomes: an error outranks a tripped `--fail-on`.
    pub fn max(self, other: Exit) -> Exit {
        std::cmp::max(self, other)
    }
}

/// The last line of defence: a panic (a bug: nothing reachable from input should panic)
/// is reported as one line, like any other error, instead of a Rust debug dump, and the
/// run exits with status 2.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let line = format!(
            "provlog: internal error{at}: {}; this is a bug in provlog, please report it\n",
            crate::render::one_line(&what)
        );
        let _ = std::io::Write::write_all(&mut io::stderr(), line.as_bytes());
        std::process::exit(i32::from(Exit::Error.code()));
    }));
}

/// A closed output pipe (`provlog … | head`): the reader has all it wanted.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .and_then(|j| j.io_error_kind())
                .is_some_and(|k| k == io::ErrorKind::BrokenPipe)
    })
}

/// Prints a warning line on stderr. Messages quote file names, headers and values from the
/// input, so they are flattened to one line with control characters made visible; the
/// line goes out in one write, so that nothing can cut it in half (an interrupt).
pub fn warn(err: &mut dyn Write, msg: impl std::fmt::Display) {
    let line = format!("provlog: {}\n", crate::render::one_line(&msg.to_string()));
    // A closed stderr leaves nothing to tell.
    let _ = err.write_all(line.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_outranks_fail_on() {
        assert_eq!(Exit::Ok.max(Exit::FailOn), Exit::FailOn);
        assert_eq!(Exit::Error.max(Exit::FailOn), Exit::Error);
        assert_eq!(Exit::FailOn.code(), 1);
        assert_eq!(Exit::Error.code(), 2);
    }

    #[test]
    fn broken_pipe_is_found_through_context() {
        let e = anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe)).context("writing");
        assert!(is_broken_pipe(&e));
        let other = anyhow::anyhow!("nope");
        assert!(!is_broken_pipe(&other));
    }
}
