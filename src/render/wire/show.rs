//! The lines of `show --format json`: the NDJSON event shape plus the full steps and
//! modified properties.

use serde::Serialize;
use serde::ser::SerializeMap;

use super::WireEvent;
use crate::report::Record;

/// `details` in the order the export gives them.
struct WireDetails<'a>(&'a [(String, String)]);

impl Serialize for WireDetails<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct WireStep<'a> {
    name: Option<&'a str>,
    #[serde(rename = "type")]
    step_type: &'static str,
    status: &'static str,
    description: Option<&'a str>,
    details: WireDetails<'a>,
}

#[derive(Serialize)]
struct WireProperty<'a> {
    name: &'a str,
    old_value: Option<&'a str>,
    new_value: Option<&'a str>,
}

/// One event of a change.
#[derive(Serialize)]
pub struct WireChange<'a> {
    #[serde(flatten)]
    event: WireEvent<'a>,
    steps: Vec<WireStep<'a>>,
    modified_properties: Vec<WireProperty<'a>>,
}

impl<'a> WireChange<'a> {
    pub fn new(r: &'a Record) -> Self {
        let e = &r.event;
        WireChange {
            event: WireEvent::new(r),
            steps: e
                .steps
                .iter()
                .map(|s| WireStep {
                    name: s.name.as_deref(),
                    step_type: s.step_type.as_str(),
                    status: s.status.as_str(),
                    description: s.description.as_deref(),
                    details: WireDetails(&s.details),
                })
                .collect(),
            modified_properties: e
                .modified_properties
                .iter()
                .map(|p| WireProperty {
                    name: &p.name,
                    old_value: p.old_value.as_deref(),
                    new_value: p.new_value.as_deref(),
                })
                .collect(),
        }
    }
}
