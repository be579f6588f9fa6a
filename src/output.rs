//! Where a report goes: standard output, or a file given with `-o` that appears only when
//! the report is whole.
//!
//! A file is written beside its final name under a temporary name and renamed at the end, so
//! an interrupted or failed run never leaves half a report behind (or replaces a good one
//! from an earlier run). Writing to a file also sidesteps the shell: Windows PowerShell 5.1
//! re-encodes whatever is redirected with `>`, which garbles Japanese text and CSV files.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, StdoutLock, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tempfile::NamedTempFile;

const BUFFER: usize = 256 * 1024;

/// The report's destination. Write to it, then call [`Output::finish`]; a file is only put in
/// place by `finish`, and dropping an unfinished one removes its temporary file.
pub enum Output {
    Stdout(BufWriter<StdoutLock<'static>>),
    File(AtomicFile),
}

impl Output {
    /// Standard output, or the file `path` when one is given (`-` also means standard output).
    pub fn open(path: Option<&Path>) -> Result<Self> {
        match path {
            Some(p) if p.as_os_str() != "-" => Ok(Output::File(AtomicFile::create(p)?)),
            _ => Ok(Output::Stdout(BufWriter::with_capacity(
                BUFFER,
                io::stdout().lock(),
            ))),
        }
    }

    /// Whether the report goes to a terminal (colour and table width follow from it).
    pub fn is_terminal(&self) -> bool {
        match self {
            Output::Stdout(_) => io::stdout().is_terminal(),
            Output::File(_) => false,
        }
    }

    /// Flushes standard output, or puts the file in place under its final name.
    pub fn finish(self) -> Result<()> {
        match self {
            Output::Stdout(mut w) => Ok(w.flush()?),
            Output::File(f) => f.commit(),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File(f) => f.writer.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::File(f) => f.writer.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File(f) => f.writer.flush(),
        }
    }
}

/// A file written under a temporary name in the target's folder and renamed over the target
/// by [`AtomicFile::commit`]. Renaming within one folder is atomic on the file systems
/// provlog meets, and replaces an existing file on Windows as well as on Unix.
pub struct AtomicFile {
    writer: BufWriter<NamedTempFile>,
    path: PathBuf,
    _registered: Forget,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<Self> {
        if path.is_dir() {
            anyhow::bail!("{}: is a folder; -o names the report file", path.display());
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".partial")
            .tempfile_in(dir)
            .with_context(|| format!("{}: cannot create the output file", path.display()))?;
        crate::interrupt::remove_on_forced_exit(tmp.path());
        Ok(AtomicFile {
            _registered: Forget(tmp.path().to_path_buf()),
            writer: BufWriter::with_capacity(BUFFER, tmp),
            path: path.to_path_buf(),
        })
    }

    /// The final path the report will have.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes what is buffered, makes it durable and renames the file into place.
    pub fn commit(self) -> Result<()> {
        let AtomicFile {
            writer,
            path,
            _registered,
        } = self;
        let tmp = writer
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("{}: cannot write the output file", path.display()))?;
        tmp.as_file()
            .sync_all()
            .with_context(|| format!("{}: cannot write the output file", path.display()))?;
        let file: File = tmp
            .persist(&path)
            .map_err(|e| e.error)
            .with_context(|| format!("{}: cannot put the output file in place", path.display()))?;
        drop(file);
        Ok(())
    }
}

/// Unregisters the temporary path when the file is dropped or committed, after the writer
/// (fields drop in order): dropped unfinished, `NamedTempFile` removes the file itself.
struct Forget(PathBuf);

impl Drop for Forget {
    fn drop(&mut self) {
        crate::interrupt::forget(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_appears_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        let mut out = Output::open(Some(&path)).unwrap();
        out.write_all(b"a,b\n").unwrap();
        out.flush().unwrap();
        assert!(!path.exists(), "the report must not appear before finish");
        out.finish().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"a,b\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_unfinished_file_leaves_nothing_and_keeps_the_old_report() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, b"old").unwrap();
        {
            let mut out = Output::open(Some(&path)).unwrap();
            out.write_all(b"half a rep").unwrap();
        }
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_folder_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let e = Output::open(Some(dir.path())).err().unwrap();
        assert!(format!("{e:#}").contains("is a folder"), "{e:#}");
    }
}
