//! The attribute (and offending value) behind an `invalid-data` or `conflict` failure, for
//! `analyze --group-by attribute`: so that a data owner can fix the source in one pass.
//!
//! Where it comes from, in order: the catalog pattern's captures (`attribute`, `property`,
//! `field`, `value`), then a few message shapes the services use to name an attribute (in
//! the SCIM or Graph error detail, then the reason), then the event's modified properties
//! for the value of an attribute that was named without one. Nothing is guessed: a failure
//! that names no attribute is reported as such. Pure functions over an event and its facts.

use std::sync::OnceLock;

use regex::Regex;

use crate::catalog::Category;
use crate::event::Event;
use crate::reason::Facts;

/// Where the attribute or value was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// A named capture of the matching catalog pattern.
    Catalog,
    /// The error message (SCIM detail, Graph message or the reason).
    Message,
    /// The event's modified properties (the value that was being written).
    ModifiedProperty,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Catalog => "catalog",
            Source::Message => "message",
            Source::ModifiedProperty => "modified-property",
        }
    }
}

/// One attribute named by a failure, with the value when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offending {
    /// `None` when the failure names no attribute.
    pub attribute: Option<String>,
    pub value: Option<String>,
    pub source: Option<Source>,
}

/// The diagnosis categories the attribute view covers.
pub fn in_view(c: Category) -> bool {
    matches!(c, Category::InvalidData | Category::Conflict)
}

struct Res {
    value_of: Regex,
    named: Regex,
    same_value: Regex,
    matching: Regex,
    known: Regex,
    missing: Regex,
}

fn res() -> &'static Res {
    static RES: OnceLock<Res> = OnceLock::new();
    RES.get_or_init(|| {
        let re = crate::reason::fixed_regex;
        const NAME: &str = r"[A-Za-z_][\w.:\[\]]*";
        Res {
            // The value 'x' of property 'userPrincipalName' is not valid
            value_of: re(&format!(
                r"(?i)\bvalue '(?P<value>[^']*)' (?:of|for) (?:the )?(?:property|attribute|field) '?(?P<attribute>{NAME})'?"
            )),
            // property 'mail' / attribute "department"
            named: re(&format!(
                r#"(?i)\b(?:property|attribute|field)\s+['"](?P<attribute>{NAME})['"]"#
            )),
            // Another object with the same value for property proxyAddresses already exists.
            same_value: re(&format!(
                r"(?i)same value for (?:the )?(?:property|attribute) '?(?P<attribute>{NAME})'?"
            )),
            // matched the matching attribute userName = 'x'
            matching: re(&format!(
                r"(?i)matching attribute '?(?P<attribute>{NAME})'?\s*=\s*'(?P<value>[^']*)'"
            )),
            // User with userName 'x' already exists / userName 'x' is already taken
            known: re(
                r"\b(?P<attribute>userName|userPrincipalName|displayName|externalId|employeeId|mailNickname|mail|email|emails|proxyAddresses|onPremisesImmutableId|immutableId) '(?P<value>[^']*)'",
            ),
            // required values are missing: emails[type eq "work"].value, name.familyName.
            missing: re(r"(?i)required values are missing:\s*(?P<list>.+?)\.(?:\s|$)"),
        }
    })
}

fn capture<'f>(facts: &'f Facts, names: &[&str]) -> Option<&'f str> {
    names
        .iter()
        .find_map(|n| facts.get_extra(n))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The attributes one message names.
fn from_message(text: &str) -> Vec<(String, Option<String>)> {
    let r = res();
    if let Some(c) = r.missing.captures(text) {
        let list: Vec<(String, Option<String>)> = c["list"]
            .split(", ")
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| (a.to_owned(), None))
            .collect();
        if !list.is_empty() {
            return list;
        }
    }
    for re in [&r.value_of, &r.matching, &r.known, &r.same_value, &r.named] {
        if let Some(c) = re.captures(text) {
            let value = c.name("value").map(|v| v.as_str().to_owned());
            return vec![(c["attribute"].to_owned(), value)];
        }
    }
    Vec::new()
}

/// The attributes (and values) an event's failure names; one entry with no attribute when
/// it names none.
pub fn offending(ev: &Event, facts: &Facts) -> Vec<Offending> {
    let mut found: Vec<Offending> = Vec::new();
    if let Some(a) = capture(facts, &["attribute", "property", "field"]) {
        found.push(Offending {
            attribute: Some(a.to_owned()),
            value: capture(facts, &["value"]).map(str::to_owned),
            source: Some(Source::Catalog),
        });
    } else {
        let texts = [
            facts.get_extra("target_message"),
            ev.error.reason.as_deref(),
            ev.error.additional_details.as_deref(),
        ];
        for text in texts.into_iter().flatten() {
            let named = from_message(text);
            if !named.is_empty() {
                found = named
                    .into_iter()
                    .map(|(a, v)| Offending {
                        attribute: Some(a),
                        value: v,
                        source: Some(Source::Message),
                    })
                    .collect();
                break;
            }
        }
    }
    for o in &mut found {
        if o.value.is_some() {
            continue;
        }
        let Some(a) = &o.attribute else { continue };
        if let Some(p) = ev
            .modified_properties
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(a))
            && let Some(v) = p.new_value.as_deref().filter(|v| !v.trim().is_empty())
        {
            o.value = Some(v.to_owned());
            o.source = Some(Source::ModifiedProperty);
        }
    }
    if found.is_empty() {
        found.push(Offending {
            attribute: None,
            value: None,
            source: None,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{ErrorInfo, ModifiedProperty};

    fn ev(reason: &str, props: &[(&str, &str)]) -> Event {
        Event {
            error: ErrorInfo {
                reason: Some(reason.to_owned()),
                ..ErrorInfo::default()
            },
            modified_properties: props
                .iter()
                .map(|(n, v)| ModifiedProperty {
                    name: (*n).to_owned(),
                    old_value: None,
                    new_value: Some((*v).to_owned()),
                })
                .collect(),
            ..Event::default()
        }
    }

    fn pairs(v: Vec<Offending>) -> Vec<(Option<String>, Option<String>, Option<Source>)> {
        v.into_iter()
            .map(|o| (o.attribute, o.value, o.source))
            .collect()
    }

    fn one(
        a: &str,
        v: Option<&str>,
        s: Source,
    ) -> Vec<(Option<String>, Option<String>, Option<Source>)> {
        vec![(Some(a.to_owned()), v.map(str::to_owned), Some(s))]
    }

    #[test]
    fn messages_that_name_an_attribute() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "The value 'Paul Johnson@fabrikam' of property 'userPrincipalName' is not valid for User 'x' in the target tenant.",
                "userPrincipalName",
                Some("Paul Johnson@fabrikam"),
            ),
            (
                "More than one User in Slack matched the matching attribute userName = 'sato.kaito@tailspintoys.jp'. Matching needs exactly one result",
                "userName",
                Some("sato.kaito@tailspintoys.jp"),
            ),
            (
                "userName 'paul.hall@fabrikam.com' is already taken",
                "userName",
                Some("paul.hall@fabrikam.com"),
            ),
            (
                "Another object with the same value for property proxyAddresses already exists.",
                "proxyAddresses",
                None,
            ),
            (
                "Invalid value for attribute \"department\": too long",
                "department",
                None,
            ),
        ];
        for (text, attr, value) in cases {
            assert_eq!(
                pairs(offending(&ev(text, &[]), &Facts::default())),
                one(attr, *value, Source::Message),
                "{text}"
            );
        }
    }

    #[test]
    fn missing_values_name_every_attribute() {
        let got = offending(
            &ev(
                "The User 'Riko Inoue' could not be created because required values are missing: emails[type eq \"work\"].value, name.familyName. Populate the source attributes.",
                &[],
            ),
            &Facts::default(),
        );
        let attrs: Vec<_> = got.iter().map(|o| o.attribute.as_deref()).collect();
        assert_eq!(
            attrs,
            vec![
                Some("emails[type eq \"work\"].value"),
                Some("name.familyName")
            ]
        );
        assert!(got.iter().all(|o| o.value.is_none()));
    }

    #[test]
    fn catalog_captures_win_and_modified_properties_give_the_value() {
        let mut f = Facts::default();
        f.set_extra("property", "mail");
        let e = ev(
            "userName 'not-this' is taken",
            &[("displayName", "A"), ("mail", "a@@contoso.com")],
        );
        assert_eq!(
            pairs(offending(&e, &f)),
            one("mail", Some("a@@contoso.com"), Source::ModifiedProperty)
        );
        f.set_extra("value", "captured");
        assert_eq!(
            pairs(offending(&e, &f)),
            one("mail", Some("captured"), Source::Catalog)
        );
    }

    #[test]
    fn the_scim_detail_is_read_before_the_reason() {
        let mut f = Facts::default();
        f.set_extra("target_message", "User with userName 'x@y' already exists.");
        let e = ev("StatusCode: Conflict ... property 'other'", &[]);
        assert_eq!(
            pairs(offending(&e, &f)),
            one("userName", Some("x@y"), Source::Message)
        );
    }

    #[test]
    fn nothing_named_is_said_plainly() {
        let got = offending(
            &ev(
                "A User named 'Michael Martin' already exists in Slack with values that conflict.",
                &[("displayName", "Michael Martin")],
            ),
            &Facts::default(),
        );
        assert_eq!(
            got,
            vec![Offending {
                attribute: None,
                value: None,
                source: None
            }]
        );
    }
}
