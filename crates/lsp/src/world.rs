//! What the server knows: the open documents and, per compose project, the
//! last load (with the open buffers standing in for the files on disk) and each
//! file's own parsed tree.

use compose_spec::editor::{name_refs, LineIndex, NameKind, NameRef};
use compose_spec::loader::{self, Env, LoadOptions, Loaded, Parsed};
use compose_spec::node::Node;
use compose_spec::span::Span;
use lsp_types::{Position, Range, Url};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One open document.
#[derive(Debug, Clone)]
pub struct Doc {
    /// The buffer's text.
    pub text: Arc<str>,
    /// The client's version of it.
    pub version: i32,
}

/// One file of a project, parsed on its own (spans in `FileId(0)`); the
/// loads of its project take the same parse ([`LoadOptions::parsed`]).
#[derive(Debug)]
pub struct FileInfo {
    /// Absolute path.
    pub path: PathBuf,
    /// Text (the buffer's when open).
    pub text: Arc<str>,
    /// Line starts.
    pub lines: LineIndex,
    /// Its parse (tree and the parser's diagnostics).
    pub parsed: Arc<Parsed>,
    /// Its named definitions and references.
    pub refs: Vec<NameRef>,
}

impl FileInfo {
    fn new(path: PathBuf, text: Arc<str>) -> Self {
        Self::of(path, Arc::new(Parsed::new(text)))
    }

    /// The names and line starts of a parsed file.
    fn of(path: PathBuf, parsed: Arc<Parsed>) -> Self {
        let text = parsed.text.clone();
        let refs = parsed
            .tree
            .as_ref()
            .map(|t| name_refs(t, &text))
            .unwrap_or_default();
        FileInfo {
            lines: LineIndex::new(&text),
            path,
            text,
            parsed,
            refs,
        }
    }

    /// Its tree, when it parses.
    pub fn tree(&self) -> Option<&Node> {
        self.parsed.tree.as_ref()
    }

    /// The LSP range of a byte span of this file.
    pub fn range(&self, span: Span) -> Range {
        range(&self.text, &self.lines, span.start, span.end)
    }

    /// The byte offset of an LSP position.
    pub fn offset(&self, p: Position) -> usize {
        self.lines.offset(&self.text, p.line, p.character)
    }

    /// The file's URI.
    pub fn uri(&self) -> Option<Url> {
        Url::from_file_path(&self.path).ok()
    }
}

/// The LSP range of `start..end` in `text`.
pub fn range(text: &str, lines: &LineIndex, start: usize, end: usize) -> Range {
    let (l1, c1) = lines.position(text, start);
    let (l2, c2) = lines.position(text, end.max(start));
    Range::new(Position::new(l1, c1), Position::new(l2, c2))
}

/// A project's last load.
#[derive(Debug)]
pub struct Analysis {
    /// The compose files given to the loader (absolute).
    pub config_files: Vec<PathBuf>,
    /// What the loader said and made (sources, diagnostics, final tree, environment).
    pub loaded: Loaded,
    /// Every compose file of the project (the given ones, `extends`/`include` ones), parsed alone.
    pub files: Vec<Arc<FileInfo>>,
    /// Env files read by the load (`.env`, `env_file`s): path → text.
    pub env_files: Vec<(PathBuf, Arc<str>)>,
}

impl Analysis {
    /// The parsed file at `path`.
    pub fn file(&self, path: &Path) -> Option<&FileInfo> {
        self.files.iter().find(|f| f.path == path).map(|v| &**v)
    }

    /// Definitions of `kind` across the project: the final model's names (so
    /// included files count) plus the compose files' own (`extends` targets'
    /// services are not the project's).
    pub fn names(&self, kind: NameKind) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if let Some(m) = self
            .loaded
            .tree
            .as_ref()
            .and_then(|t| t.get(kind.section()))
            .and_then(Node::as_map)
        {
            out.extend(m.keys().map(|k| k.to_string()));
        }
        // the compose files' own, when the load stopped before the final tree
        for f in self
            .files
            .iter()
            .filter(|f| self.config_files.contains(&f.path))
        {
            for r in &f.refs {
                if r.definition && r.kind == kind && !out.contains(&r.name) {
                    out.push(r.name.clone());
                }
            }
        }
        out
    }

    /// A variable's value in the project environment and where it was set:
    /// `(value, Some((env file, 1-based line)))`, or `None` for the process environment.
    pub fn variable(&self, name: &str) -> Option<(String, Option<(PathBuf, usize)>)> {
        let value = self.loaded.environment.get(name)?.clone();
        for (path, text) in &self.env_files {
            for (i, line) in text.lines().enumerate() {
                let l = line.trim_start();
                let l = l.strip_prefix("export ").unwrap_or(l).trim_start();
                if l.strip_prefix(name)
                    .is_some_and(|r| r.trim_start().starts_with('='))
                {
                    return Some((value, Some((path.clone(), i + 1))));
                }
            }
        }
        Some((value, None))
    }
}

/// All the server's state.
pub struct World {
    /// The process environment the loads see (the server's own, given by the cli).
    pub os_env: Env,
    /// Open documents by path.
    pub docs: BTreeMap<PathBuf, Doc>,
    /// Loaded projects, by their first compose file.
    pub projects: HashMap<PathBuf, Arc<Analysis>>,
    /// Parsed files kept between loads (reparsed only when their text changes).
    parsed: HashMap<PathBuf, Arc<FileInfo>>,
}

fn is_yaml(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e == "yaml" || e == "yml")
}

fn is_compose_name(p: &Path) -> bool {
    let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    loader::DEFAULT_FILE_NAMES.contains(&n) || loader::DEFAULT_OVERRIDE_FILE_NAMES.contains(&n)
}

impl World {
    /// An empty world.
    pub fn new(os_env: Env) -> Self {
        World {
            os_env,
            docs: BTreeMap::new(),
            projects: HashMap::new(),
            parsed: HashMap::new(),
        }
    }

    /// The compose files of the project `path` belongs to: the standard files
    /// of its directory when it is one of them, the project of an earlier load
    /// that read it (an `extends`/`include` target), else the file alone.
    pub fn project_files(&self, path: &Path) -> Vec<PathBuf> {
        let dir = path.parent().unwrap_or(Path::new("/"));
        if is_compose_name(path) {
            let exists = |p: &Path| p.exists() || self.docs.contains_key(p);
            let mut out = Vec::new();
            if let Some(main) = loader::DEFAULT_FILE_NAMES
                .iter()
                .map(|n| dir.join(n))
                .find(|p| exists(p))
            {
                out.push(main);
                if let Some(o) = loader::DEFAULT_OVERRIDE_FILE_NAMES
                    .iter()
                    .map(|n| dir.join(n))
                    .find(|p| exists(p))
                {
                    out.push(o);
                }
            }
            if out.iter().any(|p| p == path) {
                return out;
            }
        }
        for a in self.projects.values() {
            if a.files.iter().any(|f| f.path == path) && !a.config_files.iter().any(|p| p == path) {
                return a.config_files.clone();
            }
        }
        vec![path.to_path_buf()]
    }

    fn text_of(&self, path: &Path) -> Option<Arc<str>> {
        if let Some(d) = self.docs.get(path) {
            return Some(d.text.clone());
        }
        std::fs::read_to_string(path).ok().map(Arc::from)
    }

    /// Loads (again) the project whose compose files are `files`.
    pub fn analyze(&mut self, files: Vec<PathBuf>) -> Arc<Analysis> {
        let dir = files
            .first()
            .and_then(|f| f.parent())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("/"));
        let mut opts = LoadOptions::new(&dir);
        opts.files = files.clone();
        opts.os_env = self.os_env.clone();
        opts.keep_tree = true;
        opts.overlay = self
            .docs
            .iter()
            .map(|(p, d)| (p.clone(), d.text.to_string()))
            .collect();
        // the edited buffers are parsed once, for the load (which also takes
        // the unchanged files' trees) and for their names and positions
        let stale: Vec<(PathBuf, Arc<str>)> = self
            .docs
            .iter()
            .filter(|(p, d)| is_yaml(p) && self.parsed.get(*p).is_none_or(|f| f.text != d.text))
            .map(|(p, d)| (p.clone(), d.text.clone()))
            .collect();
        let fresh: Vec<(PathBuf, Arc<Parsed>)> = stale
            .into_iter()
            .map(|(p, t)| (p, Arc::new(Parsed::new(t))))
            .collect();
        opts.parsed = self
            .parsed
            .iter()
            .map(|(p, f)| (p.clone(), f.parsed.clone()))
            .chain(fresh.iter().cloned())
            .collect();
        // their names and line starts on a second thread while the project loads
        let (loaded, fresh) = std::thread::scope(|s| {
            let names = s.spawn(|| {
                fresh
                    .into_iter()
                    .map(|(p, parsed)| Arc::new(FileInfo::of(p, parsed)))
                    .collect::<Vec<_>>()
            });
            let loaded = loader::load(&opts);
            (loaded, names.join().unwrap_or_default())
        });
        let mut old = Vec::new();
        for f in fresh {
            old.extend(self.parsed.insert(f.path.clone(), f));
        }
        let mut infos = Vec::new();
        let mut env_files = Vec::new();
        for (_, src) in loaded.sources.files() {
            let Some(p) = src.path.clone() else { continue };
            if !files.contains(&p) && !is_yaml(&p) {
                env_files.push((p, src.text.clone()));
                continue;
            }
            if infos.iter().any(|f: &Arc<FileInfo>| f.path == p) {
                continue;
            }
            let info = match self.parsed.get(&p) {
                Some(f) if f.text == src.text => f.clone(),
                _ => {
                    let f = Arc::new(FileInfo::new(p.clone(), src.text.clone()));
                    old.extend(self.parsed.insert(p.clone(), f.clone()));
                    f
                }
            };
            infos.push(info);
        }
        // a file the loader did not get to (a syntax error stops it early) still counts
        for f in &files {
            if !infos.iter().any(|i| &i.path == f) {
                if let Some(text) = self.text_of(f) {
                    let info = Arc::new(FileInfo::new(f.clone(), text));
                    old.extend(self.parsed.insert(f.clone(), info.clone()));
                    infos.push(info);
                }
            }
        }
        let analysis = Arc::new(Analysis {
            config_files: files.clone(),
            loaded,
            files: infos,
            env_files,
        });
        let replaced = self.projects.insert(files[0].clone(), analysis.clone());
        // the last load and the replaced parses (a large tree each) are freed
        // on a thread of their own rather than before the answer
        if replaced.is_some() || !old.is_empty() {
            std::thread::spawn(move || drop((replaced, old)));
        }
        analysis
    }

    /// The project of `path`, loaded when not yet.
    pub fn analysis_for(&mut self, path: &Path) -> Arc<Analysis> {
        let files = self.project_files(path);
        match self.projects.get(&files[0]) {
            Some(a) if a.config_files == files => a.clone(),
            _ => self.analyze(files),
        }
    }

    /// A standalone parse of any file (for a document outside every project).
    pub fn file_info(&self, path: &Path) -> Option<FileInfo> {
        self.text_of(path)
            .map(|t| FileInfo::new(path.to_path_buf(), t))
    }
}
