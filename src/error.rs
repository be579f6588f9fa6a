//! Exit status policy, in one place.

use std::io;

/// 0: ran fine (failures in the logs are not an error); 1: `--fail-on` tripped;
/// 2: bad usage or input that could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    Ok,
    FailOn,
    Error,
    /// Ctrl-C: the run stopped early and reports nothing.
    Interrupted,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::FailOn => 1,
            Exit::Error => 2,
            Exit::Interrupted => crate::interrupt::EXIT_CODE,
        }
    }

    /// The worse of two outcomes: an error outranks a tripped `--fail-on`.
    pub fn max(self, other: Exit) -> Exit {
        std::cmp::max(self, other)
    }
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
