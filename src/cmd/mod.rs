//! One module per subcommand. Each has `run(args, &mut Context) -> Result<Exit>`: it reads,
//! classifies and hands finished data to `render`; nothing here formats output.

pub mod analyze;
pub mod catalog;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod explain_csv;
pub mod fetch;
pub mod man;
pub mod show;

use std::io::{self, Write};
use std::path::PathBuf;

use crate::catalog::Catalog;
use crate::i18n::Lang;
use crate::input::{self, Input, Problem};
use crate::render::Style;

/// What every command shares, decided once per run by `lib.rs`.
pub struct Context<'a> {
    pub catalog: Catalog,
    /// Language, colour and width of the human formats.
    pub style: Style,
    /// Where the report goes (stdout or the `-o` file).
    pub out: &'a mut dyn Write,
    /// Warnings and errors: see [`Context::warn`].
    pub err: &'a mut dyn Write,
    pub stdin_is_terminal: bool,
    /// A progress bar is drawn only on a terminal.
    pub stderr_is_terminal: bool,
}

impl Context<'_> {
    pub fn lang(&self) -> Lang {
        self.style.lang
    }

    /// The one way to print a warning, see [`warn`].
    pub fn warn(&mut self, msg: impl std::fmt::Display) {
        warn(self.err, msg);
    }

    /// The BOM rule of CSV output: `--bom` and `--no-bom` decide; else a Japanese run
    /// writes one, since Excel on Japanese Windows reads a UTF-8 file without it as
    /// Shift_JIS.
    pub fn bom(&self, bom: bool, no_bom: bool) -> bool {
        !no_bom && (bom || self.lang() == Lang::Ja)
    }

    /// A command that reads stdin when it has no input files says how to give it one when
    /// stdin is a terminal, instead of waiting for the user to type an export.
    pub fn refuse_terminal_stdin(&mut self, hint: &str) -> bool {
        if self.stdin_is_terminal {
            warn(self.err, hint);
            return true;
        }
        false
    }
}

pub use crate::error::warn;

/// The inputs named (folders expanded), and the names that could not be read.
pub fn expand(files: &[PathBuf]) -> (Vec<Input>, Vec<Problem>) {
    split(input::expand(files))
}

/// The inputs found, apart from the names that could not be read.
pub fn split(items: Vec<Result<Input, Problem>>) -> (Vec<Input>, Vec<Problem>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for item in items {
        match item {
            Ok(i) => inputs.push(i),
            Err(p) => problems.push(p),
        }
    }
    (inputs, problems)
}

/// Standard input, for the commands that read a pasted message or a `-` file.
pub fn stdin() -> io::StdinLock<'static> {
    io::stdin().lock()
}
