//! A provisioning event as it sits in the input, borrowed from the parser's slice.
//!
//! Reading every field of every event into owned strings would cost an allocation per
//! field; most events are successes that only feed the summary. So readers first produce
//! a [`RawEvent`] that borrows from the input, the summary and the cheap filters look at
//! it, and only the selected events are normalised into an owned [`crate::event::Event`]
//! (see `normalize.rs`). Steps and modified properties stay unparsed (`Nested`) until then.
//!
//! Keys are matched case-insensitively against the alias tables in `fields.rs`, so the
//! portal's camelCase, the diagnostic stream's `Id`/`Name`/`Type`/`Status` and Log
//! Analytics' PascalCase all land in the same fields. Nested objects may also arrive as JSON
//! text (Log Analytics columns); both are accepted.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::fields::{self, ErrorKey, PartyKey, StatusKey, TopKey};
use super::normalize::{self, parse_duration};
use crate::time::parse_time;

mod flex;

use flex::{Flex, FlexDoc, take_flex, wrong};

pub type Str<'a> = Cow<'a, str>;

/// A nested value not parsed yet: raw JSON from a JSON input, or JSON text from a CSV cell
/// (or a JSON string holding JSON text, as Log Analytics exports write it).
#[derive(Debug, Clone)]
pub enum Nested<'a> {
    Raw(&'a RawValue),
    Text(Str<'a>),
}

#[derive(Debug, Default, Clone)]
pub struct RawParty<'a> {
    pub id: Option<Str<'a>>,
    pub name: Option<Str<'a>>,
    pub kind: Option<Str<'a>>,
    pub upn: Option<Str<'a>>,
    pub wrong: u32,
}

#[derive(Debug, Default, Clone)]
pub struct RawError<'a> {
    pub code: Option<Str<'a>>,
    pub reason: Option<Str<'a>>,
    pub additional_details: Option<Str<'a>>,
    pub category: Option<Str<'a>>,
    pub recommended_action: Option<Str<'a>>,
    pub wrong: u32,
}

/// `provisioningStatusInfo` (v1.0) or `statusInfo` (beta, error fields inline).
#[derive(Debug, Default, Clone)]
pub struct RawStatus<'a> {
    pub status: Option<Str<'a>>,
    pub error: RawError<'a>,
    pub wrong: u32,
}

#[derive(Debug, Default, Clone)]
pub struct RawEvent<'a> {
    pub id: Option<Str<'a>>,
    pub activity_time: Option<Str<'a>>,
    /// `time` of a diagnostic record or `TimeGenerated` of Log Analytics.
    pub envelope_time: Option<Str<'a>>,
    pub tenant_id: Option<Str<'a>>,
    pub job_id: Option<Str<'a>>,
    pub cycle_id: Option<Str<'a>>,
    pub change_id: Option<Str<'a>>,
    pub correlation_id: Option<Str<'a>>,
    pub action: Option<Str<'a>>,
    pub action_beta: Option<Str<'a>>,
    pub status: RawStatus<'a>,
    pub status_beta: RawStatus<'a>,
    /// Log Analytics / diagnostic envelope: `ResultType`, `ResultSignature`,
    /// `ResultDescription`.
    pub result_type: Option<Str<'a>>,
    pub result_signature: Option<Str<'a>>,
    pub result_description: Option<Str<'a>>,
    pub duration: Option<Str<'a>>,
    pub duration_ms: Option<i64>,
    pub service_principal: RawParty<'a>,
    pub source_system: RawParty<'a>,
    pub target_system: RawParty<'a>,
    pub source_identity: RawParty<'a>,
    pub target_identity: RawParty<'a>,
    pub initiated_by: RawParty<'a>,
    /// The parties only selected events need, kept as raw JSON until normalisation (in
    /// `LAZY_PARTIES` order) so that the other events never pay for parsing them.
    pub lazy_parties: [Option<&'a RawValue>; 5],
    pub steps: Option<Nested<'a>>,
    pub modified_properties: Option<Nested<'a>>,
    /// Fields that had a value of the wrong JSON type; they are left empty.
    pub wrong: u32,
    /// The object held a Graph `value` array: a page, whose events were already emitted.
    pub is_page: bool,
    /// Number of known fields seen; an object with none is not a provisioning event.
    pub known: u32,
    /// Set by [`RawEvent::check`]: the time, parsed once for every reader of the event.
    checked_time: Option<Option<DateTime<Utc>>>,
    /// Set by [`RawEvent::check`]: fields whose text or shape is not what they hold.
    bad_form: u32,
}

/// The parties parsed lazily, in the order of `RawEvent::lazy_parties`.
pub const LAZY_PARTIES: [TopKey; 5] = [
    TopKey::SourceSystem,
    TopKey::TargetSystem,
    TopKey::SourceIdentity,
    TopKey::TargetIdentity,
    TopKey::InitiatedBy,
];

impl<'a> RawParty<'a> {
    /// Parses a party kept as raw JSON; returns it and whether it had the wrong type.
    pub fn from_raw(raw: &'a RawValue) -> RawParty<'a> {
        match serde_json::from_str::<FlexDoc<RawParty<'a>>>(raw.get()) {
            Ok(FlexDoc(p)) => p,
            Err(_) => wrong(),
        }
    }

    /// The party of `slot`, parsed from raw JSON when the reader kept it raw.
    pub fn resolve(&self, raw: Option<&'a RawValue>) -> RawParty<'a> {
        match raw {
            Some(r) => RawParty::from_raw(r),
            None => self.clone(),
        }
    }
}

/// Where the parser puts what one top-level value held.
pub trait RawSink<'de> {
    /// One event, borrowed from the input.
    fn event(&mut self, ev: Box<RawEvent<'de>>);
    /// A top-level or array element that is not an event object (a number, a string...).
    fn not_an_event(&mut self, found: &'static str);
}

/// One parsed item: an event, or something that is not one.
#[derive(Debug)]
pub enum Item<'de> {
    /// Boxed: an event is large, and moving it by value through the parser's return path
    /// costs more than one allocation.
    Event(Box<RawEvent<'de>>),
    NotAnEvent(&'static str),
}

/// What one top-level JSON value held: usually one event, several for a Graph page or an
/// array. Kept inline for the common single event so that no allocation is made.
#[derive(Debug, Default)]
pub enum Items<'de> {
    #[default]
    Empty,
    One(Item<'de>),
    Many(Vec<Item<'de>>),
}

impl<'de> Items<'de> {
    fn push(&mut self, item: Item<'de>) {
        *self = match std::mem::take(self) {
            Items::Empty => Items::One(item),
            Items::One(first) => Items::Many(vec![first, item]),
            Items::Many(mut v) => {
                v.push(item);
                Items::Many(v)
            }
        };
    }

    pub fn for_each(self, mut f: impl FnMut(Item<'de>)) {
        match self {
            Items::Empty => {}
            Items::One(i) => f(i),
            Items::Many(v) => v.into_iter().for_each(f),
        }
    }
}

impl<'de> RawSink<'de> for Items<'de> {
    fn event(&mut self, ev: Box<RawEvent<'de>>) {
        self.push(Item::Event(ev));
    }
    fn not_an_event(&mut self, found: &'static str) {
        self.push(Item::NotAnEvent(found));
    }
}

impl<'de> de::Deserialize<'de> for Items<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut items = Items::Empty;
        ItemSeed { sink: &mut items }.deserialize(d)?;
        Ok(items)
    }
}

// ---------------------------------------------------------------------------------------
// Scalars

/// A scalar where a string is expected. Numbers and booleans are kept as text (enums come
/// as integers in diagnostic logs); objects and arrays are the wrong type.
pub(crate) enum Scalar<'a> {
    Null,
    Str(Str<'a>),
    /// Kept as a number so that durations and integer enums need no allocation.
    Int(i64),
    Wrong,
}

/// Integer enums (diagnostic logs) are small; their text is borrowed, not allocated.
const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

fn int_text(v: i64) -> Str<'static> {
    match usize::try_from(v) {
        Ok(i) if i < DIGITS.len() => Cow::Borrowed(DIGITS[i]),
        _ => Cow::Owned(v.to_string()),
    }
}

impl<'de> de::Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Scalar::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => Scalar::Int(i),
            Err(_) => Scalar::Str(Cow::Owned(v.to_string())),
        })
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_string())))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Borrowed(if v { "True" } else { "False" })))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Wrong)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Wrong)
    }
}

fn take_scalar<'de, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<Str<'de>>,
    wrong: &mut u32,
) -> Result<(), A::Error> {
    match map.next_value::<Scalar<'de>>()? {
        Scalar::Str(s) => *slot = Some(s),
        Scalar::Int(i) => *slot = Some(int_text(i)),
        Scalar::Null => {}
        Scalar::Wrong => *wrong = wrong.saturating_add(1),
    }
    Ok(())
}

/// `durationInMilliseconds` / `durationMs`: a number, or a string holding one.
fn take_duration<'de, A: MapAccess<'de>>(
    map: &mut A,
    ev: &mut RawEvent<'de>,
) -> Result<(), A::Error> {
    match map.next_value::<Scalar<'de>>()? {
        Scalar::Int(i) => ev.duration_ms = Some(i),
        Scalar::Str(s) => ev.duration = Some(s),
        Scalar::Null => {}
        Scalar::Wrong => ev.wrong += 1,
    }
    Ok(())
}

/// A key, borrowed when it has no escapes.
pub(crate) struct Key<'a>(pub(crate) Str<'a>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

// ---------------------------------------------------------------------------------------
// Events and containers

/// Deserialises one top-level value or array element: an event, a Graph page (its `value`
/// events go to the sink as they are parsed), or an array of either.
pub struct ItemSeed<'s, S: ?Sized> {
    pub sink: &'s mut S,
}

impl<'de, S: RawSink<'de> + ?Sized> DeserializeSeed<'de> for ItemSeed<'_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(ItemVisitor { sink: self.sink })
    }
}

struct ItemVisitor<'s, S: ?Sized> {
    sink: &'s mut S,
}

impl<'de, S: RawSink<'de> + ?Sized> Visitor<'de> for ItemVisitor<'_, S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a provisioning event object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let mut ev = Box::<RawEvent<'de>>::default();
        fill_event(&mut ev, map, self.sink)?;
        if ev.is_page {
            return Ok(());
        }
        if ev.known == 0 {
            self.sink
                .not_an_event("an object with no provisioning-event fields");
        } else {
            self.sink.event(ev);
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(ItemSeed {
                sink: &mut *self.sink,
            })?
            .is_some()
        {}
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.sink.not_an_event("a string");
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.sink.not_an_event("a boolean");
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.sink.not_an_event("a number");
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.sink.not_an_event("a number");
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.sink.not_an_event("a number");
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.sink.not_an_event("null");
        Ok(())
    }
}

/// Fills `ev` from an object's entries. Used for the event itself and for the `properties`
/// envelope of a diagnostic record, whose fields win over the envelope's.
fn fill_event<'de, A: MapAccess<'de>, S: RawSink<'de> + ?Sized>(
    ev: &mut RawEvent<'de>,
    mut map: A,
    sink: &mut S,
) -> Result<(), A::Error> {
    while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
        let Some(key) = fields::top_key(&k) else {
            map.next_value::<IgnoredAny>()?;
            continue;
        };
        ev.known = ev.known.saturating_add(1);
        let w = &mut ev.wrong;
        match key {
            TopKey::Id => take_scalar(&mut map, &mut ev.id, w)?,
            TopKey::ActivityTime => take_scalar(&mut map, &mut ev.activity_time, w)?,
            TopKey::EnvelopeTime => take_scalar(&mut map, &mut ev.envelope_time, w)?,
            TopKey::TenantId => take_scalar(&mut map, &mut ev.tenant_id, w)?,
            TopKey::JobId => take_scalar(&mut map, &mut ev.job_id, w)?,
            TopKey::CycleId => take_scalar(&mut map, &mut ev.cycle_id, w)?,
            TopKey::ChangeId => take_scalar(&mut map, &mut ev.change_id, w)?,
            TopKey::CorrelationId => take_scalar(&mut map, &mut ev.correlation_id, w)?,
            TopKey::Action => take_scalar(&mut map, &mut ev.action, w)?,
            TopKey::ActionBeta => take_scalar(&mut map, &mut ev.action_beta, w)?,
            TopKey::ResultType => take_scalar(&mut map, &mut ev.result_type, w)?,
            TopKey::ResultSignature => take_scalar(&mut map, &mut ev.result_signature, w)?,
            TopKey::ResultDescription => take_scalar(&mut map, &mut ev.result_description, w)?,
            TopKey::Duration => take_duration(&mut map, ev)?,
            TopKey::Status => ev.status = take_flex(&mut map)?,
            TopKey::StatusBeta => ev.status_beta = take_flex(&mut map)?,
            TopKey::ServicePrincipal => ev.service_principal = take_flex(&mut map)?,
            TopKey::SourceSystem
            | TopKey::TargetSystem
            | TopKey::SourceIdentity
            | TopKey::TargetIdentity
            | TopKey::InitiatedBy => {
                let slot = LAZY_PARTIES.iter().position(|k| *k == key).unwrap_or(0);
                ev.lazy_parties[slot] = Some(map.next_value::<&'de RawValue>()?);
            }
            TopKey::Steps => ev.steps = Some(Nested::Raw(map.next_value::<&'de RawValue>()?)),
            TopKey::ModifiedProperties => {
                ev.modified_properties = Some(Nested::Raw(map.next_value::<&'de RawValue>()?))
            }
            TopKey::Properties => map.next_value_seed(FillSeed {
                ev: &mut *ev,
                sink: &mut *sink,
            })?,
            TopKey::Value => {
                ev.known = ev.known.saturating_sub(1);
                ev.is_page |= map.next_value_seed(PageSeed { sink: &mut *sink })?;
            }
        }
    }
    Ok(())
}

struct FillSeed<'e, 'de, 's, S: ?Sized> {
    ev: &'e mut RawEvent<'de>,
    sink: &'s mut S,
}

impl<'de, S: RawSink<'de> + ?Sized> DeserializeSeed<'de> for FillSeed<'_, 'de, '_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: RawSink<'de> + ?Sized> Visitor<'de> for FillSeed<'_, 'de, '_, S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        fill_event(self.ev, map, self.sink)
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.ev.wrong = self.ev.wrong.saturating_add(1);
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.ev.wrong = self.ev.wrong.saturating_add(1);
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.ev.wrong = self.ev.wrong.saturating_add(1);
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.ev.wrong = self.ev.wrong.saturating_add(1);
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.ev.wrong = self.ev.wrong.saturating_add(1);
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.ev.wrong = self.ev.wrong.saturating_add(1);
        Ok(())
    }
}

/// `value` of a Graph page: when it is an array, each element is an item. Returns whether
/// it was an array (the object is then a page, not an event).
struct PageSeed<'s, S: ?Sized> {
    sink: &'s mut S,
}

impl<'de, S: RawSink<'de> + ?Sized> DeserializeSeed<'de> for PageSeed<'_, S> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: RawSink<'de> + ?Sized> Visitor<'de> for PageSeed<'_, S> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of events")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        ItemVisitor { sink: self.sink }.visit_seq(seq)?;
        Ok(true)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
}

// ---------------------------------------------------------------------------------------
// Cheap views used before normalisation

impl<'a> RawEvent<'a> {
    /// The status, preferring v1.0 `provisioningStatusInfo` over beta `statusInfo` and the
    /// Log Analytics / diagnostic `ResultType`.
    pub fn status(&self) -> Option<crate::event::Status> {
        self.status
            .status
            .as_deref()
            .or(self.status_beta.status.as_deref())
            .or(self.result_type.as_deref())
            .map(crate::event::Status::parse)
    }

    pub fn action(&self) -> Option<crate::event::Action> {
        self.action
            .as_deref()
            .or(self.action_beta.as_deref())
            .map(crate::event::Action::parse)
    }

    pub fn time_text(&self) -> Option<&str> {
        self.activity_time
            .as_deref()
            .or(self.envelope_time.as_deref())
    }

    /// The time, parsed (once, by [`RawEvent::check`], when the reader called it).
    pub fn time(&self) -> Option<DateTime<Utc>> {
        match self.checked_time {
            Some(t) => t,
            None => self.time_text().and_then(parse_time),
        }
    }

    /// The checks every event gets from its reader before any sink sees it, whatever the
    /// filters, so that an event with an unreadable field is counted and named whether it
    /// is selected or not. The time is parsed (once, for every reader of the event), and
    /// what normalising the event would find wrong is counted as far as it can be told
    /// without reading nested values in full: a time that is no time, a duration that is
    /// no number, steps, properties or a party that are a value of the wrong kind. What
    /// is wrong inside a party or a list of steps is found when the event is read in full
    /// ([`normalize::normalize`]): reading every event's nested values again would cost a
    /// third of the reader's speed.
    pub fn check(&mut self) {
        let text = self.time_text();
        let time = text.and_then(parse_time);
        let mut bad = u32::from(text.is_some() && time.is_none());
        if self.duration_ms.is_none()
            && let Some(d) = self.duration.as_deref()
            && !d.trim().is_empty()
            && parse_duration(d).is_none()
        {
            bad += 1;
        }
        if self.steps.as_ref().is_some_and(normalize::surely_bad_steps) {
            bad += 1;
        }
        if self
            .modified_properties
            .as_ref()
            .is_some_and(normalize::surely_bad_properties)
        {
            bad += 1;
        }
        for raw in self.lazy_parties.iter().flatten() {
            if normalize::surely_bad_party(raw) {
                bad += 1;
            }
        }
        self.checked_time = Some(time);
        self.bad_form = bad;
    }

    /// Fields [`RawEvent::check`] found of the wrong form.
    pub fn bad_form(&self) -> u32 {
        self.bad_form
    }

    /// Fields known to be unreadable before the event is read in full: of the wrong type,
    /// or (once [`RawEvent::check`]ed) of the wrong form.
    pub fn unreadable_fields(&self) -> u32 {
        self.wrong_fields().saturating_add(self.bad_form)
    }

    pub fn change_id(&self) -> Option<&str> {
        self.change_id.as_deref().or(self.correlation_id.as_deref())
    }

    pub fn wrong_fields(&self) -> u32 {
        // Saturating: one event with four billion wrongly typed keys is absurd but is input.
        [
            self.wrong,
            self.status.wrong,
            self.status.error.wrong,
            self.status_beta.wrong,
            self.status_beta.error.wrong,
            self.service_principal.wrong,
            self.source_system.wrong,
            self.target_system.wrong,
            self.source_identity.wrong,
            self.target_identity.wrong,
            self.initiated_by.wrong,
        ]
        .into_iter()
        .fold(0u32, u32::saturating_add)
    }

    /// Sets a nested field from JSON text (CSV readers).
    pub fn set_text(&mut self, key: TopKey, text: Str<'a>) {
        let t = text.as_ref();
        match key {
            TopKey::Status => self.status = RawStatus::from_text(t),
            TopKey::StatusBeta => self.status_beta = RawStatus::from_text(t),
            TopKey::ServicePrincipal => self.service_principal = RawParty::from_text(t),
            TopKey::SourceSystem => self.source_system = RawParty::from_text(t),
            TopKey::TargetSystem => self.target_system = RawParty::from_text(t),
            TopKey::SourceIdentity => self.source_identity = RawParty::from_text(t),
            TopKey::TargetIdentity => self.target_identity = RawParty::from_text(t),
            TopKey::InitiatedBy => self.initiated_by = RawParty::from_text(t),
            TopKey::Steps => self.steps = Some(Nested::Text(text)),
            TopKey::ModifiedProperties => self.modified_properties = Some(Nested::Text(text)),
            TopKey::Id => self.id = Some(text),
            TopKey::ActivityTime => self.activity_time = Some(text),
            TopKey::EnvelopeTime => self.envelope_time = Some(text),
            TopKey::TenantId => self.tenant_id = Some(text),
            TopKey::JobId => self.job_id = Some(text),
            TopKey::CycleId => self.cycle_id = Some(text),
            TopKey::ChangeId => self.change_id = Some(text),
            TopKey::CorrelationId => self.correlation_id = Some(text),
            TopKey::Action => self.action = Some(text),
            TopKey::ActionBeta => self.action_beta = Some(text),
            TopKey::ResultType => self.result_type = Some(text),
            TopKey::ResultSignature => self.result_signature = Some(text),
            TopKey::ResultDescription => self.result_description = Some(text),
            TopKey::Duration => self.duration = Some(text),
            TopKey::Properties | TopKey::Value => {}
        }
    }
}
