//! `textDocument/formatting` and `rangeFormatting` through the server, over
//! the cases of `fixtures/lsp/format/<case>/`: the edits, applied to
//! `input.yaml`, give `expected.yaml`; formatting that again gives no edit;
//! range formatting of every line gives the same, and of one line changes at
//! most that line.

use compose_spec::editor::LineIndex;
use hoist_lsp::Server;
use lsp_server::{Request, RequestId};
use serde_json::{json, Value as Json};
use std::path::{Path, PathBuf};

fn apply(text: &str, edits: &Json) -> String {
    let ix = LineIndex::new(text);
    let at = |p: &Json| {
        ix.offset(
            text,
            p["line"].as_u64().expect("line") as u32,
            p["character"].as_u64().expect("character") as u32,
        )
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .as_array()
        .expect("a list of edits")
        .iter()
        .map(|e| {
            (
                at(&e["range"]["start"]),
                at(&e["range"]["end"]),
                e["newText"].as_str().expect("newText"),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    let mut last = usize::MAX;
    for (a, b, t) in spans {
        assert!(b <= last, "overlapping edits: {edits}");
        out.replace_range(a..b, t);
        last = a;
    }
    out
}

fn request(s: &mut Server, id: i32, method: &str, params: Json) -> Json {
    let r = s.request(Request::new(RequestId::from(id), method.into(), params));
    r.response_result
        .unwrap_or_else(|e| panic!("{method}: {e:?}"))
}

/// One case: what differs from what it should be.
fn run_case(case: &Path) -> Vec<String> {
    let input = std::fs::read_to_string(case.join("input.yaml")).expect("input.yaml");
    let expected = std::fs::read_to_string(case.join("expected.yaml")).expect("expected.yaml");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, &input).expect("write");
    let uri = lsp_types::Url::from_file_path(&path).expect("uri");
    let mut s = Server::new(Default::default());
    let opts = json!({"tabSize": 2, "insertSpaces": true});
    let mut failures = Vec::new();
    let name = case.display();
    let edits = request(
        &mut s,
        1,
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": opts}),
    );
    let got = apply(&input, &edits);
    if got != expected {
        failures.push(format!("{name}: formatting gives\n{got}"));
    }
    let lines = input.lines().count() as u32;
    let all = json!({"start": {"line": 0, "character": 0}, "end": {"line": lines, "character": 0}});
    let ranged = request(
        &mut s,
        2,
        "textDocument/rangeFormatting",
        json!({"textDocument": {"uri": uri}, "range": all, "options": opts}),
    );
    if ranged != edits {
        failures.push(format!("{name}: range formatting of every line differs"));
    }
    for line in 0..lines {
        let one =
            json!({"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}});
        let ranged = request(
            &mut s,
            3,
            "textDocument/rangeFormatting",
            json!({"textDocument": {"uri": uri}, "range": one, "options": opts}),
        );
        for e in ranged.as_array().into_iter().flatten() {
            if e["range"]["start"]["line"] != line {
                failures.push(format!("{name}: range formatting of line {line} edits {e}"));
            }
        }
    }
    std::fs::write(&path, &got).expect("write");
    let again = request(
        &mut s,
        4,
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": opts}),
    );
    if again != json!([]) {
        failures.push(format!("{name}: formatting the result again edits {again}"));
    }
    failures
}

#[test]
fn formatting_edits() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/lsp/format");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/lsp/format")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let failures: Vec<String> = cases.iter().flat_map(|c| run_case(c)).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
