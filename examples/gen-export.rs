//! gen-export: a deterministic generator of realistic Microsoft Entra ID
//! provisioning-log exports, in every input shape provlog reads.
//!
//! ```text
//! cargo run --release --example gen-export -- --format json --out /tmp/x.json --count 1000
//! cargo run --release --example gen-export -- --format ndjson --out /tmp/big.ndjson --size-mb 1024
//! cargo run --release --example gen-export -- --format graph --out /tmp/pages --pages 5 --count 500
//! cargo run --release --example gen-export -- --format csv3 --out /tmp/csv3 --count 300
//! ```
//!
//! One event model is generated per index from a seeded PRNG (splitmix64), then
//! serialised per format, so the same `--seed`/`--count` (and rates, start and
//! cycle length) give the same events (same ids, changeIds, statuses, error
//! codes, timestamps to the second) in every format. Output is streamed, so
//! `--size-mb 1024` runs in constant memory.
//!
//! Activity times are whole seconds in the model: the JSON formats print
//! `2026-11-24T08:19:41Z`, ndjson prints 7 fractional digits (`.0000000`), the
//! Log Analytics CSV prints `11/24/2026, 8:19:41.000 AM`, csv3 prints ISO seconds.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

// ───────────────────────────── PRNG ─────────────────────────────

#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
    fn range(&mut self, lo: u64, hi_incl: u64) -> u64 {
        lo + self.below(hi_incl - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
    fn pick<'a, T>(&mut self, s: &'a [T]) -> &'a T {
        &s[self.below(s.len() as u64) as usize]
    }
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| w as u64).sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < w as u64 {
                return i;
            }
            x -= w as u64;
        }
        weights.len() - 1
    }
}

/// A step's name, description and details.
type Described = (String, String, Vec<(&'static str, String)>);

fn hash(parts: &[u64]) -> u64 {
    let mut r = Rng::new(0x005E_ED0F_F00D);
    let mut h = r.next();
    for &p in parts {
        r.0 ^= p.wrapping_add(h);
        h = r.next();
    }
    h
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn guid_from(a: u64, b: u64) -> String {
    let mut s = String::with_capacity(36);
    for i in 0..32 {
        if i == 8 || i == 12 || i == 16 || i == 20 {
            s.push('-');
        }
        let v = if i < 16 { a } else { b };
        let nib = (v >> (60 - 4 * (i % 16))) & 0xF;
        s.push(HEX[nib as usize] as char);
    }
    s
}

fn guid(r: &mut Rng) -> String {
    let a = r.next();
    let b = r.next();
    guid_from(a, b)
}

fn guid_h(parts: &[u64]) -> String {
    let a = hash(parts);
    let mut p2 = parts.to_vec();
    p2.push(0xABCDEF);
    guid_from(a, hash(&p2))
}

fn hex_n(r: &mut Rng, n: usize) -> String {
    let mut s = String::with_capacity(n);
    for _ in 0..n {
        s.push(HEX[r.below(16) as usize] as char);
    }
    s
}

// ───────────────────────────── time ─────────────────────────────

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

struct Dt {
    y: i64,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
}

fn dt(secs: i64) -> Dt {
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400) as u32;
    let (y, mo, d) = civil_from_days(days);
    Dt {
        y,
        mo,
        d,
        h: rem / 3600,
        mi: rem / 60 % 60,
        s: rem % 60,
    }
}

/// `2026-11-24T08:19:41Z`
fn iso(secs: i64) -> String {
    let t = dt(secs);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.y, t.mo, t.d, t.h, t.mi, t.s
    )
}

/// `2026-11-24T13:23:44.9198514Z`
fn iso7(secs: i64, frac: u32) -> String {
    let t = dt(secs);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}Z",
        t.y, t.mo, t.d, t.h, t.mi, t.s, frac
    )
}

fn h12(h: u32) -> (u32, &'static str) {
    let ap = if h < 12 { "AM" } else { "PM" };
    let h = h % 12;
    (if h == 0 { 12 } else { h }, ap)
}

/// `3/24/2026 7:17:42 AM`
fn us_time(secs: i64) -> String {
    let t = dt(secs);
    let (h, ap) = h12(t.h);
    format!(
        "{}/{}/{} {}:{:02}:{:02} {}",
        t.mo, t.d, t.y, h, t.mi, t.s, ap
    )
}

/// `5/25/2023, 4:32:49.469 AM`
fn la_time(secs: i64) -> String {
    let t = dt(secs);
    let (h, ap) = h12(t.h);
    format!(
        "{}/{}/{}, {}:{:02}:{:02}.000 {}",
        t.mo, t.d, t.y, h, t.mi, t.s, ap
    )
}

/// `2026-11-24 08:19:41Z` (AADSTS timestamp)
fn sts_time(secs: i64) -> String {
    let t = dt(secs);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}Z",
        t.y, t.mo, t.d, t.h, t.mi, t.s
    )
}

fn parse_iso(s: &str) -> Option<i64> {
    // YYYY-MM-DDTHH:MM:SS[.fff]Z  (or a bare date)
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (mut h, mut mi, mut se) = (0, 0, 0);
    if b.len() > 10 {
        if b.len() < 19 || (b[10] != b'T' && b[10] != b' ') {
            return None;
        }
        h = num(11..13)?;
        mi = num(14..16)?;
        se = num(17..19)?;
    }
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    Some(days_from_civil(y, mo as u32, d as u32) * 86400 + h * 3600 + mi * 60 + se)
}

// ───────────────────────────── enums ─────────────────────────────

#[derive(Clone, Copy, PartialEq, Debug)]
enum Status {
    Success,
    Failure,
    Skipped,
    Warning,
}

impl Status {
    fn lower(self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::Failure => "failure",
            Status::Skipped => "skipped",
            Status::Warning => "warning",
        }
    }
    fn title(self) -> &'static str {
        match self {
            Status::Success => "Success",
            Status::Failure => "Failure",
            Status::Skipped => "Skipped",
            Status::Warning => "Warning",
        }
    }
    fn int(self) -> &'static str {
        match self {
            Status::Success => "0",
            Status::Failure => "1",
            Status::Skipped => "2",
            Status::Warning => "3",
        }
    }
    /// Log Analytics / diagnostic `resultType` (no Warning value there).
    fn result_type(self) -> &'static str {
        match self {
            Status::Success | Status::Warning => "Success",
            Status::Failure => "Failure",
            Status::Skipped => "Skipped",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Action {
    Create,
    Update,
    Delete,
    Disable,
    Other,
}

impl Action {
    fn lower(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Disable => "disable",
            Action::Other => "other",
        }
    }
    fn title(self) -> &'static str {
        match self {
            Action::Create => "Create",
            Action::Update => "Update",
            Action::Delete => "Delete",
            Action::Disable => "Disable",
            Action::Other => "Other",
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum StepType {
    Import,
    Scoping,
    Matching,
    Processing,
    ReferenceResolution,
    Export,
}

impl StepType {
    fn lower(self) -> &'static str {
        match self {
            StepType::Import => "import",
            StepType::Scoping => "scoping",
            StepType::Matching => "matching",
            StepType::Processing => "processing",
            StepType::ReferenceResolution => "referenceResolution",
            StepType::Export => "export",
        }
    }
    fn title(self) -> &'static str {
        match self {
            StepType::Import => "Import",
            StepType::Scoping => "Scoping",
            StepType::Matching => "Matching",
            StepType::Processing => "Processing",
            StepType::ReferenceResolution => "ReferenceResolution",
            StepType::Export => "Export",
        }
    }
    fn int(self) -> &'static str {
        match self {
            StepType::Import => "0",
            StepType::Scoping => "1",
            StepType::Matching => "2",
            StepType::Processing => "3",
            StepType::ReferenceResolution => "4",
            StepType::Export => "5",
        }
    }
}

// ───────────────────────────── static data ─────────────────────────────

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Outbound gallery / SCIM app; `native` apps use their own attribute names.
    Scim,
    Native,
    /// Cross-tenant synchronization (target: another Entra tenant).
    CrossTenant,
    /// Workday → on-premises Active Directory.
    Hr,
}

struct AppDef {
    name: &'static str,
    template: &'static str,
    kind: Kind,
    weight: u32,
    /// identityType on the target side uses the SCIM URN.
    scim_urn: bool,
    /// Old apps still report the pre-rename source system name.
    old_name: bool,
}

const APPS: &[AppDef] = &[
    AppDef {
        name: "Salesforce",
        template: "salesforce",
        kind: Kind::Native,
        weight: 18,
        scim_urn: false,
        old_name: false,
    },
    AppDef {
        name: "ServiceNow",
        template: "servicenow",
        kind: Kind::Native,
        weight: 13,
        scim_urn: false,
        old_name: false,
    },
    AppDef {
        name: "Workplace from Meta",
        template: "facebookatworkOutDelta",
        kind: Kind::Scim,
        weight: 7,
        scim_urn: true,
        old_name: true,
    },
    AppDef {
        name: "Contoso HR (Workday)",
        template: "Workday",
        kind: Kind::Hr,
        weight: 10,
        scim_urn: false,
        old_name: false,
    },
    AppDef {
        name: "Slack",
        template: "slack",
        kind: Kind::Scim,
        weight: 14,
        scim_urn: true,
        old_name: false,
    },
    AppDef {
        name: "Zscaler",
        template: "zscalerprivateaccess",
        kind: Kind::Scim,
        weight: 8,
        scim_urn: true,
        old_name: false,
    },
    AppDef {
        name: "Airtable",
        template: "airtable",
        kind: Kind::Scim,
        weight: 6,
        scim_urn: true,
        old_name: false,
    },
    AppDef {
        name: "Dropbox Business",
        template: "DropboxSCIMOutDelta",
        kind: Kind::Scim,
        weight: 8,
        scim_urn: true,
        old_name: true,
    },
    AppDef {
        name: "Fabrikam Japan (cross-tenant sync)",
        template: "Azure2Azure",
        kind: Kind::CrossTenant,
        weight: 9,
        scim_urn: false,
        old_name: false,
    },
    AppDef {
        name: "Contoso Expenses (SCIM)",
        template: "scim",
        kind: Kind::Scim,
        weight: 7,
        scim_urn: true,
        old_name: false,
    },
];

const FAMILY_JP: &[(&str, &str)] = &[
    ("Sato", "佐藤"),
    ("Suzuki", "鈴木"),
    ("Takahashi", "高橋"),
    ("Tanaka", "田中"),
    ("Watanabe", "渡辺"),
    ("Ito", "伊藤"),
    ("Yamamoto", "山本"),
    ("Nakamura", "中村"),
    ("Kobayashi", "小林"),
    ("Kato", "加藤"),
    ("Yoshida", "吉田"),
    ("Yamada", "山田"),
    ("Sasaki", "佐々木"),
    ("Yamaguchi", "山口"),
    ("Matsumoto", "松本"),
    ("Inoue", "井上"),
    ("Kimura", "木村"),
    ("Hayashi", "林"),
    ("Shimizu", "清水"),
    ("Mori", "森"),
];
const GIVEN_JP: &[(&str, &str)] = &[
    ("Hanako", "花子"),
    ("Taro", "太郎"),
    ("Yuki", "由紀"),
    ("Haruto", "陽翔"),
    ("Sakura", "さくら"),
    ("Kenji", "健二"),
    ("Aoi", "葵"),
    ("Ren", "蓮"),
    ("Yui", "結衣"),
    ("Daiki", "大輝"),
    ("Misaki", "美咲"),
    ("Sota", "蒼太"),
    ("Hina", "陽菜"),
    ("Takumi", "拓海"),
    ("Riko", "莉子"),
    ("Shota", "翔太"),
    ("Mei", "芽依"),
    ("Kaito", "海斗"),
    ("Nana", "奈々"),
    ("Yusuke", "雄介"),
];
// Distinct initials, so `j.smith`-style UPNs stay unique.
const FIRST_EN: &[&str] = &[
    "Alice", "Brian", "Chris", "David", "Emily", "Frank", "Grace", "Hannah", "Ian", "John",
    "Kevin", "Laura", "Michael", "Nancy", "Olivia", "Paul", "Rachel", "Sarah", "Thomas", "William",
];
const LAST_EN: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson",
    "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Lee", "Clark", "Lewis", "Walker", "Hall",
    "Young",
];
const TITLES_JP: &[&str] = &[
    "営業マネージャー",
    "ソフトウェアエンジニア",
    "人事担当",
    "経理スペシャリスト",
    "プロダクトマネージャー",
    "情報システム担当",
    "マーケティングリード",
    "Software Engineer",
    "Account Executive",
    "部長",
];
const TITLES_EN: &[&str] = &[
    "Software Engineer",
    "Account Executive",
    "HR Business Partner",
    "Financial Analyst",
    "Product Manager",
    "IT Administrator",
    "Marketing Lead",
    "Sales Director",
    "Support Engineer",
    "Data Scientist",
];
const DEPTS_JP: &[&str] = &[
    "営業部",
    "開発本部",
    "人事部",
    "経理部",
    "マーケティング部",
    "情報システム部",
    "Sales",
    "Engineering",
];
const DEPTS_EN: &[&str] = &[
    "Sales",
    "Engineering",
    "Human Resources",
    "Finance",
    "Marketing",
    "IT",
    "Customer Success",
    "Legal",
];
const OFFICES_JP: &[&str] = &[
    "Tokyo HQ",
    "Osaka Branch",
    "Nagoya Office",
    "Fukuoka Office",
    "東京本社",
    "大阪支社",
];
const OFFICES_EN: &[&str] = &[
    "Seattle",
    "London",
    "Singapore",
    "New York",
    "Dublin",
    "Sydney",
];
const GROUPS: &[&str] = &[
    "Sales Team",
    "営業部 全員",
    "All Employees",
    "Engineering - Tokyo",
    "Project Phoenix",
    "情報システム部",
    "Marketing EMEA",
    "Contractors",
    "経理部 承認者",
    "Slack Admins",
    "VPN Users",
    "Finance Approvers",
];

const SCIM_ERR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const HTTP_MSG: &str = "Processing of the HTTP request resulted in an exception. Please see the HTTP response returned by the 'Response' property of this exception for details.";

// ───────────────────────────── model ─────────────────────────────

struct AppInst {
    def: &'static AppDef,
    sp_id: String,
    app_id: String,
    target_sys_id: String,
    source_sys_id: String,
    job_id: String,
    cycle_offset: i64,
}

struct Ctx {
    seed: u64,
    tenant: String,
    workspace: String,
    entra_sys_id: String,
    apps: Vec<AppInst>,
    start: i64,
    cycle_secs: i64,
    fail: f64,
    skip: f64,
    warn: f64,
}

struct User {
    id: String,
    upn: String,
    display: String,
    given: String,
    family: String,
    nick: String,
    title: &'static str,
    dept: &'static str,
    office: &'static str,
    lang: &'static str,
    country: &'static str,
    emp_no: String,
    jp: bool,
}

struct Ident {
    id: String,
    name: String,
    itype: &'static str,
    details: Vec<(&'static str, String)>,
}

struct Step {
    name: &'static str,
    stype: StepType,
    status: Status,
    desc: String,
    details: Vec<(&'static str, String)>,
}

struct Mod {
    name: &'static str,
    old: Option<String>,
    new: Option<String>,
}

struct ErrInfo {
    code: &'static str,
    reason: String,
    additional: Option<String>,
    /// v1 spelling: `failure` / `nonServiceFailure`
    category: &'static str,
    recommended: Option<&'static str>,
}

impl ErrInfo {
    fn category_title(&self) -> &'static str {
        match self.category {
            "failure" => "Failure",
            "nonServiceFailure" => "NonServiceFailure",
            "success" => "Success",
            _ => "UnknownFutureValue",
        }
    }
}

struct Ev {
    idx: u64,
    id: String,
    time: i64,
    time_iso: String,
    change_id: String,
    cycle_id: String,
    app: usize,
    action: Action,
    status: Status,
    duration: u32,
    src: Ident,
    tgt: Ident,
    error: Option<ErrInfo>,
    steps: Vec<Step>,
    mods: Vec<Mod>,
}

fn make_ctx(seed: u64, start: i64, cycle_minutes: i64, fail: f64, skip: f64) -> Ctx {
    let tenant = guid_h(&[seed, 1]);
    let tenant_nodash: String = tenant.chars().filter(|&c| c != '-').collect();
    let apps = APPS
        .iter()
        .enumerate()
        .map(|(i, def)| {
            let i = i as u64;
            AppInst {
                def,
                sp_id: guid_h(&[seed, 10, i]),
                app_id: guid_h(&[seed, 11, i]),
                target_sys_id: guid_h(&[seed, 12, i]),
                source_sys_id: guid_h(&[seed, 13, i]),
                job_id: format!(
                    "{}.{}.{}",
                    def.template,
                    tenant_nodash,
                    guid_h(&[seed, 14, i])
                ),
                cycle_offset: (hash(&[seed, 15, i]) % (cycle_minutes.max(1) as u64 * 60)) as i64,
            }
        })
        .collect();
    let warn = 0.002f64.min((1.0 - fail - skip).max(0.0));
    Ctx {
        seed,
        workspace: guid_h(&[seed, 2]),
        entra_sys_id: guid_h(&[seed, 3]),
        tenant,
        apps,
        start,
        cycle_secs: cycle_minutes.max(1) * 60,
        fail,
        skip,
        warn,
    }
}

const USER_POOL: u64 = 24_000;
const HOT_USERS: u64 = 250;

fn make_user(ctx: &Ctx, u: u64) -> User {
    let mut r = Rng::new(hash(&[ctx.seed, 100, u]));
    let jp = r.chance(0.6);
    let slot = (u % 400) * 7 % 400;
    let variant = (u / 400) % 4;
    let suffix = if u >= 1600 {
        (u / 1600 + 1).to_string()
    } else {
        String::new()
    };
    let (fi, gi) = ((slot / 20) as usize, (slot % 20) as usize);
    let id = guid(&mut r);
    let emp_no = format!("{:06}", 100000 + (u * 37) % 900000);
    if jp {
        let (fam_r, fam_k) = FAMILY_JP[fi];
        let (giv_r, giv_k) = GIVEN_JP[gi];
        let domain = if r.chance(0.85) {
            "contoso.co.jp"
        } else {
            "tailspintoys.jp"
        };
        let (f, g) = (fam_r.to_lowercase(), giv_r.to_lowercase());
        let nick = match variant {
            0 => format!("{f}.{g}{suffix}"),
            1 => format!("{g}.{f}{suffix}"),
            2 => format!("{f}_{g}{suffix}"),
            _ => format!("{g}_{f}{suffix}"),
        };
        let kanji = r.chance(0.5);
        let (display, given, family) = if kanji {
            (
                format!("{fam_k} {giv_k}"),
                giv_k.to_string(),
                fam_k.to_string(),
            )
        } else {
            (
                format!("{giv_r} {fam_r}"),
                giv_r.to_string(),
                fam_r.to_string(),
            )
        };
        User {
            id,
            upn: format!("{nick}@{domain}"),
            display,
            given,
            family,
            nick,
            title: r.pick::<&str>(TITLES_JP),
            dept: r.pick::<&str>(DEPTS_JP),
            office: r.pick::<&str>(OFFICES_JP),
            lang: "ja-JP",
            country: "Japan",
            emp_no,
            jp,
        }
    } else {
        let first = FIRST_EN[gi];
        let last = LAST_EN[fi];
        let domain = if r.chance(0.6) {
            "fabrikam.com"
        } else {
            "contoso.com"
        };
        let (f, l) = (first.to_lowercase(), last.to_lowercase());
        let nick = match variant {
            0 => format!("{f}.{l}{suffix}"),
            1 => format!("{}.{l}{suffix}", &f[..1]),
            2 => format!("{l}.{f}{suffix}"),
            _ => format!("{f}_{l}{suffix}"),
        };
        let us = r.chance(0.7);
        User {
            id,
            upn: format!("{nick}@{domain}"),
            display: format!("{first} {last}"),
            given: first.to_string(),
            family: last.to_string(),
            nick,
            title: r.pick::<&str>(TITLES_EN),
            dept: r.pick::<&str>(DEPTS_EN),
            office: r.pick::<&str>(OFFICES_EN),
            lang: "en-US",
            country: if us {
                "United States of America"
            } else {
                "United Kingdom"
            },
            emp_no,
            jp,
        }
    }
}

/// Target-side attribute names and values as the app's export step would list them.
fn target_attrs(kind: Kind, app: &str, u: &User, active: bool) -> Vec<(&'static str, String)> {
    let act = if active { "True" } else { "False" };
    match kind {
        Kind::Native if app == "Salesforce" => vec![
            ("Username", u.upn.clone()),
            ("Email", u.upn.clone()),
            ("FirstName", u.given.clone()),
            ("LastName", u.family.clone()),
            ("Alias", u.nick.chars().take(8).collect()),
            ("CommunityNickname", u.nick.clone()),
            ("Title", u.title.to_string()),
            ("Department", u.dept.to_string()),
            (
                "TimeZoneSidKey",
                if u.jp {
                    "Asia/Tokyo"
                } else {
                    "America/Los_Angeles"
                }
                .to_string(),
            ),
            (
                "LocaleSidKey",
                if u.jp { "ja_JP" } else { "en_US" }.to_string(),
            ),
            (
                "LanguageLocaleKey",
                if u.jp { "ja" } else { "en_US" }.to_string(),
            ),
            ("EmailEncodingKey", "UTF-8".to_string()),
            ("IsActive", act.to_string()),
        ],
        Kind::Native => vec![
            ("user_name", u.upn.clone()),
            ("email", u.upn.clone()),
            ("first_name", u.given.clone()),
            ("last_name", u.family.clone()),
            ("title", u.title.to_string()),
            ("department", u.dept.to_string()),
            ("location", u.office.to_string()),
            ("employee_number", u.emp_no.clone()),
            ("preferred_language", u.lang[..2].to_string()),
            ("active", act.to_string()),
        ],
        Kind::Scim => vec![
            ("active", act.to_string()),
            ("displayName", u.display.clone()),
            ("emails[type eq \"work\"].value", u.upn.clone()),
            ("externalId", u.nick.clone()),
            ("name.familyName", u.family.clone()),
            ("name.givenName", u.given.clone()),
            ("preferredLanguage", u.lang.to_string()),
            ("title", u.title.to_string()),
            ("userName", u.upn.clone()),
            ("addresses[type eq \"work\"].country", u.country.to_string()),
            (
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                u.dept.to_string(),
            ),
            (
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
                u.emp_no.clone(),
            ),
        ],
        Kind::CrossTenant => vec![
            ("userPrincipalName", u.upn.clone()),
            ("displayName", u.display.clone()),
            ("mail", u.upn.clone()),
            ("givenName", u.given.clone()),
            ("surname", u.family.clone()),
            ("jobTitle", u.title.to_string()),
            ("department", u.dept.to_string()),
            ("userType", "Member".to_string()),
            ("showInAddressList", "True".to_string()),
            ("accountEnabled", act.to_string()),
        ],
        Kind::Hr => vec![
            ("sAMAccountName", u.nick.chars().take(20).collect()),
            ("userPrincipalName", u.upn.clone()),
            ("givenName", u.given.clone()),
            ("sn", u.family.clone()),
            ("displayName", u.display.clone()),
            ("title", u.title.to_string()),
            ("department", u.dept.to_string()),
            ("physicalDeliveryOfficeName", u.office.to_string()),
            ("employeeID", u.emp_no.clone()),
            (
                "parentDistinguishedName",
                format!(
                    "OU=Users,OU={},DC=contoso,DC=local",
                    if u.jp { "Tokyo" } else { "Global" }
                ),
            ),
            (
                "accountDisabled",
                if active { "False" } else { "True" }.to_string(),
            ),
        ],
    }
}

fn source_attrs(u: &User) -> Vec<(&'static str, String)> {
    vec![
        ("objectId", u.id.clone()),
        ("userPrincipalName", u.upn.clone()),
        ("displayName", u.display.clone()),
        ("mail", u.upn.clone()),
        ("department", u.dept.to_string()),
        ("accountEnabled", "True".to_string()),
        ("IsSoftDeleted", "False".to_string()),
    ]
}

// ───────────────────────────── errors ─────────────────────────────

#[derive(Clone, Copy, PartialEq)]
enum E {
    ScimFiltering409,
    ScimBadRequest,
    TooManyRequests,
    Timeout,
    InternalError,
    EntryConflict,
    DuplicateTargetEntries,
    AadQuota,
    AadForbidden,
    InvitationAmbiguous,
    HybridInsufficientRights,
    Unauthorized,
    UnauthorizedExpiredSecret,
    LicenseLimit,
    SchemaAttributeNotFound,
    InsufficientRights,
    AadInvalidUpn,
    GraphConflict,
    InvalidAnchor,
    MandatoryFieldsMissing,
    UnknownJp,
    UnknownAborted,
    UnknownHresult,
}

/// (error, weight, allowed app kinds)
const ERRORS: &[(E, u32, &[Kind])] = &[
    (E::ScimFiltering409, 16, &[Kind::Scim]),
    (E::ScimBadRequest, 9, &[Kind::Scim]),
    (E::TooManyRequests, 7, &[Kind::Scim, Kind::Native]),
    (
        E::Timeout,
        6,
        &[Kind::Scim, Kind::Native, Kind::CrossTenant],
    ),
    (
        E::InternalError,
        4,
        &[Kind::Scim, Kind::Native, Kind::CrossTenant, Kind::Hr],
    ),
    (E::EntryConflict, 5, &[Kind::Native, Kind::Scim]),
    (E::DuplicateTargetEntries, 3, &[Kind::Native, Kind::Scim]),
    (E::AadQuota, 1, &[Kind::CrossTenant]),
    (E::AadForbidden, 3, &[Kind::CrossTenant]),
    (E::InvitationAmbiguous, 2, &[Kind::CrossTenant]),
    (E::HybridInsufficientRights, 4, &[Kind::Hr]),
    (E::Unauthorized, 3, &[Kind::Scim, Kind::Native]),
    (E::UnauthorizedExpiredSecret, 3, &[Kind::Scim]),
    (E::LicenseLimit, 3, &[Kind::Native, Kind::Scim]),
    (E::SchemaAttributeNotFound, 3, &[Kind::Scim, Kind::Native]),
    (E::InsufficientRights, 2, &[Kind::Native, Kind::Scim]),
    (E::AadInvalidUpn, 2, &[Kind::CrossTenant]),
    (E::GraphConflict, 3, &[Kind::CrossTenant]),
    (E::InvalidAnchor, 3, &[Kind::Scim, Kind::Native]),
    (
        E::MandatoryFieldsMissing,
        2,
        &[Kind::Scim, Kind::Native, Kind::Hr],
    ),
    (E::UnknownJp, 2, &[Kind::Scim]),
    (E::UnknownAborted, 1, &[Kind::Scim, Kind::Native]),
    (E::UnknownHresult, 1, &[Kind::Hr, Kind::Native]),
];

impl E {
    fn code(self) -> &'static str {
        match self {
            E::ScimFiltering409 => {
                "SystemForCrossDomainIdentityManagementServiceIncompatibleFiltering"
            }
            E::ScimBadRequest => "SystemForCrossDomainIdentityManagementBadRequest",
            E::TooManyRequests => "TooManyRequests",
            E::Timeout => "Timeout",
            E::InternalError => "InternalError",
            E::EntryConflict => "EntryConflict",
            E::DuplicateTargetEntries => "DuplicateTargetEntries",
            E::AadQuota => "AzureActiveDirectoryQuotaLimitExceeded",
            E::AadForbidden => "AzureActiveDirectoryForbidden",
            E::InvitationAmbiguous => "InvitationCreationFailureAmbiguousUser",
            E::HybridInsufficientRights => {
                "HybridSynchronizationActiveDirectoryInsufficientAccessRights"
            }
            E::Unauthorized | E::UnauthorizedExpiredSecret => "Unauthorized",
            E::LicenseLimit => "LicenseLimitExceeded",
            E::SchemaAttributeNotFound => "SchemaAttributeNotFound",
            E::InsufficientRights => "InsufficientRights",
            E::AadInvalidUpn => "AzureActiveDirectoryInvalidUserPrincipalName",
            E::GraphConflict => "Conflict",
            E::InvalidAnchor => "InvalidAnchor",
            E::MandatoryFieldsMissing => "MandatoryFieldsMissing",
            E::UnknownJp => "ContosoExpensesRuleViolation",
            E::UnknownAborted => "ProvisioningWorkflowAborted",
            E::UnknownHresult => "E_UNEXPECTED_0x80131500",
        }
    }
    /// Some errors only make sense for one action.
    fn forced_action(self) -> Option<Action> {
        match self {
            E::ScimFiltering409
            | E::AadQuota
            | E::InvitationAmbiguous
            | E::LicenseLimit
            | E::AadInvalidUpn
            | E::GraphConflict
            | E::MandatoryFieldsMissing
            | E::EntryConflict => Some(Action::Create),
            E::InvalidAnchor => Some(Action::Update),
            _ => None,
        }
    }
    fn transient(self) -> bool {
        matches!(self, E::TooManyRequests | E::Timeout | E::InternalError)
    }
}

fn retry_trailer(n: u32, zero_word: bool, next: &str) -> String {
    if n == 0 && zero_word {
        format!(
            "This operation was retried zero times. It will be retried again after this date: {next} UTC"
        )
    } else {
        format!(
            "This operation was retried {n} times. It will be retried again after this date: {next} UTC"
        )
    }
}

fn http_reason(status: &str, body: &str, trailer: &str) -> String {
    format!("StatusCode: {status}\r\nMessage: {HTTP_MSG}\r\nWeb Response: \r\n{body}. {trailer}")
}

struct ECx<'a> {
    app: &'a AppInst,
    user: &'a User,
    ident: &'a str,
    tname: &'static str,
    verb: &'static str,
    time: i64,
    retries: u32,
    target_id: &'a str,
}

fn make_error(e: E, c: &ECx, r: &mut Rng) -> ErrInfo {
    let app = c.app.def.name;
    let u = c.user;
    let ident = c.ident;
    let back_min: i64 = [40, 40, 80, 160, 320, 640, 1280, 1440][c.retries.min(7) as usize];
    let next = iso7(
        c.time + back_min * 60 + r.range(5, 600) as i64,
        r.below(10_000_000) as u32,
    );
    let trailer = retry_trailer(c.retries, app == "Workplace from Meta", &next);
    let mut additional = None;
    let mut category = "nonServiceFailure";
    let mut recommended = None;
    let reason = match e {
        E::ScimFiltering409 => {
            let detail = match r.below(4) {
                0 => format!("User with userName '{}' already exists.", u.upn),
                1 => "A user with the same email address already exists in this workspace."
                    .to_string(),
                2 => format!("userName '{}' is already taken", u.upn),
                _ => format!("表示名 '{}' のユーザーは既に存在します。", u.display),
            };
            let body = format!(
                "{{\"schemas\":[\"{SCIM_ERR}\"],\"detail\":\"{detail}\",\"status\":409,\"scimType\":\"uniqueness\"}}"
            );
            http_reason("Conflict", &body, &trailer)
        }
        E::ScimBadRequest => match r.below(3) {
            0 => format!(
                "Failed to {} {} '{}' in {}; Error: The SCIM endpoint is not fully compatible with the Azure Active Directory SCIM client. Please refer to the Azure Active Directory SCIM provisioning documentation and adapt the SCIM endpoint to be able to process provisioning requests from Azure Active Directory.\nStatusCode: BadRequest\nMessage: {HTTP_MSG}\nWeb Response: Bad Request . {}",
                c.verb, c.tname, ident, app, trailer
            ),
            1 => http_reason(
                "BadRequest",
                &format!(
                    "{{\"schemas\":[\"{SCIM_ERR}\"],\"detail\":\"Attribute 'name.familyName' is required\",\"status\":\"400\",\"scimType\":\"invalidValue\"}}"
                ),
                &trailer,
            ),
            _ => http_reason(
                "BadRequest",
                &format!(
                    "{{\"schemas\":[\"{SCIM_ERR}\"],\"detail\":\"Unsupported filter: userName eq \\\"{}\\\" and active eq true\",\"status\":400,\"scimType\":\"invalidFilter\"}}",
                    u.upn
                ),
                &trailer,
            ),
        },
        E::TooManyRequests => {
            category = "failure";
            let body = if app == "Slack" {
                "{\"ok\":false,\"error\":\"ratelimited\",\"retry_after\":30}".to_string()
            } else {
                format!(
                    "{{\"schemas\":[\"{SCIM_ERR}\"],\"detail\":\"Too many requests. Please retry after 60 seconds.\",\"status\":429}}"
                )
            };
            http_reason("TooManyRequests", &body, &trailer)
        }
        E::Timeout => {
            category = "failure";
            format!(
                "Message: The request to {app} did not complete within 60 seconds and was cancelled.\r\nRequest: {} https://api.{}.example/scim/v2/Users\r\nThe operation is retried automatically. {trailer}",
                if c.verb == "create" { "POST" } else { "PATCH" },
                app.to_lowercase().replace(' ', "")
            )
        }
        E::InternalError => {
            category = "failure";
            recommended =
                Some("No action is needed: the operation is retried automatically in 40 minutes.");
            format!(
                "An internal error occurred in the Microsoft Entra provisioning service while processing {} '{}'. The operation will be retried automatically in 40 minutes. Tracking ID: {}",
                c.tname,
                ident,
                guid(r)
            )
        }
        E::EntryConflict => format!(
            "Message: {app} returned an error response with the HTTP status code 409. A {} named '{}' already exists in {app} with values that conflict with those in Microsoft Entra ID. Remove or rename the conflicting account in {app}, or take the user out of provisioning scope. {trailer}",
            c.tname, u.display
        ),
        E::DuplicateTargetEntries => format!(
            "More than one {} in {app} matched the matching attribute userName = '{}'. Matching needs exactly one result: remove the duplicate accounts from {app} or change the matching attributes. {trailer}",
            c.tname, u.upn
        ),
        E::AadQuota => format!(
            "The directory object quota of the target tenant has been reached, so User '{}' cannot be created. Delete unused objects in the target tenant or request a higher quota. {trailer}",
            u.upn
        ),
        E::AadForbidden => {
            if r.chance(0.5) {
                additional = Some("Guest invitations not allowed for your company. Contact your company administrator for more details.".to_string());
            }
            format!(
                "The provisioning service was forbidden from performing an operation on Azure Active Directory, which is unusual. A simultaneous change to the target object may have occurred, in which case, the operation might succeed when it is retried. Otherwise the target object may be mastered on-premises, or the service may lack the authorizations it needs in the target tenant. {trailer}"
            )
        }
        E::InvitationAmbiguous => format!(
            "The invitation of User '{}' into the target tenant failed: its proxy address smtp:{} matches an internal user that already exists in the target tenant. Proxy addresses must be unique. {trailer}",
            u.upn, u.upn
        ),
        E::HybridInsufficientRights => {
            if r.chance(0.6) {
                format!(
                    "ERROR: InsufficientAccessRights-SecErr: The user has insufficient access rights.. Access is denied. \nError Details: Problem 4003 - INSUFF_ACCESS_RIGHTS. {trailer}"
                )
            } else {
                additional = Some(format!(
                    "{{\"ResponseResultCode\":\"InsufficientAccessRights\",\"ResponseErrorMessage\":\"00002098: SecErr: DSID-03150F94, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0\",\"DistinguishedName\":\"CN={},OU=Users,DC=contoso,DC=local\"}}",
                    u.display
                ));
                format!(
                    "The provisioning agent could not write User '{}' to Active Directory because the account provAgentgMSA$ has insufficient access rights on the object. {trailer}",
                    ident
                )
            }
        }
        E::Unauthorized => http_reason(
            "Unauthorized",
            &format!(
                "{{\"schemas\":[\"{SCIM_ERR}\"],\"detail\":\"Authentication failed: the bearer token is invalid or has been revoked.\",\"status\":401}}"
            ),
            &trailer,
        ),
        E::UnauthorizedExpiredSecret => {
            let (trace, corr) = (guid(r), guid(r));
            let ts = sts_time(c.time - r.range(1, 5) as i64);
            let body = format!(
                "{{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000222: The provided client secret keys for app '{}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds. Trace ID: {trace} Correlation ID: {corr} Timestamp: {ts}\",\"error_codes\":[7000222],\"timestamp\":\"{ts}\",\"trace_id\":\"{trace}\",\"correlation_id\":\"{corr}\"}}",
                c.app.app_id
            );
            http_reason("Unauthorized", &body, &trailer)
        }
        E::LicenseLimit => {
            let seats = [50u32, 100, 250, 500, 1000][r.below(5) as usize];
            format!(
                "Failed to create User '{}' in {app}; Error: the {app} subscription has no free licenses left ({seats} of {seats} in use). Free up or purchase licenses, then the user will be created on the next attempt. {trailer}",
                u.upn
            )
        }
        E::SchemaAttributeNotFound => {
            let attr = *r.pick(&[
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
                "phoneNumbers[type eq \"mobile\"].value",
                "urn:ietf:params:scim:schemas:extension:contoso:2.0:User:badgeNumber",
            ]);
            format!(
                "The attribute '{attr}' referenced by the attribute mappings does not exist in the schema of {app}. Remove the mapping or add the attribute to the target schema. {trailer}"
            )
        }
        E::InsufficientRights => http_reason(
            "Forbidden",
            &format!(
                "{{\"schemas\":[\"{SCIM_ERR}\"],\"detail\":\"The provisioning account does not have permission to modify users.\",\"status\":403}}"
            ),
            &trailer,
        ),
        E::AadInvalidUpn => {
            let bad = if u.jp {
                format!("{}@contoso.co.jp", u.display)
            } else {
                format!("{} {}@fabrikam", u.given, u.family)
            };
            format!(
                "The value '{bad}' of property 'userPrincipalName' is not valid for User '{}' in the target tenant. A user principal name must not contain spaces or unsupported characters and must use a verified domain. {trailer}",
                u.upn
            )
        }
        E::GraphConflict => {
            let d = dt(c.time);
            format!(
                "Failed to create User '{}' in Microsoft Entra ID (target tenant); Error: {{\"error\":{{\"code\":\"Request_BadRequest\",\"message\":\"Another object with the same value for property userPrincipalName already exists.\",\"innerError\":{{\"date\":\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}\",\"request-id\":\"{}\",\"client-request-id\":\"{}\"}}}}}}. {trailer}",
                u.upn,
                d.y,
                d.mo,
                d.d,
                d.h,
                d.mi,
                d.s,
                guid(r),
                guid(r)
            )
        }
        E::InvalidAnchor => http_reason(
            "NotFound",
            &format!(
                "{{\"schemas\":[\"{SCIM_ERR}\"],\"detail\":\"Resource {} not found\",\"status\":404}}",
                c.target_id
            ),
            &trailer,
        ),
        E::MandatoryFieldsMissing => format!(
            "The {} '{}' could not be created in {app} because required values are missing: emails[type eq \"work\"].value, name.familyName. Populate the source attributes or fix the attribute mappings. {trailer}",
            c.tname, u.display
        ),
        E::UnknownJp => {
            additional = Some(format!("エラーコード: DEPT-{:03}", r.below(1000)));
            format!(
                "Error returned from {app}: 【エラー】ユーザー '{}' の部署コード「{}」は経費精算システムに登録されていません。管理者に連絡してください。",
                u.display, u.dept
            )
        }
        E::UnknownAborted => format!(
            "The export was aborted by a pre-export hook (hook id {}). No further information was returned by the hook.",
            hex_n(r, 8)
        ),
        E::UnknownHresult => {
            category = "failure";
            "Exception from HRESULT: 0x80131500\r\n   at Microsoft.Provisioning.Export.Run()\r\nInner exception: (none)".to_string()
        }
    };
    ErrInfo {
        code: e.code(),
        reason,
        additional,
        category,
        recommended,
    }
}

// ───────────────────────────── event generation ─────────────────────────────

struct EventGen<'a> {
    ctx: &'a Ctx,
    idx: u64,
    time: i64,
}

impl<'a> EventGen<'a> {
    fn new(ctx: &'a Ctx) -> Self {
        EventGen {
            ctx,
            idx: 0,
            time: ctx.start,
        }
    }

    fn next_event(&mut self) -> Ev {
        let ctx = self.ctx;
        let idx = self.idx;
        self.idx += 1;
        let mut r = Rng::new(hash(&[ctx.seed, 0xE7, idx]));
        // Bursty activity: most events come quickly after each other, some gaps.
        let gap = if r.chance(0.02) {
            r.range(30, 900)
        } else {
            r.range(0, 3)
        };
        self.time += gap as i64;
        let time = self.time;

        // status
        let x = r.f();
        let status = if x < ctx.fail {
            Status::Failure
        } else if x < ctx.fail + ctx.skip {
            Status::Skipped
        } else if x < ctx.fail + ctx.skip + ctx.warn {
            Status::Warning
        } else {
            Status::Success
        };

        // error (chosen before the app, so the app fits the error)
        let err_kind = if status == Status::Failure {
            let w: Vec<u32> = ERRORS.iter().map(|e| e.1).collect();
            Some(ERRORS[r.weighted(&w)])
        } else {
            None
        };
        let app_idx = {
            let w: Vec<u32> = ctx
                .apps
                .iter()
                .map(|a| match err_kind {
                    Some((_, _, kinds)) if !kinds.contains(&a.def.kind) => 0,
                    _ => a.def.weight,
                })
                .collect();
            r.weighted(&w)
        };
        let app = &ctx.apps[app_idx];
        let kind = app.def.kind;

        // action
        let mut action = match status {
            Status::Skipped => {
                [Action::Create, Action::Update, Action::Other][r.weighted(&[50, 30, 20])]
            }
            Status::Warning => Action::Update,
            _ => [
                Action::Create,
                Action::Update,
                Action::Delete,
                Action::Disable,
            ][r.weighted(&[33, 54, 6, 7])],
        };
        if let Some((e, _, _)) = err_kind {
            if let Some(a) = e.forced_action() {
                action = a;
            } else if action == Action::Delete && kind == Kind::Hr {
                action = Action::Update;
            }
        }
        if kind == Kind::Hr && action == Action::Delete {
            action = Action::Disable;
        }

        // identity: groups only for SCIM-ish apps
        let is_group = matches!(kind, Kind::Scim | Kind::Native)
            && err_kind.is_none()
            && status != Status::Warning
            && r.chance(0.05);
        let uidx = if status == Status::Failure && r.chance(0.5) {
            r.below(HOT_USERS)
        } else {
            r.below(USER_POOL)
        };
        let user = make_user(ctx, uidx);
        let src_name: &'static str = match kind {
            Kind::Hr => "Workday",
            _ if app.def.old_name => "Azure Active Directory",
            _ => "Microsoft Entra ID",
        };
        let tgt_sys_name: String = match kind {
            Kind::Hr => "Active Directory".to_string(),
            Kind::CrossTenant => "Microsoft Entra ID (target tenant)".to_string(),
            _ => app.def.name.to_string(),
        };
        let tname: &'static str = if is_group { "Group" } else { "User" };
        let gidx = r.below(GROUPS.len() as u64);
        let group_name = if is_group { GROUPS[gidx as usize] } else { "" };
        let group_id = guid_h(&[ctx.seed, 200, gidx]);
        let ident: String = if is_group {
            group_name.to_string()
        } else {
            user.upn.clone()
        };
        let target_id = if kind == Kind::Hr {
            guid_h(&[ctx.seed, 300, uidx])
        } else {
            guid_h(&[ctx.seed, 301, app_idx as u64, uidx, is_group as u64])
        };
        let target_itype: &'static str = match (is_group, app.def.scim_urn, kind) {
            (true, true, _) => "urn:ietf:params:scim:schemas:core:2.0:Group",
            (true, false, _) => "Group",
            (false, true, _) => "urn:ietf:params:scim:schemas:core:2.0:User",
            (false, false, Kind::Hr) => "user",
            _ => "User",
        };

        let src = if is_group {
            Ident {
                id: group_id.clone(),
                name: group_name.to_string(),
                itype: "Group",
                details: vec![
                    ("id", group_id.clone()),
                    ("odatatype", "Group".to_string()),
                    ("DisplayName", group_name.to_string()),
                ],
            }
        } else if kind == Kind::Hr {
            let wid = user.id.replace('-', "");
            Ident {
                id: wid.clone(),
                name: user.display.clone(),
                itype: "User",
                details: vec![
                    ("WID", wid),
                    ("WorkerID", user.emp_no.clone()),
                    ("DisplayName", user.display.clone()),
                ],
            }
        } else {
            Ident {
                id: user.id.clone(),
                name: user.display.clone(),
                itype: "User",
                details: vec![
                    ("id", user.id.clone()),
                    ("odatatype", "User".to_string()),
                    ("DisplayName", user.display.clone()),
                    ("UserPrincipalName", user.upn.clone()),
                ],
            }
        };
        let tgt_known = !(action == Action::Create) || status == Status::Success;
        let tgt = Ident {
            id: if tgt_known && status != Status::Skipped {
                target_id.clone()
            } else {
                String::new()
            },
            name: if status == Status::Skipped && action == Action::Create {
                String::new()
            } else {
                ident.clone()
            },
            itype: target_itype,
            details: if tgt_known && status == Status::Success && r.chance(0.5) {
                vec![("id", target_id.clone()), ("userName", ident.clone())]
            } else {
                vec![]
            },
        };

        // error information
        let retries: u32 = if err_kind.is_some() {
            r.weighted(&[30, 25, 15, 10, 8, 6, 4, 2]) as u32
        } else {
            0
        };
        let verb = match action {
            Action::Create => "create",
            Action::Delete => "delete",
            _ => "update",
        };
        let error = err_kind.map(|(e, _, _)| {
            let ecx = ECx {
                app,
                user: &user,
                ident: &ident,
                tname,
                verb,
                time,
                retries,
                target_id: &target_id,
            };
            make_error(e, &ecx, &mut r)
        });

        // ── steps ──
        let mut steps: Vec<Step> = Vec::with_capacity(6);
        let change_word = match action {
            Action::Create => "Add",
            Action::Delete => "Delete",
            _ => "Update",
        };
        let escrow = retries >= 1 && r.chance(0.5);
        if escrow {
            let created = time - (retries as i64) * 40 * 60 - r.range(60, 1800) as i64;
            steps.push(Step {
                name: "EntryEscrowRetry",
                stype: StepType::Import,
                status: Status::Success,
                desc: format!(
                    "We are retrying an operation that previously failed.\r\nIdentifier: {ident}\r\nObject type: {tname}\r\nDirectory: {src_name}"
                ),
                details: vec![
                    ("CountProcessed", (retries - 1).to_string()),
                    ("CreationTime", iso7(created, r.below(10_000_000) as u32)),
                    ("Identifier", if is_group { group_id.clone() } else { src.id.clone() }),
                    ("ModificationType", if action == Action::Create { "Add" } else { "Replace" }.to_string()),
                    ("NextAttempt", us_time(time - r.range(20, 400) as i64)),
                    ("TypeName", "EscrowedEntryDefault".to_string()),
                ],
            });
        }
        let mut import_details = vec![("ReportableIdentifier", ident.clone())];
        if !is_group && kind != Kind::Hr && !escrow {
            let n = if action == Action::Create { 3 } else { 7 };
            import_details.extend(source_attrs(&user).into_iter().take(n));
        } else if kind == Kind::Hr {
            import_details.push(("WorkerID", user.emp_no.clone()));
            import_details.push(("WorkerStatus", "Active".to_string()));
            import_details.push(("HireDate", iso(time - 86400 * r.range(1, 3000) as i64)));
        }
        steps.push(Step {
            name: if action == Action::Create && r.chance(0.5) {
                "EntryImportAdd"
            } else {
                "EntryImport"
            },
            stype: StepType::Import,
            status: Status::Success,
            desc: format!(
                "Received {tname} '{ident}' change of type ({change_word}) from {src_name}"
            ),
            details: import_details,
        });

        let scoped_out_kind = if status == Status::Skipped {
            r.weighted(&[45, 30, 25])
        } else {
            9
        };
        if !escrow && status != Status::Warning {
            // scoping (left out after an escrow retry and on warnings, to keep 3-5 steps)
            let (assigned, filter_ok) = match scoped_out_kind {
                0 => ("False", "True"),
                2 => ("True", "False"),
                _ => ("True", "True"),
            };
            let mut det = vec![
                (
                    "Active in the source system",
                    if action == Action::Disable {
                        "False"
                    } else {
                        "True"
                    }
                    .to_string(),
                ),
                ("Assigned to the application", assigned.to_string()),
                ("User has the required role", assigned.to_string()),
                ("Scoping filter evaluation passed", filter_ok.to_string()),
            ];
            if scoped_out_kind == 2 {
                det.push((
                    "ScopeEvaluationResult",
                    format!("{{\"Tokyo employees only.department EQUALS '営業部'\":false,\"Tokyo employees only.physicalDeliveryOfficeName EQUALS 'Tokyo HQ'\":{}}}", if r.chance(0.5) { "true" } else { "false" }),
                ));
            }
            steps.push(Step {
                name: "EntrySynchronizationScoping",
                stype: StepType::Scoping,
                status: if scoped_out_kind == 2 {
                    Status::Skipped
                } else {
                    Status::Success
                },
                desc: format!(
                    "Determine if {tname} is in scope by evaluating against each scoping filter"
                ),
                details: det,
            });
        }

        let attrs = if is_group {
            vec![
                ("displayName", group_name.to_string()),
                ("externalId", group_id.clone()),
                (
                    "members",
                    format!("[\"{}\",\"{}\"]", guid(&mut r), guid(&mut r)),
                ),
            ]
        } else {
            target_attrs(kind, app.def.name, &user, action != Action::Disable)
        };

        if status == Status::Skipped {
            match scoped_out_kind {
                0 => steps.push(Step {
                    name: "EntrySynchronizationSkip",
                    stype: StepType::Processing,
                    status: Status::Skipped,
                    desc: format!(
                        "{tname} '{ident}' will be skipped because it is not effectively entitled to {}: no active assignment for it was found in {src_name}, or it is assigned only through the Default Access role.",
                        app.def.name
                    ),
                    details: vec![("ReportableIdentifier", ident.clone()), ("SkipReason", "NotEffectivelyEntitled".to_string())],
                }),
                1 => {
                    let prop = *r.pick(&["name.familyName", "name.givenName", "emails[type eq \"work\"].value", "userName"]);
                    let prefix = if app.def.scim_urn { "urn:ietf:params:scim:schemas:core:2.0:User" } else { "User" };
                    steps.push(Step {
                        name: "EntrySynchronizationSkip",
                        stype: StepType::Processing,
                        status: Status::Skipped,
                        desc: format!(
                            "{prefix} '{ident}' will be skipped because the value of the property {prop} is missing or invalid. Fix the value in {src_name} or change the attribute mapping."
                        ),
                        details: vec![
                            ("PropertyName", prop.to_string()),
                            ("SkipReason", "AttributeValidationFailed".to_string()),
                            ("ReportableIdentifier", ident.clone()),
                        ],
                    });
                }
                _ => steps.push(Step {
                    name: "EntrySynchronizationSkip",
                    stype: StepType::Scoping,
                    status: Status::Skipped,
                    desc: format!(
                        "{tname} '{ident}' will be skipped because it does not pass the scoping filter 'Tokyo employees only' configured for {}",
                        app.def.name
                    ),
                    details: vec![("ReportableIdentifier", ident.clone())],
                }),
            }
        } else {
            // matching
            let e = err_kind.map(|x| x.0);
            let dup = e == Some(E::DuplicateTargetEntries);
            let match_attr = match kind {
                Kind::Native if app.def.name == "Salesforce" => "Username",
                Kind::Native => "user_name",
                Kind::Hr => "employeeID",
                Kind::CrossTenant => "alternativeSecurityIds",
                Kind::Scim => {
                    if is_group {
                        "displayName"
                    } else {
                        "userName"
                    }
                }
            };
            let mut mdet = vec![("ReportableIdentifier", ident.clone())];
            let mdesc = if dup {
                format!("More than one {tname} in {tgt_sys_name} matched {match_attr} '{ident}'")
            } else if action == Action::Create {
                format!(
                    "{tname} '{ident}' was not found in {tgt_sys_name} (matching on {match_attr})"
                )
            } else {
                mdet.push(("id", target_id.clone()));
                mdet.extend(attrs.iter().take(5).cloned());
                format!("Retrieved {tname} '{ident}' from {tgt_sys_name}")
            };
            steps.push(Step {
                name: "EntryImportByMatchingProperty",
                stype: StepType::Matching,
                status: if dup {
                    Status::Failure
                } else {
                    Status::Success
                },
                desc: mdesc,
                details: mdet,
            });
            if !dup {
                let tn = &tgt_sys_name;
                let (pname, pdesc) = match action {
                    Action::Create => (
                        "EntrySynchronizationAdd",
                        format!(
                            "{tname} '{ident}' will be created in {tn} ({tname} is active and assigned in {src_name}, but no matching {tname} was found in {tn})"
                        ),
                    ),
                    Action::Delete => (
                        "EntrySynchronizationDelete",
                        format!(
                            "{tname} '{ident}' will be deleted from {tn} ({tname} was deleted or unassigned in {src_name})"
                        ),
                    ),
                    Action::Disable => (
                        "EntrySynchronizationUpdate",
                        format!(
                            "{tname} '{ident}' will be disabled in {tn} ({tname} is no longer active or assigned in {src_name})"
                        ),
                    ),
                    _ => (
                        "EntrySynchronizationUpdate",
                        format!(
                            "{tname} '{ident}' will be updated in {tn} ({tname} is active and assigned in {src_name}, and a matching {tname} was found in {tn})"
                        ),
                    ),
                };
                steps.push(Step {
                    name: pname,
                    stype: StepType::Processing,
                    status: Status::Success,
                    desc: pdesc,
                    details: vec![("ReportableIdentifier", ident.clone())],
                });
                if status == Status::Warning {
                    steps.push(Step {
                        name: "EntryReferenceResolution",
                        stype: StepType::ReferenceResolution,
                        status: Status::Warning,
                        desc: format!(
                            "The manager of {tname} '{ident}' could not be resolved in {tn}; the reference attribute was left unchanged"
                        ),
                        details: vec![("ReportableIdentifier", ident.clone()), ("PropertyName", "manager".to_string())],
                    });
                }
                let (ename, past, inf) = match action {
                    Action::Create => ("EntryExportAdd", "created", "create"),
                    Action::Delete => ("EntryExportDelete", "deleted", "delete"),
                    Action::Disable => ("EntryExportUpdate", "disabled", "disable"),
                    _ => ("EntryExportUpdate", "updated", "update"),
                };
                let mut edet = vec![("ReportableIdentifier", ident.clone())];
                match action {
                    Action::Create => edet.extend(attrs.iter().cloned()),
                    Action::Delete => {}
                    _ => edet.extend(attrs.iter().skip(2).take(4).cloned()),
                }
                let failed = status == Status::Failure;
                steps.push(Step {
                    name: ename,
                    stype: StepType::Export,
                    status: if failed {
                        Status::Failure
                    } else {
                        Status::Success
                    },
                    desc: if failed {
                        format!("Failed to {inf} {tname} '{ident}' in {tn}")
                    } else {
                        format!("{tname} '{ident}' was {past} in {tn}")
                    },
                    details: edet,
                });
            }
        }

        // ── modified properties ──
        let mut mods: Vec<Mod> = Vec::new();
        if status != Status::Skipped {
            let some = |s: &str| Some(s.to_string());
            if is_group {
                match action {
                    Action::Create => {
                        mods.push(Mod {
                            name: "objectId",
                            old: None,
                            new: Some(group_id.clone()),
                        });
                        mods.push(Mod {
                            name: "displayName",
                            old: None,
                            new: some(group_name),
                        });
                        mods.push(Mod {
                            name: "mailEnabled",
                            old: None,
                            new: some("False"),
                        });
                        mods.push(Mod {
                            name: "mailNickname",
                            old: None,
                            new: Some(guid(&mut r)),
                        });
                        mods.push(Mod {
                            name: "securityEnabled",
                            old: None,
                            new: some("True"),
                        });
                    }
                    Action::Delete => {}
                    _ => mods.push(Mod {
                        name: "members",
                        old: None,
                        new: Some(format!("[\"{}\"]", user.id)),
                    }),
                }
            } else {
                match action {
                    Action::Create => {
                        mods.push(Mod {
                            name: "objectId",
                            old: None,
                            new: Some(src.id.clone()),
                        });
                        mods.push(Mod {
                            name: "accountDisabled",
                            old: None,
                            new: some("False"),
                        });
                        mods.push(Mod {
                            name: "userPrincipalName",
                            old: None,
                            new: Some(user.upn.clone()),
                        });
                        mods.push(Mod {
                            name: "displayName",
                            old: None,
                            new: Some(user.display.clone()),
                        });
                        mods.push(Mod {
                            name: "givenName",
                            old: None,
                            new: Some(user.given.clone()),
                        });
                        mods.push(Mod {
                            name: "surname",
                            old: None,
                            new: Some(user.family.clone()),
                        });
                        mods.push(Mod {
                            name: "jobTitle",
                            old: None,
                            new: some(user.title),
                        });
                        mods.push(Mod {
                            name: "department",
                            old: None,
                            new: some(user.dept),
                        });
                    }
                    Action::Delete => {}
                    Action::Disable => {
                        mods.push(Mod {
                            name: "accountDisabled",
                            old: None,
                            new: some("True"),
                        });
                    }
                    _ => {
                        // Entra always logs accountDisabled, with an old value of null.
                        mods.push(Mod {
                            name: "accountDisabled",
                            old: None,
                            new: some("False"),
                        });
                        if !r.chance(0.35) {
                            let n = r.range(1, 3);
                            let pool: &[usize] = &[0, 1, 2, 3, 4];
                            let startp = r.below(5) as usize;
                            for k in 0..n as usize {
                                match pool[(startp + k) % 5] {
                                    0 => {
                                        let depts = if user.jp { DEPTS_JP } else { DEPTS_EN };
                                        mods.push(Mod {
                                            name: "department",
                                            old: Some(r.pick(depts).to_string()),
                                            new: some(user.dept),
                                        });
                                    }
                                    1 => {
                                        let titles = if user.jp { TITLES_JP } else { TITLES_EN };
                                        mods.push(Mod {
                                            name: "jobTitle",
                                            old: Some(r.pick(titles).to_string()),
                                            new: some(user.title),
                                        });
                                    }
                                    2 => {
                                        let offices = if user.jp { OFFICES_JP } else { OFFICES_EN };
                                        mods.push(Mod {
                                            name: "physicalDeliveryOfficeName",
                                            old: Some(r.pick(offices).to_string()),
                                            new: some(user.office),
                                        });
                                    }
                                    3 => mods.push(Mod {
                                        name: "manager",
                                        old: Some(guid(&mut r)),
                                        new: Some(guid(&mut r)),
                                    }),
                                    _ => {
                                        let fam = if user.jp {
                                            FAMILY_JP[r.below(20) as usize].1
                                        } else {
                                            LAST_EN[r.below(20) as usize]
                                        };
                                        mods.push(Mod {
                                            name: "surname",
                                            old: Some(fam.to_string()),
                                            new: Some(user.family.clone()),
                                        });
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        let duration: u32 = match (status, err_kind.map(|e| e.0)) {
            (Status::Failure, Some(E::Timeout)) => r.range(60_000, 91_009) as u32,
            (Status::Failure, Some(e)) if e.transient() => r.range(2_000, 30_000) as u32,
            (Status::Failure, _) => r.range(400, 9_000) as u32,
            (Status::Skipped, _) => r.range(5, 900) as u32,
            _ => r.range(150, 4_500) as u32,
        };

        let cycle_index = (time - ctx.start + app.cycle_offset).div_euclid(ctx.cycle_secs);
        Ev {
            idx,
            id: guid(&mut r),
            time,
            time_iso: iso(time),
            change_id: guid(&mut r),
            cycle_id: guid_h(&[ctx.seed, 16, app_idx as u64, cycle_index as u64]),
            app: app_idx,
            action,
            status,
            duration,
            src,
            tgt,
            error,
            steps,
            mods,
        }
    }
}

// ───────────────────────────── JSON emitter ─────────────────────────────

struct Js<'a> {
    b: &'a mut Vec<u8>,
    pretty: bool,
    ind: usize,
    need_comma: bool,
    after_key: bool,
}

impl<'a> Js<'a> {
    fn new(b: &'a mut Vec<u8>, pretty: bool) -> Self {
        Js {
            b,
            pretty,
            ind: 0,
            need_comma: false,
            after_key: false,
        }
    }
    fn newline(&mut self) {
        self.b.push(b'\n');
        for _ in 0..self.ind {
            self.b.extend_from_slice(b"    ");
        }
    }
    fn pre(&mut self) {
        if self.after_key {
            self.after_key = false;
            return;
        }
        if self.need_comma {
            self.b.push(b',');
        }
        if self.pretty && self.ind > 0 {
            self.newline();
        }
    }
    fn open(&mut self, c: u8) {
        self.pre();
        self.b.push(c);
        self.ind += 1;
        self.need_comma = false;
    }
    fn close(&mut self, c: u8) {
        self.ind -= 1;
        if self.pretty && self.need_comma {
            self.newline();
        }
        self.b.push(c);
        self.need_comma = true;
    }
    fn obj(&mut self) {
        self.open(b'{');
    }
    fn end(&mut self) {
        self.close(b'}');
    }
    fn arr(&mut self) {
        self.open(b'[');
    }
    fn end_arr(&mut self) {
        self.close(b']');
    }
    fn key(&mut self, k: &str) {
        self.pre();
        esc(self.b, k);
        self.b.push(b':');
        if self.pretty {
            self.b.push(b' ');
        }
        self.after_key = true;
        self.need_comma = true;
    }
    fn str(&mut self, s: &str) {
        self.pre();
        esc(self.b, s);
        self.need_comma = true;
    }
    fn raw(&mut self, s: &str) {
        self.pre();
        self.b.extend_from_slice(s.as_bytes());
        self.need_comma = true;
    }
    fn opt(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.raw("null"),
        }
    }
    fn ks(&mut self, k: &str, v: &str) {
        self.key(k);
        self.str(v);
    }
    fn kr(&mut self, k: &str, v: &str) {
        self.key(k);
        self.raw(v);
    }
    fn ko(&mut self, k: &str, v: Option<&str>) {
        self.key(k);
        self.opt(v);
    }
}

fn esc(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let b = s.as_bytes();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        let rep: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => {
                out.extend_from_slice(&b[start..i]);
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(c >> 4) as usize]);
                out.push(HEX[(c & 0xF) as usize]);
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&b[start..i]);
        out.extend_from_slice(rep);
        start = i + 1;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    /// Graph v1.0 / portal JSON
    V1,
    /// old beta (`action`, `statusInfo`)
    Beta,
    /// Azure Monitor diagnostic record `properties`
    Diag,
    /// Log Analytics JSON-text columns
    La,
}

impl Style {
    fn caps(self) -> bool {
        matches!(self, Style::Diag | Style::La)
    }
}

fn w_details(j: &mut Js, d: &[(&str, String)]) {
    j.obj();
    for (k, v) in d {
        j.ks(k, v);
    }
    j.end();
}

fn w_sp(j: &mut Js, app: &AppInst, st: Style) {
    j.obj();
    if st.caps() {
        j.ks("Id", &app.sp_id);
        j.ks("Name", app.def.name);
    } else {
        j.ks("id", &app.sp_id);
        j.ks("displayName", app.def.name);
    }
    j.end();
}

fn w_initiated(j: &mut Js, st: Style) {
    j.obj();
    if st.caps() {
        j.ks("Type", "system");
        j.ks("Id", "");
        j.ks("Name", "Azure AD Provisioning Service");
    } else {
        j.ks("id", "");
        j.ks("displayName", "Azure AD Provisioning Service");
        j.ks("initiatorType", "system");
    }
    j.end();
}

fn w_system(j: &mut Js, id: &str, name: &str, details: &[(&str, String)], st: Style) {
    j.obj();
    if st.caps() {
        j.key("details");
        w_details(j, details);
        j.ks("Id", id);
        j.ks("Name", name);
    } else {
        j.ks("id", id);
        j.ks("displayName", name);
        j.key("details");
        w_details(j, details);
    }
    j.end();
}

fn w_ident(j: &mut Js, i: &Ident, st: Style) {
    j.obj();
    if st.caps() {
        j.key("details");
        w_details(j, &i.details);
        j.ks("Id", &i.id);
        j.ks("Name", &i.name);
        j.ks("identityType", i.itype);
    } else {
        j.ks("id", &i.id);
        j.ks("displayName", &i.name);
        j.ks("identityType", i.itype);
        j.key("details");
        w_details(j, &i.details);
    }
    j.end();
}

fn w_err(j: &mut Js, e: &ErrInfo) {
    j.obj();
    j.ks("errorCode", e.code);
    j.ks("reason", &e.reason);
    j.ko("additionalDetails", e.additional.as_deref());
    j.ks("errorCategory", e.category);
    j.ko("recommendedAction", e.recommended);
    j.end();
}

fn w_psi(j: &mut Js, ev: &Ev, st: Style) {
    j.obj();
    j.ks(
        if st == Style::Diag {
            "Status"
        } else {
            "status"
        },
        ev.status.lower(),
    );
    j.key("errorInformation");
    match &ev.error {
        Some(e) => w_err(j, e),
        None => j.raw("null"),
    }
    j.end();
}

fn w_beta_status(j: &mut Js, ev: &Ev) {
    j.obj();
    match &ev.error {
        Some(e) => {
            j.ks("@odata.type", "#microsoft.graph.statusDetails");
            j.ks("status", ev.status.lower());
            j.ks("errorCode", e.code);
            j.ks("reason", &e.reason);
            j.ko("additionalDetails", e.additional.as_deref());
            j.ks("errorCategory", e.category_title());
            j.ko("recommendedAction", e.recommended);
        }
        None => j.ks("status", ev.status.lower()),
    }
    j.end();
}

fn w_steps(j: &mut Js, ev: &Ev, st: Style) {
    j.arr();
    for s in &ev.steps {
        j.obj();
        j.ks("name", s.name);
        if st == Style::Diag {
            j.kr("provisioningStepType", s.stype.int());
            j.kr("status", s.status.int());
        } else {
            j.ks("provisioningStepType", s.stype.lower());
            j.ks("status", s.status.lower());
        }
        j.ks("description", &s.desc);
        j.key("details");
        w_details(j, &s.details);
        j.end();
    }
    j.end_arr();
}

fn w_mods(j: &mut Js, ev: &Ev) {
    j.arr();
    for m in &ev.mods {
        j.obj();
        j.ks("displayName", m.name);
        j.ko("oldValue", m.old.as_deref());
        j.ko("newValue", m.new.as_deref());
        j.end();
    }
    j.end_arr();
}

fn target_sys_details(app: &AppInst) -> Vec<(&'static str, String)> {
    match app.def.kind {
        Kind::Hr => vec![],
        _ => vec![
            ("ApplicationId", app.app_id.clone()),
            ("ServicePrincipalId", app.sp_id.clone()),
            ("ServicePrincipalDisplayName", app.def.name.to_string()),
        ],
    }
}

fn systems(ctx: &Ctx, ev: &Ev) -> (Described, Described) {
    let app = &ctx.apps[ev.app];
    match app.def.kind {
        Kind::Hr => (
            (
                app.source_sys_id.clone(),
                "Workday".to_string(),
                vec![
                    ("ApplicationId", app.app_id.clone()),
                    ("ServicePrincipalId", app.sp_id.clone()),
                    ("ServicePrincipalDisplayName", app.def.name.to_string()),
                ],
            ),
            (
                app.target_sys_id.clone(),
                "Active Directory".to_string(),
                vec![("Domain", "contoso.local".to_string())],
            ),
        ),
        kind => {
            let src = if app.def.old_name {
                "Azure Active Directory"
            } else {
                "Microsoft Entra ID"
            };
            let tname = if kind == Kind::CrossTenant {
                "Microsoft Entra ID (target tenant)".to_string()
            } else {
                app.def.name.to_string()
            };
            (
                (ctx.entra_sys_id.clone(), src.to_string(), vec![]),
                (app.target_sys_id.clone(), tname, target_sys_details(app)),
            )
        }
    }
}

/// The event object (v1 / beta / diag `properties`).
fn w_event(j: &mut Js, ctx: &Ctx, ev: &Ev, st: Style) {
    let app = &ctx.apps[ev.app];
    let ((ss_id, ss_name, ss_det), (ts_id, ts_name, ts_det)) = systems(ctx, ev);
    let dur = ev.duration.to_string();
    j.obj();
    j.ks("id", &ev.id);
    if st == Style::Diag {
        let t = iso7(ev.time, 0);
        j.ks("activityDateTime", &t);
    } else {
        j.ks("activityDateTime", &ev.time_iso);
    }
    j.ks("tenantId", &ctx.tenant);
    j.ks("jobId", &app.job_id);
    j.ks("cycleId", &ev.cycle_id);
    j.ks("changeId", &ev.change_id);
    match st {
        Style::V1 | Style::La => j.ks("provisioningAction", ev.action.lower()),
        Style::Beta => j.ks("action", ev.action.title()),
        Style::Diag => {
            j.ks("action", ev.action.title());
            j.ks("provisioningAction", ev.action.lower());
        }
    }
    if st != Style::Diag {
        j.kr("durationInMilliseconds", &dur);
    }
    if st == Style::Diag {
        j.key("servicePrincipal");
        w_sp(j, app, st);
        j.key("sourceSystem");
        w_system(j, &ss_id, &ss_name, &ss_det, st);
        j.key("targetSystem");
        w_system(j, &ts_id, &ts_name, &ts_det, st);
        j.key("sourceIdentity");
        w_ident(j, &ev.src, st);
        j.key("targetIdentity");
        w_ident(j, &ev.tgt, st);
        j.key("initiatedBy");
        w_initiated(j, st);
        j.key("provisioningStatusInfo");
        w_psi(j, ev, st);
        j.key("statusInfo");
        j.obj();
        j.kr("Status", ev.status.int());
        j.end();
    } else {
        j.key("sourceSystem");
        w_system(j, &ss_id, &ss_name, &ss_det, st);
        j.key("targetSystem");
        w_system(j, &ts_id, &ts_name, &ts_det, st);
        j.key("initiatedBy");
        w_initiated(j, st);
        j.key("servicePrincipal");
        w_sp(j, app, st);
        j.key("sourceIdentity");
        w_ident(j, &ev.src, st);
        j.key("targetIdentity");
        w_ident(j, &ev.tgt, st);
        if st == Style::Beta {
            j.key("statusInfo");
            w_beta_status(j, ev);
        } else {
            j.key("provisioningStatusInfo");
            w_psi(j, ev, st);
        }
    }
    j.key("provisioningSteps");
    w_steps(j, ev, st);
    j.key("modifiedProperties");
    w_mods(j, ev);
    if st == Style::Diag {
        j.kr("durationInMilliseconds", &dur);
    }
    j.end();
}

// ───────────────────────────── sinks ─────────────────────────────

struct Counting<W: Write> {
    w: W,
    n: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let k = self.w.write(buf)?;
        self.n += k as u64;
        Ok(k)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

type Out = Counting<BufWriter<File>>;

fn create(path: &Path) -> io::Result<Out> {
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        fs::create_dir_all(parent)?;
    }
    let f = File::create(path)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    Ok(Counting {
        w: BufWriter::with_capacity(1 << 20, f),
        n: 0,
    })
}

trait Sink {
    fn event(&mut self, ctx: &Ctx, ev: &Ev) -> io::Result<()>;
    fn bytes(&self) -> u64;
    fn finish(&mut self, ctx: &Ctx) -> io::Result<()>;
}

/// Bare top-level array: portal JSON (minified v1) or beta (pretty).
struct ArraySink {
    out: Out,
    buf: Vec<u8>,
    pretty: bool,
    style: Style,
    n: u64,
}

impl Sink for ArraySink {
    fn event(&mut self, ctx: &Ctx, ev: &Ev) -> io::Result<()> {
        self.buf.clear();
        if self.n == 0 {
            self.buf.push(b'[');
        }
        {
            let mut j = Js::new(&mut self.buf, self.pretty);
            j.ind = 1;
            j.need_comma = self.n > 0;
            w_event(&mut j, ctx, ev, self.style);
        }
        self.n += 1;
        self.out.write_all(&self.buf)
    }
    fn bytes(&self) -> u64 {
        self.out.n
    }
    fn finish(&mut self, _ctx: &Ctx) -> io::Result<()> {
        if self.n == 0 {
            self.out.write_all(b"[]")?;
        } else if self.pretty {
            self.out.write_all(b"\n]\n")?;
        } else {
            self.out.write_all(b"]")?;
        }
        self.out.flush()
    }
}

struct NdjsonSink {
    out: Out,
    buf: Vec<u8>,
}

impl Sink for NdjsonSink {
    fn event(&mut self, ctx: &Ctx, ev: &Ev) -> io::Result<()> {
        self.buf.clear();
        let time = iso7(ev.time, 0);
        let dur = ev.duration.to_string();
        {
            let mut j = Js::new(&mut self.buf, false);
            j.obj();
            j.ks("time", &time);
            j.ks(
                "resourceId",
                &format!("/tenants/{}/providers/Microsoft.aadiam", ctx.tenant),
            );
            j.ks("operationName", "Provisioning activity");
            j.ks("operationVersion", "1.0");
            j.ks("category", "ProvisioningLogs");
            j.ks("tenantId", &ctx.tenant);
            j.ks("resultType", ev.status.result_type());
            if (ev.idx + 1).is_multiple_of(7) {
                j.ks("durationMs", &dur);
            } else {
                j.kr("durationMs", &dur);
            }
            j.ks("correlationId", &ev.change_id);
            j.ks("identity", &ev.id);
            j.kr("Level", "4");
            j.key("properties");
            w_event(&mut j, ctx, ev, Style::Diag);
            j.end();
        }
        self.buf.push(b'\n');
        self.out.write_all(&self.buf)
    }
    fn bytes(&self) -> u64 {
        self.out.n
    }
    fn finish(&mut self, _ctx: &Ctx) -> io::Result<()> {
        self.out.flush()
    }
}

enum Paging {
    /// page k holds events [k*n/P, (k+1)*n/P)
    Count(u64),
    /// switch page when the page reaches this many bytes
    Size(u64),
}

struct GraphSink {
    dir: Option<PathBuf>,
    single: Option<PathBuf>,
    pages: u64,
    paging: Paging,
    page: u64,
    in_page: u64,
    seen: u64,
    out: Option<Out>,
    done_bytes: u64,
    buf: Vec<u8>,
    top: u64,
}

impl GraphSink {
    fn page_path(&self, k: u64) -> PathBuf {
        match &self.dir {
            Some(d) => d.join(format!("graph-page-{}.json", k + 1)),
            None => self.single.clone().unwrap(),
        }
    }
    fn open_page(&mut self) -> io::Result<()> {
        let mut out = create(&self.page_path(self.page))?;
        out.write_all(b"{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#auditLogs/provisioning\",\"value\":[")?;
        self.out = Some(out);
        self.in_page = 0;
        Ok(())
    }
    fn close_page(&mut self, ctx: &Ctx, last: bool) -> io::Result<()> {
        let mut out = self.out.take().expect("open page");
        out.write_all(b"]")?;
        if !last {
            let token = format!(
                "{:016x}{:016x}{:016x}",
                hash(&[ctx.seed, 500, self.page]),
                hash(&[ctx.seed, 501, self.page]),
                hash(&[ctx.seed, 502, self.page])
            );
            write!(
                out,
                ",\"@odata.nextLink\":\"https://graph.microsoft.com/v1.0/auditLogs/provisioning?$top={}&$skiptoken={}\"",
                self.top, token
            )?;
        }
        out.write_all(b"}")?;
        out.flush()?;
        self.done_bytes += out.n;
        Ok(())
    }
    fn page_end(&self, k: u64) -> u64 {
        match self.paging {
            Paging::Count(n) => (k + 1) * n / self.pages,
            Paging::Size(_) => u64::MAX,
        }
    }
}

impl Sink for GraphSink {
    fn event(&mut self, ctx: &Ctx, ev: &Ev) -> io::Result<()> {
        if self.out.is_none() {
            self.open_page()?;
        }
        loop {
            let switch = match self.paging {
                Paging::Count(_) => self.seen >= self.page_end(self.page),
                Paging::Size(per) => self.out.as_ref().unwrap().n >= per && self.in_page > 0,
            };
            if !switch || self.page + 1 >= self.pages {
                break;
            }
            self.close_page(ctx, false)?;
            self.page += 1;
            self.open_page()?;
        }
        self.buf.clear();
        {
            let mut j = Js::new(&mut self.buf, false);
            j.need_comma = self.in_page > 0;
            w_event(&mut j, ctx, ev, Style::V1);
        }
        self.out.as_mut().unwrap().write_all(&self.buf)?;
        self.in_page += 1;
        self.seen += 1;
        Ok(())
    }
    fn bytes(&self) -> u64 {
        self.done_bytes + self.out.as_ref().map_or(0, |o| o.n)
    }
    fn finish(&mut self, ctx: &Ctx) -> io::Result<()> {
        if self.out.is_none() {
            self.open_page()?;
        }
        while self.page + 1 < self.pages {
            self.close_page(ctx, false)?;
            self.page += 1;
            self.open_page()?;
        }
        self.close_page(ctx, true)
    }
}

type CsvW = csv::Writer<Out>;

fn csv_writer(path: &Path) -> io::Result<CsvW> {
    let mut out = create(path)?;
    out.write_all("\u{feff}".as_bytes())?;
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out))
}

fn csv_err(e: csv::Error) -> io::Error {
    io::Error::other(e)
}

const LA_HEADER: &[&str] = &[
    "TenantId",
    "AADTenantId",
    "TimeGenerated [UTC]",
    "OperationName",
    "OperationVersion",
    "Category",
    "ResultType",
    "ResultSignature",
    "ResultDescription",
    "DurationMs",
    "CorrelationId",
    "Action",
    "ChangeId",
    "CycleId",
    "Id",
    "InitiatedBy",
    "JobId",
    "ModifiedProperties",
    "ProvisioningSteps",
    "ServicePrincipal",
    "SourceIdentity",
    "SourceSystem",
    "StatusInfo",
    "TargetIdentity",
    "TargetSystem",
    "ProvisioningAction",
    "ProvisioningStatusInfo",
    "Type",
];

struct LaCsvSink {
    w: CsvW,
    bufs: Vec<Vec<u8>>,
}

impl Sink for LaCsvSink {
    fn event(&mut self, ctx: &Ctx, ev: &Ev) -> io::Result<()> {
        let app = &ctx.apps[ev.app];
        let ((ss_id, ss_name, ss_det), (ts_id, ts_name, ts_det)) = systems(ctx, ev);
        for b in self.bufs.iter_mut() {
            b.clear();
        }
        {
            let [ib, mb, sb, spb, sib, ssb, tib, tsb, psib] = &mut self.bufs[..] else {
                unreachable!()
            };
            w_initiated(&mut Js::new(ib, false), Style::La);
            w_mods(&mut Js::new(mb, false), ev);
            w_steps(&mut Js::new(sb, false), ev, Style::La);
            w_sp(&mut Js::new(spb, false), app, Style::La);
            w_ident(&mut Js::new(sib, false), &ev.src, Style::La);
            w_system(
                &mut Js::new(ssb, false),
                &ss_id,
                &ss_name,
                &ss_det,
                Style::La,
            );
            w_ident(&mut Js::new(tib, false), &ev.tgt, Style::La);
            w_system(
                &mut Js::new(tsb, false),
                &ts_id,
                &ts_name,
                &ts_det,
                Style::La,
            );
            w_psi(&mut Js::new(psib, false), ev, Style::La);
        }
        let tg = la_time(ev.time);
        let dur = ev.duration.to_string();
        let (sig, desc) = match &ev.error {
            Some(e) => (e.code, e.reason.as_str()),
            None => ("", ""),
        };
        let b = &self.bufs;
        let row: [&[u8]; 28] = [
            ctx.workspace.as_bytes(),
            ctx.tenant.as_bytes(),
            tg.as_bytes(),
            b"Provisioning activity",
            b"1.0",
            b"ProvisioningLogs",
            ev.status.result_type().as_bytes(),
            sig.as_bytes(),
            desc.as_bytes(),
            dur.as_bytes(),
            ev.change_id.as_bytes(),
            ev.action.title().as_bytes(),
            ev.change_id.as_bytes(),
            ev.cycle_id.as_bytes(),
            ev.id.as_bytes(),
            &b[0],
            app.job_id.as_bytes(),
            &b[1],
            &b[2],
            &b[3],
            &b[4],
            &b[5],
            b"",
            &b[6],
            &b[7],
            ev.action.lower().as_bytes(),
            &b[8],
            b"AADProvisioningLogs",
        ];
        self.w.write_record(row).map_err(csv_err)
    }
    fn bytes(&self) -> u64 {
        self.w.get_ref().n
    }
    fn finish(&mut self, _ctx: &Ctx) -> io::Result<()> {
        self.w.flush()
    }
}

const CSV3_MAIN: &[&str] = &[
    "Date (UTC)",
    "ID",
    "Change ID",
    "Cycle ID",
    "Job ID",
    "Tenant ID",
    "Action",
    "Status",
    "Duration (ms)",
    "Initiated By",
    "Service Principal ID",
    "Service Principal Name",
    "Source System",
    "Target System",
    "Source Identity ID",
    "Source Identity Name",
    "Source Identity Type",
    "Target Identity ID",
    "Target Identity Name",
    "Target Identity Type",
    "Error Code",
    "Error Category",
    "Status Reason",
    "Additional Details",
    "Recommended Action",
];
const CSV3_STEPS: &[&str] = &[
    "Change ID",
    "Step",
    "Name",
    "Type",
    "Status",
    "Description",
    "Details",
];
const CSV3_MODS: &[&str] = &["Change ID", "Name", "Old Value", "New Value"];

struct Csv3Sink {
    main: CsvW,
    steps: CsvW,
    mods: CsvW,
    buf: Vec<u8>,
}

impl Sink for Csv3Sink {
    fn event(&mut self, ctx: &Ctx, ev: &Ev) -> io::Result<()> {
        let app = &ctx.apps[ev.app];
        let ((_, ss_name, _), (_, ts_name, _)) = systems(ctx, ev);
        let dur = ev.duration.to_string();
        let e = ev.error.as_ref();
        let row: [&str; 25] = [
            &ev.time_iso,
            &ev.id,
            &ev.change_id,
            &ev.cycle_id,
            &app.job_id,
            &ctx.tenant,
            ev.action.title(),
            ev.status.title(),
            &dur,
            "Azure AD Provisioning Service",
            &app.sp_id,
            app.def.name,
            &ss_name,
            &ts_name,
            &ev.src.id,
            &ev.src.name,
            ev.src.itype,
            &ev.tgt.id,
            &ev.tgt.name,
            ev.tgt.itype,
            e.map_or("", |e| e.code),
            e.map_or("", |e| e.category_title()),
            e.map_or("", |e| e.reason.as_str()),
            e.and_then(|e| e.additional.as_deref()).unwrap_or(""),
            e.and_then(|e| e.recommended).unwrap_or(""),
        ];
        self.main.write_record(row).map_err(csv_err)?;
        for (i, s) in ev.steps.iter().enumerate() {
            self.buf.clear();
            w_details(&mut Js::new(&mut self.buf, false), &s.details);
            let n = (i + 1).to_string();
            let row: [&[u8]; 7] = [
                ev.change_id.as_bytes(),
                n.as_bytes(),
                s.name.as_bytes(),
                s.stype.title().as_bytes(),
                s.status.title().as_bytes(),
                s.desc.as_bytes(),
                &self.buf,
            ];
            self.steps.write_record(row).map_err(csv_err)?;
        }
        for m in &ev.mods {
            let row: [&str; 4] = [
                &ev.change_id,
                m.name,
                m.old.as_deref().unwrap_or(""),
                m.new.as_deref().unwrap_or(""),
            ];
            self.mods.write_record(row).map_err(csv_err)?;
        }
        Ok(())
    }
    fn bytes(&self) -> u64 {
        self.main.get_ref().n + self.steps.get_ref().n + self.mods.get_ref().n
    }
    fn finish(&mut self, _ctx: &Ctx) -> io::Result<()> {
        self.main.flush()?;
        self.steps.flush()?;
        self.mods.flush()
    }
}

// ───────────────────────────── CLI ─────────────────────────────

const USAGE: &str = "usage: gen-export --format FORMAT --out PATH [--count N | --size-mb M]
                  [--failure-rate F] [--skip-rate S] [--seed N] [--pages P]
                  [--start 2026-11-20T00:00:00Z] [--cycle-minutes 40]

FORMAT:
  json       portal JSON download: bare minified array of v1.0 provisioningObjectSummary
  json-beta  same events in the old beta schema (action/statusInfo), pretty-printed
  graph      Graph API pages {@odata.context, value, @odata.nextLink}; with --pages P > 1
             (or --out an existing directory / ending in '/') writes graph-page-1.json ... into --out
  ndjson     Azure Monitor diagnostic-settings records, one per line
  la-csv     Log Analytics AADProvisioningLogs 'Export to CSV'
  csv3       portal CSV download: three files written into directory --out

Defaults: --count 1000, --failure-rate 0.01, --skip-rate 0.29, --seed 1, --pages 1,
          --start 2026-11-20T00:00:00Z, --cycle-minutes 40. --size-mb counts MiB (2^20 bytes).";

fn usage_exit(msg: &str) -> ! {
    eprintln!("gen-export: {msg}\n\n{USAGE}");
    std::process::exit(2);
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Json,
    JsonBeta,
    Graph,
    Ndjson,
    LaCsv,
    Csv3,
}

struct Args {
    format: Format,
    out: PathBuf,
    out_is_dir: bool,
    count: Option<u64>,
    size_mb: Option<f64>,
    fail: f64,
    skip: f64,
    seed: u64,
    pages: u64,
    start: i64,
    cycle_minutes: i64,
}

fn parse_args() -> Args {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut format = None;
    let mut out: Option<String> = None;
    let mut count = None;
    let mut size_mb = None;
    let mut fail = 0.01;
    let mut skip = 0.29;
    let mut seed = 1u64;
    let mut pages = 1u64;
    let mut start = parse_iso("2026-11-20T00:00:00Z").unwrap();
    let mut cycle_minutes = 40i64;
    let mut i = 0;
    fn num<T: std::str::FromStr>(flag: &str, v: &str) -> T {
        v.parse()
            .unwrap_or_else(|_| usage_exit(&format!("invalid value for {flag}: {v:?}")))
    }
    while i < argv.len() {
        let a = argv[i].as_str();
        if a == "-h" || a == "--help" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a, None),
        };
        let val = match inline {
            Some(v) => v,
            None => {
                i += 1;
                argv.get(i)
                    .cloned()
                    .unwrap_or_else(|| usage_exit(&format!("{flag} needs a value")))
            }
        };
        match flag {
            "--format" => {
                format = Some(match val.as_str() {
                    "json" => Format::Json,
                    "json-beta" => Format::JsonBeta,
                    "graph" => Format::Graph,
                    "ndjson" => Format::Ndjson,
                    "la-csv" => Format::LaCsv,
                    "csv3" => Format::Csv3,
                    other => usage_exit(&format!("unknown format {other:?}")),
                })
            }
            "--out" => out = Some(val),
            "--count" => count = Some(num::<u64>(flag, &val)),
            "--size-mb" => size_mb = Some(num::<f64>(flag, &val)),
            "--failure-rate" => fail = num::<f64>(flag, &val),
            "--skip-rate" => skip = num::<f64>(flag, &val),
            "--seed" => seed = num::<u64>(flag, &val),
            "--pages" => pages = num::<u64>(flag, &val),
            "--start" => {
                start = parse_iso(&val)
                    .unwrap_or_else(|| usage_exit(&format!("invalid --start {val:?}")))
            }
            "--cycle-minutes" => cycle_minutes = num::<i64>(flag, &val),
            _ => usage_exit(&format!("unknown argument {a:?}")),
        }
        i += 1;
    }
    let format = format.unwrap_or_else(|| usage_exit("--format is required"));
    let out = out.unwrap_or_else(|| usage_exit("--out is required"));
    if count.is_some() && size_mb.is_some() {
        usage_exit("--count and --size-mb are mutually exclusive");
    }
    if !(0.0..=1.0).contains(&fail) || !(0.0..=1.0).contains(&skip) || fail + skip > 1.0 {
        usage_exit("--failure-rate and --skip-rate must be in [0,1] and sum to at most 1");
    }
    if let Some(m) = size_mb
        && (m.is_nan() || m <= 0.0)
    {
        usage_exit("--size-mb must be positive");
    }
    if pages == 0 {
        usage_exit("--pages must be at least 1");
    }
    if cycle_minutes <= 0 {
        usage_exit("--cycle-minutes must be positive");
    }
    if pages > 1 && format != Format::Graph {
        usage_exit("--pages only applies to --format graph");
    }
    let out_is_dir = out.ends_with('/') || Path::new(&out).is_dir();
    Args {
        format,
        out: PathBuf::from(out),
        out_is_dir,
        count,
        size_mb,
        fail,
        skip,
        seed,
        pages,
        start,
        cycle_minutes,
    }
}

fn run(a: &Args) -> io::Result<(u64, u64)> {
    let ctx = make_ctx(a.seed, a.start, a.cycle_minutes, a.fail, a.skip);
    let count = if a.size_mb.is_none() {
        Some(a.count.unwrap_or(1000))
    } else {
        None
    };
    let target = a.size_mb.map(|m| (m * 1024.0 * 1024.0) as u64);
    let file_out = |a: &Args| -> io::Result<Out> {
        if a.out_is_dir {
            usage_exit("--out must be a file path for this format");
        }
        create(&a.out)
    };
    let mut sink: Box<dyn Sink> = match a.format {
        Format::Json => Box::new(ArraySink {
            out: file_out(a)?,
            buf: Vec::new(),
            pretty: false,
            style: Style::V1,
            n: 0,
        }),
        Format::JsonBeta => Box::new(ArraySink {
            out: file_out(a)?,
            buf: Vec::new(),
            pretty: true,
            style: Style::Beta,
            n: 0,
        }),
        Format::Ndjson => Box::new(NdjsonSink {
            out: file_out(a)?,
            buf: Vec::new(),
        }),
        Format::LaCsv => {
            if a.out_is_dir {
                usage_exit("--out must be a file path for la-csv");
            }
            let mut w = csv_writer(&a.out)?;
            w.write_record(LA_HEADER).map_err(csv_err)?;
            Box::new(LaCsvSink {
                w,
                bufs: (0..9).map(|_| Vec::new()).collect(),
            })
        }
        Format::Csv3 => {
            fs::create_dir_all(&a.out)?;
            let mut main = csv_writer(&a.out.join("ProvisioningLogs_2026-11-25.csv"))?;
            let mut steps = csv_writer(
                &a.out
                    .join("ProvisioningLogs_ProvisioningSteps_2026-11-25.csv"),
            )?;
            let mut mods = csv_writer(
                &a.out
                    .join("ProvisioningLogs_ModifiedProperties_2026-11-25.csv"),
            )?;
            main.write_record(CSV3_MAIN).map_err(csv_err)?;
            steps.write_record(CSV3_STEPS).map_err(csv_err)?;
            mods.write_record(CSV3_MODS).map_err(csv_err)?;
            Box::new(Csv3Sink {
                main,
                steps,
                mods,
                buf: Vec::new(),
            })
        }
        Format::Graph => {
            let dir_mode = a.out_is_dir || a.pages > 1;
            if dir_mode {
                fs::create_dir_all(&a.out)?;
            }
            let paging = match (count, target) {
                (Some(n), _) => Paging::Count(n),
                (None, Some(t)) => Paging::Size((t / a.pages).max(1)),
                _ => unreachable!(),
            };
            let top = match count {
                Some(n) => n.div_ceil(a.pages).max(1),
                None => 1000,
            };
            Box::new(GraphSink {
                dir: if dir_mode { Some(a.out.clone()) } else { None },
                single: if dir_mode { None } else { Some(a.out.clone()) },
                pages: a.pages,
                paging,
                page: 0,
                in_page: 0,
                seen: 0,
                out: None,
                done_bytes: 0,
                buf: Vec::new(),
                top,
            })
        }
    };
    let mut g = EventGen::new(&ctx);
    let mut n = 0u64;
    loop {
        match (count, target) {
            (Some(c), _) if n >= c => break,
            (None, Some(t)) if sink.bytes() >= t => break,
            _ => {}
        }
        let ev = g.next_event();
        sink.event(&ctx, &ev)?;
        n += 1;
    }
    sink.finish(&ctx)?;
    Ok((n, sink.bytes()))
}

fn main() {
    let a = parse_args();
    match run(&a) {
        Ok((n, bytes)) => eprintln!(
            "gen-export: wrote {n} events ({bytes} bytes) to {}",
            a.out.display()
        ),
        Err(e) => {
            eprintln!("gen-export: {e}");
            std::process::exit(1);
        }
    }
}
