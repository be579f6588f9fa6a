//! Steps and modified properties read straight from the raw JSON of the input, without
//! building a `serde_json::Value` first.
//!
//! Building the `Value` (a `BTreeMap` per object, a `String` per key and per value, then
//! dropping it all) was the largest single cost of reading an event in full. These
//! visitors give exactly what reading through the `Value` gives, including its quirks,
//! because those are output: an object's keys come out in sorted order (serde_json's map
//! is a `BTreeMap` here), a repeated key keeps its last value, a field is the first key in
//! that order that matches its names case-insensitively, non-string scalars are printed as
//! the `Value` prints them, and a value the `Value` cannot hold (a number out of range)
//! makes the whole field unreadable. Values nobody reads are still parsed through
//! `deserialize_any` ([`Skip`]), so that such errors are found wherever they are.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::{parse_details_text, value_text};
use crate::event::{ModifiedProperty, Status, Step, StepType};
use crate::input::raw::Key;

/// Any JSON value, parsed and dropped: the checks of a `Value` without building one.
struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SkipVisitor)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(Skip)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }
}

/// Whether `json` is a value a `serde_json::Value` can hold (it is already known to be
/// JSON: the reader checked its syntax, but not the range of its numbers).
pub(super) fn holds_value(json: &str) -> bool {
    serde_json::from_str::<Skip>(json).is_ok()
}

/// A scalar as [`value_text`] gives it; borrowed when it is a string without escapes.
enum Text<'a> {
    None,
    Str(Cow<'a, str>),
}

impl Text<'_> {
    fn owned(&self) -> Option<String> {
        match self {
            Text::None => None,
            Text::Str(s) => Some(s.as_ref().to_owned()),
        }
    }
}

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl TextVisitor {
    fn of(v: Value) -> Text<'static> {
        match value_text(&v) {
            Some(s) => Text::Str(Cow::Owned(s)),
            None => Text::None,
        }
    }
}

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
        Ok(Text::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
        Ok(Text::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
        Ok(Text::Str(Cow::Owned(v)))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Text<'de>, E> {
        Ok(TextVisitor::of(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Text<'de>, E> {
        Ok(TextVisitor::of(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Text<'de>, E> {
        Ok(TextVisitor::of(Value::from(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Text<'de>, E> {
        // As `Value`'s own visitor: a float it cannot hold is null.
        Ok(TextVisitor::of(
            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
        ))
    }
    fn visit_unit<E>(self) -> Result<Text<'de>, E> {
        Ok(Text::None)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Text<'de>, A::Error> {
        Ok(TextVisitor::of(Value::deserialize(
            MapAccessDeserializer::new(map),
        )?))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Text<'de>, A::Error> {
        Ok(TextVisitor::of(Value::deserialize(
            SeqAccessDeserializer::new(seq),
        )?))
    }
}

/// The entries of an object as its `BTreeMap` would hold them: sorted by key, a repeated
/// key keeping its last value. The sort is stable, so the last of equal keys is the one
/// that came last.
fn as_map<T>(mut entries: Vec<(Cow<'_, str>, T)>) -> Vec<(Cow<'_, str>, T)> {
    if entries.len() < 2 {
        return entries;
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<(Cow<'_, str>, T)> = Vec::with_capacity(entries.len());
    for e in entries {
        match out.last_mut() {
            Some(last) if last.0 == e.0 => *last = e,
            _ => out.push(e),
        }
    }
    out
}

/// `details` of a step: an object's entries, JSON text, or anything else (no details).
enum Details<'a> {
    Entries(Vec<(Cow<'a, str>, Text<'a>)>),
    Text(Cow<'a, str>),
    Other,
}

/// The details every output may need, whatever the event: `Event::identity` and
/// `Event::failed_step` read these two.
fn always_kept(key: &str) -> bool {
    key.eq_ignore_ascii_case("ReportableIdentifier") || key.eq_ignore_ascii_case("SkipReason")
}

/// Reads `details`; with `all` false, only the entries [`always_kept`] are kept (the
/// others are still parsed, so that what makes them unreadable is found).
struct DetailsSeed {
    all: bool,
}

impl<'de> de::DeserializeSeed<'de> for DetailsSeed {
    type Value = Details<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Details<'de>, D::Error> {
        struct V {
            all: bool,
        }
        impl<'de> Visitor<'de> for V {
            type Value = Details<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("step details")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Details<'de>, A::Error> {
                let mut entries = Vec::new();
                while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
                    if self.all || always_kept(&k) {
                        entries.push((k, map.next_value::<Text<'de>>()?));
                    } else {
                        map.next_value::<Skip>()?;
                    }
                }
                Ok(Details::Entries(entries))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Details<'de>, E> {
                Ok(Details::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Details<'de>, E> {
                Ok(Details::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Details<'de>, E> {
                Ok(Details::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Details<'de>, E> {
                Ok(Details::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Details<'de>, E> {
                Ok(Details::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Details<'de>, E> {
                Ok(Details::Other)
            }
            fn visit_unit<E>(self) -> Result<Details<'de>, E> {
                Ok(Details::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Details<'de>, A::Error> {
                while seq.next_element::<Skip>()?.is_some() {}
                Ok(Details::Other)
            }
        }
        d.deserialize_any(V { all: self.all })
    }
}

impl Details<'_> {
    fn into_pairs(self, all: bool) -> Vec<(String, String)> {
        match self {
            Details::Entries(entries) => as_map(entries)
                .into_iter()
                .filter_map(|(k, v)| v.owned().map(|v| (k.into_owned(), v)))
                .collect(),
            Details::Text(s) if all => parse_details_text(&s),
            Details::Text(s) => {
                let mut pairs = parse_details_text(&s);
                pairs.retain(|(k, _)| always_kept(k));
                pairs
            }
            Details::Other => Vec::new(),
        }
    }
}

/// The fields of a step, in the order of the names `step_from` looks them up by.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StepField {
    Name,
    Type,
    Status,
    Description,
    Details,
}

fn step_field(k: &str) -> Option<StepField> {
    let eq = |n: &str| k.eq_ignore_ascii_case(n);
    if eq("name") {
        Some(StepField::Name)
    } else if eq("provisioningStepType") || eq("type") {
        Some(StepField::Type)
    } else if eq("status") {
        Some(StepField::Status)
    } else if eq("description") {
        Some(StepField::Description)
    } else if eq("details") {
        Some(StepField::Details)
    } else {
        None
    }
}

enum Field<'a> {
    Text(Text<'a>),
    Details(Details<'a>),
}

/// One element of `provisioningSteps`: a step when it is an object, else counted as
/// unreadable (as `parse_steps` counts it).
enum StepItem {
    Step(Step),
    NotAnObject,
}

impl<'de> de::DeserializeSeed<'de> for StepItemVisitor {
    type Value = StepItem;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<StepItem, D::Error> {
        d.deserialize_any(self)
    }
}

/// Reads one step; `all`: every detail, else only those [`always_kept`].
#[derive(Clone, Copy)]
struct StepItemVisitor {
    all: bool,
}

impl<'de> Visitor<'de> for StepItemVisitor {
    type Value = StepItem;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a step")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StepItem, A::Error> {
        let mut fields: Vec<(Cow<'de, str>, StepField, Field<'de>)> = Vec::new();
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            match step_field(&k) {
                Some(StepField::Details) => {
                    let d = map.next_value_seed(DetailsSeed { all: self.all })?;
                    fields.push((k, StepField::Details, Field::Details(d)));
                }
                Some(f) => {
                    let t = map.next_value::<Text<'de>>()?;
                    fields.push((k, f, Field::Text(t)));
                }
                None => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        let sorted = as_map(fields.into_iter().map(|(k, f, v)| (k, (f, v))).collect());
        let mut step = Step {
            name: None,
            step_type: StepType::Unknown,
            status: Status::Unknown,
            description: None,
            details: Vec::new(),
        };
        let mut done = [false; 5];
        for (_, (f, v)) in sorted {
            // The first key in sorted order that matches is the one `step_from` finds.
            let slot = f as usize;
            if done[slot] {
                continue;
            }
            done[slot] = true;
            match (f, v) {
                (StepField::Name, Field::Text(t)) => step.name = t.owned(),
                (StepField::Type, Field::Text(Text::Str(s))) => {
                    step.step_type = StepType::parse(&s)
                }
                (StepField::Status, Field::Text(Text::Str(s))) => step.status = Status::parse(&s),
                (StepField::Description, Field::Text(t)) => step.description = t.owned(),
                (StepField::Details, Field::Details(d)) => step.details = d.into_pairs(self.all),
                _ => {}
            }
        }
        Ok(StepItem::Step(step))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StepItem, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(StepItem::NotAnObject)
    }
    fn visit_bool<E>(self, _: bool) -> Result<StepItem, E> {
        Ok(StepItem::NotAnObject)
    }
    fn visit_i64<E>(self, _: i64) -> Result<StepItem, E> {
        Ok(StepItem::NotAnObject)
    }
    fn visit_u64<E>(self, _: u64) -> Result<StepItem, E> {
        Ok(StepItem::NotAnObject)
    }
    fn visit_f64<E>(self, _: f64) -> Result<StepItem, E> {
        Ok(StepItem::NotAnObject)
    }
    fn visit_str<E>(self, _: &str) -> Result<StepItem, E> {
        Ok(StepItem::NotAnObject)
    }
    fn visit_unit<E>(self) -> Result<StepItem, E> {
        Ok(StepItem::NotAnObject)
    }
}

/// `provisioningSteps` as raw JSON: an array of steps, one step object, or null; anything
/// else is unreadable. The steps and how many elements were unreadable.
struct Steps(Vec<Step>, u32);

impl<'de> de::DeserializeSeed<'de> for StepsSeed {
    type Value = Steps;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Steps, D::Error> {
        struct V {
            item: StepItemVisitor,
        }
        impl<'de> Visitor<'de> for V {
            type Value = Steps;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("steps")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Steps, A::Error> {
                let mut steps = Vec::with_capacity(seq.size_hint().unwrap_or(4));
                let mut bad = 0u32;
                while let Some(item) = seq.next_element_seed(self.item)? {
                    match item {
                        StepItem::Step(s) => steps.push(s),
                        StepItem::NotAnObject => bad = bad.saturating_add(1),
                    }
                }
                Ok(Steps(steps, bad))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Steps, A::Error> {
                Ok(match self.item.visit_map(map)? {
                    StepItem::Step(s) => Steps(vec![s], 0),
                    StepItem::NotAnObject => Steps(Vec::new(), 1),
                })
            }
            fn visit_unit<E>(self) -> Result<Steps, E> {
                Ok(Steps(Vec::new(), 0))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Steps, E> {
                Ok(Steps(Vec::new(), 1))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Steps, E> {
                Ok(Steps(Vec::new(), 1))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Steps, E> {
                Ok(Steps(Vec::new(), 1))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Steps, E> {
                Ok(Steps(Vec::new(), 1))
            }
            fn visit_str<E>(self, _: &str) -> Result<Steps, E> {
                Ok(Steps(Vec::new(), 1))
            }
        }
        d.deserialize_any(V {
            item: StepItemVisitor { all: self.all },
        })
    }
}

struct StepsSeed {
    all: bool,
}

/// Steps from raw JSON that is not a string (a string holds JSON text, read the slow
/// way): the steps, and the unreadable count `parse_steps` would add. With `all_details`
/// false, each step keeps only the details [`always_kept`].
pub(super) fn steps_from_json(json: &str, all_details: bool) -> (Vec<Step>, u32) {
    let mut de = serde_json::Deserializer::from_str(json);
    let steps = de::DeserializeSeed::deserialize(StepsSeed { all: all_details }, &mut de)
        .and_then(|s| de.end().map(|()| s));
    match steps {
        Ok(Steps(steps, bad)) => (steps, bad),
        Err(_) => (Vec::new(), 1),
    }
}

/// One element of `modifiedProperties`; `None` when it is not an object or has no name.
struct PropertyItem(Option<ModifiedProperty>);

impl<'de> Deserialize<'de> for PropertyItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PropertyItem;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a modified property")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PropertyItem, A::Error> {
                // 0: displayName or name, 1: oldValue, 2: newValue.
                let mut fields: Vec<(Cow<'de, str>, (usize, Text<'de>))> = Vec::new();
                while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
                    let slot = if k.eq_ignore_ascii_case("displayName")
                        || k.eq_ignore_ascii_case("name")
                    {
                        0
                    } else if k.eq_ignore_ascii_case("oldValue") {
                        1
                    } else if k.eq_ignore_ascii_case("newValue") {
                        2
                    } else {
                        map.next_value::<Skip>()?;
                        continue;
                    };
                    fields.push((k, (slot, map.next_value::<Text<'de>>()?)));
                }
                let mut found: [Option<Option<String>>; 3] = [None, None, None];
                for (_, (slot, t)) in as_map(fields) {
                    if found[slot].is_none() {
                        found[slot] = Some(t.owned());
                    }
                }
                let [name, old_value, new_value] = found;
                Ok(PropertyItem(name.flatten().map(|name| ModifiedProperty {
                    name,
                    old_value: old_value.flatten(),
                    new_value: new_value.flatten(),
                })))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PropertyItem, A::Error> {
                while seq.next_element::<Skip>()?.is_some() {}
                Ok(PropertyItem(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<PropertyItem, E> {
                Ok(PropertyItem(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<PropertyItem, E> {
                Ok(PropertyItem(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<PropertyItem, E> {
                Ok(PropertyItem(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<PropertyItem, E> {
                Ok(PropertyItem(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<PropertyItem, E> {
                Ok(PropertyItem(None))
            }
            fn visit_unit<E>(self) -> Result<PropertyItem, E> {
                Ok(PropertyItem(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// `modifiedProperties` as raw JSON that is not a string: `Some(list)` for an array,
/// `None` for anything else (null is no list and no damage; the caller tells).
struct Properties(Option<Vec<ModifiedProperty>>);

impl<'de> Deserialize<'de> for Properties {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Properties;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("modified properties")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Properties, A::Error> {
                let mut props = Vec::new();
                while let Some(PropertyItem(p)) = seq.next_element::<PropertyItem>()? {
                    props.extend(p);
                }
                Ok(Properties(Some(props)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Properties, A::Error> {
                while map.next_entry::<Skip, Skip>()?.is_some() {}
                Ok(Properties(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Properties, E> {
                Ok(Properties(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Properties, E> {
                Ok(Properties(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Properties, E> {
                Ok(Properties(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Properties, E> {
                Ok(Properties(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Properties, E> {
                Ok(Properties(None))
            }
            fn visit_unit<E>(self) -> Result<Properties, E> {
                Ok(Properties(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// Modified properties from raw JSON that is not a string: the list (empty when it is no
/// array), and whether `parse_properties` would count the field unreadable (a value a
/// `Value` cannot hold, or neither an array nor null).
pub(super) fn properties_from_json(json: &str) -> (Vec<ModifiedProperty>, bool) {
    match serde_json::from_str::<Properties>(json) {
        Ok(Properties(Some(props))) => (props, false),
        Ok(Properties(None)) => (
            Vec::new(),
            json.trim_start().as_bytes().first() != Some(&b'n'),
        ),
        Err(_) => (Vec::new(), true),
    }
}
