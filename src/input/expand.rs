//! Finding inputs: `-` is stdin, a folder stands for the exports in it, and a file of the
//! portal's CSV set brings its siblings.

use std::path::{Path, PathBuf};

use super::{Input, Problem, io_text};

/// The size of an input in bytes, when it is known (not for stdin).
pub fn size_of(input: &Input) -> Option<u64> {
    let len = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    match input {
        Input::Stdin => None,
        Input::File(p) => Some(len(p)),
        Input::PortalSet {
            events,
            steps,
            properties,
        } => Some(
            len(events) + steps.as_deref().map_or(0, len) + properties.as_deref().map_or(0, len),
        ),
    }
}

/// Expands the command line's paths: `-` is stdin, a folder stands for the exports in it,
/// and a file of the portal's CSV set brings its siblings.
pub fn expand(paths: &[PathBuf]) -> Vec<Result<Input, Problem>> {
    expand_noting(paths).0
}

/// [`expand`], and a note for each input named more than once (directly, through a
/// folder, or as a sibling of the CSV set), which is read once: reading it twice would
/// count its events twice.
pub fn expand_noting(paths: &[PathBuf]) -> (Vec<Result<Input, Problem>>, Vec<String>) {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut push = |item: Result<Input, Problem>, out: &mut Vec<_>| {
        let key = match &item {
            Ok(Input::Stdin) => Some(PathBuf::from("-")),
            Ok(Input::File(p)) | Ok(Input::PortalSet { events: p, .. }) => {
                Some(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
            }
            Err(_) => None,
        };
        if let Some(key) = key {
            if seen.contains(&key) {
                // Naming several files of the CSV set (or the set and its folder) is the
                // ordinary way to name the set: no note for that.
                if let Ok(i @ (Input::File(_) | Input::Stdin)) = &item {
                    notes.push(format!("{}: named more than once; read once", i.label()));
                }
                return;
            }
            seen.push(key);
        }
        out.push(item);
    };
    if paths.is_empty() {
        out.push(Ok(Input::Stdin));
        return (out, notes);
    }
    for p in paths {
        if p.as_os_str() == "-" {
            push(Ok(Input::Stdin), &mut out);
            continue;
        }
        let label = p.display().to_string();
        match std::fs::metadata(p) {
            Err(e) => push(Err(Problem::whole(&label, io_text(&e))), &mut out),
            Ok(m) if m.is_dir() => match std::fs::read_dir(p) {
                Err(e) => push(Err(Problem::whole(&label, io_text(&e))), &mut out),
                Ok(entries) => {
                    let mut files: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| f.is_file())
                        .filter(|f| {
                            let name = file_name(f);
                            !name.starts_with('.')
                                && [".json", ".ndjson", ".jsonl", ".csv", ".txt", ".log"]
                                    .iter()
                                    .any(|ext| name.ends_with(ext))
                        })
                        .collect();
                    files.sort();
                    if files.is_empty() {
                        push(
                            Err(Problem::whole(&label, "the folder holds no export files")),
                            &mut out,
                        );
                    }
                    for f in files {
                        push(Ok(single(&f)), &mut out);
                    }
                }
            },
            Ok(_) => push(Ok(single(p)), &mut out),
        }
    }
    (out, notes)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

#[derive(PartialEq)]
enum Role {
    Events,
    Steps,
    Properties,
}

/// The role a file name has in the portal's set, and the suffix that pairs it with its
/// siblings (`_2026-11-25.csv`, ` (1).csv`).
fn set_role(p: &Path) -> Option<(Role, String)> {
    let name = file_name(p);
    let rest = name.strip_prefix("provisioninglogs")?;
    if !rest.ends_with(".csv") {
        return None;
    }
    for (token, role) in [
        ("_provisioningsteps", Role::Steps),
        ("_modifiedproperties", Role::Properties),
    ] {
        if let Some(suffix) = rest.strip_prefix(token) {
            return Some((role, suffix.to_owned()));
        }
    }
    Some((Role::Events, rest.to_owned()))
}

fn single(p: &Path) -> Input {
    let Some((_, suffix)) = set_role(p) else {
        return Input::File(p.to_path_buf());
    };
    let dir = p.parent().unwrap_or(Path::new("."));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut events = None;
    let mut steps = None;
    let mut properties = None;
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut siblings: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        siblings.sort();
        for s in siblings {
            match set_role(&s) {
                Some((Role::Events, x)) if x == suffix => events = Some(s),
                Some((Role::Steps, x)) if x == suffix => steps = Some(s),
                Some((Role::Properties, x)) if x == suffix => properties = Some(s),
                _ => {}
            }
        }
    }
    let named_events = matches!(set_role(p), Some((Role::Events, _)));
    let events = if named_events {
        p.to_path_buf()
    } else {
        match events {
            Some(e) => e,
            // A steps or properties file alone: read it, and let detection say what it is.
            None => return Input::File(p.to_path_buf()),
        }
    };
    // Keep the path as the user wrote it for the named file.
    let keep = |s: Option<PathBuf>| {
        s.map(|s| {
            if s.file_name() == p.file_name() {
                p.to_path_buf()
            } else {
                s
            }
        })
    };
    Input::PortalSet {
        events: if named_events {
            p.to_path_buf()
        } else {
            events
        },
        steps: keep(steps),
        properties: keep(properties),
    }
}
