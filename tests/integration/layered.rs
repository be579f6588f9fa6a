//! Layered diagnosis, tolerant matching, templates and drafted entries, through the
//! executable.

use crate::util::{fixture, run, run_with};

/// The portal fixture's 401 whose Web Response is an OAuth error with AADSTS7000222.
const SECRET_EXPIRED: &str = "06c73914-ed57-79f4-1905-1e2aef5cf1a2";

#[test]
fn an_aadsts_code_inside_a_401_decides_and_the_chain_is_kept() {
    let file = fixture("portal-export.json");
    let r = run(&[
        "analyze",
        &file,
        "--change",
        SECRET_EXPIRED,
        "--format",
        "ndjson",
    ])
    .ok();
    let rows = r.ndjson();
    assert_eq!(rows.len(), 1, "{}", r.stdout);
    let d = &rows[0]["diagnosis"];
    assert_eq!(d["id"], "entra.aadsts-client-secret-expired");
    // The chain, outermost first, ends with the diagnosis; it comes after the contract's
    // keys.
    let cause = d["cause"].as_array().expect("cause");
    let layers: Vec<&str> = cause.iter().filter_map(|c| c["layer"].as_str()).collect();
    assert_eq!(layers.first(), Some(&"status"), "{cause:?}");
    assert_eq!(layers.last(), Some(&"oauth"), "{cause:?}");
    assert_eq!(cause.last().map(|c| &c["id"]), Some(&d["id"]));
    // In the line as written: after the contract's last diagnosis key, before the facts.
    let line = r.stdout.lines().next().unwrap_or_default();
    let at = |k: &str| line.find(k).unwrap_or_else(|| panic!("{k} in {line}"));
    assert!(at("\"steps\":") < at("\"cause\":") && at("\"cause\":") < at("\"facts\":"));

    // show and the table say it in one line.
    let show = run(&["show", SECRET_EXPIRED, &file]).ok();
    let line = show
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("Cause:"))
        .unwrap_or_else(|| panic!("no cause line:\n{}", show.stdout));
    assert!(
        line.contains("401") && line.contains(" ← ") && line.contains("AADSTS7000222"),
        "{line}"
    );
}

#[test]
fn a_scim_detail_inside_a_400_beats_the_outer_status() {
    // Entra's envelope says 400; the app's SCIM body says what to fix.
    let reason = r#"StatusCode: BadRequest Message: Processing of the HTTP request resulted in an exception. Please see the HTTP response returned by the 'Response' property of this exception for details. Web Response: {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"User must be Active.","status":"400"}. This operation was retried 0 times."#;
    let v = run(&["explain", "--format", "json", reason]).ok().json();
    let cause = v["diagnosis"]["cause"].as_array().expect("cause").clone();
    assert!(cause.len() >= 2, "{v}");
    assert_eq!(
        cause.last().map(|c| c["layer"].clone()),
        Some("scim".into()),
        "{v}"
    );
    assert_ne!(v["diagnosis"]["id"], "entra.http-400-bad-request", "{v}");
}

#[test]
fn punctuation_spacing_case_and_entities_do_not_change_the_diagnosis() {
    let id = |text: &str| -> Option<String> {
        let v = run(&["explain", "--format", "json", text]).json();
        v["diagnosis"]["id"].as_str().map(str::to_owned)
    };
    let cases: [(&str, &[&str]); 2] = [
        (
            "Another object with the same value for property proxyAddresses already exists.",
            &[
                "another object with the same value for property proxyaddresses already exists",
                "Another  object\r\nwith the same value for property proxyAddresses already exists …",
                "Ａｎｏｔｈｅｒ object with the same value for property proxyAddresses already exists。",
            ],
        ),
        (
            r#"The proxy address "SMTP:alice@contoso.com" is already being used by the proxy addresses or LegacyExchangeDN of "alice". Please choose another proxy address."#,
            &[
                "The proxy address &quot;SMTP:alice@contoso.com&quot; is already being used by the proxy addresses or LegacyExchangeDN of &quot;alice&quot;. Please choose another proxy address.",
                "The proxy address \u{201c}SMTP:alice@contoso.com\u{201d} is already being used by the proxy addresses or LegacyExchangeDN of \u{201c}alice\u{201d}. Please choose another proxy address.",
                "The proxy address &#34;SMTP:alice@contoso.com&#34; is already being used\u{a0}by the proxy addresses or LegacyExchangeDN of &#x22;alice&#x22;.",
            ],
        ),
    ];
    for (plain, variants) in cases {
        let want = id(plain);
        assert!(want.is_some(), "{plain} is in the catalog");
        for v in variants {
            assert_eq!(id(v), want, "{v}");
        }
    }
}

#[test]
fn unclassified_failures_are_grouped_by_template_and_drafted_into_entries() {
    let file = fixture("portal-export.json");
    let by_template = run(&[
        "analyze",
        &file,
        "--group-by",
        "template",
        "--category",
        "unclassified",
        "--format",
        "json",
    ])
    .ok()
    .json();
    let groups = by_template["groups"].as_array().expect("groups");
    assert!(!groups.is_empty());
    let total: u64 = groups.iter().filter_map(|g| g["count"].as_u64()).sum();
    assert_eq!(
        total,
        by_template["summary"]["events_selected"]
            .as_u64()
            .unwrap_or(0)
    );
    for g in groups {
        let key = g["key"].as_str().expect("template");
        // Variable parts are masked, and an example is kept as logged.
        assert!(!key.contains('@'), "{key}");
        assert!(g["example"].as_str().is_some_and(|e| !e.is_empty()), "{g}");
    }

    let draft = run(&["catalog", "draft", &file]).ok();
    assert!(draft.stdout.contains("[[entry]]"), "{}", draft.stdout);
    let entries = draft.stdout.matches("[[entry]]").count();
    assert_eq!(entries, groups.len(), "one entry per template");
    let dir = tempfile::tempdir().expect("tempdir");
    let mine = dir.path().join("mine.toml");
    std::fs::write(&mine, &draft.stdout).expect("write draft");
    let mine = mine.to_string_lossy().into_owned();
    // The draft loads as it is, and it covers every failure it was drafted from.
    let after = run(&[
        "analyze",
        &file,
        "--catalog",
        &mine,
        "--category",
        "unclassified",
        "--format",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(after["summary"]["events_selected"], 0, "{after}");
    let list = run(&["--catalog", &mine, "catalog", "list", "--format", "json"])
        .ok()
        .json();
    let drafted = list
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["id"].as_str().is_some_and(|i| i.contains(".local-")))
        .count();
    assert_eq!(drafted, entries);
}

#[test]
fn draft_needs_an_input_and_reads_stdin() {
    let r = run(&["catalog", "draft"]);
    assert_eq!(r.code, 2);
    let export = std::fs::read(fixture("portal-export.json")).expect("fixture");
    let r = run_with(&["catalog", "draft", "-"], Some(&export)).ok();
    assert!(r.stdout.contains("[[entry]]"));
}
