//! Property tests: interpolation inside real compose files never panics, and
//! `$$` escaping survives the whole pipeline.

use compose_spec::loader::{validate_str, Env};
use proptest::prelude::*;

fn env() -> Env {
    let mut e = Env::new();
    e.insert("TAG".into(), "1.25".into());
    e.insert("EMPTY".into(), String::new());
    e.insert("PORT".into(), "8080".into());
    e
}

fn template() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z0-9 ./:-]{0,6}",
        Just("$".to_string()),
        Just("$$".to_string()),
        Just("${".to_string()),
        Just("}".to_string()),
        prop::sample::select(vec!["TAG", "EMPTY", "UNSET", "PORT", "9X", ""])
            .prop_map(|v| format!("${{{v}}}")),
        (
            prop::sample::select(vec!["TAG", "EMPTY", "UNSET"]),
            prop::sample::select(vec![":-", "-", ":?", "?", ":+", "+"]),
            "[a-z${}]{0,5}"
        )
            .prop_map(|(v, op, d)| format!("${{{v}{op}{d}}}")),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn interpolation_in_any_field_never_panics(t in template(), field in prop::sample::select(vec!["image", "command", "ports", "environment", "cpus", "privileged", "deploy"])) {
        let quoted = serde_json::to_string(&t).unwrap();
        let body = match field {
            "ports" => format!("    ports:\n      - {quoted}\n"),
            "environment" => format!("    environment:\n      A: {quoted}\n"),
            "deploy" => format!("    deploy:\n      replicas: {quoted}\n"),
            f => format!("    {f}: {quoted}\n"),
        };
        let yaml = format!("services:\n  web:\n    image: nginx\n{body}");
        let _ = validate_str("compose.yaml", &yaml, Some(&env()));
    }

    #[test]
    fn escaped_dollars_are_not_interpolated(t in "[a-zA-Z0-9${}:?+-]{0,20}") {
        let escaped = t.replace('$', "$$");
        let yaml = format!("services:\n  web:\n    image: nginx\n    command: {}\n", serde_json::to_string(&escaped).unwrap());
        let (_, diags) = validate_str("compose.yaml", &yaml, Some(&env()));
        prop_assert!(diags.iter().all(|d| !d.code.as_str().starts_with("interpolation::")), "{diags:?}");
    }
}
