//! Ctrl-C: stop reading at the next event, print nothing more, exit with status 130.
//!
//! The handler only raises a flag; the readers ask [`requested`] between events (through
//! the sink's `stop`), so the run ends at a clean point: no half-written warning on
//! stderr, and output that ends with a whole line. A read that is blocked (a pipe nobody
//! writes to, a terminal) never reaches such a point, so the handler also ends the
//! process itself after a short grace period. Every stderr line is written in one write,
//! so even that exit cannot cut one in half.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Set once by the handler, read everywhere: a signal arrives outside any call chain, so
/// this is the one place where a global is the honest design.
static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Temporary files of reports being written (`-o`): a forced exit removes them, so that a
/// run ended in a blocked read leaves no half report behind.
static PARTIAL: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Set by a command that stops itself at a clean point, whatever it is waiting for
/// (`fetch`: its network calls are abandoned on the flag, and what was fetched is kept).
/// The handler then only raises the flag; a second Ctrl-C still ends the process at once.
static SELF_STOPPING: AtomicBool = AtomicBool::new(false);

/// How long the run may take to reach a clean stopping point.
const GRACE: Duration = Duration::from_millis(500);

/// The status of a run ended by Ctrl-C (128 + SIGINT), as shells report it.
pub const EXIT_CODE: u8 = 130;

/// Installs the handler. Failing to install it only means Ctrl-C keeps its default effect
/// (the process ends at once), so the error is not worth reporting.
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        let again = REQUESTED.swap(true, Ordering::SeqCst);
        if SELF_STOPPING.load(Ordering::SeqCst) && !again {
            return;
        }
        std::thread::sleep(GRACE);
        clear_progress_line();
        remove_partial_files();
        std::process::exit(i32::from(EXIT_CODE));
    });
}

/// On a terminal, the progress bar may be on the last line: erase it. The run holds the
/// stderr lock, so the line is written through a duplicate of the standard error handle,
/// which needs no lock (`/dev/stderr` would do on Unix only; Windows has no such file).
fn clear_progress_line() {
    use std::io::{IsTerminal, Write};
    if std::io::stderr().is_terminal()
        && let Ok(mut e) = unlocked_stderr()
    {
        let _ = e.write_all(b"\r\x1b[2K");
    }
}

/// Standard error as a file of its own, writable while another thread holds the lock of
/// `std::io::stderr()`.
fn unlocked_stderr() -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    let owned = {
        use std::os::fd::AsFd;
        std::io::stderr().as_fd().try_clone_to_owned()?
    };
    #[cfg(windows)]
    let owned = {
        use std::os::windows::io::AsHandle;
        std::io::stderr().as_handle().try_clone_to_owned()?
    };
    Ok(std::fs::File::from(owned))
}

/// Registers a temporary file to remove if the handler has to end the process itself.
pub fn remove_on_forced_exit(path: &Path) {
    if let Ok(mut v) = PARTIAL.lock() {
        v.push(path.to_path_buf());
    }
}

/// The file is complete (renamed into place) or already gone: a forced exit leaves it alone.
pub fn forget(path: &Path) {
    if let Ok(mut v) = PARTIAL.lock() {
        v.retain(|p| p != path);
    }
}

fn remove_partial_files() {
    if let Ok(v) = PARTIAL.lock() {
        for p in v.iter() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The caller stops itself on [`requested`] and keeps its output: the handler no longer
/// ends the process after the grace period (a second Ctrl-C still does).
pub fn stop_by_myself() {
    SELF_STOPPING.store(true, Ordering::SeqCst);
}

/// Whether Ctrl-C was pressed.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// The handler runs while the interrupted thread holds the stderr lock: erasing the
    /// progress line must not wait for it.
    #[test]
    fn standard_error_is_writable_while_locked_elsewhere() {
        let _held = std::io::stderr().lock();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let wrote = unlocked_stderr().and_then(|mut e| e.write_all(b""));
            let _ = tx.send(wrote.is_ok());
        });
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(true));
    }
}
