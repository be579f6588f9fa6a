//! The alias tables: every name under which an export writes a field, in one place.
//!
//! JSON keys are matched case-insensitively (camelCase in the portal and Graph, `Id`/`Name`/
//! `Type`/`Status` in the diagnostic stream, PascalCase in Log Analytics). CSV headers are
//! matched after normalising: bracketed suffixes such as `(UTC)` or `[UTC]` dropped, then
//! only letters and digits kept, lower-cased, so `Change ID`, `changeId` and `change_id`
//! are one name.

/// Top-level fields of an event (or of a diagnostic record's envelope).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopKey {
    Id,
    ActivityTime,
    EnvelopeTime,
    TenantId,
    JobId,
    CycleId,
    ChangeId,
    CorrelationId,
    Action,
    ActionBeta,
    Status,
    StatusBeta,
    ResultType,
    ResultSignature,
    ResultDescription,
    Duration,
    ServicePrincipal,
    SourceSystem,
    TargetSystem,
    SourceIdentity,
    TargetIdentity,
    InitiatedBy,
    Steps,
    ModifiedProperties,
    Properties,
    Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartyKey {
    Id,
    Name,
    Kind,
    Details,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKey {
    Code,
    Reason,
    AdditionalDetails,
    Category,
    RecommendedAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKey {
    Status,
    ErrorInformation,
    /// Beta `statusInfo` carries the error fields inline.
    Inline(ErrorKey),
}

/// Lower-cases ASCII into a stack buffer; keys longer than the buffer match nothing.
fn lower<'b>(key: &str, buf: &'b mut [u8; 48]) -> &'b str {
    let bytes = key.as_bytes();
    if bytes.len() > buf.len() {
        return "";
    }
    let out = &mut buf[..bytes.len()];
    out.copy_from_slice(bytes);
    out.make_ascii_lowercase();
    // Lower-casing ASCII bytes keeps valid UTF-8 valid.
    std::str::from_utf8(out).unwrap_or("")
}

pub fn top_key(key: &str) -> Option<TopKey> {
    let mut buf = [0u8; 48];
    Some(match lower(key, &mut buf) {
        "id" => TopKey::Id,
        "activitydatetime" => TopKey::ActivityTime,
        "time" | "timegenerated" => TopKey::EnvelopeTime,
        "tenantid" | "aadtenantid" => TopKey::TenantId,
        "jobid" => TopKey::JobId,
        "cycleid" => TopKey::CycleId,
        "changeid" => TopKey::ChangeId,
        "correlationid" => TopKey::CorrelationId,
        "provisioningaction" => TopKey::Action,
        "action" => TopKey::ActionBeta,
        "provisioningstatusinfo" => TopKey::Status,
        "statusinfo" => TopKey::StatusBeta,
        "resulttype" => TopKey::ResultType,
        "resultsignature" => TopKey::ResultSignature,
        "resultdescription" => TopKey::ResultDescription,
        "durationinmilliseconds" | "durationms" => TopKey::Duration,
        "serviceprincipal" => TopKey::ServicePrincipal,
        "sourcesystem" => TopKey::SourceSystem,
        "targetsystem" => TopKey::TargetSystem,
        "sourceidentity" => TopKey::SourceIdentity,
        "targetidentity" => TopKey::TargetIdentity,
        "initiatedby" => TopKey::InitiatedBy,
        "provisioningsteps" => TopKey::Steps,
        "modifiedproperties" => TopKey::ModifiedProperties,
        "properties" => TopKey::Properties,
        "value" => TopKey::Value,
        _ => return None,
    })
}

pub fn party_key(key: &str) -> Option<PartyKey> {
    let mut buf = [0u8; 48];
    Some(match lower(key, &mut buf) {
        "id" => PartyKey::Id,
        "displayname" | "name" => PartyKey::Name,
        "identitytype" | "initiatortype" | "type" => PartyKey::Kind,
        "details" => PartyKey::Details,
        _ => return None,
    })
}

pub fn error_key(key: &str) -> Option<ErrorKey> {
    let mut buf = [0u8; 48];
    Some(match lower(key, &mut buf) {
        "errorcode" | "code" => ErrorKey::Code,
        "reason" | "errordescription" => ErrorKey::Reason,
        "additionaldetails" => ErrorKey::AdditionalDetails,
        "errorcategory" => ErrorKey::Category,
        "recommendedaction" => ErrorKey::RecommendedAction,
        _ => return None,
    })
}

pub fn status_key(key: &str) -> Option<StatusKey> {
    let mut buf = [0u8; 48];
    match lower(key, &mut buf) {
        "status" => Some(StatusKey::Status),
        "errorinformation" => Some(StatusKey::ErrorInformation),
        _ => error_key(key).map(StatusKey::Inline),
    }
}

// ---------------------------------------------------------------------------------------
// CSV headers

/// Normalises a CSV header: bracketed parts dropped, letters and digits only, lower case.
pub fn normalize_header(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    let mut depth = 0u32;
    for c in h.trim_start_matches('\u{feff}').chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out
}

/// Which party a flattened CSV column belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartySlot {
    ServicePrincipal,
    SourceSystem,
    TargetSystem,
    SourceIdentity,
    TargetIdentity,
    InitiatedBy,
}

/// Where a column of an event CSV (the portal's `ProvisioningLogs` file or a Log
/// Analytics export) goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventColumn {
    /// A whole field: a scalar, or a nested object as JSON text.
    Top(TopKey),
    /// One member of a party, flattened into its own column.
    Party(PartySlot, PartyKey),
    /// A field of the v1.0 error information, flattened.
    Error(ErrorKey),
    /// `Details` of a party is skipped, but named so it is not reported as unknown.
    Upn(PartySlot),
}

pub fn event_column(header: &str) -> Option<EventColumn> {
    use EventColumn as C;
    use PartySlot as P;
    let n = normalize_header(header);
    Some(match n.as_str() {
        "id" | "activityid" => C::Top(TopKey::Id),
        "date" | "datetime" | "activitydatetime" | "activitydate" | "timestamp" => {
            C::Top(TopKey::ActivityTime)
        }
        "time" | "timegenerated" => C::Top(TopKey::EnvelopeTime),
        "tenantid" | "aadtenantid" | "tenant" => C::Top(TopKey::TenantId),
        "jobid" | "job" => C::Top(TopKey::JobId),
        "cycleid" | "cycle" => C::Top(TopKey::CycleId),
        "changeid" | "change" => C::Top(TopKey::ChangeId),
        "correlationid" => C::Top(TopKey::CorrelationId),
        "provisioningaction" => C::Top(TopKey::Action),
        "action" => C::Top(TopKey::ActionBeta),
        "status" | "provisioningstatus" | "provisioningstatusinfo" | "result" => {
            C::Top(TopKey::Status)
        }
        "statusinfo" => C::Top(TopKey::StatusBeta),
        "resulttype" => C::Top(TopKey::ResultType),
        "resultsignature" => C::Top(TopKey::ResultSignature),
        "resultdescription" => C::Top(TopKey::ResultDescription),
        "duration" | "durationms" | "durationinmilliseconds" => C::Top(TopKey::Duration),
        "initiatedby" | "initiator" => C::Top(TopKey::InitiatedBy),
        "initiatedbyid" => C::Party(P::InitiatedBy, PartyKey::Id),
        "initiatedbytype" | "initiatortype" => C::Party(P::InitiatedBy, PartyKey::Kind),
        "serviceprincipal" => C::Top(TopKey::ServicePrincipal),
        "serviceprincipalid" | "applicationid" | "appid" => {
            C::Party(P::ServicePrincipal, PartyKey::Id)
        }
        "serviceprincipalname"
        | "serviceprincipaldisplayname"
        | "application"
        | "applicationname"
        | "app"
        | "appname" => C::Party(P::ServicePrincipal, PartyKey::Name),
        "sourcesystem" => C::Top(TopKey::SourceSystem),
        "sourcesystemid" => C::Party(P::SourceSystem, PartyKey::Id),
        "sourcesystemname" | "sourcesystemdisplayname" => C::Party(P::SourceSystem, PartyKey::Name),
        "targetsystem" => C::Top(TopKey::TargetSystem),
        "targetsystemid" => C::Party(P::TargetSystem, PartyKey::Id),
        "targetsystemname" | "targetsystemdisplayname" => C::Party(P::TargetSystem, PartyKey::Name),
        "sourceidentity" => C::Top(TopKey::SourceIdentity),
        "sourceidentityid" | "sourceid" | "sourceobjectid" => {
            C::Party(P::SourceIdentity, PartyKey::Id)
        }
        "sourceidentityname" | "sourceidentitydisplayname" | "sourcedisplayname" | "sourcename" => {
            C::Party(P::SourceIdentity, PartyKey::Name)
        }
        "sourceidentitytype" | "sourcetype" | "identitytype" => {
            C::Party(P::SourceIdentity, PartyKey::Kind)
        }
        "sourceidentityupn" | "sourceuserprincipalname" | "userprincipalname" | "upn" => {
            C::Upn(P::SourceIdentity)
        }
        "targetidentity" => C::Top(TopKey::TargetIdentity),
        "targetidentityid" | "targetid" | "targetobjectid" => {
            C::Party(P::TargetIdentity, PartyKey::Id)
        }
        "targetidentityname" | "targetidentitydisplayname" | "targetdisplayname" | "targetname" => {
            C::Party(P::TargetIdentity, PartyKey::Name)
        }
        "targetidentitytype" | "targettype" => C::Party(P::TargetIdentity, PartyKey::Kind),
        "errorcode" | "code" => C::Error(ErrorKey::Code),
        "reason" | "statusreason" | "failurereason" | "errorreason" | "errormessage"
        | "errordescription" | "statusdetails" => C::Error(ErrorKey::Reason),
        "additionaldetails" | "details" => C::Error(ErrorKey::AdditionalDetails),
        "errorcategory" => C::Error(ErrorKey::Category),
        "recommendedaction" => C::Error(ErrorKey::RecommendedAction),
        "provisioningsteps" | "steps" => C::Top(TopKey::Steps),
        "modifiedproperties" => C::Top(TopKey::ModifiedProperties),
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepColumn {
    ChangeId,
    Order,
    Name,
    Type,
    Status,
    Description,
    Details,
}

pub fn step_column(header: &str) -> Option<StepColumn> {
    Some(match normalize_header(header).as_str() {
        "changeid" | "change" => StepColumn::ChangeId,
        "step" | "stepnumber" | "order" | "index" | "sequence" | "stepindex" => StepColumn::Order,
        "name" | "stepname" | "eventname" => StepColumn::Name,
        "type" | "steptype" | "provisioningsteptype" => StepColumn::Type,
        "status" | "stepstatus" | "result" => StepColumn::Status,
        "description" | "stepdescription" => StepColumn::Description,
        "details" | "stepdetails" => StepColumn::Details,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyColumn {
    ChangeId,
    Name,
    Old,
    New,
}

pub fn property_column(header: &str) -> Option<PropertyColumn> {
    Some(match normalize_header(header).as_str() {
        "changeid" | "change" => PropertyColumn::ChangeId,
        "name" | "displayname" | "property" | "propertyname" | "attribute" | "attributename"
        | "modifiedproperty" => PropertyColumn::Name,
        "oldvalue" | "old" | "previousvalue" => PropertyColumn::Old,
        "newvalue" | "new" | "updatedvalue" => PropertyColumn::New,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_normalise_across_spellings() {
        for h in [
            "Change ID",
            "changeId",
            "change_id",
            "\u{feff}Change ID",
            "CHANGE-ID",
        ] {
            assert_eq!(
                event_column(h),
                Some(EventColumn::Top(TopKey::ChangeId)),
                "{h}"
            );
        }
        assert_eq!(
            event_column("Date (UTC)"),
            Some(EventColumn::Top(TopKey::ActivityTime))
        );
        assert_eq!(
            event_column("TimeGenerated [UTC]"),
            Some(EventColumn::Top(TopKey::EnvelopeTime))
        );
        assert_eq!(event_column("Something else"), None);
    }

    #[test]
    fn json_keys_ignore_case() {
        assert_eq!(top_key("ProvisioningStatusInfo"), Some(TopKey::Status));
        assert_eq!(top_key("changeId"), Some(TopKey::ChangeId));
        assert_eq!(party_key("Name"), Some(PartyKey::Name));
        assert_eq!(party_key("displayName"), Some(PartyKey::Name));
        assert_eq!(status_key("Status"), Some(StatusKey::Status));
        assert_eq!(
            status_key("errorCode"),
            Some(StatusKey::Inline(ErrorKey::Code))
        );
        assert_eq!(top_key(&"x".repeat(100)), None);
    }
}
