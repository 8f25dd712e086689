//! The protocol loop: documents in, debounced project diagnostics out, each
//! request answered on its own (a panic in one becomes that request's error).

use crate::features;
use crate::world::{Doc, FileInfo, World};
use compose_spec::editor::LineIndex;
use compose_spec::loader::Env;
use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lt;
use lt::notification::Notification as _;
use lt::request::Request as _;
use lt::Url;
use serde_json::Value as Json;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long typing must pause before the project is loaded again.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// What the server can do.
pub fn capabilities() -> lt::ServerCapabilities {
    lt::ServerCapabilities {
        text_document_sync: Some(lt::TextDocumentSyncCapability::Options(
            lt::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lt::TextDocumentSyncKind::INCREMENTAL),
                save: Some(lt::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(lt::HoverProviderCapability::Simple(true)),
        completion_provider: Some(lt::CompletionOptions {
            trigger_characters: Some(vec!["{".into(), " ".into()]),
            ..Default::default()
        }),
        definition_provider: Some(lt::OneOf::Left(true)),
        references_provider: Some(lt::OneOf::Left(true)),
        rename_provider: Some(lt::OneOf::Right(lt::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_highlight_provider: Some(lt::OneOf::Left(true)),
        document_link_provider: Some(lt::DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: Default::default(),
        }),
        document_symbol_provider: Some(lt::OneOf::Left(true)),
        inlay_hint_provider: Some(lt::OneOf::Left(true)),
        code_action_provider: Some(lt::CodeActionProviderCapability::Simple(true)),
        document_formatting_provider: Some(lt::OneOf::Left(true)),
        document_range_formatting_provider: Some(lt::OneOf::Left(true)),
        ..Default::default()
    }
}

/// Runs the server on a connection until the client shuts it down.
pub fn serve(conn: Connection, os_env: Env) -> anyhow::Result<()> {
    let caps = serde_json::to_value(capabilities())?;
    let init = serde_json::json!({
        "capabilities": caps,
        "serverInfo": { "name": "hoist", "version": env!("CARGO_PKG_VERSION") },
    });
    let (id, _params) = conn.initialize_start()?;
    conn.initialize_finish(id, init)?;
    let mut s = Server::new(os_env);
    loop {
        let msg = match s.deadline {
            Some(d) => match conn
                .receiver
                .recv_timeout(d.saturating_duration_since(Instant::now()))
            {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => {
                    s.flush(&conn);
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            },
            None => match conn.receiver.recv() {
                Ok(m) => m,
                Err(_) => break,
            },
        };
        match msg {
            Message::Request(req) => {
                if conn.handle_shutdown(&req)? {
                    return Ok(());
                }
                s.flush(&conn);
                let resp = s.request(req);
                conn.sender.send(Message::Response(resp))?;
            }
            Message::Notification(n) => {
                let method = n.method.clone();
                if catch_unwind(AssertUnwindSafe(|| s.notification(n))).is_err() {
                    s.log(&conn, &format!("hoist: handling {method} failed"));
                }
                if s.flush_now {
                    s.flush_now = false;
                    s.flush(&conn);
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// The state the loop keeps.
pub struct Server {
    /// Documents and loads.
    pub world: World,
    dirty: BTreeSet<PathBuf>,
    deadline: Option<Instant>,
    flush_now: bool,
    /// URIs given diagnostics, per project (by its first compose file).
    published: HashMap<PathBuf, HashSet<Url>>,
}

fn is_yaml(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e == "yaml" || e == "yml")
}

fn path_of(uri: &Url) -> Result<PathBuf, (i32, String)> {
    uri.to_file_path().map_err(|_| {
        (
            ErrorCode::InvalidParams as i32,
            format!("not a file URI: {uri}"),
        )
    })
}

fn params<P: serde::de::DeserializeOwned>(v: Json) -> Result<P, (i32, String)> {
    serde_json::from_value(v).map_err(|e| (ErrorCode::InvalidParams as i32, e.to_string()))
}

fn to_json<T: serde::Serialize>(v: T) -> Result<Json, (i32, String)> {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError as i32, e.to_string()))
}

impl Server {
    /// A server with no documents.
    pub fn new(os_env: Env) -> Self {
        Server {
            world: World::new(os_env),
            dirty: BTreeSet::new(),
            deadline: None,
            flush_now: false,
            published: HashMap::new(),
        }
    }

    fn log(&self, conn: &Connection, message: &str) {
        let n = Notification::new(
            lt::notification::LogMessage::METHOD.into(),
            lt::LogMessageParams {
                typ: lt::MessageType::ERROR,
                message: message.into(),
            },
        );
        let _ = conn.sender.send(Message::Notification(n));
    }

    /// Applies a notification to the documents.
    pub fn notification(&mut self, n: Notification) {
        use lt::notification as ln;
        match n.method.as_str() {
            ln::DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lt::DidOpenTextDocumentParams>(n.params)
                else {
                    return;
                };
                let Ok(path) = p.text_document.uri.to_file_path() else {
                    return;
                };
                self.world.docs.insert(
                    path.clone(),
                    Doc {
                        text: p.text_document.text.into(),
                        version: p.text_document.version,
                    },
                );
                self.dirty.insert(path);
                self.flush_now = true;
            }
            ln::DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lt::DidChangeTextDocumentParams>(n.params)
                else {
                    return;
                };
                let Ok(path) = p.text_document.uri.to_file_path() else {
                    return;
                };
                let mut text = self
                    .world
                    .docs
                    .get(&path)
                    .map(|d| d.text.to_string())
                    .unwrap_or_default();
                for c in p.content_changes {
                    match c.range {
                        Some(r) => {
                            let ix = LineIndex::new(&text);
                            let a = ix.offset(&text, r.start.line, r.start.character);
                            let b = ix.offset(&text, r.end.line, r.end.character).max(a);
                            text.replace_range(a..b, &c.text);
                        }
                        None => text = c.text,
                    }
                }
                self.world.docs.insert(
                    path.clone(),
                    Doc {
                        text: text.into(),
                        version: p.text_document.version,
                    },
                );
                self.dirty.insert(path);
                self.deadline = Some(Instant::now() + DEBOUNCE);
            }
            ln::DidSaveTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lt::DidSaveTextDocumentParams>(n.params) {
                    if let Ok(path) = p.text_document.uri.to_file_path() {
                        self.dirty.insert(path);
                        self.flush_now = true;
                    }
                }
            }
            ln::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lt::DidCloseTextDocumentParams>(n.params) {
                    if let Ok(path) = p.text_document.uri.to_file_path() {
                        self.world.docs.remove(&path);
                        self.dirty.insert(path);
                        self.deadline = Some(Instant::now() + DEBOUNCE);
                    }
                }
            }
            _ => {}
        }
    }

    /// The projects that need loading again for the changed paths.
    fn dirty_projects(&mut self) -> Vec<Vec<PathBuf>> {
        let mut out: Vec<Vec<PathBuf>> = Vec::new();
        for path in std::mem::take(&mut self.dirty) {
            let projects = if is_yaml(&path) {
                vec![self.world.project_files(&path)]
            } else {
                // an env file: the projects that read it
                self.world
                    .projects
                    .values()
                    .filter(|a| a.env_files.iter().any(|(p, _)| p == &path))
                    .map(|a| a.config_files.clone())
                    .collect()
            };
            for p in projects {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }

    /// Loads the changed projects and publishes their diagnostics.
    pub fn flush(&mut self, conn: &Connection) {
        self.deadline = None;
        for files in self.dirty_projects() {
            let key = files[0].clone();
            let diags = match catch_unwind(AssertUnwindSafe(|| {
                let a = self.world.analyze(files);
                features::diagnostics(&a)
            })) {
                Ok(d) => d,
                Err(_) => {
                    self.log(conn, "hoist: loading the project failed");
                    continue;
                }
            };
            let before = self.published.remove(&key).unwrap_or_default();
            let mut now = HashSet::new();
            for (uri, list) in diags {
                now.insert(uri.clone());
                self.publish(conn, uri, list);
            }
            for gone in before.difference(&now) {
                self.publish(conn, gone.clone(), Vec::new());
            }
            self.published.insert(key, now);
        }
    }

    fn publish(&self, conn: &Connection, uri: Url, diagnostics: Vec<lt::Diagnostic>) {
        let version = uri
            .to_file_path()
            .ok()
            .and_then(|p| self.world.docs.get(&p).map(|d| d.version));
        let n = Notification::new(
            lt::notification::PublishDiagnostics::METHOD.into(),
            lt::PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        );
        let _ = conn.sender.send(Message::Notification(n));
    }

    /// Answers one request; a panic inside becomes an error response.
    pub fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let method = req.method.clone();
        match catch_unwind(AssertUnwindSafe(|| self.dispatch(&req.method, req.params))) {
            Ok(Ok(v)) => Response::new_ok(id, v),
            Ok(Err((code, msg))) => Response::new_err(id, code, msg),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("hoist: {method} failed on this file (a bug; please report it)"),
            ),
        }
    }

    fn file(
        &mut self,
        uri: &Url,
    ) -> Result<(Arc<crate::world::Analysis>, Arc<FileInfo>), (i32, String)> {
        let path = path_of(uri)?;
        let a = self.world.analysis_for(&path);
        let f = match a.files.iter().find(|f| f.path == path) {
            Some(f) => f.clone(),
            None => Arc::new(self.world.file_info(&path).ok_or((
                ErrorCode::InvalidParams as i32,
                format!("cannot read {}", path.display()),
            ))?),
        };
        Ok((a, f))
    }

    /// A document on its own (formatting needs no project load).
    fn buffer(&self, uri: &Url) -> Result<FileInfo, (i32, String)> {
        let path = path_of(uri)?;
        self.world.file_info(&path).ok_or((
            ErrorCode::InvalidParams as i32,
            format!("cannot read {}", path.display()),
        ))
    }

    fn dispatch(&mut self, method: &str, p: Json) -> Result<Json, (i32, String)> {
        use lt::request as r;
        match method {
            r::HoverRequest::METHOD => {
                let p: lt::HoverParams = params(p)?;
                let tp = p.text_document_position_params;
                let (a, f) = self.file(&tp.text_document.uri)?;
                to_json(features::hover(&a, &f, tp.position))
            }
            r::Completion::METHOD => {
                let p: lt::CompletionParams = params(p)?;
                let tp = p.text_document_position;
                let (a, f) = self.file(&tp.text_document.uri)?;
                to_json(features::completion(&a, &f, tp.position))
            }
            r::GotoDefinition::METHOD => {
                let p: lt::GotoDefinitionParams = params(p)?;
                let tp = p.text_document_position_params;
                let (a, f) = self.file(&tp.text_document.uri)?;
                to_json(features::definition(&a, &f, tp.position))
            }
            r::References::METHOD => {
                let p: lt::ReferenceParams = params(p)?;
                let tp = p.text_document_position;
                let (a, f) = self.file(&tp.text_document.uri)?;
                let occ = features::occurrences(&a, &f, tp.position)
                    .map(|(_, o)| o)
                    .unwrap_or_default();
                let locs: Vec<lt::Location> = occ
                    .into_iter()
                    .filter(|o| p.context.include_declaration || !o.definition)
                    .map(|o| lt::Location::new(o.uri, o.range))
                    .collect();
                to_json(locs)
            }
            r::PrepareRenameRequest::METHOD => {
                let p: lt::TextDocumentPositionParams = params(p)?;
                let (a, f) = self.file(&p.text_document.uri)?;
                match features::occurrences(&a, &f, p.position) {
                    Some((r, _)) => to_json(lt::PrepareRenameResponse::RangeWithPlaceholder {
                        range: f.range(r.span),
                        placeholder: r.name,
                    }),
                    None => Ok(Json::Null),
                }
            }
            r::Rename::METHOD => {
                let p: lt::RenameParams = params(p)?;
                let tp = p.text_document_position;
                if !features::valid_name(&p.new_name) {
                    return Err((
                        ErrorCode::InvalidParams as i32,
                        format!(
                            "{:?} is not a valid name: use letters, digits, `.`, `_` and `-`",
                            p.new_name
                        ),
                    ));
                }
                let (a, f) = self.file(&tp.text_document.uri)?;
                match features::rename(&a, &f, tp.position, &p.new_name) {
                    Some(e) => to_json(e),
                    None => Err((
                        ErrorCode::InvalidParams as i32,
                        "no service, network, volume, secret or config here".into(),
                    )),
                }
            }
            r::DocumentHighlightRequest::METHOD => {
                let p: lt::DocumentHighlightParams = params(p)?;
                let tp = p.text_document_position_params;
                let (a, f) = self.file(&tp.text_document.uri)?;
                to_json(features::highlights(&a, &f, tp.position))
            }
            r::DocumentLinkRequest::METHOD => {
                let p: lt::DocumentLinkParams = params(p)?;
                let (_, f) = self.file(&p.text_document.uri)?;
                to_json(features::links(&f))
            }
            r::DocumentSymbolRequest::METHOD => {
                let p: lt::DocumentSymbolParams = params(p)?;
                let (_, f) = self.file(&p.text_document.uri)?;
                to_json(features::symbols(&f))
            }
            r::InlayHintRequest::METHOD => {
                let p: lt::InlayHintParams = params(p)?;
                let (a, f) = self.file(&p.text_document.uri)?;
                to_json(features::inlay_hints(&a, &f, p.range))
            }
            r::CodeActionRequest::METHOD => {
                let p: lt::CodeActionParams = params(p)?;
                let (_, f) = self.file(&p.text_document.uri)?;
                to_json(features::code_actions(
                    &f,
                    &p.text_document.uri,
                    &p.context.diagnostics,
                ))
            }
            r::Formatting::METHOD => {
                let p: lt::DocumentFormattingParams = params(p)?;
                let f = self.buffer(&p.text_document.uri)?;
                to_json(features::formatting(&f, p.options.tab_size, None))
            }
            r::RangeFormatting::METHOD => {
                let p: lt::DocumentRangeFormattingParams = params(p)?;
                let f = self.buffer(&p.text_document.uri)?;
                to_json(features::formatting(&f, p.options.tab_size, Some(p.range)))
            }
            #[cfg(test)]
            "hoist/test-panic" => panic!("a bug in a request handler"),
            _ => Err((
                ErrorCode::MethodNotFound as i32,
                format!("hoist lsp does not handle {method}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_server::RequestId;

    fn req(id: i32, method: &str, params: Json) -> Request {
        Request::new(RequestId::from(id), method.into(), params)
    }

    #[test]
    fn a_panicking_request_is_answered_with_an_error_and_the_server_goes_on() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("compose.yaml");
        std::fs::write(&path, "services:\n  web:\n    image: nginx\n").expect("write");
        let uri = Url::from_file_path(&path).expect("uri");
        let mut s = Server::new(Env::new());
        let r = s.request(req(1, "hoist/test-panic", Json::Null));
        let e = r.response_result.expect_err("an error answer");
        assert_eq!(e.code, ErrorCode::InternalError as i32);
        assert!(
            e.message.contains("hoist/test-panic failed"),
            "{}",
            e.message
        );
        let params = serde_json::json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 5}});
        let r = s.request(req(2, "textDocument/hover", params));
        let text = r.response_result.expect("a hover").to_string();
        assert!(text.contains("services.web.image"), "{text}");
    }

    #[test]
    fn edits_apply_incrementally_and_reach_the_load() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("compose.yaml");
        let text = "services:\n  web:\n    image: nginx\n";
        std::fs::write(&path, text).expect("write");
        let uri = Url::from_file_path(&path).expect("uri");
        let mut s = Server::new(Env::new());
        s.notification(Notification::new(
            "textDocument/didOpen".into(),
            serde_json::json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        ));
        // `image` → `imagee`, typed as one insertion
        s.notification(Notification::new(
            "textDocument/didChange".into(),
            serde_json::json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
                {"range": {"start": {"line": 2, "character": 9}, "end": {"line": 2, "character": 9}}, "text": "e"}]}),
        ));
        assert_eq!(
            &*s.world.docs[&path].text,
            "services:\n  web:\n    imagee: nginx\n"
        );
        let a = s.world.analyze(s.world.project_files(&path));
        let d = features::diagnostics(&a);
        let list = &d[&uri];
        assert_eq!(list.len(), 1, "{list:?}");
        assert!(
            list[0].message.contains("did you mean `image`"),
            "{}",
            list[0].message
        );
        assert_eq!(list[0].range.start, lt::Position::new(2, 4));
    }
}
