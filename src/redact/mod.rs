//! `--redact`: people's data in an [`Event`] replaced by stable pseudonyms, so that a report
//! can be sent to a vendor.
//!
//! Applied to the owned event before classification and rendering, so every output format
//! (and the catalog's captured values) sees only pseudonyms. Pure apart from the map it keeps:
//! no I/O, no clock, no randomness, so the same input always gives the same tokens.
//!
//! What is replaced: user principal names and e-mail addresses (`user-0001`, or
//! `user-0001@contoso.com` with `keep-domain`), display names and name parts (`name-`,
//! `given-`, `family-`), logins and employee numbers (`login-`), object ids (`obj-`), phone
//! numbers and street addresses (`phone-`, `addr-`). They are found in three ways: the
//! identity fields of the event, step details and modified properties whose key names a
//! personal attribute, and inside free text (reasons, step descriptions, other details and
//! property values) by pattern (e-mail addresses, GUIDs) and by the values already found in
//! the same event.
//!
//! What is kept: change, cycle, job, tenant and event ids, the app's and the systems' ids and
//! names, error codes, and GUIDs that a message labels as a request, trace, correlation,
//! application, SKU or plan id: they identify requests and products, not people, and a
//! vendor's support needs them.
//!
//! Tokens are numbered from a counter, not hashed: a short hash would collide within a large
//! export (two people, one token) and could be confirmed by hashing a guessed address. The
//! values of one person in one event share a number where they can (`name-0003` is the
//! display name of `user-0003`), which makes a redacted report easier to read.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use regex::Regex;

use crate::event::{Event, Party};

/// How much of an e-mail address survives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Everything is replaced.
    Full,
    /// The domain of e-mail addresses and UPNs is kept (`user-0001@contoso.com`).
    KeepDomain,
}

/// What a personal value is; decides the token's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    User,
    Name,
    Given,
    Family,
    Login,
    Obj,
    Phone,
    Addr,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Name => "name",
            Kind::Given => "given",
            Kind::Family => "family",
            Kind::Login => "login",
            Kind::Obj => "obj",
            Kind::Phone => "phone",
            Kind::Addr => "addr",
        }
    }
}

struct Res {
    email: Regex,
    guid: Regex,
}

fn res() -> &'static Res {
    static RES: OnceLock<Res> = OnceLock::new();
    RES.get_or_init(|| {
        let re = crate::reason::fixed_regex;
        Res {
            // ASCII local parts only: a Unicode class would swallow the Japanese text that
            // often sits right before an address, and give one address several tokens.
            email: re(
                r"[A-Za-z0-9._%+!#$&*/=?^{}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}",
            ),
            guid: re(
                r"\b[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\b",
            ),
        }
    })
}

/// Words that, just before a GUID, say it names a request or a product rather than a person
/// or an object of the directory.
const KEEP_CONTEXT: &[&str] = &[
    "trace",
    "correlation",
    "request",
    "tracking",
    "client",
    "app",
    "sku",
    "plan",
    "tenant",
    "subscription",
    "job",
    "cycle",
    "change",
];

/// How far back the context of a GUID is looked for.
const CONTEXT_CHARS: usize = 24;

/// Known values shorter than this are replaced in their own fields but not searched for in
/// free text, where two letters would hit ordinary words. Two CJK characters are a whole
/// given name, so for them the bar is lower.
const MIN_FREE_TEXT_CHARS: usize = 3;
const MIN_FREE_TEXT_CHARS_CJK: usize = 2;

/// The attribute a detail key or property name holds, when it is personal.
fn key_kind(key: &str) -> Option<Kind> {
    // `urn:…:enterprise:2.0:User:employeeNumber` → `employeeNumber`;
    // `emails[type eq "work"].value` → `emailsvalue`.
    let mut plain = String::with_capacity(key.len());
    let mut depth = 0u32;
    for c in key.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => plain.clear(),
            c if depth == 0 && c.is_alphanumeric() => plain.extend(c.to_lowercase()),
            _ => {}
        }
    }
    let k = plain.as_str();
    if k.contains("yomi") || k.contains("kana") || k.contains("phonetic") {
        return Some(Kind::Name);
    }
    Some(match k {
        "displayname" | "cn" | "commonname" | "fullname" | "nameformatted" | "middlename"
        | "namemiddlename" | "nickname" | "communitynickname" | "preferredname" => Kind::Name,
        "givenname" | "namegivenname" | "firstname" => Kind::Given,
        "surname" | "sn" | "familyname" | "namefamilyname" | "lastname" => Kind::Family,
        "userprincipalname"
        | "upn"
        | "mail"
        | "email"
        | "emails"
        | "emailsvalue"
        | "emailaddress"
        | "mailaddress"
        | "othermails"
        | "proxyaddresses"
        | "byodemail"
        | "username"
        | "login"
        | "loginid"
        | "loginname"
        | "samaccountname"
        | "onpremisessamaccountname"
        | "mailnickname"
        | "alias"
        | "externalid"
        | "employeeid"
        | "employeenumber"
        | "workerid"
        | "uid"
        | "userid"
        | "reportableidentifier" => Kind::Login,
        "objectid"
        | "id"
        | "identifier"
        | "members"
        | "member"
        | "manager"
        | "managerid"
        | "sourceanchor"
        | "immutableid"
        | "onpremisesimmutableid"
        | "objectguid"
        | "wid"
        | "anchor" => Kind::Obj,
        "telephonenumber"
        | "mobile"
        | "mobilephone"
        | "businessphones"
        | "phonenumbers"
        | "phonenumbersvalue"
        | "phone"
        | "phonenumber"
        | "homephone"
        | "byodphonenumber"
        | "facsimiletelephonenumber"
        | "faxnumber" => Kind::Phone,
        "streetaddress"
        | "addressesstreetaddress"
        | "postalcode"
        | "addressespostalcode"
        | "homeaddress"
        | "addressesformatted" => Kind::Addr,
        _ => return None,
    })
}

/// Keys whose values belong to someone other than the event's own person.
fn other_person(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("manager") || k.contains("member")
}

fn is_guid(s: &str) -> bool {
    let s = s.trim();
    s.len() == 36
        && res()
            .guid
            .find(s)
            .is_some_and(|m| m.start() == 0 && m.end() == 36)
}

/// Per event: the values found so far and the ids that must stay.
#[derive(Default)]
struct EventScope {
    /// The number given to this event's person, shared by their values where free.
    person: Option<u32>,
    /// Whole personal values of this event (original, token), searched for in free text.
    known: Vec<(String, String)>,
    /// Lower-cased GUIDs of the event's own non-personal ids.
    keep: HashSet<String>,
}

/// Replaces people's data with pseudonyms; one per run, so that the same value gets the
/// same token in every event.
pub struct Redactor {
    mode: Mode,
    tokens: HashMap<String, String>,
    used: HashSet<(Kind, u32)>,
    next: u32,
}

impl Redactor {
    pub fn new(mode: Mode) -> Redactor {
        Redactor {
            mode,
            tokens: HashMap::new(),
            used: HashSet::new(),
            next: 0,
        }
    }

    /// The token for a value. `person` links the values of one person: when set, its number
    /// is reused if this kind has not used it yet; when unset, it takes this token's number.
    fn token(&mut self, kind: Kind, value: &str, person: &mut Option<u32>) -> String {
        let value = value.trim();
        // Addresses and GUIDs are case-insensitive; names are not (`May` the person, `may`
        // the verb).
        let key = match kind {
            Kind::User => format!("{}\u{0}{}", kind.prefix(), value.to_lowercase()),
            Kind::Obj if is_guid(value) => {
                format!("{}\u{0}{}", kind.prefix(), value.to_lowercase())
            }
            _ => format!("{}\u{0}{value}", kind.prefix()),
        };
        if let Some(t) = self.tokens.get(&key) {
            return t.clone();
        }
        let n = match *person {
            Some(p) if !self.used.contains(&(kind, p)) => p,
            _ => {
                self.next += 1;
                self.next
            }
        };
        if person.is_none() {
            *person = Some(n);
        }
        self.used.insert((kind, n));
        let mut token = format!("{}-{n:04}", kind.prefix());
        if kind == Kind::User
            && self.mode == Mode::KeepDomain
            && let Some((_, domain)) = value.rsplit_once('@')
        {
            token.push('@');
            token.push_str(&domain.to_lowercase());
        }
        self.tokens.insert(key, token.clone());
        token
    }

    /// Redacts one event: identities, personal details and properties, then free text.
    pub fn event(&mut self, mut ev: Event) -> Event {
        let mut scope = EventScope::default();
        for id in [
            &ev.change_id,
            &ev.cycle_id,
            &ev.job_id,
            &ev.tenant_id,
            &ev.id,
            &ev.service_principal.id,
            &ev.source_system.id,
            &ev.target_system.id,
        ]
        .into_iter()
        .flatten()
        {
            for m in res().guid.find_iter(id) {
                scope.keep.insert(m.as_str().to_lowercase());
            }
        }

        self.party(&mut ev.source_identity, &mut scope, true);
        self.party(&mut ev.target_identity, &mut scope, true);
        if initiator_is_person(&ev.initiated_by) {
            self.party(&mut ev.initiated_by, &mut scope, false);
        }

        // Personal details and properties first, so that their values are known when the
        // free text around them is searched.
        for step in &mut ev.steps {
            for (k, v) in &mut step.details {
                if let Some(kind) = key_kind(k) {
                    *v = self.personal(kind, v, &mut scope, !other_person(k));
                }
            }
        }
        for p in &mut ev.modified_properties {
            if let Some(kind) = key_kind(&p.name) {
                let own = !other_person(&p.name);
                for v in [&mut p.old_value, &mut p.new_value].into_iter().flatten() {
                    *v = self.personal(kind, v, &mut scope, own);
                }
            }
        }

        for text in [
            &mut ev.error.reason,
            &mut ev.error.additional_details,
            &mut ev.error.recommended_action,
        ]
        .into_iter()
        .flatten()
        {
            *text = self.free_text(text, &mut scope);
        }
        for step in &mut ev.steps {
            if let Some(d) = &mut step.description {
                *d = self.free_text(d, &mut scope);
            }
            for (k, v) in &mut step.details {
                if key_kind(k).is_none() {
                    *v = self.free_text(v, &mut scope);
                }
            }
        }
        for p in &mut ev.modified_properties {
            if key_kind(&p.name).is_none() {
                for v in [&mut p.old_value, &mut p.new_value].into_iter().flatten() {
                    *v = self.free_text(v, &mut scope);
                }
            }
        }
        ev
    }

    /// An identity: its UPN, name and object id. `own` says it is the event's person.
    fn party(&mut self, p: &mut Party, scope: &mut EventScope, own: bool) {
        if let Some(upn) = &mut p.upn {
            *upn = self.personal(Kind::Login, upn, scope, own);
        }
        if let Some(name) = &mut p.name {
            *name = self.personal(Kind::Name, name, scope, own);
        }
        if let Some(id) = &mut p.id {
            *id = self.personal(Kind::Obj, id, scope, own);
        }
    }

    /// A value known to be personal, of this kind (unless its shape says otherwise: an
    /// address is always a `user`, a GUID always an `obj`).
    fn personal(&mut self, kind: Kind, value: &str, scope: &mut EventScope, own: bool) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return value.to_owned();
        }
        let mut other = None;
        if kind == Kind::Obj && !is_guid(trimmed) && res().guid.is_match(trimmed) {
            // A list or a JSON object of ids (`members`, `manager`).
            let person = if own { &mut scope.person } else { &mut other };
            let mut out = String::with_capacity(value.len());
            let mut at = 0;
            for m in res().guid.find_iter(value) {
                out.push_str(&value[at..m.start()]);
                out.push_str(&self.token(Kind::Obj, m.as_str(), person));
                at = m.end();
            }
            out.push_str(&value[at..]);
            return out;
        }
        if res().email.is_match(trimmed) {
            // Addresses keep one token wherever they appear; whatever surrounds them is
            // treated like any text of the event.
            return self.free_text_with(value, scope, own);
        }
        let kind = if is_guid(trimmed) { Kind::Obj } else { kind };
        let person = if own { &mut scope.person } else { &mut other };
        let token = self.token(kind, trimmed, person);
        let min = if trimmed.is_ascii() {
            MIN_FREE_TEXT_CHARS
        } else {
            MIN_FREE_TEXT_CHARS_CJK
        };
        if trimmed.chars().count() >= min && !scope.known.iter().any(|(v, _)| v == trimmed) {
            scope.known.push((trimmed.to_owned(), token.clone()));
            // Longest first, so that `Brian Williams` wins over `Brian`.
            scope
                .known
                .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        }
        token
    }

    fn free_text(&mut self, text: &str, scope: &mut EventScope) -> String {
        self.free_text_with(text, scope, false)
    }

    /// Text that may embed people's data: addresses, GUIDs of objects and this event's
    /// known values are replaced in one left-to-right pass, so a token is never searched
    /// again. `own` links new addresses to the event's person (for personal fields).
    fn free_text_with(&mut self, text: &str, scope: &mut EventScope, own: bool) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        while at < text.len() {
            let email = res().email.find_at(text, at).map(|m| (m.start(), m.end()));
            let guid = res().guid.find_at(text, at).map(|m| (m.start(), m.end()));
            let known = find_known(text, at, &scope.known);
            // The earliest match wins; at the same place, an address over a GUID over a
            // known value (an address contains the login that is also known).
            let mut best: Option<(usize, usize, u8)> = None;
            for c in [
                email.map(|(s, e)| (s, e, 0u8)),
                guid.map(|(s, e)| (s, e, 1u8)),
                known.map(|(s, e, _)| (s, e, 2u8)),
            ]
            .into_iter()
            .flatten()
            {
                if best.is_none_or(|b| c.0 < b.0) {
                    best = Some(c);
                }
            }
            let Some((start, end, which)) = best else {
                break;
            };
            out.push_str(&text[at..start]);
            let found = &text[start..end];
            let replacement = match which {
                0 => {
                    let mut other = None;
                    let person = if own { &mut scope.person } else { &mut other };
                    self.token(Kind::User, found, person)
                }
                1 => {
                    let lower = found.to_lowercase();
                    let known_token = self.tokens.get(&format!("obj\u{0}{lower}")).cloned();
                    match known_token {
                        Some(t) => t,
                        None if scope.keep.contains(&lower) || keep_context(text, start) => {
                            found.to_owned()
                        }
                        None => self.token(Kind::Obj, found, &mut None),
                    }
                }
                _ => known.map(|(_, _, t)| t.to_owned()).unwrap_or_default(),
            };
            out.push_str(&replacement);
            at = end;
        }
        out.push_str(&text[at..]);
        out
    }
}

/// The earliest occurrence at or after `from` of a known value, at a word boundary for
/// ASCII edges (CJK text has no spaces, so there any occurrence counts).
fn find_known<'k>(
    text: &str,
    from: usize,
    known: &'k [(String, String)],
) -> Option<(usize, usize, &'k str)> {
    let mut best: Option<(usize, usize, &str)> = None;
    for (value, token) in known {
        let mut at = from;
        while let Some(i) = text[at..].find(value.as_str()) {
            let start = at + i;
            let end = start + value.len();
            if bounded(text, start, end) {
                if best.is_none_or(|b| start < b.0) {
                    best = Some((start, end, token.as_str()));
                }
                break;
            }
            // Step one character on; `start` is a char boundary, so is the next one.
            at = start + text[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    best
}

fn bounded(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric();
    let first = text[start..].chars().next();
    let last = text[..end].chars().next_back();
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let left_ok = !(first.is_some_and(word) && before.is_some_and(word));
    let right_ok = !(last.is_some_and(word) && after.is_some_and(word));
    left_ok && right_ok
}

fn keep_context(text: &str, start: usize) -> bool {
    let before = &text[..start];
    // Only the words since the previous GUID: in `Trace ID: X Correlation ID: Y` the second
    // id is judged by "Correlation", not by "Trace".
    let since = res()
        .guid
        .find_iter(before)
        .last()
        .map_or(before, |m| &before[m.end()..]);
    let window: String = since
        .chars()
        .rev()
        .take(CONTEXT_CHARS)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_lowercase();
    KEEP_CONTEXT.iter().any(|w| window.contains(w))
}

/// The initiator is a person when the export says so, or says nothing and the name is not
/// the provisioning service's.
fn initiator_is_person(p: &Party) -> bool {
    match p.kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("system" | "application" | "serviceprincipal") => false,
        Some(_) => true,
        None => p
            .name
            .as_deref()
            .is_some_and(|n| !n.contains("Provisioning Service") && !n.trim().is_empty()),
    }
}

#[cfg(test)]
mod tests;
