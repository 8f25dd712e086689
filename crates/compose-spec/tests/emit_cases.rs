//! `to_yaml` against output captured from `docker compose config` (v2.40.3,
//! go.yaml.in/yaml/v3 v3.0.4): each input is the value compose printed, taken
//! from `config --format json` and put in the YAML output's key order.

use compose_spec::yaml::emit::to_yaml;
use serde_json::{json, Value};

fn check(input: &str, expected: &str) {
    let value: Value = serde_json::from_str(input).expect("valid JSON");
    let got = to_yaml(&value);
    assert_eq!(
        got, expected,
        "\n--- got ---\n{got}\n--- want ---\n{expected}"
    );
}

/// Environment values and label keys: quoting, block scalars, escapes.
#[test]
fn environment_values_and_labels() {
    check(
        r##"{
  "services": {
    "a": {
      "environment": {
        "K01": "yes",
        "K02": "8080",
        "K03": "",
        "K04": "a: b",
        "K05": "#x",
        "K06": "line1\nline2\n",
        "K07": "\u00e9 \u00fc \u65e5\u672c",
        "K08": "\ud83d\ude00 smile",
        "K09": "tab\there",
        "K10": " lead",
        "K11": "trail ",
        "K12": "2001-12-14",
        "K13": "it's",
        "K14": "\nleading newline",
        "K15": "x\n\n",
        "K16": "a \nb",
        "K17": "\u2028sep",
        "K18": "\ufeffbom",
        "K19": "1:30",
        "K20": "0x1F",
        "K21": "- item",
        "K22": "~",
        "K23": "null",
        "K24": "a\u0085b",
        "K25": "ctrl\u0001",
        "K26": "@at",
        "K27": "quote\"d",
        "K28": "back\\slash",
        "K29": "%pct",
        "K30": "1e400",
        "K31": "  two\nlines"
      },
      "labels": {
        "- dash": "x",
        "multi\nline": "v2",
        "this is a very long key that goes on and on and on and on and on and on and on and on and on and on and on and end": "v",
        "true": "t"
      }
    }
  }
}"##,
        "services:
  a:
    environment:
      K01: \"yes\"
      K02: \"8080\"
      K03: \"\"
      K04: 'a: b'
      K05: '#x'
      K06: |
        line1
        line2
      K07: \u{e9} \u{fc} \u{65e5}\u{672c}
      K08: \"\\U0001F600 smile\"
      K09: \"tab\\there\"
      K10: ' lead'
      K11: 'trail '
      K12: \"2001-12-14\"
      K13: it's
      K14: |2-

        leading newline
      K15: |+
        x

      K16: \"a \\nb\"
      K17: '\u{2028}        sep'
      K18: \"\\uFEFF\\x62\\x6F\\x6D\"
      K19: \"1:30\"
      K20: \"0x1F\"
      K21: '- item'
      K22: \"~\"
      K23: \"null\"
      K24: \"a\\Nb\"
      K25: \"ctrl\\x01\"
      K26: '@at'
      K27: quote\"d
      K28: back\\slash
      K29: '%pct'
      K30: 1e400
      K31: |2-
          two
        lines
    labels:
      '- dash': x
      ? |-
        multi
        line
      : v2
      this is a very long key that goes on and on and on and on and on and on and on and on and on and on and on and end: v
      \"true\": t
",
    );
}

/// Indicators, YAML 1.1 bools, numbers, timestamps, control characters; long and multi-line keys.
#[test]
fn command_strings_and_odd_keys() {
    check(
        r##"{
  "services": {
    "a": {
      "labels": {
        "\ufeffbom": "b",
        "\ud83d\ude00": "emoji",
        "8080": "p",
        "a: b": "c",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": "v2",
        "b\u2028c": "v4",
        "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk": "v1",
        "tab\tkey": "t",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx : #": "v3",
        "yes": "no"
      },
      "command": [
        "sh",
        "-c",
        "echo 'hi'\nexit 1",
        "",
        "yes",
        "1.5",
        "-",
        "--flag",
        "- x",
        "a #b",
        "a#b",
        ":x",
        "x:",
        "? q",
        "?q",
        "[x]",
        "{y}",
        "*s",
        "&a",
        "!t",
        "|p",
        ">f",
        "'q'",
        "\"dq\"",
        "`b`",
        "---",
        "...",
        "--- x",
        "trailing\n",
        "many\n\n\n",
        "\n",
        "\n\n",
        " \n",
        "x \ny",
        "x\n y",
        "caf\u00e9",
        "\u00a0nbsp",
        "\u0085nel",
        "\u007fdel",
        "\u0000nul",
        "a\rb",
        "a\r\nb",
        "1e+06",
        "0o17",
        "0b101",
        "0B101",
        "+.inf",
        ".5",
        "._5",
        "1_000",
        "2001-12-14 21:59:43.10",
        "2001-12-14t21:59:43.10-05:00",
        "2001-12-14T21:59:43Z",
        "2001-02-29",
        "2000-02-29",
        "<<",
        "=",
        "-1",
        "+1",
        "0",
        "00",
        "08",
        "0x",
        "9223372036854775808",
        "18446744073709551616",
        "12:30:45",
        "190:20:30",
        "Y",
        "n",
        "NO",
        "oN",
        "True",
        "tRUE",
        "NULL",
        "Null",
        "nUll"
      ]
    }
  }
}"##,
        "services:
  a:
    labels:
      \"\\uFEFF\\x62\\x6F\\x6D\": b
      \"\\U0001F600\": emoji
      \"8080\": p
      'a: b': c
      aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: v2
      ? 'b\u{2028}        c'
      : v4
      ? kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk
      : v1
      \"tab\\tkey\": t
      ? 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx : #'
      : v3
      \"yes\": \"no\"
    command:
      - sh
      - -c
      - |-
        echo 'hi'
        exit 1
      - \"\"
      - \"yes\"
      - \"1.5\"
      - '-'
      - --flag
      - '- x'
      - 'a #b'
      - a#b
      - :x
      - 'x:'
      - '? q'
      - ?q
      - '[x]'
      - '{y}'
      - '*s'
      - '&a'
      - '!t'
      - '|p'
      - '>f'
      - '''q'''
      - '\"dq\"'
      - '`b`'
      - '---'
      - '...'
      - '--- x'
      - |
        trailing
      - |+
        many


      - |2+

      - |2+


      - \" \\n\"
      - \"x \\ny\"
      - |-
        x
         y
      - caf\u{e9}
      - \u{a0}nbsp
      - \"\\Nnel\"
      - \"\\x7Fdel\"
      - \"\\0nul\"
      - \"a\\rb\"
      - \"a\\r\\nb\"
      - \"1e+06\"
      - \"0o17\"
      - \"0b101\"
      - \"0B101\"
      - \"+.inf\"
      - \".5\"
      - ._5
      - \"1_000\"
      - \"2001-12-14 21:59:43.10\"
      - \"2001-12-14t21:59:43.10-05:00\"
      - \"2001-12-14T21:59:43Z\"
      - 2001-02-29
      - \"2000-02-29\"
      - <<
      - =
      - \"-1\"
      - \"+1\"
      - \"0\"
      - \"00\"
      - \"08\"
      - 0x
      - \"9223372036854775808\"
      - \"18446744073709551616\"
      - \"12:30:45\"
      - \"190:20:30\"
      - \"Y\"
      - \"n\"
      - \"NO\"
      - oN
      - \"True\"
      - tRUE
      - \"NULL\"
      - \"Null\"
      - nUll
",
    );
}

/// Block scalars nested in sequences, `? ` keys with collection values.
#[test]
fn nested_layout_and_complex_keys() {
    check(
        r##"{
  "name": "t",
  "services": {
    "a": {
      "image": "busybox",
      "networks": {
        "default": null
      }
    }
  },
  "networks": {
    "default": {
      "name": "t_default"
    }
  },
  "x-e": [
    {
      "k": "a\nb",
      "l": [
        "c\nd",
        "  e\nf\n"
      ],
      "m": [
        [
          "x\ny"
        ]
      ]
    },
    "p\nq",
    [
      {
        "r": "s"
      }
    ]
  ],
  "x-f": {
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk": {
      "a": 1,
      "b": [
        1,
        2
      ]
    },
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkz": "v",
    "m\nn": [
      "x"
    ],
    "o\np": "q\nr\n",
    "sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss": []
  }
}"##,
        "name: t
services:
  a:
    image: busybox
    networks:
      default: null
networks:
  default:
    name: t_default
x-e:
  - k: |-
      a
      b
    l:
      - |-
        c
        d
      - |2
          e
        f
    m:
      - - |-
          x
          y
  - |-
    p
    q
  - - r: s
x-f:
  ? kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk
  : a: 1
    b:
      - 1
      - 2
  ? kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkz
  : v
  ? |-
    m
    n
  : - x
  ? |-
    o
    p
  : |
    q
    r
  ? sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss
  : []
",
    );
}

/// Strings at the edges of resolve.go: timestamps, prefixed and overflowing integers, Go float syntax with underscores, base-60 floats.
#[test]
fn implicit_typing_edge_cases() {
    check(
        r##"{
  "x-t": [
    "2001-12-14T21:59:43",
    "2001-12-14 21:59:43",
    "2001-1-2",
    "2001-12-14T21:59:43+05:00",
    "2001-12-14T21:59:43.5+24:60",
    "2001-12-14T21:59:43+25:00",
    "2001-12-14   1:2:3,5",
    "2001-12-14 24:00:00",
    "12345-01-01",
    "2001-12-14T21:59:43.Z",
    "2001-12-14T21:59:43,123Z",
    "2001-12-14 ",
    "0x10",
    "0X10",
    "0b2",
    "-0b1",
    "+0x1_0",
    "0xFFFFFFFFFFFFFFFF",
    "-0x8000000000000000",
    "-0x8000000000000001",
    "+.5",
    "-.",
    "1.",
    "1.e5",
    "1e",
    "08.5",
    "0777",
    "0o8",
    "3:61",
    "-1:2",
    "1:2:3:4.5_",
    "12e3_",
    ".0_",
    "._5",
    ".5_5",
    "0o+7",
    "1e400",
    "2001-02-29",
    "2000-02-29",
    "1900-02-29"
  ]
}"##,
        "x-t:
  - 2001-12-14T21:59:43
  - \"2001-12-14 21:59:43\"
  - \"2001-1-2\"
  - \"2001-12-14T21:59:43+05:00\"
  - \"2001-12-14T21:59:43.5+24:60\"
  - 2001-12-14T21:59:43+25:00
  - \"2001-12-14   1:2:3,5\"
  - 2001-12-14 24:00:00
  - 12345-01-01
  - 2001-12-14T21:59:43.Z
  - \"2001-12-14T21:59:43,123Z\"
  - '2001-12-14 '
  - \"0x10\"
  - \"0X10\"
  - 0b2
  - \"-0b1\"
  - \"+0x1_0\"
  - \"0xFFFFFFFFFFFFFFFF\"
  - \"-0x8000000000000000\"
  - -0x8000000000000001
  - \"+.5\"
  - -.
  - \"1.\"
  - \"1.e5\"
  - 1e
  - \"08.5\"
  - \"0777\"
  - 0o8
  - 3:61
  - \"-1:2\"
  - \"1:2:3:4.5_\"
  - \"12e3_\"
  - .0_
  - ._5
  - \".5_5\"
  - \"0o+7\"
  - 1e400
  - 2001-02-29
  - \"2000-02-29\"
  - 1900-02-29
",
    );
}

/// Floats as `strconv.FormatFloat(f, 'g', -1, 64)`, integers as they are;
/// empty collections in flow style, nested sequences (from a compose file's
/// `x-foo` extension and `cpus`).
#[test]
fn numbers_and_empty_collections() {
    let value = json!({
        "cpus": 1234567.0,
        "x-foo": [
            ["a", "b"],
            [],
            {},
            {"k": "v", "l": [1, 2.5, 1e6, 1.0, -0.0, 0.5e-7, 1e20]}
        ],
        "big": 18446744073709551615u64,
        "neg": -9223372036854775807i64,
        "none": null,
        "flags": [true, false]
    });
    assert_eq!(
        to_yaml(&value),
        "cpus: 1.234567e+06
x-foo:
  - - a
    - b
  - []
  - {}
  - k: v
    l:
      - 1
      - 2.5
      - 1e+06
      - 1
      - -0
      - 5e-08
      - 1e+20
big: 18446744073709551615
neg: -9223372036854775807
none: null
flags:
  - true
  - false
"
    );
}

/// A document that is not a mapping (follows emitterc.go; compose always
/// prints a mapping).
#[test]
fn root_scalars_and_collections() {
    assert_eq!(to_yaml(&json!({})), "{}\n");
    assert_eq!(to_yaml(&json!([])), "[]\n");
    assert_eq!(to_yaml(&json!("x")), "x\n");
    assert_eq!(to_yaml(&json!("")), "\"\"\n");
    assert_eq!(to_yaml(&json!(null)), "null\n");
    assert_eq!(to_yaml(&json!(["a", {"b": "c"}])), "- a\n- b: c\n");
}
