//! `hoist lsp` through the protocol.
//!
//! * `protocol_scripts`: every `fixtures/lsp/<case>/` holds a project
//!   (`project/`) and `script.json`, a list of steps: `open`/`change`
//!   documents, `diagnostics` (the next publication for a file), `request`
//!   (method + params, with `{"find": "text", "plus": n}` standing for the
//!   position of `text` in the document, plus `n` characters) and the expected
//!   answer (`result` or `error`; `"only": "labels"` keeps a completion's
//!   labels; the string `"$diagnostics:FILE"` stands for the diagnostics last
//!   published for FILE, for code actions). `${ROOT}` is the project directory
//!   in both directions.
//!   `HOIST_BLESS=1` writes the answers into the scripts.
//! * `neovim_client`: Debian's Neovim, headless, with its built-in LSP client,
//!   opens `fixtures/lsp/basic/project` and asks for diagnostics, hover,
//!   completion, definition and rename (`fixtures/lsp/nvim-client.lua`).

use serde_json::{json, Value as Json};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A generous limit so that a hung server fails the test instead of blocking it.
const LIMIT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: mpsc::Receiver<Json>,
    next_id: i64,
    root: PathBuf,
    docs: HashMap<String, (String, i32)>,
    diags: HashMap<String, Json>,
    fresh: HashSet<String>,
}

fn read_message(r: &mut impl BufRead) -> Option<Json> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut buf = vec![0; len?];
    r.read_exact(&mut buf).ok()?;
    serde_json::from_slice(&buf).ok()
}

impl Client {
    fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hoist"))
            .arg("lsp")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", root)
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("hoist lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(m) = read_message(&mut r) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        let mut c = Client {
            child,
            stdin,
            rx,
            next_id: 0,
            root: root.to_path_buf(),
            docs: HashMap::new(),
            diags: HashMap::new(),
            fresh: HashSet::new(),
        };
        let uri = c.uri("");
        let init = c.request(
            "initialize",
            json!({"processId": null, "rootUri": uri, "capabilities": {}}),
        );
        assert!(
            init.get("result")
                .is_some_and(|r| r.get("capabilities").is_some()),
            "{init}"
        );
        c.notify("initialized", json!({}));
        c
    }

    fn uri(&self, rel: &str) -> String {
        let p = if rel.is_empty() {
            self.root.clone()
        } else {
            self.root.join(rel)
        };
        format!("file://{}", p.display())
    }

    fn send(&mut self, msg: Json) {
        let text = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{text}", text.len())
            .expect("write to hoist lsp");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Json) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Reads one message; keeps published diagnostics.
    fn recv(&mut self) -> Json {
        let m = self
            .rx
            .recv_timeout(LIMIT)
            .expect("hoist lsp answered (the server may have died)");
        if m.get("method").and_then(Json::as_str) == Some("textDocument/publishDiagnostics") {
            let uri = m["params"]["uri"].as_str().unwrap_or_default().to_string();
            self.diags
                .insert(uri.clone(), m["params"]["diagnostics"].clone());
            self.fresh.insert(uri);
        }
        m
    }

    /// Sends a request and returns `{"result": …}` or `{"error": …}`.
    fn request(&mut self, method: &str, params: Json) -> Json {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.recv();
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                let mut out = serde_json::Map::new();
                for k in ["result", "error"] {
                    if let Some(v) = m.get(k) {
                        out.insert(k.into(), v.clone());
                    }
                }
                return Json::Object(out);
            }
        }
    }

    /// The diagnostics published for `uri` since the last edit.
    fn diagnostics(&mut self, uri: &str) -> Json {
        assert!(
            self.fresh.contains(uri),
            "no diagnostics were published for {uri} since the last edit"
        );
        self.diags[uri].clone()
    }

    fn open(&mut self, rel: &str) {
        let text = std::fs::read_to_string(self.root.join(rel)).expect("fixture file");
        let uri = self.uri(rel);
        self.fresh.clear();
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
        self.docs.insert(uri.clone(), (text, 1));
        self.sync(&uri);
    }

    /// Every request is answered after the pending edits are loaded and their
    /// diagnostics published: after this, the publications of the new state
    /// have been read (later ones overwrite earlier ones).
    fn sync(&mut self, uri: &str) {
        let r = self.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        assert!(r.get("error").is_none(), "{r}");
    }

    fn change(&mut self, rel: &str, text: &str) {
        let uri = self.uri(rel);
        let version = self.docs.get(&uri).map(|d| d.1 + 1).unwrap_or(1);
        self.fresh.clear();
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
        self.docs.insert(uri.clone(), (text.to_string(), version));
        self.sync(&uri);
    }

    /// Replaces `{"find": …, "plus": n}` by the position it stands for.
    fn positions(&self, v: &mut Json, uri: &str) {
        match v {
            Json::Object(m) => {
                if let Some(find) = m.get("find").and_then(Json::as_str) {
                    let text = match self.docs.get(uri) {
                        Some((t, _)) => t.clone(),
                        None => {
                            let p = uri.strip_prefix("file://").unwrap_or(uri);
                            std::fs::read_to_string(p).unwrap_or_default()
                        }
                    };
                    let at = text
                        .find(find)
                        .unwrap_or_else(|| panic!("{find:?} is not in {uri}"))
                        + m.get("plus").and_then(Json::as_u64).unwrap_or(0) as usize;
                    let line = text[..at].matches('\n').count();
                    let col = text[..at].rfind('\n').map(|i| at - i - 1).unwrap_or(at);
                    *v = json!({"line": line, "character": col});
                    return;
                }
                for (_, x) in m.iter_mut() {
                    self.positions(x, uri);
                }
            }
            Json::String(s) if s.starts_with("$diagnostics:") => {
                let rel = &s["$diagnostics:".len()..];
                *v = self
                    .diags
                    .get(&self.uri(rel))
                    .cloned()
                    .unwrap_or(Json::Null);
            }
            Json::Array(items) => items.iter_mut().for_each(|x| self.positions(x, uri)),
            _ => {}
        }
    }

    fn shutdown(mut self) {
        let r = self.request("shutdown", Json::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Json::Null);
        let status = self.child.wait().expect("hoist lsp exits");
        assert!(status.success(), "hoist lsp exited with {status}");
    }
}

fn fixtures() -> PathBuf {
    test_support::repo_root().join("fixtures/lsp")
}

/// `${ROOT}` for the project directory, so that answers do not depend on the checkout.
fn unroot(v: &Json, root: &Path) -> Json {
    let s = v
        .to_string()
        .replace(&root.display().to_string(), "${ROOT}");
    serde_json::from_str(&s).expect("json")
}

fn only(v: Json, what: Option<&str>) -> Json {
    match what {
        Some("labels") => {
            let items = v["result"].as_array().cloned().unwrap_or_default();
            let mut labels: Vec<Json> = items.iter().map(|i| i["label"].clone()).collect();
            labels.sort_by_key(|l| l.to_string());
            json!({ "labels": labels })
        }
        _ => v,
    }
}

fn run_script(case: &Path, bless: bool) -> Vec<String> {
    let root = case.join("project").canonicalize().expect("project dir");
    let script_path = case.join("script.json");
    let raw = std::fs::read_to_string(&script_path).expect("script.json");
    let mut steps: Vec<Json> =
        serde_json::from_str(&raw.replace("${ROOT}", &root.display().to_string()))
            .unwrap_or_else(|e| panic!("{}: {e}", script_path.display()));
    let mut c = Client::start(&root);
    let mut failures = Vec::new();
    for (i, step) in steps.iter_mut().enumerate() {
        let actual = if let Some(rel) = step.get("open").and_then(Json::as_str) {
            c.open(rel);
            continue;
        } else if let Some(rel) = step.get("change").and_then(Json::as_str) {
            let text = step["text"].as_str().expect("change has text").to_string();
            c.change(rel, &text);
            continue;
        } else if let Some(rel) = step.get("diagnostics").and_then(Json::as_str) {
            let uri = c.uri(rel);
            c.diagnostics(&uri)
        } else if let Some(method) = step.get("request").and_then(Json::as_str) {
            let mut params = step.get("params").cloned().unwrap_or(Json::Null);
            let uri = params["textDocument"]["uri"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            c.positions(&mut params, &uri);
            let r = c.request(method, params);
            only(r, step.get("only").and_then(Json::as_str))
        } else {
            panic!(
                "{}: step {i} is not open/change/diagnostics/request: {step}",
                script_path.display()
            );
        };
        let actual = unroot(&actual, &root);
        let expect = unroot(step.get("expect").unwrap_or(&Json::Null), &root);
        if actual != expect {
            if bless {
                step["expect"] = actual;
            } else {
                failures.push(format!(
                    "{} step {i} ({}):\nexpected {}\n  actual {}",
                    case.display(),
                    step.get("request")
                        .or(step.get("diagnostics"))
                        .unwrap_or(&Json::Null),
                    serde_json::to_string_pretty(&expect).unwrap_or_default(),
                    serde_json::to_string_pretty(&actual).unwrap_or_default(),
                ));
            }
        }
    }
    c.shutdown();
    if bless {
        let text = serde_json::to_string_pretty(&steps).expect("json") + "\n";
        let text = text.replace(&root.display().to_string(), "${ROOT}");
        std::fs::write(&script_path, text).expect("write script");
    }
    failures
}

#[test]
fn protocol_scripts() {
    let bless = std::env::var_os("HOIST_BLESS").is_some();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures/lsp")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("script.json").is_file())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 4,
        "the protocol cases are missing: {cases:?}"
    );
    let mut failures = Vec::new();
    for case in &cases {
        failures.extend(run_script(case, bless));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn neovim_client() {
    let nvim = test_support::which("nvim")
        .expect("nvim is needed (apt-get install neovim; .ci/run installs it)");
    let root = fixtures()
        .join("basic/project")
        .canonicalize()
        .expect("project");
    let out_dir = tempfile::tempdir().expect("tempdir");
    let out = out_dir.path().join("results.json");
    // rename edits the buffers only (nothing is written), so the fixture stays as it is
    let status = Command::new(nvim)
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            fixtures().join("nvim-client.lua").display()
        ))
        .env("HOIST", env!("CARGO_BIN_EXE_hoist"))
        .env("ROOT", &root)
        .env("OUT", &out)
        .env("HOME", out_dir.path())
        .env("XDG_STATE_HOME", out_dir.path())
        .env("XDG_DATA_HOME", out_dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("nvim runs");
    let text = std::fs::read_to_string(&out).unwrap_or_else(|_| {
        panic!(
            "nvim wrote no results: {}\n{}",
            String::from_utf8_lossy(&status.stdout),
            String::from_utf8_lossy(&status.stderr)
        )
    });
    let r: Json = serde_json::from_str(&text).expect("results are JSON");
    assert_eq!(r["error"], Json::Null, "{r:#}");
    // diagnostics: the override file's `${MODE}` is fine; the open file has none
    // until the edit typing `imagee`, which the schema reports with its help
    let d = r["diagnostics_after_edit"].as_array().expect("diagnostics");
    assert!(
        d.iter().any(|d| d["code"] == "schema::unknown-key"
            && d["message"]
                .as_str()
                .is_some_and(|m| m.contains("imagee") && m.contains("did you mean `image`"))),
        "{r:#}"
    );
    assert_eq!(r["diagnostics_before_edit"], json!([]), "{r:#}");
    let hover = r["hover"].as_str().expect("hover text");
    assert!(
        hover.contains("services.web.image")
            && hover.contains("nginx:1.27")
            && hover.contains(".env` line 1"),
        "{hover}"
    );
    let labels: Vec<&str> = r["completion"]
        .as_array()
        .expect("completion")
        .iter()
        .filter_map(Json::as_str)
        .collect();
    assert!(
        labels.contains(&"healthcheck") && labels.contains(&"restart"),
        "{labels:?}"
    );
    assert!(
        !labels.contains(&"image"),
        "a key already there is not offered: {labels:?}"
    );
    assert_eq!(
        r["definition"],
        json!({"line": 14, "file": "compose.yaml"}),
        "{r:#}"
    );
    assert_eq!(r["renamed"]["depends_on"], "      - database2", "{r:#}");
    assert_eq!(r["renamed"]["definition"], "  database2:", "{r:#}");
    assert_eq!(
        r["renamed"]["link"], "      - \"database2:database\"",
        "{r:#}"
    );
}
