//! `explain --format json`: one object per message explained.

use serde::Serialize;

use super::{WireDiagnosisDetail, WireFacts};

#[derive(Serialize)]
pub struct WireExplain<'a> {
    pub input: &'a str,
    pub diagnosis: Option<WireDiagnosisDetail<'a>>,
    pub facts: Option<WireFacts<'a>>,
    pub also: Vec<WireAlso<'a>>,
    /// When nothing matched: the closest entries, as guesses.
    pub guesses: Vec<WireGuess<'a>>,
}

#[derive(Serialize)]
pub struct WireAlso<'a> {
    pub id: &'a str,
    pub system: Option<&'static str>,
    pub category: &'static str,
    pub title: &'a str,
    pub matched_by: Option<&'static str>,
}

#[derive(Serialize)]
pub struct WireGuess<'a> {
    pub id: &'a str,
    pub system: &'static str,
    pub category: &'static str,
    pub title: &'a str,
    /// 0 to 1: how many of the message's words the entry's closest example shares.
    pub similarity: f64,
}
