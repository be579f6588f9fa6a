//! What differs on the user's machine: the language to speak by default, whether the
//! console shows colour and box-drawing characters, and text that a Windows pipe garbled.
//!
//! Most provlog users run it on Windows, many on Japanese Windows with Windows PowerShell
//! 5.1 and a console whose code page is 932. The decisions are pure functions of what was
//! read from the system, so that they are tested on every platform; only the reading is
//! `cfg`-gated.

use crate::i18n::Lang;

/// The language when `--lang` is not given.
///
/// On Windows, the user's display language (a Japanese Windows gets Japanese), unless
/// `LC_ALL`, `LC_MESSAGES` or `LANG` is set, as MSYS2 and Git Bash do to say what the user
/// chose there. Elsewhere those variables alone decide.
pub fn default_lang() -> Lang {
    let get = |k: &str| std::env::var(k).ok();
    #[cfg(windows)]
    {
        let set = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .any(|k| get(k).is_some_and(|v| !v.is_empty()));
        if !set {
            return sys_locale::get_locale()
                .map(|tag| lang_of_tag(&tag))
                .unwrap_or(Lang::En);
        }
    }
    crate::i18n::lang_from_env(get)
}

/// `ja`, `ja-JP` (Windows, BCP 47), `ja_JP.UTF-8` (POSIX): Japanese; anything else English.
pub fn lang_of_tag(tag: &str) -> Lang {
    let primary = tag.split(['-', '_', '.', '@']).next().unwrap_or("");
    if primary.eq_ignore_ascii_case("ja") {
        Lang::Ja
    } else {
        Lang::En
    }
}

/// Makes the console interpret the escape sequences of colour, and says whether the
/// report's stream can show colour.
///
/// Windows 10 consoles understand them only once virtual-terminal processing is turned on
/// for the handle; without it they print `←[31m` literally. Standard error is turned on as
/// well (the progress bar's line is erased with one). A stream that is not a console (a
/// file, a pipe) is left alone and can take colour. Elsewhere terminals need nothing.
pub fn enable_colour() -> bool {
    #[cfg(windows)]
    {
        use windows_sys::Win32::System::Console::{STD_ERROR_HANDLE, STD_OUTPUT_HANDLE};
        let _ = win::enable_vt(STD_ERROR_HANDLE);
        win::enable_vt(STD_OUTPUT_HANDLE)
    }
    #[cfg(not(windows))]
    {
        true
    }
}

/// Whether tables are drawn in ASCII when `--table-style` is `auto` and the report goes to
/// a terminal (`tty`): files and pipes always get box drawing, which editors, browsers and
/// Excel show well.
///
/// `console_cp` is the Windows console's output code page (`None` elsewhere): anything but
/// 65001 (UTF-8) means a legacy console, whose Japanese fonts draw `┆ ╞ ═ ╪` double-width
/// or as boxes. Elsewhere, `TERM=dumb`, or a locale that names a codeset other than UTF-8
/// (`ja_JP.eucJP`, `ja_JP.SJIS`, a bare `ja_JP`). An unset locale, `C` and `POSIX` say
/// nothing about the terminal (containers and CI run so) and keep box drawing.
pub fn ascii_tables(
    tty: bool,
    console_cp: Option<u32>,
    env: impl Fn(&str) -> Option<String>,
) -> bool {
    if !tty {
        return false;
    }
    if let Some(cp) = console_cp {
        return cp != 65001;
    }
    if env("TERM").is_some_and(|t| t == "dumb") {
        return true;
    }
    let Some(locale) = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|k| env(k).filter(|v| !v.is_empty()))
    else {
        return false;
    };
    if locale == "C" || locale == "POSIX" {
        return false;
    }
    match locale.split_once('.') {
        Some((_, codeset)) => {
            let codeset = codeset.split('@').next().unwrap_or("").to_ascii_lowercase();
            codeset.replace('-', "") != "utf8"
        }
        None => true,
    }
}

/// [`ascii_tables`] for this process: the console's code page on Windows, the environment
/// elsewhere.
pub fn ascii_tables_here(tty: bool) -> bool {
    #[cfg(windows)]
    let cp = Some(win::output_code_page());
    #[cfg(not(windows))]
    let cp = None;
    ascii_tables(tty, cp, |k| std::env::var(k).ok())
}

/// The hint for text that Windows PowerShell 5.1 garbled on its way through a pipe.
pub const GARBLED_HINT: &str = "the text is mostly '?' where letters were expected: Windows PowerShell 5.1 turns Japanese into '?' when it pipes text to a program. Give the file itself (provlog explain --csv FILE), or first run: $OutputEncoding = [Console]::InputEncoding = [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding";

/// Whether most of these texts look garbled by an ASCII pipe: each non-empty one counts
/// when it holds a run of two or more `?` and question marks are at least half of its
/// letters, digits and question marks together. English questions ("Why?") never do.
pub fn mostly_garbled<'a>(texts: impl IntoIterator<Item = &'a str>) -> bool {
    let (mut garbled, mut total) = (0usize, 0usize);
    for t in texts {
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        total += 1;
        if looks_garbled(t) {
            garbled += 1;
        }
    }
    total > 0 && garbled * 2 > total
}

fn looks_garbled(t: &str) -> bool {
    let q = t.chars().filter(|&c| c == '?').count();
    let letters = t.chars().filter(|c| c.is_alphanumeric()).count();
    t.contains("??") && q >= 2 && q >= letters
}

#[cfg(windows)]
mod win {
    use windows_sys::Win32::System::Console::{
        ENABLE_VIRTUAL_TERMINAL_PROCESSING, GetConsoleMode, GetConsoleOutputCP, GetStdHandle,
        STD_HANDLE, SetConsoleMode,
    };

    /// True when the handle is not a console, or is one that now takes escape sequences.
    pub fn enable_vt(which: STD_HANDLE) -> bool {
        // SAFETY: plain Win32 calls on the process's own standard handle, with a valid
        // pointer to a local for the mode.
        unsafe {
            let h = GetStdHandle(which);
            let mut mode = 0u32;
            if GetConsoleMode(h, &mut mode) == 0 {
                return true;
            }
            mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0
                || SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0
        }
    }

    /// The console's output code page; 0 (no console) counts as not UTF-8, but then the
    /// report goes to a file or pipe and the code page is not asked.
    pub fn output_code_page() -> u32 {
        // SAFETY: no arguments, no pointers.
        unsafe { GetConsoleOutputCP() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn windows_tags_and_posix_locales_name_the_language() {
        assert_eq!(lang_of_tag("ja-JP"), Lang::Ja);
        assert_eq!(lang_of_tag("ja"), Lang::Ja);
        assert_eq!(lang_of_tag("JA_jp.UTF-8"), Lang::Ja);
        assert_eq!(lang_of_tag("en-US"), Lang::En);
        assert_eq!(lang_of_tag("jv-ID"), Lang::En, "Javanese is not Japanese");
        assert_eq!(lang_of_tag(""), Lang::En);
    }

    #[test]
    fn ascii_tables_only_on_a_terminal_that_cannot_draw_boxes() {
        // Windows: the console's code page decides; 932 is Japanese Windows' default.
        assert!(ascii_tables(true, Some(932), env(&[])));
        assert!(ascii_tables(true, Some(437), env(&[])));
        assert!(!ascii_tables(true, Some(65001), env(&[])));
        assert!(
            !ascii_tables(false, Some(932), env(&[])),
            "a file keeps boxes"
        );
        // Elsewhere: TERM and the locale's codeset.
        assert!(ascii_tables(true, None, env(&[("TERM", "dumb")])));
        assert!(ascii_tables(true, None, env(&[("LANG", "ja_JP.eucJP")])));
        assert!(ascii_tables(true, None, env(&[("LANG", "ja_JP")])));
        assert!(ascii_tables(
            true,
            None,
            env(&[("LC_ALL", "ja_JP.SJIS"), ("LANG", "ja_JP.UTF-8")])
        ));
        assert!(!ascii_tables(true, None, env(&[("LANG", "ja_JP.UTF-8")])));
        assert!(!ascii_tables(
            true,
            None,
            env(&[("LANG", "en_US.utf8@euro")])
        ));
        assert!(!ascii_tables(true, None, env(&[("LANG", "C")])));
        assert!(!ascii_tables(true, None, env(&[])));
        assert!(!ascii_tables(false, None, env(&[("TERM", "dumb")])));
    }

    #[test]
    fn question_marks_instead_of_japanese_are_noticed() {
        // "ユーザーが見つかりません (404)" after an ASCII pipe.
        assert!(mostly_garbled(["???????????? (404)"]));
        assert!(mostly_garbled(["??: ?????????", "", "?????"]));
        assert!(!mostly_garbled(["Why? What?"]));
        assert!(!mostly_garbled(["User not found (404)??"]));
        assert!(!mostly_garbled(["ユーザーが見つかりません"]));
        assert!(!mostly_garbled(["????", "a message", "another message"]));
        assert!(!mostly_garbled(Vec::<&str>::new()));
    }
}
