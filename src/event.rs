//! The one normalised provisioning event that every reader produces.
//!
//! Nothing downstream of `input` knows which export shape an event came from: the portal's
//! JSON, Graph pages, diagnostic NDJSON, Log Analytics and the three-CSV set all end here.

use chrono::{DateTime, Utc};

/// Outcome of one provisioning event (`provisioningStatusInfo.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Success,
    Failure,
    Skipped,
    Warning,
    Unknown,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Success,
        Status::Failure,
        Status::Skipped,
        Status::Warning,
        Status::Unknown,
    ];

    /// Accepts the string forms (any case) and the integer encoding of diagnostic logs.
    pub fn parse(s: &str) -> Status {
        let s = s.trim();
        if s.eq_ignore_ascii_case("success") || s == "0" {
            Status::Success
        } else if s.eq_ignore_ascii_case("failure") || s == "1" {
            Status::Failure
        } else if s.eq_ignore_ascii_case("skipped") || s == "2" {
            Status::Skipped
        } else if s.eq_ignore_ascii_case("warning") || s == "3" {
            Status::Warning
        } else {
            Status::Unknown
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::Failure => "failure",
            Status::Skipped => "skipped",
            Status::Warning => "warning",
            Status::Unknown => "unknown",
        }
    }
}

/// What the provisioning service did (`provisioningAction`, or beta `action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Create,
    Update,
    Delete,
    Disable,
    StagedDelete,
    Other,
    Unknown,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Create,
        Action::Update,
        Action::Delete,
        Action::Disable,
        Action::StagedDelete,
        Action::Other,
        Action::Unknown,
    ];

    /// Accepts `create`/`Create`, and the SDK enum order used when the value is an integer
    /// (Other, Create, Delete, Disable, Update, StagedDelete).
    pub fn parse(s: &str) -> Action {
        let s = s.trim();
        let eq = |w: &str| s.eq_ignore_ascii_case(w);
        if eq("create") || s == "1" {
            Action::Create
        } else if eq("update") || s == "4" {
            Action::Update
        } else if eq("delete") || s == "2" {
            Action::Delete
        } else if eq("disable") || s == "3" {
            Action::Disable
        } else if eq("stageddelete") || eq("stagedaction") || s == "5" {
            Action::StagedDelete
        } else if eq("other") || s == "0" {
            Action::Other
        } else {
            Action::Unknown
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Disable => "disable",
            Action::StagedDelete => "stagedDelete",
            Action::Other => "other",
            Action::Unknown => "unknown",
        }
    }
}

/// One side of a change: a system, an identity, the service principal or the initiator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    pub id: Option<String>,
    pub name: Option<String>,
    /// `identityType` for identities, `initiatorType` for the initiator.
    pub kind: Option<String>,
    /// `details.UserPrincipalName` of an identity, when the export carries it.
    pub upn: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorInfo {
    pub code: Option<String>,
    pub reason: Option<String>,
    pub additional_details: Option<String>,
    pub category: Option<String>,
    pub recommended_action: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepType {
    Import,
    Scoping,
    Matching,
    Processing,
    ReferenceResolution,
    Export,
    Unknown,
}

impl StepType {
    pub fn parse(s: &str) -> StepType {
        let s = s.trim();
        let eq = |w: &str| s.eq_ignore_ascii_case(w);
        if eq("import") || s == "0" {
            StepType::Import
        } else if eq("scoping") || s == "1" {
            StepType::Scoping
        } else if eq("matching") || s == "2" {
            StepType::Matching
        } else if eq("processing") || s == "3" {
            StepType::Processing
        } else if eq("referenceresolution") || s == "4" {
            StepType::ReferenceResolution
        } else if eq("export") || s == "5" {
            StepType::Export
        } else {
            StepType::Unknown
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StepType::Import => "import",
            StepType::Scoping => "scoping",
            StepType::Matching => "matching",
            StepType::Processing => "processing",
            StepType::ReferenceResolution => "referenceResolution",
            StepType::Export => "export",
            StepType::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub name: Option<String>,
    pub step_type: StepType,
    pub status: Status,
    pub description: Option<String>,
    /// `details`, an open string map, in the order the export gives it.
    pub details: Vec<(String, String)>,
}

impl Step {
    pub fn detail(&self, key: &str) -> Option<&str> {
        self.details
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModifiedProperty {
    pub name: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// A provisioning event, normalised. Missing values are `None`, never invented.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    pub id: Option<String>,
    pub change_id: Option<String>,
    pub cycle_id: Option<String>,
    pub job_id: Option<String>,
    pub tenant_id: Option<String>,
    pub time: Option<DateTime<Utc>>,
    pub action: Option<Action>,
    pub status: Option<Status>,
    pub duration_ms: Option<i64>,
    pub service_principal: Party,
    pub source_system: Party,
    pub target_system: Party,
    pub source_identity: Party,
    pub target_identity: Party,
    pub initiated_by: Party,
    pub error: ErrorInfo,
    pub steps: Vec<Step>,
    pub modified_properties: Vec<ModifiedProperty>,
}

impl Event {
    pub fn status(&self) -> Status {
        self.status.unwrap_or(Status::Unknown)
    }

    pub fn action(&self) -> Action {
        self.action.unwrap_or(Action::Unknown)
    }

    /// The application the event belongs to: the service principal's name, else the
    /// non-Entra side of the sync.
    pub fn app(&self) -> Option<&str> {
        self.service_principal
            .name
            .as_deref()
            .filter(|s| !s.is_empty())
            .or_else(|| {
                self.service_principal
                    .id
                    .as_deref()
                    .filter(|s| !s.is_empty())
            })
    }

    /// The best human handle for the object: the reportable identifier the service logs,
    /// else a UPN, else a display name, else an object id.
    pub fn identity(&self) -> Option<&str> {
        fn nonempty(s: &Option<String>) -> Option<&str> {
            s.as_deref().filter(|s| !s.trim().is_empty())
        }
        self.steps
            .iter()
            .find_map(|s| {
                s.detail("ReportableIdentifier")
                    .filter(|v| !v.trim().is_empty())
            })
            .or_else(|| nonempty(&self.source_identity.upn))
            .or_else(|| nonempty(&self.source_identity.name))
            .or_else(|| nonempty(&self.target_identity.upn))
            .or_else(|| nonempty(&self.target_identity.name))
            .or_else(|| nonempty(&self.source_identity.id))
            .or_else(|| nonempty(&self.target_identity.id))
    }

    /// The step that failed (the last failed one), or for a skipped event the skip step.
    pub fn failed_step(&self) -> Option<&Step> {
        self.steps
            .iter()
            .rev()
            .find(|s| s.status == Status::Failure)
            .or_else(|| {
                self.steps
                    .iter()
                    .rev()
                    .find(|s| s.status == Status::Skipped || s.detail("SkipReason").is_some())
            })
            .or_else(|| {
                self.steps
                    .iter()
                    .rev()
                    .find(|s| s.status == Status::Warning)
            })
    }

    /// `SkipReason` from the scoping or skip step's details.
    pub fn skip_reason(&self) -> Option<&str> {
        self.steps.iter().find_map(|s| s.detail("SkipReason"))
    }

    /// An update whose only modified property is `accountDisabled`: Entra logs it whether or
    /// not the value changed, so it is noise rather than a change.
    pub fn is_account_disabled_noise(&self) -> bool {
        self.action() == Action::Update
            && !self.modified_properties.is_empty()
            && self
                .modified_properties
                .iter()
                .all(|p| p.name.eq_ignore_ascii_case("accountDisabled"))
    }
}
