//! Property tests for `dotenv::parse`.

use compose_spec::dotenv::{parse, parse_into};
use indexmap::IndexMap;
use proptest::prelude::*;

fn env_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z_ =:#'\"\\\\${}\n\r\t.\\-\u{a0}\u{feff}é0-9]{0,64}",
        "((export )?[A-Z_]{1,3} ?[=:]? ?['\"]?[a-z$\\\\{}# ]{0,6}['\"]?\n?){0,6}",
        any::<String>(),
    ]
}

fn lookup_for(seed: u64) -> impl Fn(&str) -> Option<String> {
    move |name: &str| {
        let h = name
            .bytes()
            .fold(seed, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        match h % 3 {
            0 => None,
            1 => Some(String::new()),
            _ => Some(format!("${{{name}}}")),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_never_panics(text in env_text(), seed in any::<u64>()) {
        let mut vars = IndexMap::new();
        match parse_into(&text, &lookup_for(seed), &mut vars) {
            Ok(unset) => {
                for u in unset {
                    prop_assert!(text.get(u.offset..u.offset + u.len).is_some(), "{u:?}");
                }
            }
            Err(e) => {
                let before = text.get(..e.offset);
                prop_assert!(before.is_some(), "{e:?}");
                let line = before.map_or(0, |b| b.matches('\n').count() + 1);
                prop_assert_eq!(line, e.line);
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn double_quoted_values_round_trip(
        vars in proptest::collection::vec(("[A-Za-z_][A-Za-z0-9_.]{0,8}", any::<String>()), 0..8)
    ) {
        let mut text = String::new();
        let mut expected = IndexMap::new();
        for (k, v) in &vars {
            let quoted = v.replace('\\', "\\\\").replace('"', "\\\"").replace('$', "\\$");
            text.push_str(&format!("{k}=\"{quoted}\"\n"));
            expected.insert(k.clone(), v.clone());
        }
        let got = parse(&text, &|_| None).unwrap();
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn unquoted_simple_values_round_trip(
        vars in proptest::collection::vec(("[A-Za-z_][A-Za-z0-9_]{0,8}", "[a-z0-9/:.,=+-]{1,12}"), 0..8)
    ) {
        let mut text = String::from("# generated\n");
        let mut expected = IndexMap::new();
        for (k, v) in &vars {
            text.push_str(&format!("export {k} = {v} # comment\r\n\n"));
            expected.insert(k.clone(), v.clone());
        }
        let got = parse(&text, &|_| None).unwrap();
        prop_assert_eq!(got, expected);
    }
}
