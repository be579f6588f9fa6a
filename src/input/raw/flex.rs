//! Objects that may also come as JSON text: the nested party, error and status objects.

use super::*;

/// Parses a small object from a map, or from a string holding JSON text (Log Analytics),
/// or takes the first element of an array (`servicePrincipal` is documented as a
/// collection). Anything else counts as a wrong type.
pub(super) trait Flex<'de>: Default + Sized {
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
    /// From JSON text; returns an owned value (borrowing nothing from `text`).
    fn from_text(text: &str) -> Self;
    fn mark_wrong(&mut self);
}

pub(super) struct FlexSeed<T>(pub(super) std::marker::PhantomData<T>);

impl<'de, T: Flex<'de>> DeserializeSeed<'de> for FlexSeed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(FlexVisitor(std::marker::PhantomData))
    }
}

pub(super) struct FlexVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Flex<'de>> Visitor<'de> for FlexVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }
    fn visit_str<E>(self, v: &str) -> Result<T, E> {
        Ok(T::from_text(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        let first = seq
            .next_element_seed(FlexSeed::<T>(std::marker::PhantomData))?
            .unwrap_or_default();
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(first)
    }
    fn visit_unit<E>(self) -> Result<T, E> {
        Ok(T::default())
    }
    fn visit_none<E>(self) -> Result<T, E> {
        Ok(T::default())
    }
    fn visit_bool<E>(self, _: bool) -> Result<T, E> {
        Ok(wrong())
    }
    fn visit_i64<E>(self, _: i64) -> Result<T, E> {
        Ok(wrong())
    }
    fn visit_u64<E>(self, _: u64) -> Result<T, E> {
        Ok(wrong())
    }
    fn visit_f64<E>(self, _: f64) -> Result<T, E> {
        Ok(wrong())
    }
}

pub(super) fn wrong<'de, T: Flex<'de>>() -> T {
    let mut t = T::default();
    t.mark_wrong();
    t
}

pub(super) fn take_flex<'de, A: MapAccess<'de>, T: Flex<'de>>(map: &mut A) -> Result<T, A::Error> {
    map.next_value_seed(FlexSeed::<T>(std::marker::PhantomData))
}

pub(super) fn own(s: Option<Str<'_>>) -> Option<Str<'static>> {
    s.map(|c| Cow::Owned(c.into_owned()))
}

impl<'de> Flex<'de> for RawParty<'de> {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut p = RawParty::default();
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            match fields::party_key(&k) {
                Some(PartyKey::Id) => take_scalar(&mut map, &mut p.id, &mut p.wrong)?,
                Some(PartyKey::Name) => take_scalar(&mut map, &mut p.name, &mut p.wrong)?,
                Some(PartyKey::Kind) => take_scalar(&mut map, &mut p.kind, &mut p.wrong)?,
                Some(PartyKey::Details) => p.upn = map.next_value::<DetailsUpn<'de>>()?.0,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(p)
    }
    fn from_text(text: &str) -> Self {
        match serde_json::from_str::<FlexDoc<RawParty<'_>>>(text) {
            Ok(FlexDoc(p)) => RawParty {
                id: own(p.id),
                name: own(p.name),
                kind: own(p.kind),
                upn: own(p.upn),
                wrong: p.wrong,
            },
            // A plain string where an object is expected (Log Analytics' SourceSystem can
            // be a bare name): keep it as the name.
            Err(_) if !text.trim().is_empty() => RawParty {
                name: Some(Cow::Owned(text.to_owned())),
                ..RawParty::default()
            },
            Err(_) => RawParty::default(),
        }
    }
    fn mark_wrong(&mut self) {
        self.wrong = self.wrong.saturating_add(1);
    }
}

/// `details.UserPrincipalName` of an identity; every other detail is skipped.
pub(super) struct DetailsUpn<'a>(pub(super) Option<Str<'a>>);

impl<'de> de::Deserialize<'de> for DetailsUpn<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DetailsUpn<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("details")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut upn = None;
                let mut wrong = 0;
                while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
                    if k.eq_ignore_ascii_case("UserPrincipalName") {
                        take_scalar(&mut map, &mut upn, &mut wrong)?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(DetailsUpn(upn))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(DetailsUpn(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(DetailsUpn(None))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(DetailsUpn(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(DetailsUpn(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(DetailsUpn(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(DetailsUpn(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(DetailsUpn(None))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Flex<'de> for RawError<'de> {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut e = RawError::default();
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            match fields::error_key(&k) {
                Some(key) => {
                    let mut w = 0;
                    take_scalar(&mut map, e.slot(key), &mut w)?;
                    e.wrong = e.wrong.saturating_add(w);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(e)
    }
    fn from_text(text: &str) -> Self {
        match serde_json::from_str::<FlexDoc<RawError<'_>>>(text) {
            Ok(FlexDoc(e)) => e.into_owned(),
            Err(_) => wrong(),
        }
    }
    fn mark_wrong(&mut self) {
        self.wrong = self.wrong.saturating_add(1);
    }
}

impl<'a> RawError<'a> {
    fn slot(&mut self, key: ErrorKey) -> &mut Option<Str<'a>> {
        match key {
            ErrorKey::Code => &mut self.code,
            ErrorKey::Reason => &mut self.reason,
            ErrorKey::AdditionalDetails => &mut self.additional_details,
            ErrorKey::Category => &mut self.category,
            ErrorKey::RecommendedAction => &mut self.recommended_action,
        }
    }

    fn into_owned(self) -> RawError<'static> {
        RawError {
            code: own(self.code),
            reason: own(self.reason),
            additional_details: own(self.additional_details),
            category: own(self.category),
            recommended_action: own(self.recommended_action),
            wrong: self.wrong,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.code.is_none() && self.reason.is_none() && self.additional_details.is_none()
    }
}

impl<'de> Flex<'de> for RawStatus<'de> {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut s = RawStatus::default();
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            match fields::status_key(&k) {
                Some(StatusKey::Status) => take_scalar(&mut map, &mut s.status, &mut s.wrong)?,
                Some(StatusKey::ErrorInformation) => s.error = take_flex(&mut map)?,
                Some(StatusKey::Inline(key)) => {
                    take_scalar(&mut map, s.error.slot(key), &mut s.wrong)?
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(s)
    }
    fn from_text(text: &str) -> Self {
        match serde_json::from_str::<FlexDoc<RawStatus<'_>>>(text) {
            Ok(FlexDoc(s)) => RawStatus {
                status: own(s.status),
                error: s.error.into_owned(),
                wrong: s.wrong,
            },
            // Log Analytics may hold a bare status word here.
            Err(_) if !text.trim().is_empty() && !text.trim_start().starts_with(['{', '[']) => {
                RawStatus {
                    status: Some(Cow::Owned(text.trim().to_owned())),
                    ..RawStatus::default()
                }
            }
            Err(_) => wrong(),
        }
    }
    fn mark_wrong(&mut self) {
        self.wrong = self.wrong.saturating_add(1);
    }
}

/// A whole JSON document parsed as a `Flex` object.
pub(super) struct FlexDoc<T>(pub(super) T);

impl<'de, T: Flex<'de>> de::Deserialize<'de> for FlexDoc<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        FlexSeed::<T>(std::marker::PhantomData)
            .deserialize(d)
            .map(FlexDoc)
    }
}
