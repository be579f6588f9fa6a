//! Turns the built-in catalog (TOML files under `catalog/`) into what the binary reads at
//! every start: each file as JSON, which parses several times quicker than TOML, and the
//! literals each pattern requires (`src/catalog/literals.rs`), which take longer to work
//! out than the rest of a short run. The catalog stays TOML; a user's `--catalog` file is
//! read as TOML at run time, through the same validation.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

// The same code the binary runs on a user's patterns.
#[allow(dead_code)]
#[path = "src/catalog/literals.rs"]
mod literals;
#[allow(dead_code)]
#[path = "src/catalog/normalize.rs"]
mod normalize;

fn main() {
    println!("cargo::rerun-if-changed=catalog");
    println!("cargo::rerun-if-changed=src/catalog/normalize.rs");
    println!("cargo::rerun-if-changed=src/catalog/literals.rs");
    let Some(out) = env::var_os("OUT_DIR").map(PathBuf::from) else {
        fail("OUT_DIR is not set");
    };
    let dir = out.join("catalog");
    if let Err(e) = fs::create_dir_all(&dir) {
        fail(&format!("{}: {e}", dir.display()));
    }
    let mut required: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for file in toml_files(Path::new("catalog")) {
        let name = file.display().to_string();
        let text = fs::read_to_string(&file).unwrap_or_else(|e| fail(&format!("{name}: {e}")));
        let table: toml::Table =
            toml::from_str(&text).unwrap_or_else(|e| fail(&format!("{name}: {e}")));
        let json = serde_json::to_string(&table).unwrap_or_else(|e| fail(&format!("{name}: {e}")));
        let Some(base) = file.file_name() else {
            fail(&format!("{name}: no file name"));
        };
        let target = dir.join(base).with_extension("toml.json");
        if let Err(e) = fs::write(&target, json) {
            fail(&format!("{}: {e}", target.display()));
        }
        for pattern in patterns(&table) {
            let src = normalize::pattern(pattern);
            let groups = literals::required(&src);
            required.insert(src, groups);
        }
    }
    let mut rs = String::from("&[\n");
    for (src, groups) in &required {
        let _ = write!(rs, "    ({src:?}, &[");
        for g in groups {
            let _ = write!(rs, "&{g:?}, ");
        }
        rs.push_str("]),\n");
    }
    rs.push_str("]\n");
    let target = out.join("required.rs");
    if let Err(e) = fs::write(&target, rs) {
        fail(&format!("{}: {e}", target.display()));
    }
}

/// The catalog's TOML files, in name order.
fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())));
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// Every pattern of every entry of a catalog file.
fn patterns(table: &toml::Table) -> impl Iterator<Item = &str> {
    table
        .get("entry")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("patterns").and_then(toml::Value::as_array))
        .flatten()
        .filter_map(toml::Value::as_str)
}

fn fail(msg: &str) -> ! {
    eprintln!("build.rs: {msg}");
    std::process::exit(1);
}
