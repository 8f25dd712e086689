//! Data-driven tests of `compose_spec::schema::validate`.
//!
//! Each `tests/data/schema/NAME.yaml` is loaded, validated, and its diagnostics
//! rendered one per line as
//! `code | path | line:col | message | help [| label line:col: text]`;
//! the result must equal `NAME.expected` (empty when the file is valid).
//! Run with `BLESS=1` to rewrite the expected files after a deliberate change.
//!
//! The crate's YAML parser (`compose_spec::yaml::parse`) is written separately; until
//! it lands these tests turn YAML into a [`Node`] with a small test-only
//! converter over saphyr-parser's events (scalars keep their quoting style, so
//! `8080` vs `"8080"` typing is real; aliases are supported, `<<` merge keys are
//! not). Line:col come from its spans.

use compose_spec::diag::{Diagnostic, Diagnostics};
use compose_spec::node::{Map, Node, Scalar, Style, Tag, Value};
use compose_spec::span::{FileId, SourceMap, Span};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// YAML text → Node, with byte spans into `file`.
struct Loader<'t> {
    events: Vec<(Event<'t>, saphyr_parser::Span)>,
    pos: usize,
    file: FileId,
    char_to_byte: Vec<usize>,
    anchors: HashMap<usize, Node>,
}

impl<'t> Loader<'t> {
    fn new(text: &'t str, file: FileId) -> Result<Self, String> {
        let mut events = Vec::new();
        for ev in Parser::new_from_str(text) {
            events.push(ev.map_err(|e| e.to_string())?);
        }
        let mut char_to_byte: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        char_to_byte.push(text.len());
        Ok(Loader {
            events,
            pos: 0,
            file,
            char_to_byte,
            anchors: HashMap::new(),
        })
    }

    fn byte(&self, char_index: usize) -> usize {
        self.char_to_byte
            .get(char_index)
            .copied()
            .unwrap_or_else(|| self.char_to_byte.last().copied().unwrap_or(0))
    }

    fn span(&self, s: &saphyr_parser::Span) -> Span {
        Span::new(
            self.file,
            self.byte(s.start.index()),
            self.byte(s.end.index()),
        )
    }

    fn next(&mut self) -> Result<(Event<'t>, saphyr_parser::Span), String> {
        let ev = self
            .events
            .get(self.pos)
            .cloned()
            .ok_or("unexpected end of events")?;
        self.pos += 1;
        Ok(ev)
    }

    fn document(&mut self) -> Result<Node, String> {
        loop {
            let (ev, sp) = self.next()?;
            match ev {
                Event::StreamStart | Event::DocumentStart(_) => continue,
                Event::StreamEnd => return Ok(Node::null(Span::synthetic())),
                other => return self.node(other, sp),
            }
        }
    }

    fn node(&mut self, ev: Event<'t>, sp: saphyr_parser::Span) -> Result<Node, String> {
        let (node, anchor) = match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let value = if style == Style::Plain
                    && (text.is_empty() || text == "~")
                    && sp.start.index() == sp.end.index()
                {
                    Value::Null
                } else {
                    Value::Scalar(Scalar {
                        text: text.into(),
                        style,
                    })
                };
                let mut n = Node::new(value, self.span(&sp));
                n.tag = tag.map(|t| match (t.handle.as_str(), t.suffix.as_str()) {
                    ("!", "reset") => Tag::Reset,
                    ("!", "override") => Tag::Override,
                    (h, s) => Tag::Other(format!("{h}{s}")),
                });
                (n, anchor)
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                let end = loop {
                    let (ev, isp) = self.next()?;
                    if let Event::SequenceEnd = ev {
                        break isp;
                    }
                    items.push(self.node(ev, isp)?);
                };
                let span = Span::new(
                    self.file,
                    self.byte(sp.start.index()),
                    self.byte(end.end.index()),
                );
                (Node::seq(items, span), anchor)
            }
            Event::MappingStart(anchor, _) => {
                let mut map = Map::new();
                let end = loop {
                    let (ev, ksp) = self.next()?;
                    if let Event::MappingEnd = ev {
                        break ksp;
                    }
                    let key = self.node(ev, ksp)?;
                    let key_text = match &key.value {
                        Value::Scalar(s) => s.text.to_string(),
                        Value::Null => String::new(),
                        _ => return Err("complex keys are not supported".into()),
                    };
                    let (vev, vsp) = self.next()?;
                    let value = self.node(vev, vsp)?;
                    map.insert(key_text, key.span, value);
                };
                let span = Span::new(
                    self.file,
                    self.byte(sp.start.index()),
                    self.byte(end.end.index()),
                );
                (Node::map(map, span), anchor)
            }
            Event::Alias(id) => {
                let mut n = self.anchors.get(&id).cloned().ok_or("unknown anchor")?;
                n.span = self.span(&sp);
                (n, 0)
            }
            other => return Err(format!("unexpected event {other:?}")),
        };
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }
}

/// Loads YAML text into a Node (test-only stand-in for `compose_spec::yaml::parse`).
fn load_node(text: &str, file: FileId) -> Result<Node, String> {
    Loader::new(text, file)?.document()
}

fn render(d: &Diagnostic, sources: &SourceMap) -> String {
    let lc = |s: Span| {
        sources
            .line_col(s)
            .map(|(l, c)| format!("{l}:{c}"))
            .unwrap_or_else(|| "-".to_string())
    };
    let mut line = format!(
        "{} | {} | {} | {} | {}",
        d.code,
        d.path.as_deref().unwrap_or("-"),
        d.span.map(lc).unwrap_or_else(|| "-".to_string()),
        d.message,
        d.help.as_deref().unwrap_or("-"),
    );
    for l in &d.labels {
        line.push_str(&format!(" | label {}: {}", lc(l.span), l.message));
    }
    line
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/schema")
}

fn run_case(input: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(input).map_err(|e| e.to_string())?;
    let mut sources = SourceMap::new();
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = sources.add(name, Some(input), text.as_str());
    let root = load_node(&text, file)?;
    let mut diags = Diagnostics::new();
    compose_spec::schema::validate(&root, &mut diags);
    Ok(diags
        .items()
        .iter()
        .map(|d| render(d, &sources) + "\n")
        .collect())
}

#[test]
fn schema_cases() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("tests/data/schema exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    inputs.sort();
    assert!(
        inputs.len() >= 10,
        "expected the schema fixtures, found {}",
        inputs.len()
    );
    let mut failures = Vec::new();
    for input in &inputs {
        let got = match run_case(input) {
            Ok(g) => g,
            Err(e) => {
                failures.push(format!("{}: cannot load: {e}", input.display()));
                continue;
            }
        };
        let expected_path = input.with_extension("expected");
        if bless {
            std::fs::write(&expected_path, &got).expect("write expected file");
            continue;
        }
        let want = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if want != got {
            failures.push(format!(
                "{}:\n--- expected\n{want}--- got\n{got}",
                input.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn allowed_keys_for_completion() {
    use compose_spec::schema::allowed_keys;
    let top = allowed_keys(&[]);
    assert!(top.contains(&"services") && !top.contains(&"x-doesnotexist"));
    let hc = allowed_keys(&["services", "web", "healthcheck"]);
    assert_eq!(
        hc,
        [
            "disable",
            "interval",
            "retries",
            "test",
            "timeout",
            "start_period",
            "start_interval"
        ]
    );
    let vol = allowed_keys(&["services", "web", "volumes", "0"]);
    assert!(vol.contains(&"type") && vol.contains(&"bind") && vol.contains(&"tmpfs"));
    let net = allowed_keys(&["networks", "front"]);
    assert!(net.contains(&"driver") && net.contains(&"ipam"));
    assert!(allowed_keys(&["nope"]).is_empty());
}

#[test]
fn valid_big_file_is_fast_and_clean() {
    let mut text = String::from("services:\n");
    for i in 0..1000 {
        text.push_str(&format!(
            "  svc{i}:\n    image: nginx:1.{i}\n    ports: [\"80{i}:80\", {{target: 81, published: \"9{i}\"}}]\n    environment: {{A: \"1\", B: 2}}\n    depends_on: {{db: {{condition: service_healthy}}}}\n    healthcheck: {{test: [CMD, \"true\"], interval: 10s}}\n    volumes: [\"./data:/data\", {{type: volume, source: v, target: /v}}]\n"
        ));
    }
    let root = load_node(&text, FileId(0)).expect("valid YAML");
    let mut diags = Diagnostics::new();
    compose_spec::schema::validate(&root, &mut diags); // warm-up: compiles the schema
    assert!(diags.is_empty(), "{:?}", diags.items().first());
    // Best of five: the machine may be busy.
    let mut took = std::time::Duration::MAX;
    for _ in 0..5 {
        let start = std::time::Instant::now();
        let mut diags = Diagnostics::new();
        compose_spec::schema::validate(&root, &mut diags);
        took = took.min(start.elapsed());
        assert!(diags.is_empty());
    }
    // Generous bound: debug builds are ~10x slower than release.
    assert!(took.as_millis() < 2_000, "validation took {took:?}");
    eprintln!("validated 1000 services in {took:?}");
}
