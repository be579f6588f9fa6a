//! Turns a borrowed [`RawEvent`] into an owned, normalised [`Event`].
//!
//! Precedence rules live here: v1.0 fields win over the old beta ones, the event's own
//! fields over the diagnostic or Log Analytics envelope.

use std::borrow::Cow;

use serde_json::Value;

use super::raw::{Key, Nested, RawError, RawEvent, RawParty, Scalar};
use crate::event::{ErrorInfo, Event, ModifiedProperty, Party, Status, Step, StepType};
use crate::time::parse_time;

/// What could not be made sense of; the event is kept with those fields empty.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Damage {
    /// Fields with a value of the wrong JSON type, found while parsing.
    pub raw: u32,
    /// Text that is not what the field holds (a time that is no time, steps that are not
    /// JSON), found while normalising.
    pub bad_fields: u32,
}

pub fn normalize(raw: &RawEvent<'_>) -> (Event, Damage) {
    let mut damage = Damage {
        raw: raw.wrong_fields(),
        bad_fields: 0,
    };
    let time = raw.time_text().and_then(|t| {
        let parsed = parse_time(t);
        if parsed.is_none() {
            damage.bad_fields = damage.bad_fields.saturating_add(1);
        }
        parsed
    });
    let duration_ms = raw.duration_ms.or_else(|| {
        raw.duration.as_deref().and_then(|d| {
            let d = d.trim();
            let parsed = d
                .parse::<i64>()
                .ok()
                .or_else(|| d.parse::<f64>().ok().map(|f| f as i64));
            if parsed.is_none() && !d.is_empty() {
                damage.bad_fields = damage.bad_fields.saturating_add(1);
            }
            parsed
        })
    });
    let error = error_info(raw);
    let steps = match &raw.steps {
        Some(n) => parse_steps(n, &mut damage),
        None => Vec::new(),
    };
    let modified_properties = match &raw.modified_properties {
        Some(n) => parse_properties(n, &mut damage),
        None => Vec::new(),
    };
    let ev = Event {
        id: owned(&raw.id),
        change_id: raw.change_id().map(str::to_owned).filter(|s| !s.is_empty()),
        cycle_id: owned(&raw.cycle_id),
        job_id: owned(&raw.job_id),
        tenant_id: owned(&raw.tenant_id),
        time,
        action: raw.action(),
        status: raw.status(),
        duration_ms,
        service_principal: party(&raw.service_principal),
        source_system: lazy(&raw.source_system, raw.lazy_parties[0], &mut damage),
        target_system: lazy(&raw.target_system, raw.lazy_parties[1], &mut damage),
        source_identity: lazy(&raw.source_identity, raw.lazy_parties[2], &mut damage),
        target_identity: lazy(&raw.target_identity, raw.lazy_parties[3], &mut damage),
        initiated_by: lazy(&raw.initiated_by, raw.lazy_parties[4], &mut damage),
        error,
        steps,
        modified_properties,
    };
    (ev, damage)
}

fn owned(s: &Option<Cow<'_, str>>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A party the reader kept as raw JSON is parsed now; its type errors count as damage.
fn lazy<'a>(
    p: &RawParty<'a>,
    raw: Option<&'a serde_json::value::RawValue>,
    damage: &mut Damage,
) -> Party {
    let resolved = p.resolve(raw);
    if raw.is_some() {
        damage.bad_fields += resolved.wrong;
    }
    party(&resolved)
}

fn party(p: &RawParty<'_>) -> Party {
    Party {
        id: owned(&p.id),
        name: owned(&p.name),
        kind: owned(&p.kind),
        upn: owned(&p.upn),
    }
}

fn error_from(e: &RawError<'_>) -> ErrorInfo {
    ErrorInfo {
        code: owned(&e.code),
        reason: e
            .reason
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned),
        additional_details: owned(&e.additional_details),
        category: owned(&e.category),
        recommended_action: owned(&e.recommended_action),
    }
}

/// v1.0 `errorInformation`, else beta `statusInfo`, else the Log Analytics columns.
fn error_info(raw: &RawEvent<'_>) -> ErrorInfo {
    let mut e = if !raw.status.error.is_empty() {
        error_from(&raw.status.error)
    } else {
        error_from(&raw.status_beta.error)
    };
    if e.code.is_none() {
        e.code = owned(&raw.result_signature).filter(|c| !is_none_code(c));
    }
    if e.reason.is_none() {
        e.reason = owned(&raw.result_description);
    }
    if e.code.as_deref().is_some_and(is_none_code) {
        e.code = None;
    }
    e
}

/// Exports write "no error" as `None` or `0` in code columns.
fn is_none_code(c: &str) -> bool {
    c.eq_ignore_ascii_case("none") || c == "0" || c.eq_ignore_ascii_case("null")
}

/// The JSON held by a nested field: raw JSON, or a JSON string holding JSON text.
fn nested_value(n: &Nested<'_>) -> Option<Value> {
    let text: Cow<'_, str> = match n {
        Nested::Raw(raw) => {
            let s = raw.get();
            if s.trim_start().starts_with('"') {
                Cow::Owned(serde_json::from_str::<String>(s).ok()?)
            } else {
                return serde_json::from_str(s).ok();
            }
        }
        Nested::Text(t) => Cow::Borrowed(t.as_ref()),
    };
    if text.trim().is_empty() {
        return Some(Value::Null);
    }
    serde_json::from_str(&text).ok()
}

fn get<'v>(obj: &'v serde_json::Map<String, Value>, names: &[&str]) -> Option<&'v Value> {
    obj.iter()
        .find(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n)))
        .map(|(_, v)| v)
}

/// A JSON value as text: strings as they are, other scalars printed, null as none.
pub fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_owned()),
        other => Some(other.to_string()),
    }
}

fn text(obj: &serde_json::Map<String, Value>, names: &[&str]) -> Option<String> {
    get(obj, names).and_then(value_text)
}

fn parse_steps(n: &Nested<'_>, damage: &mut Damage) -> Vec<Step> {
    let Some(v) = nested_value(n) else {
        damage.bad_fields = damage.bad_fields.saturating_add(1);
        return Vec::new();
    };
    let items = match v {
        Value::Array(items) => items,
        Value::Null => return Vec::new(),
        Value::Object(_) => vec![v],
        _ => {
            damage.bad_fields = damage.bad_fields.saturating_add(1);
            return Vec::new();
        }
    };
    let mut steps = Vec::with_capacity(items.len());
    for item in items {
        let Value::Object(obj) = item else {
            damage.bad_fields = damage.bad_fields.saturating_add(1);
            continue;
        };
        steps.push(step_from(&obj));
    }
    steps
}

pub fn step_from(obj: &serde_json::Map<String, Value>) -> Step {
    let details = match get(obj, &["details"]) {
        Some(Value::Object(d)) => d
            .iter()
            .filter_map(|(k, v)| value_text(v).map(|v| (k.clone(), v)))
            .collect(),
        Some(Value::String(s)) => parse_details_text(s),
        _ => Vec::new(),
    };
    Step {
        name: text(obj, &["name"]),
        step_type: text(obj, &["provisioningStepType", "type"])
            .map(|t| StepType::parse(&t))
            .unwrap_or(StepType::Unknown),
        status: text(obj, &["status"])
            .map(|s| Status::parse(&s))
            .unwrap_or(Status::Unknown),
        description: text(obj, &["description"]),
        details,
    }
}

/// Step details written as JSON text (CSV cells); anything else is kept as one entry.
pub fn parse_details_text(s: &str) -> Vec<(String, String)> {
    if s.trim().is_empty() {
        return Vec::new();
    }
    match serde_json::from_str::<Value>(s) {
        Ok(Value::Object(d)) => d
            .iter()
            .filter_map(|(k, v)| value_text(v).map(|v| (k.clone(), v)))
            .collect(),
        _ => vec![("Details".to_owned(), s.to_owned())],
    }
}

fn parse_properties(n: &Nested<'_>, damage: &mut Damage) -> Vec<ModifiedProperty> {
    let Some(v) = nested_value(n) else {
        damage.bad_fields = damage.bad_fields.saturating_add(1);
        return Vec::new();
    };
    let Value::Array(items) = v else {
        if !v.is_null() {
            damage.bad_fields = damage.bad_fields.saturating_add(1);
        }
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let obj = item.as_object()?;
            Some(ModifiedProperty {
                name: text(obj, &["displayName", "name"])?,
                old_value: text(obj, &["oldValue"]),
                new_value: text(obj, &["newValue"]),
            })
        })
        .collect()
}

/// Whether an update only touches `accountDisabled`, looking at the raw JSON without
/// normalising the whole event (used for the summary of every update, so no allocation).
pub fn only_account_disabled(n: &Nested<'_>) -> bool {
    match n {
        Nested::Raw(raw) if !raw.get().trim_start().starts_with('"') => {
            serde_json::from_str::<OnlyAccountDisabled>(raw.get()).is_ok_and(|o| o.0)
        }
        // JSON text in a CSV cell: rare and small, parse it whole.
        _ => match nested_value(n) {
            Some(Value::Array(items)) => {
                !items.is_empty()
                    && items.iter().all(|item| {
                        item.as_object()
                            .and_then(|o| text(o, &["displayName", "name"]))
                            .is_some_and(|n| n.eq_ignore_ascii_case("accountDisabled"))
                    })
            }
            _ => false,
        },
    }
}

/// Visits `modifiedProperties` and says whether every entry is `accountDisabled`.
struct OnlyAccountDisabled(bool);

impl<'de> serde::Deserialize<'de> for OnlyAccountDisabled {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
        use std::fmt;

        struct Name(bool);
        impl<'de> serde::Deserialize<'de> for Name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Name;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("a modified property")
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Name, A::Error> {
                        let mut is = false;
                        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
                            if k.eq_ignore_ascii_case("displayName")
                                || k.eq_ignore_ascii_case("name")
                            {
                                is = matches!(
                                    map.next_value::<Scalar<'de>>()?,
                                    Scalar::Str(v) if v.eq_ignore_ascii_case("accountDisabled")
                                );
                            } else {
                                map.next_value::<IgnoredAny>()?;
                            }
                        }
                        Ok(Name(is))
                    }
                }
                d.deserialize_map(V)
            }
        }

        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OnlyAccountDisabled;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("modified properties")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut any = false;
                let mut all = true;
                while let Some(Name(is)) = seq.next_element::<Name>()? {
                    any = true;
                    all &= is;
                }
                Ok(OnlyAccountDisabled(any && all))
            }
        }
        d.deserialize_seq(V)
    }
}
