//! Property tests for `template::substitute` and `template::extract_variables`.

use compose_spec::template::{extract_variables, substitute, TemplateErrorKind};
use proptest::prelude::*;
use std::cell::RefCell;

/// Strings rich in the characters the template syntax cares about.
fn template_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[${}:?+\\-_aAbB1 \n\t.ſKé\"]{0,48}",
        "(\\$\\{?[aAB_]{0,2}(:?[-+?])?[${}a ]{0,3}\\}?){0,8}",
        any::<String>(),
    ]
}

/// A deterministic lookup: unset, empty, or a value that itself looks like a template.
fn lookup_for(seed: u64) -> impl Fn(&str) -> Option<String> {
    move |name: &str| {
        let h = name
            .bytes()
            .fold(seed, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        match h % 4 {
            0 => None,
            1 => Some(String::new()),
            2 => Some(format!("v{}", h % 100)),
            _ => Some("${X:-$y}}{$".to_string()),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn substitute_never_panics(template in template_text(), seed in any::<u64>()) {
        match substitute(&template, &lookup_for(seed)) {
            Ok(s) => {
                for u in &s.unset {
                    let expr = template.get(u.offset..u.offset + u.len);
                    prop_assert!(expr.is_some_and(|e| e.starts_with('$') && e.contains(u.name.as_str())), "{u:?}");
                }
            }
            Err(e) => {
                let expr = template.get(e.offset..e.offset + e.len);
                prop_assert!(expr.is_some_and(|e| e.starts_with("${")), "{e:?}");
                if let TemplateErrorKind::Invalid { message } = &e.kind {
                    prop_assert!(message.starts_with("Invalid template: \""));
                    let raw = e.invalid_template();
                    prop_assert!(raw.as_deref().is_some_and(|r| template.contains(r)), "{raw:?}");
                }
            }
        }
    }

    #[test]
    fn escaped_dollars_round_trip(text in any::<String>()) {
        let called = RefCell::new(false);
        let lookup = |_: &str| {
            *called.borrow_mut() = true;
            None
        };
        let s = substitute(&text.replace('$', "$$"), &lookup).unwrap();
        prop_assert_eq!(s.value, text);
        prop_assert!(s.unset.is_empty());
        prop_assert!(!*called.borrow());
    }

    #[test]
    fn text_without_dollar_is_unchanged(text in "[^$]*") {
        let s = substitute(&text, &|_| Some("x".into())).unwrap();
        prop_assert_eq!(s.value, text);
    }

    #[test]
    fn extract_never_panics(template in template_text()) {
        for v in extract_variables(&template) {
            prop_assert!(template.contains(v.name.as_str()));
            if let Some(d) = &v.default_value {
                prop_assert!(template.contains(d.as_str()));
            }
        }
    }

    #[test]
    fn matches_a_naive_evaluator_on_well_formed_templates(pieces in pieces(0)) {
        let mut text = String::new();
        render(&pieces, &mut text);
        let mut unset = Vec::new();
        let expected = eval(&pieces, &mut unset);
        match (substitute(&text, &fixed_env), expected) {
            (Ok(s), Ok(v)) => {
                prop_assert_eq!(&s.value, &v, "template {:?}", text);
                let names: Vec<_> = s.unset.iter().map(|u| u.name.clone()).collect();
                prop_assert_eq!(names, unset, "template {:?}", text);
            }
            (Err(e), Err((name, message))) => {
                prop_assert_eq!(e.kind, TemplateErrorKind::Required { name, message }, "template {:?}", text);
            }
            (got, want) => prop_assert!(false, "template {:?}: got {:?}, want {:?}", text, got, want),
        }
    }
}

// A small model of the template language without literal braces, where
// compose-go's rules reduce to ordinary recursive evaluation.

#[derive(Debug, Clone)]
enum Piece {
    Lit(String),
    Escaped,
    Named(&'static str),
    Braced(&'static str),
    Op(&'static str, &'static str, Vec<Piece>),
}

const NAMES: &[&str] = &["A", "B", "C", "_x", "ſ"];
const OPS: &[&str] = &[":-", "-", ":+", "+", ":?", "?"];

fn fixed_env(name: &str) -> Option<String> {
    match name {
        "A" => Some("a".into()),
        "B" => Some(String::new()),
        "_x" => Some("$B".into()),
        _ => None,
    }
}

fn pieces(depth: u32) -> BoxedStrategy<Vec<Piece>> {
    // Literals hold no name characters, so `$NAME` never runs into them, and
    // no newline below the top level, where compose-go would stop matching.
    let lit = if depth == 0 {
        "[ .:?+/\\-\n]{1,3}"
    } else {
        "[ .:?+/\\-]{1,3}"
    };
    let leaf = prop_oneof![
        lit.prop_map(Piece::Lit),
        Just(Piece::Escaped),
        proptest::sample::select(NAMES).prop_map(Piece::Named),
        proptest::sample::select(NAMES).prop_map(Piece::Braced),
    ];
    let piece = if depth < 3 {
        prop_oneof![
            3 => leaf,
            1 => (
                proptest::sample::select(NAMES),
                proptest::sample::select(OPS),
                pieces(depth + 1)
            )
                .prop_map(|(n, op, arg)| Piece::Op(n, op, arg)),
        ]
        .boxed()
    } else {
        leaf.boxed()
    };
    proptest::collection::vec(piece, 0..5).boxed()
}

fn render(pieces: &[Piece], out: &mut String) {
    for p in pieces {
        match p {
            Piece::Lit(s) => out.push_str(s),
            Piece::Escaped => out.push_str("$$"),
            Piece::Named(n) => {
                out.push('$');
                out.push_str(n);
            }
            Piece::Braced(n) => {
                out.push_str("${");
                out.push_str(n);
                out.push('}');
            }
            Piece::Op(n, op, arg) => {
                out.push_str("${");
                out.push_str(n);
                out.push_str(op);
                render(arg, out);
                out.push('}');
            }
        }
    }
}

/// Shell-like evaluation, with compose-go's "operator text is always evaluated".
fn eval(pieces: &[Piece], unset: &mut Vec<String>) -> Result<String, (String, String)> {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Lit(s) => out.push_str(s),
            Piece::Escaped => out.push('$'),
            Piece::Named(n) | Piece::Braced(n) => match fixed_env(n) {
                Some(v) => out.push_str(&v),
                None => unset.push(n.to_string()),
            },
            Piece::Op(n, op, arg) => {
                let arg = eval(arg, unset)?;
                let value = fixed_env(n);
                let set = value.is_some();
                let non_empty = value.as_deref().is_some_and(|v| !v.is_empty());
                let v = value.unwrap_or_default();
                let r = match *op {
                    ":-" => {
                        if non_empty {
                            v
                        } else {
                            arg
                        }
                    }
                    "-" => {
                        if set {
                            v
                        } else {
                            arg
                        }
                    }
                    ":+" => {
                        if non_empty {
                            arg
                        } else {
                            v
                        }
                    }
                    "+" => {
                        if set {
                            arg
                        } else {
                            v
                        }
                    }
                    ":?" => {
                        if non_empty {
                            v
                        } else {
                            return Err((n.to_string(), arg));
                        }
                    }
                    _ => {
                        if set {
                            v
                        } else {
                            return Err((n.to_string(), arg));
                        }
                    }
                };
                out.push_str(&r);
            }
        }
    }
    Ok(out)
}
