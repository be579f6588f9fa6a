//! Redaction: every name, address and id replaced, consistently, in every field.

use super::*;
use crate::event::{ModifiedProperty, Status, Step, StepType};

fn step(desc: &str, details: &[(&str, &str)]) -> Step {
    Step {
        name: Some("EntryExportAdd".into()),
        step_type: StepType::Export,
        status: Status::Failure,
        description: Some(desc.into()),
        details: details
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

fn sample() -> Event {
    Event {
        change_id: Some("06c73914-ed57-79f4-1905-1e2aef5cf1a2".into()),
        job_id: Some(
            "slack.ccaa45894ba12be2dddd9a3d3a27375f.562c7969-19e7-5a4c-b0da-d661896ff9c9"
                .into(),
        ),
        cycle_id: Some("df2f52c5-d65c-eeff-9e1f-8758c013f564".into()),
        service_principal: Party {
            id: Some("00361119-fd1c-d2bc-1abc-5990864decd8".into()),
            name: Some("Slack".into()),
            ..Party::default()
        },
        source_identity: Party {
            id: Some("efa49da8-2698-553e-356c-1a3b4005f732".into()),
            name: Some("Brian Williams".into()),
            kind: Some("User".into()),
            upn: Some("Brian.Williams@contoso.com".into()),
        },
        target_identity: Party {
            name: Some("brian.williams@contoso.com".into()),
            ..Party::default()
        },
        error: crate::event::ErrorInfo {
            code: Some("Unauthorized".into()),
            reason: Some(
                "User 'Brian Williams' <brian.williams@contoso.com> clashes with object \
                 4cdd8f0f-cc21-50d5-5917-db0ea4f399e4. Trace ID: 2879bbb0-fd3d-0af6-61c3-f426c87e397e \
                 Correlation ID: 06087298-1861-0c10-261c-60702055bcb6; job 562c7969-19e7-5a4c-b0da-d661896ff9c9"
                    .into(),
            ),
            ..Default::default()
        },
        steps: vec![step(
            "Failed to create User 'brian.williams@contoso.com' in Slack",
            &[
                ("ReportableIdentifier", "brian.williams@contoso.com"),
                ("name.givenName", "Brian"),
                ("externalId", "brian.williams"),
                ("title", "Marketing Lead"),
                (
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
                    "102331",
                ),
                ("members", r#"["cf441307-2e96-ff97-cb37-d76ebe50d4ad"]"#),
            ],
        )],
        modified_properties: vec![
            ModifiedProperty {
                name: "displayName".into(),
                old_value: Some("Brian Williams".into()),
                new_value: Some("Brian Q. Williams".into()),
            },
            ModifiedProperty {
                name: "department".into(),
                old_value: None,
                new_value: Some("Sales (Brian Williams' team)".into()),
            },
        ],
        ..Event::default()
    }
}

#[test]
fn people_become_tokens_and_ids_stay() {
    let mut r = Redactor::new(Mode::Full);
    let ev = r.event(sample());
    let s = &ev.source_identity;
    assert_eq!(s.upn.as_deref(), Some("user-0001"));
    assert_eq!(s.name.as_deref(), Some("name-0001"));
    assert_eq!(s.id.as_deref(), Some("obj-0001"));
    // The target's name is the same address, in another case: the same token.
    assert_eq!(ev.target_identity.name.as_deref(), Some("user-0001"));
    let reason = ev.error.reason.as_deref().unwrap_or("");
    assert!(reason.starts_with("User 'name-0001' <user-0001> clashes with object obj-"));
    // Request and job ids are kept.
    assert!(reason.contains("2879bbb0-fd3d-0af6-61c3-f426c87e397e"));
    assert!(reason.contains("06087298-1861-0c10-261c-60702055bcb6"));
    assert!(reason.contains("562c7969-19e7-5a4c-b0da-d661896ff9c9"));
    assert!(!reason.contains("4cdd8f0f"));
    let st = &ev.steps[0];
    assert_eq!(
        st.description.as_deref(),
        Some("Failed to create User 'user-0001' in Slack")
    );
    assert_eq!(st.detail("ReportableIdentifier"), Some("user-0001"));
    assert_eq!(st.detail("name.givenName"), Some("given-0001"));
    assert_eq!(st.detail("externalId"), Some("login-0001"));
    assert_eq!(st.detail("title"), Some("Marketing Lead"));
    assert!(
        st.details[4].1.starts_with("login-"),
        "employee number: {:?}",
        st.details[4]
    );
    assert!(!st.detail("members").unwrap_or("").contains("cf441307"));
    let p = &ev.modified_properties;
    assert_eq!(p[0].old_value.as_deref(), Some("name-0001"));
    assert!(
        p[0].new_value
            .as_deref()
            .is_some_and(|v| v.starts_with("name-"))
    );
    assert_ne!(p[0].new_value, p[0].old_value);
    assert_eq!(p[1].new_value.as_deref(), Some("Sales (name-0001' team)"));
    // What is not personal stays.
    assert_eq!(ev.change_id.as_deref(), sample().change_id.as_deref());
    assert_eq!(ev.service_principal, sample().service_principal);
    assert_eq!(ev.error.code.as_deref(), Some("Unauthorized"));
}

#[test]
fn the_same_value_gets_the_same_token_across_events() {
    let mut r = Redactor::new(Mode::Full);
    let a = r.event(sample());
    let mut other = sample();
    other.source_identity.upn = Some("alice@contoso.com".into());
    other.source_identity.name = Some("Alice".into());
    other.source_identity.id = Some("11111111-2222-3333-4444-555555555555".into());
    other.target_identity.name = Some("brian.williams@contoso.com".into());
    let b = r.event(other);
    assert_eq!(b.target_identity.name, a.source_identity.upn);
    assert_ne!(b.source_identity.upn, a.source_identity.upn);
    assert_ne!(b.source_identity.id, a.source_identity.id);
    let again = r.event(sample());
    assert_eq!(again, a);
}

#[test]
fn keep_domain_keeps_the_domain_only() {
    let mut r = Redactor::new(Mode::KeepDomain);
    let ev = r.event(sample());
    assert_eq!(
        ev.source_identity.upn.as_deref(),
        Some("user-0001@contoso.com")
    );
    assert!(
        ev.steps[0]
            .description
            .as_deref()
            .is_some_and(|d| d.contains("'user-0001@contoso.com'"))
    );
}

#[test]
fn names_match_whole_words_and_cjk_anywhere() {
    let mut r = Redactor::new(Mode::Full);
    let mut ev = Event {
        source_identity: Party {
            name: Some("Will".into()),
            ..Party::default()
        },
        target_identity: Party {
            name: Some("佐藤 花子".into()),
            ..Party::default()
        },
        ..Event::default()
    };
    ev.error.reason = Some("Will will be created; Willow stays; ユーザー佐藤 花子さん".into());
    let ev = r.event(ev);
    assert_eq!(
        ev.error.reason.as_deref(),
        Some("name-0001 will be created; Willow stays; ユーザーname-0002さん")
    );
}

#[test]
fn keys_are_recognised_through_urns_and_filters() {
    assert_eq!(
        key_kind("emails[type eq \"work\"].value"),
        Some(Kind::Login)
    );
    assert_eq!(
        key_kind("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"),
        Some(Kind::Obj)
    );
    assert_eq!(key_kind("name.familyName"), Some(Kind::Family));
    assert_eq!(key_kind("first_name"), Some(Kind::Given));
    assert_eq!(key_kind("family_name_yomi"), Some(Kind::Name));
    assert_eq!(key_kind("department"), None);
    assert_eq!(key_kind("SkipReason"), None);
}

#[test]
fn system_initiators_are_kept() {
    let mut r = Redactor::new(Mode::Full);
    let mut ev = sample();
    ev.initiated_by = Party {
        name: Some("Azure AD Provisioning Service".into()),
        kind: Some("system".into()),
        ..Party::default()
    };
    let kept = r.event(ev.clone());
    assert_eq!(kept.initiated_by, ev.initiated_by);
    ev.initiated_by = Party {
        id: Some("aaaaaaaa-2698-553e-356c-1a3b4005f732".into()),
        name: Some("Admin Person".into()),
        kind: Some("user".into()),
        upn: None,
    };
    let redacted = r.event(ev);
    assert!(
        redacted
            .initiated_by
            .name
            .as_deref()
            .is_some_and(|n| n.starts_with("name-"))
    );
    assert!(
        redacted
            .initiated_by
            .id
            .as_deref()
            .is_some_and(|n| n.starts_with("obj-"))
    );
}
