//! Small hand-written provisioning events (the v1.0 Graph shape), so that a test states
//! exactly what its input holds.

use serde_json::{Value, json};

#[derive(Clone, Debug)]
pub struct E {
    pub change: String,
    pub who: String,
    /// RFC 3339.
    pub time: String,
    pub status: &'static str,
    pub action: &'static str,
    pub code: Option<String>,
    pub reason: Option<String>,
    pub job: String,
    pub cycle: String,
    /// Modified properties: (name, new value).
    pub props: Vec<(String, String)>,
}

/// A successful update at `time`.
pub fn ok(change: &str, who: &str, time: &str) -> E {
    E {
        change: change.to_owned(),
        who: who.to_owned(),
        time: time.to_owned(),
        status: "success",
        action: "update",
        code: None,
        reason: None,
        job: "job-1".to_owned(),
        cycle: "cycle-1".to_owned(),
        props: Vec::new(),
    }
}

/// A failed create with this error code.
pub fn fail(change: &str, who: &str, time: &str, code: &str) -> E {
    E {
        status: "failure",
        action: "create",
        code: Some(code.to_owned()),
        reason: Some(format!("The operation failed with {code}.")),
        ..ok(change, who, time)
    }
}

/// 2026-11-20 at this hour and minute, UTC.
pub fn at(hour: u32, minute: u32) -> String {
    format!("2026-11-20T{hour:02}:{minute:02}:00Z")
}

impl E {
    pub fn in_cycle(mut self, job: &str, cycle: &str) -> E {
        self.job = job.to_owned();
        self.cycle = cycle.to_owned();
        self
    }

    pub fn reason(mut self, r: &str) -> E {
        self.reason = Some(r.to_owned());
        self
    }

    /// Adds Entra's escrow trailer: retried `n` times, next retry a day later.
    pub fn retried(mut self, n: u32) -> E {
        let r = self.reason.take().unwrap_or_default();
        self.reason = Some(format!(
            "{r} This operation was retried {n} times. It will be retried again after this date: 2026-11-21T00:00:00Z UTC"
        ));
        self
    }

    pub fn prop(mut self, name: &str, value: &str) -> E {
        self.props.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn json(&self) -> Value {
        let error = match (&self.code, &self.reason) {
            (None, None) => Value::Null,
            (code, reason) => json!({"errorCode": code, "reason": reason}),
        };
        json!({
            "id": format!("row-{}", self.change),
            "activityDateTime": self.time,
            "jobId": self.job,
            "cycleId": self.cycle,
            "changeId": self.change,
            "provisioningAction": self.action,
            "servicePrincipal": {"id": "sp-1", "displayName": "Test App"},
            "sourceIdentity": {"id": format!("src-{}", self.who), "displayName": self.who, "identityType": "User"},
            "targetIdentity": {"id": "", "displayName": format!("{}@contoso.com", self.who), "identityType": "User"},
            "provisioningStatusInfo": {"status": self.status, "errorInformation": error},
            "provisioningSteps": [],
            "modifiedProperties": self.props.iter().map(|(n, v)| json!({"displayName": n, "oldValue": null, "newValue": v})).collect::<Vec<_>>(),
        })
    }
}

/// The portal's download: one minified array.
pub fn array(events: &[E]) -> Vec<u8> {
    serde_json::to_vec(&events.iter().map(E::json).collect::<Vec<_>>()).expect("serialises")
}

/// One event per line.
pub fn ndjson(events: &[E]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in events {
        out.extend(serde_json::to_vec(&e.json()).expect("serialises"));
        out.push(b'\n');
    }
    out
}
