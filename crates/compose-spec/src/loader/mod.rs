//! The loading pipeline, in compose-go's order.
//!
//! 1. Project options: environment (process env given by the caller, `.env`,
//!    `--env-file`), compose files (`-f`, `COMPOSE_FILE`, discovery upwards),
//!    project name and directory, profiles.
//! 2. Per file: parse → collect `!reset`/`!override` → interpolate (+ casts) →
//!    clear reset paths from the model so far → merge → dedupe → schema →
//!    canonical forms → dedupe.
//! 3. Whole model: defaults → semantic checks → relative paths → environment →
//!    normalisation → profiles → consistency → service `env_file`s → selected
//!    services → unused resources dropped → typed [`Project`].
//!
//! Every stage reports into one [`Diagnostics`]; stages after a failing one still
//! run where their input is usable, so one load reports as much as it can.

pub mod canonical;
mod files;
pub mod interp;
pub mod merge;
pub mod normalize;
pub mod pattern;
pub mod validate;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::dotenv;
use crate::model::Project;
use crate::node::{Map, Node, Value};
use crate::span::{FileId, SourceMap, Span};
pub use normalize::Env;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The file names compose looks for, in its order.
pub const DEFAULT_FILE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];
/// The override files loaded next to a discovered file.
pub const DEFAULT_OVERRIDE_FILE_NAMES: &[&str] = &[
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// Everything that decides what gets loaded: the flags of `docker compose` and the environment.
///
/// ```
/// use compose_spec::loader::LoadOptions;
/// let opts = LoadOptions::new("/tmp");
/// assert!(opts.interpolate && opts.normalize);
/// ```
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// `-f` files in order (`-` = standard input, see [`LoadOptions::stdin`]).
    pub files: Vec<PathBuf>,
    /// Content of standard input, when a file is `-`.
    pub stdin: Option<String>,
    /// `-p`.
    pub project_name: Option<String>,
    /// `--project-directory`.
    pub project_directory: Option<PathBuf>,
    /// `--env-file` (repeatable).
    pub env_files: Vec<PathBuf>,
    /// `--profile` (repeatable); empty means `COMPOSE_PROFILES`.
    pub profiles: Vec<String>,
    /// The process environment (the library never reads it itself).
    pub os_env: Env,
    /// Current directory, against which relative paths on the command line resolve.
    pub cwd: PathBuf,
    /// Substitute `${VAR}` (off: `--no-interpolate`).
    pub interpolate: bool,
    /// Normalise (off: `--no-normalize`).
    pub normalize: bool,
    /// Make relative paths absolute (off: `--no-path-resolution`).
    pub resolve_paths: bool,
    /// Run the consistency checks (off: `--no-consistency`).
    pub consistency: bool,
    /// Read services' `env_file`s into `environment` (off: `--no-env-resolution`).
    pub resolve_env_files: bool,
    /// Drop `env_file`/`label_file` once read (what `config` does).
    pub discard_env_files: bool,
    /// Keep networks/volumes/... no active service uses.
    pub keep_unused_resources: bool,
    /// Services named on the command line (enables their profiles, selects them and their dependencies).
    pub services: Vec<String>,
    /// Return the final tree in [`Loaded::tree`] (on: what `--no-interpolate`,
    /// `--services` and other tree-based output need). Off, the tree is freed
    /// while the typed project is decoded and `Loaded::tree` is `None`: the
    /// two never coexist whole, which about halves a large load's peak memory.
    pub keep_tree: bool,
    /// Texts that stand in for files on disk, by absolute path: an editor's
    /// unsaved buffers (compose files, `extends`/`include` files, `.env`).
    /// Empty for the command line.
    pub overlay: BTreeMap<PathBuf, String>,
    /// Compose files already parsed by the caller, by absolute path: a file
    /// whose text (from the overlay or the disk) is the one parsed is not
    /// parsed again (see [`Parsed`]). Empty for the command line.
    pub parsed: BTreeMap<PathBuf, Arc<Parsed>>,
}

/// A compose file parsed ahead of a load ([`LoadOptions::parsed`]), spans in
/// `FileId(0)`.
///
/// An editor parses each file it shows on its own anyway (for positions and
/// names, [`crate::editor`]), and loads the project again after every edit:
/// handing those trees to the loader saves parsing the same text twice, and
/// parsing the files an edit did not touch at all. The loader clones the tree
/// and the parse's diagnostics into its own file id, which gives exactly what
/// parsing the text would, so the load's result does not change.
#[derive(Debug)]
pub struct Parsed {
    /// The text parsed.
    pub text: Arc<str>,
    /// Its tree, when it parses.
    pub tree: Option<Node>,
    /// What the parser said (spans in `FileId(0)`).
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// Parses `text` (as the loader does).
    ///
    /// ```
    /// use compose_spec::loader::Parsed;
    /// let p = Parsed::new("services:\n  web:\n    image: nginx\n".into());
    /// assert!(p.tree.is_some() && p.diagnostics.is_empty());
    /// ```
    pub fn new(text: Arc<str>) -> Self {
        let mut d = Diagnostics::new();
        let tree = crate::yaml::parse::parse(&text, FileId(0), &mut d);
        Parsed {
            text,
            tree,
            diagnostics: d.into_vec(),
        }
    }

    /// The tree and diagnostics with their spans in file `id`.
    fn stamped(&self, id: FileId, diags: &mut Diagnostics) -> Option<Node> {
        let at = |s: &mut Span| {
            if !s.is_synthetic() {
                s.file = id;
            }
        };
        for d in &self.diagnostics {
            let mut d = d.clone();
            if let Some(s) = d.span.as_mut() {
                at(s);
            }
            for l in &mut d.labels {
                at(&mut l.span);
            }
            diags.push(d);
        }
        let mut tree = self.tree.clone()?;
        fn walk(n: &mut Node, at: &dyn Fn(&mut Span)) {
            at(&mut n.span);
            match &mut n.value {
                Value::Seq(items) => items.iter_mut().for_each(|i| walk(i, at)),
                Value::Map(m) => {
                    for i in 0..m.len() {
                        if let Some((_, e)) = m.get_index_mut(i) {
                            at(&mut e.key_span);
                            walk(&mut e.value, at);
                        }
                    }
                }
                _ => {}
            }
        }
        walk(&mut tree, &at);
        Some(tree)
    }
}

impl LoadOptions {
    /// Defaults of `docker compose config`, with `cwd` as current directory and no environment.
    pub fn new(cwd: impl Into<PathBuf>) -> Self {
        LoadOptions {
            files: Vec::new(),
            stdin: None,
            project_name: None,
            project_directory: None,
            env_files: Vec::new(),
            profiles: Vec::new(),
            os_env: Env::new(),
            cwd: cwd.into(),
            interpolate: true,
            normalize: true,
            resolve_paths: true,
            consistency: true,
            resolve_env_files: true,
            discard_env_files: true,
            keep_unused_resources: false,
            services: Vec::new(),
            keep_tree: true,
            overlay: BTreeMap::new(),
            parsed: BTreeMap::new(),
        }
    }
}

/// The result of a load: the project when there was no error, and everything said.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// Every file read (compose files and env files), for rendering diagnostics.
    pub sources: SourceMap,
    /// Errors and warnings, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// The typed project, when no error was found.
    pub project: Option<Project>,
    /// The final tree (for `--no-interpolate`/`--no-normalize` rendering and tools).
    pub tree: Option<Node>,
    /// Project name.
    pub name: String,
    /// Project directory.
    pub working_dir: PathBuf,
    /// Compose files used, absolute.
    pub config_files: Vec<PathBuf>,
    /// The project environment used for interpolation.
    pub environment: Env,
    /// Active profiles.
    pub profiles: Vec<String>,
    /// Services disabled by profiles, with their profiles.
    pub disabled_services: BTreeMap<String, Vec<String>>,
    /// Every service of the model, enabled or not, selected or not: the
    /// engine does not take containers of these for orphans.
    pub all_services: Vec<String>,
}

impl Loaded {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// compose's project-name normalisation: lowercase, keep `[a-z0-9_-]`, trim leading `_`/`-`.
pub fn normalize_project_name(s: &str) -> String {
    let lower = s.to_lowercase();
    let kept: String = lower
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    kept.trim_start_matches(['_', '-']).to_string()
}

fn abs(cwd: &Path, p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    };
    PathBuf::from(crate::gocompat::path::clean(&joined.to_string_lossy()))
}

struct Ctx {
    sources: SourceMap,
    diags: Diagnostics,
    overlay: BTreeMap<PathBuf, String>,
    parsed: BTreeMap<PathBuf, Arc<Parsed>>,
}

impl Ctx {
    /// Parses the compose file `path` (text `text`, file `id`), or takes the
    /// caller's parse of the same text.
    fn parse(&mut self, path: Option<&Path>, text: &str, id: FileId) -> Option<Node> {
        match path.and_then(|p| self.parsed.get(p)) {
            Some(p) if *p.text == *text => p.stamped(id, &mut self.diags),
            _ => crate::yaml::parse::parse(text, id, &mut self.diags),
        }
    }

    /// A file's text: the overlay's when it has one, else the disk's.
    fn read(&self, path: &Path) -> std::io::Result<String> {
        match self.overlay.get(path) {
            Some(t) => Ok(t.clone()),
            None => std::fs::read_to_string(path),
        }
    }
}

impl Ctx {
    fn error(&mut self, code: Code, msg: impl Into<String>, help: &str) {
        self.diags
            .push(Diagnostic::error(code, msg).with_help(help));
    }
}

/// Reads env files like compose-go's `dotenv.GetEnvFromFile`: later files win,
/// `${VAR}` looks in `current` first, then in what was read so far.
fn read_env_files(ctx: &mut Ctx, acc: &mut Env, files: &[PathBuf], current: &Env) {
    for f in files {
        let text = match ctx.read(f) {
            Ok(t) => t,
            Err(e) => {
                let msg = if f.is_dir() {
                    format!("{} is a directory", f.display())
                } else if e.kind() == std::io::ErrorKind::NotFound {
                    format!("couldn't find env file: {}", f.display())
                } else {
                    format!("failed to read {}: {e}", f.display())
                };
                ctx.error(Code::EnvFileMissing, msg, "check the --env-file path");
                return;
            }
        };
        let id = ctx.sources.add(f.to_string_lossy(), Some(f), text.as_str());
        let lookup = |k: &str| current.get(k).cloned();
        match dotenv::parse_into(&text, &lookup, acc) {
            Ok(unset) => {
                for u in unset {
                    ctx.diags.push(
                        Diagnostic::warning(
                            Code::InterpolationUnset,
                            format!(
                                "The \"{}\" variable is not set. Defaulting to a blank string.",
                                u.name
                            ),
                        )
                        .with_span(Span::new(id, u.offset, u.offset + u.len))
                        .with_help(format!(
                            "set {} in the environment, or give a default with ${{{}:-default}}",
                            u.name, u.name
                        )),
                    );
                }
            }
            Err(e) => {
                let off = e.offset.min(text.len());
                ctx.diags.push(
                    Diagnostic::error(Code::DotenvSyntax, format!("failed to read {}: {}", f.display(), e.message))
                        .with_span(Span::new(id, off, (off + 1).min(text.len())))
                        .with_help("each line must be KEY=VALUE; quote values with spaces or special characters"),
                );
                return;
            }
        }
    }
}

fn merge_env_files(ctx: &mut Ctx, env: &mut Env, files: &[PathBuf]) {
    let mut acc = Env::new();
    read_env_files(ctx, &mut acc, files, &env.clone());
    for (k, v) in acc {
        env.entry(k).or_insert(v);
    }
}

fn default_env_files(opts: &LoadOptions, wd: &Path) -> Vec<PathBuf> {
    if !opts.env_files.is_empty() {
        return opts.env_files.iter().map(|f| abs(&opts.cwd, f)).collect();
    }
    if let Some(v) = opts.os_env.get("COMPOSE_DISABLE_ENV_FILE") {
        if crate::gocompat::strconv::parse_bool(v) == Some(true) {
            return Vec::new();
        }
    }
    let dot = wd.join(".env");
    if dot.is_file() || opts.overlay.contains_key(&dot) {
        vec![dot]
    } else {
        Vec::new()
    }
}

fn working_dir(opts: &LoadOptions, files: &[PathBuf]) -> PathBuf {
    if let Some(d) = &opts.project_directory {
        return abs(&opts.cwd, d);
    }
    for f in files {
        if f.as_os_str() != "-" {
            let a = abs(&opts.cwd, f);
            return a.parent().map(Path::to_path_buf).unwrap_or(a);
        }
    }
    opts.cwd.clone()
}

fn discover(start: &Path) -> Vec<PathBuf> {
    let mut dir = start.to_path_buf();
    loop {
        let found: Vec<PathBuf> = DEFAULT_FILE_NAMES
            .iter()
            .map(|n| dir.join(n))
            .filter(|p| p.exists())
            .collect();
        if let Some(first) = found.first() {
            let mut out = vec![first.clone()];
            if let Some(o) = DEFAULT_OVERRIDE_FILE_NAMES
                .iter()
                .map(|n| dir.join(n))
                .find(|p| p.exists())
            {
                out.push(o);
            }
            return out;
        }
        match dir.parent() {
            Some(p) if p != dir => dir = p.to_path_buf(),
            _ => return Vec::new(),
        }
    }
}

/// Loads a project as `docker compose` would, reporting every problem.
pub fn load(opts: &LoadOptions) -> Loaded {
    let mut ctx = Ctx {
        sources: SourceMap::new(),
        diags: Diagnostics::new(),
        overlay: opts.overlay.clone(),
        parsed: opts.parsed.clone(),
    };
    let mut out = Loaded::default();
    let mut env = opts.os_env.clone();
    if !env.contains_key("PWD") {
        env.insert("PWD".into(), opts.cwd.to_string_lossy().into_owned());
    }
    // -f files are known first; env files come from their directory
    let mut files: Vec<PathBuf> = opts.files.clone();
    let wd = working_dir(opts, &files);
    let env_files = default_env_files(opts, &wd);
    merge_env_files(&mut ctx, &mut env, &env_files);
    if files.is_empty() {
        if let Some(f) = env.get("COMPOSE_FILE").cloned() {
            let sep = env
                .get("COMPOSE_PATH_SEPARATOR")
                .filter(|s| !s.is_empty())
                .cloned()
                .unwrap_or_else(|| ":".into());
            for p in f.split(sep.as_str()) {
                if p == "-" {
                    files.push(PathBuf::from("-"));
                    continue;
                }
                let a = abs(&opts.cwd, Path::new(p));
                if !a.exists() {
                    ctx.error(
                        Code::Io,
                        format!("stat {}: no such file or directory", a.display()),
                        "check COMPOSE_FILE",
                    );
                }
                files.push(a);
            }
        }
    }
    if files.is_empty() {
        let start = opts
            .project_directory
            .as_ref()
            .map(|d| abs(&opts.cwd, d))
            .unwrap_or_else(|| opts.cwd.clone());
        files = discover(&start);
        if files.is_empty() {
            ctx.error(
                Code::NoConfigFile,
                "no configuration file provided: not found",
                "create compose.yaml here or in a parent directory, or pass -f FILE",
            );
        }
    }
    let wd = working_dir(opts, &files);
    let env_files2 = default_env_files(opts, &wd);
    if env_files2 != env_files {
        merge_env_files(&mut ctx, &mut env, &env_files2);
    }
    out.working_dir = wd.clone();
    out.config_files = files
        .iter()
        .map(|f| {
            if f.as_os_str() == "-" {
                f.clone()
            } else {
                abs(&opts.cwd, f)
            }
        })
        .collect();
    let profiles: Vec<String> = if opts.profiles.is_empty() {
        env.get("COMPOSE_PROFILES")
            .map(|p| p.split(',').map(|s| s.trim().to_string()).collect())
            .unwrap_or_else(|| vec![String::new()])
    } else {
        opts.profiles.clone()
    };

    if ctx.diags.has_errors() {
        return finish(ctx, out, env);
    }

    // read and parse every file
    let mut trees: Vec<(PathBuf, Option<Node>)> = Vec::new();
    for f in &out.config_files {
        let (name, text) = if f.as_os_str() == "-" {
            ("-".to_string(), opts.stdin.clone().unwrap_or_default())
        } else {
            match ctx.read(f) {
                Ok(t) => (f.to_string_lossy().into_owned(), t),
                Err(e) => {
                    ctx.error(
                        Code::Io,
                        format!("failed to read {}: {e}", f.display()),
                        "check the -f path",
                    );
                    continue;
                }
            }
        };
        let id = ctx.sources.add(
            name,
            if f.as_os_str() == "-" {
                None
            } else {
                Some(f.as_path())
            },
            text.as_str(),
        );
        let node = ctx.parse(Some(f.as_path()), &text, id);
        trees.push((f.clone(), node));
    }

    // project name
    let name = project_name(&mut ctx, opts, &env, &trees, &wd);
    env.insert("COMPOSE_PROJECT_NAME".into(), name.clone());
    out.name = name.clone();

    let home = opts.os_env.get("HOME").cloned();
    let flags = files::Flags {
        interpolate: opts.interpolate,
        validation: true,
        extends: true,
        include: true,
        defaults: true,
        resolve_paths: opts.resolve_paths,
    };
    let mut fl = files::FileLoader {
        ctx: &mut ctx,
        warned: BTreeSet::new(),
        home,
        parsed: Default::default(),
    };
    let mut dict = Node::map(Map::new(), Span::synthetic());
    for (path, tree) in trees {
        dict = fl.load_file(&path, tree, dict, &wd, &wd, &env, flags, &[]);
    }
    let stop = fl.ctx.diags.has_errors() || dict.as_map().is_none_or(Map::is_empty);
    if !stop {
        canonical::set_defaults(&mut dict);
        validate::check_model(&dict, &mut fl.ctx.diags);
        if opts.resolve_paths {
            normalize::resolve_relative_paths(&mut dict, &wd, fl.home.as_deref());
        }
        normalize::resolve_environment(&mut dict, &env);
    }
    if ctx.diags.has_errors() {
        out.tree = opts.keep_tree.then_some(dict);
        return finish(ctx, out, env);
    }
    if dict.as_map().is_none_or(Map::is_empty) {
        ctx.error(
            Code::NotAMapping,
            "empty compose file",
            "add a `services:` section",
        );
        return finish(ctx, out, env);
    }
    if name.is_empty() {
        ctx.error(
            Code::ProjectName,
            "project name must not be empty",
            "pass -p NAME or set `name:` in the compose file",
        );
    }
    if let Some(m) = dict.as_map_mut() {
        m.insert(
            "name",
            Span::synthetic(),
            Node::string(name.clone(), Span::synthetic()),
        );
    }
    if opts.normalize {
        normalize::normalize(&mut dict, &env, &name);
    }
    if ctx.diags.has_errors() || !opts.interpolate {
        // without interpolation compose stops at the raw model (`ToModel`): values
        // may still hold `${...}`, so nothing is typed or checked further
        out.tree = opts.keep_tree.then_some(dict);
        return finish(ctx, out, env);
    }

    // profiles
    let mut enabled_profiles = profiles.clone();
    let all_services: Vec<(String, Vec<String>)> = dict
        .get("services")
        .and_then(Node::as_map)
        .map(|m| {
            m.iter()
                .map(|(k, s)| (k.to_string(), service_profiles(s)))
                .collect()
        })
        .unwrap_or_default();
    out.all_services = all_services.iter().map(|(n, _)| n.clone()).collect();
    for wanted in &opts.services {
        match all_services.iter().find(|(n, _)| n == wanted) {
            Some((_, p)) if !has_profile(p, &enabled_profiles) => {
                enabled_profiles.extend(p.iter().cloned())
            }
            Some(_) => {}
            None => ctx.diags.push(
                Diagnostic::error(Code::NoSuchService, format!("no such service: {wanted}"))
                    .with_help("run `hoist config --services` to list the services"),
            ),
        }
    }
    let mut disabled = BTreeMap::new();
    if let Some(services) = dict.get_mut("services").and_then(Node::as_map_mut) {
        let names: Vec<String> = services.keys().map(|k| k.to_string()).collect();
        for n in names {
            let p = services.get(&n).map(service_profiles).unwrap_or_default();
            if !has_profile(&p, &enabled_profiles) {
                services.remove(&n);
                disabled.insert(n, p);
            }
        }
    }
    out.profiles = enabled_profiles;
    if opts.consistency {
        validate::check_consistency(&dict, &disabled, &mut ctx.diags);
    }
    validate::check_engine_values(&dict, &mut ctx.diags);
    out.disabled_services = disabled.clone();
    if ctx.diags.has_errors() {
        out.tree = opts.keep_tree.then_some(dict);
        return finish(ctx, out, env);
    }
    // drop dependencies on disabled services (compose keeps only enabled services in the project)
    if opts.resolve_env_files {
        resolve_service_env(&mut ctx, &mut dict, &env, opts.discard_env_files);
    }
    resolve_label_files(&mut ctx, &mut dict, opts.discard_env_files);
    if !opts.services.is_empty() {
        select_services(&mut dict, &opts.services);
    }
    if !opts.keep_unused_resources {
        drop_unused_resources(&mut dict);
    }
    if ctx.diags.has_errors() {
        out.tree = opts.keep_tree.then_some(dict);
    } else if opts.keep_tree {
        match Project::from_tree(&mut dict) {
            Ok(p) => out.project = Some(p),
            Err(ds) => ctx.diags.extend(ds),
        }
        out.tree = Some(dict);
    } else {
        match Project::from_tree_owned(dict) {
            Ok(p) => out.project = Some(p),
            Err(ds) => ctx.diags.extend(ds),
        }
    }
    finish(ctx, out, env)
}

fn finish(ctx: Ctx, mut out: Loaded, env: Env) -> Loaded {
    out.sources = ctx.sources;
    out.diagnostics = ctx.diags.into_vec();
    if let Some(p) = out.project.as_mut() {
        // compose-go's Project carries these too; the engine labels
        // containers with them and reads secrets from the environment.
        p.working_dir = out.working_dir.to_string_lossy().into_owned();
        p.compose_files = out
            .config_files
            .iter()
            .map(|f| f.to_string_lossy().into_owned())
            .collect();
        p.environment = env.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    }
    out.environment = env;
    out
}

fn project_name(
    ctx: &mut Ctx,
    opts: &LoadOptions,
    env: &Env,
    trees: &[(PathBuf, Option<Node>)],
    wd: &Path,
) -> String {
    let invalid = |ctx: &mut Ctx, n: &str, from: &str| {
        ctx.error(
            Code::ProjectName,
            format!(
                "invalid project name {n:?}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number"
            ),
            &format!("fix {from}, e.g. {:?}", normalize_project_name(n)),
        );
    };
    if let Some(n) = &opts.project_name {
        if normalize_project_name(n) != *n {
            invalid(ctx, n, "-p");
        }
        return n.clone();
    }
    if let Some(n) = env.get("COMPOSE_PROJECT_NAME").filter(|n| !n.is_empty()) {
        if normalize_project_name(n) != *n {
            invalid(ctx, n, "COMPOSE_PROJECT_NAME");
        }
        return n.clone();
    }
    let mut from_yaml = String::new();
    for (_, t) in trees {
        if let Some(n) = t
            .as_ref()
            .and_then(|t| t.get("name"))
            .and_then(Node::as_text)
        {
            if !n.is_empty() {
                from_yaml = n.to_string();
            }
        }
    }
    if opts.interpolate && !from_yaml.is_empty() {
        let lookup = |k: &str| env.get(k).cloned();
        if let Ok(s) = crate::template::substitute(&from_yaml, &lookup) {
            from_yaml = s.value;
        }
    }
    let n = if opts.normalize {
        normalize_project_name(&from_yaml)
    } else {
        from_yaml
    };
    if !n.is_empty() {
        return n;
    }
    let base = wd
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    normalize_project_name(&base)
}

fn service_profiles(s: &Node) -> Vec<String> {
    s.get("profiles")
        .and_then(Node::as_seq)
        .map(|p| p.iter().map(merge::go_sprint).collect())
        .unwrap_or_default()
}

fn has_profile(service: &[String], enabled: &[String]) -> bool {
    service.is_empty() || enabled.iter().any(|p| p == "*" || service.contains(p))
}

/// Reads a `KEY=VALUE` file in docker's `--env-file` ("raw") format.
fn parse_raw_env(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let l = line.trim_start();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        match l.split_once('=') {
            Some((k, v)) => out.push((k.to_string(), v.to_string())),
            None => {
                let k = l.trim_end();
                if let Some(v) = lookup(k) {
                    out.push((k.to_string(), v));
                }
            }
        }
    }
    out
}

/// Converts `environment`/`labels` list form to a map (`KEY=V` → KEY: V, `KEY` → KEY: null).
fn to_env_map(n: &Node) -> Map {
    match &n.value {
        Value::Map(m) => m.clone(),
        Value::Seq(items) => {
            let mut m = Map::new();
            for i in items {
                let s = merge::go_sprint(i);
                match s.split_once('=') {
                    Some((k, v)) => m.insert(k, i.span, Node::string(v, i.span)),
                    None => m.insert(s, i.span, Node::null(i.span)),
                };
            }
            m
        }
        _ => Map::new(),
    }
}

fn resolve_service_env(ctx: &mut Ctx, dict: &mut Node, env: &Env, discard: bool) {
    let Some(services) = dict.get_mut("services").and_then(Node::as_map_mut) else {
        return;
    };
    for (sname, s) in services.iter_mut() {
        let span = s.span;
        let Some(sm) = s.as_map_mut() else { continue };
        let mut service_env = sm.get("environment").map(to_env_map).unwrap_or_default();
        // unset values take the project's
        let keys: Vec<String> = service_env.keys().map(|k| k.to_string()).collect();
        for k in &keys {
            if service_env.get(k).is_some_and(Node::is_null) {
                if let Some(v) = env.get(k) {
                    let sp = service_env.get(k).map(|n| n.span).unwrap_or(span);
                    service_env.insert(k.clone(), sp, Node::string(v.clone(), sp));
                }
            }
        }
        let env_files: Vec<(String, bool, String, Span)> = sm
            .get("env_file")
            .and_then(Node::as_seq)
            .map(|items| {
                items
                    .iter()
                    .map(|i| {
                        let path = i.get("path").map(merge::go_sprint).unwrap_or_default();
                        let required = !matches!(
                            i.get("required").and_then(Node::resolve),
                            Some(crate::node::Resolved::Bool(false))
                        );
                        let format = i.get("format").map(merge::go_sprint).unwrap_or_default();
                        (path, required, format, i.span)
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !env_files.is_empty() {
            let mut from_files: indexmap::IndexMap<String, String> = Default::default();
            for (path, required, format, fspan) in env_files {
                let text = match ctx.read(Path::new(&path)) {
                    Ok(t) => t,
                    Err(_) => {
                        if required {
                            ctx.diags.push(
                                Diagnostic::error(Code::EnvFileMissing, format!("env file {path} not found: stat {path}: no such file or directory"))
                                    .with_path(format!("services.{sname}.env_file"))
                                    .with_span(fspan)
                                    .with_help("create the file, fix the path, or mark it `required: false`"),
                            );
                        }
                        continue;
                    }
                };
                let id = ctx
                    .sources
                    .add(path.clone(), Some(Path::new(&path)), text.as_str());
                let lookup = |k: &str| {
                    env.get(k).cloned().or_else(|| {
                        service_env
                            .get(k)
                            .and_then(Node::as_text)
                            .map(str::to_string)
                    })
                };
                match format.as_str() {
                    "" | ".env" => match dotenv::parse(&text, &lookup) {
                        Ok(vars) => from_files.extend(vars),
                        Err(e) => {
                            let off = e.offset.min(text.len());
                            ctx.diags.push(
                                Diagnostic::error(
                                    Code::DotenvSyntax,
                                    format!("failed to read {path}: {}", e.message),
                                )
                                .with_span(Span::new(id, off, (off + 1).min(text.len())))
                                .with_path(format!("services.{sname}.env_file"))
                                .with_help("each line must be KEY=VALUE"),
                            );
                        }
                    },
                    "raw" => from_files.extend(parse_raw_env(&text, &lookup)),
                    other => ctx.diags.push(
                        Diagnostic::error(
                            Code::Schema,
                            format!("unsupported env_file format {other:?}"),
                        )
                        .with_path(format!("services.{sname}.env_file"))
                        .with_span(fspan)
                        .with_help("use `format: raw` or leave it out"),
                    ),
                }
            }
            let mut merged = Map::new();
            for (k, v) in from_files {
                merged.insert(k, span, Node::string(v, span));
            }
            for (k, e) in service_env.entries() {
                merged.insert(k.clone(), e.key_span, e.value.clone());
            }
            service_env = merged;
        }
        if sm.contains_key("environment") || !service_env.is_empty() {
            let esp = sm.get("environment").map(|n| n.span).unwrap_or(span);
            sm.insert("environment", esp, Node::map(service_env, esp));
        }
        if discard {
            sm.remove("env_file");
        }
    }
}

fn resolve_label_files(ctx: &mut Ctx, dict: &mut Node, discard: bool) {
    let Some(services) = dict.get_mut("services").and_then(Node::as_map_mut) else {
        return;
    };
    for (sname, s) in services.iter_mut() {
        let span = s.span;
        let Some(sm) = s.as_map_mut() else { continue };
        let files: Vec<(String, Span)> = sm
            .get("label_file")
            .and_then(Node::as_seq)
            .map(|i| i.iter().map(|n| (merge::go_sprint(n), n.span)).collect())
            .unwrap_or_default();
        if files.is_empty() {
            continue;
        }
        let mut labels: indexmap::IndexMap<String, String> = Default::default();
        for (path, fspan) in files {
            match ctx.read(Path::new(&path)) {
                Ok(text) => {
                    let lookup = |k: &str| labels.get(k).cloned();
                    match dotenv::parse(&text, &lookup) {
                        Ok(v) => labels.extend(v),
                        Err(e) => ctx.diags.push(
                            Diagnostic::error(
                                Code::DotenvSyntax,
                                format!("failed to read {path}: {}", e.message),
                            )
                            .with_path(format!("services.{sname}.label_file"))
                            .with_span(fspan),
                        ),
                    }
                }
                Err(_) => ctx.diags.push(
                    Diagnostic::error(Code::EnvFileMissing, format!("label file {path} not found"))
                        .with_path(format!("services.{sname}.label_file"))
                        .with_span(fspan)
                        .with_help("create the file or fix the path"),
                ),
            }
        }
        let mut m = Map::new();
        for (k, v) in labels {
            m.insert(k, span, Node::string(v, span));
        }
        if let Some(l) = sm.get("labels") {
            for (k, e) in to_env_map(l).entries() {
                let v = if e.value.is_null() {
                    Node::string("", e.value.span)
                } else {
                    e.value.clone()
                };
                m.insert(k.clone(), e.key_span, v);
            }
        }
        if !m.is_empty() {
            sm.insert("labels", span, Node::map(m, span));
        }
        if discard {
            sm.remove("label_file");
        }
    }
}

fn select_services(dict: &mut Node, wanted: &[String]) {
    let Some(services) = dict.get_mut("services").and_then(Node::as_map_mut) else {
        return;
    };
    let mut keep: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<String> = wanted.to_vec();
    while let Some(n) = stack.pop() {
        if !keep.insert(n.clone()) {
            continue;
        }
        if let Some(deps) = services
            .get(&n)
            .and_then(|s| s.get("depends_on"))
            .and_then(Node::as_map)
        {
            stack.extend(deps.keys().map(|k| k.to_string()));
        }
    }
    services.retain(|k, _| keep.contains(k));
    for (_, s) in services.iter_mut() {
        if let Some(deps) = s.get_mut("depends_on").and_then(Node::as_map_mut) {
            deps.retain(|k, _| keep.contains(k));
        }
    }
}

fn drop_unused_resources(dict: &mut Node) {
    let mut need: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    if let Some(services) = dict.get("services").and_then(Node::as_map) {
        for (_, s) in services.iter() {
            if let Some(n) = s.get("networks").and_then(Node::as_map) {
                need.entry("networks")
                    .or_default()
                    .extend(n.keys().map(|k| k.to_string()));
            }
            if let Some(v) = s.get("volumes").and_then(Node::as_seq) {
                for vol in v {
                    if vol.get("type").and_then(Node::as_text) == Some("volume") {
                        if let Some(src) = vol
                            .get("source")
                            .and_then(Node::as_text)
                            .filter(|s| !s.is_empty())
                        {
                            need.entry("volumes").or_default().insert(src.to_string());
                        }
                    }
                }
            }
            for (kind, list) in [
                ("secrets", s.get("secrets")),
                ("secrets", s.get("build").and_then(|b| b.get("secrets"))),
                ("configs", s.get("configs")),
            ] {
                if let Some(items) = list.and_then(Node::as_seq) {
                    for i in items {
                        if let Some(src) = i.get("source") {
                            need.entry(kind).or_default().insert(merge::go_sprint(src));
                        }
                    }
                }
            }
            if let Some(m) = s.get("models").and_then(Node::as_map) {
                need.entry("models")
                    .or_default()
                    .extend(m.keys().map(|k| k.to_string()));
            }
        }
    }
    let Some(root) = dict.as_map_mut() else {
        return;
    };
    for kind in ["networks", "volumes", "secrets", "configs", "models"] {
        let keep = need.remove(kind).unwrap_or_default();
        if let Some(m) = root.get_mut(kind).and_then(Node::as_map_mut) {
            m.retain(|k, _| keep.contains(k));
        }
        if root
            .get(kind)
            .and_then(Node::as_map)
            .is_some_and(Map::is_empty)
        {
            root.remove(kind);
        }
    }
}

/// Validates one in-memory compose file (for editors): parse, interpolate with
/// `env` when given (else no interpolation), schema and semantic checks. Never
/// touches the file system or the process environment.
///
/// ```
/// let (sources, diags) = compose_spec::loader::validate_str("compose.yaml", "services:\n  web:\n    imagee: nginx\n", None);
/// assert!(diags.iter().any(|d| d.is_error()));
/// assert_eq!(sources.files().count(), 1);
/// ```
pub fn validate_str(name: &str, text: &str, env: Option<&Env>) -> (SourceMap, Vec<Diagnostic>) {
    let mut ctx = Ctx {
        sources: SourceMap::new(),
        diags: Diagnostics::new(),
        overlay: BTreeMap::new(),
        parsed: BTreeMap::new(),
    };
    let id = ctx.sources.add(name, None, text);
    if let Some(mut root) = crate::yaml::parse::parse(text, id, &mut ctx.diags) {
        if root.as_map().is_none() {
            if !root.is_null() {
                ctx.diags.push(
                    Diagnostic::error(Code::NotAMapping, "top-level object must be a mapping")
                        .with_span(root.span),
                );
            }
        } else {
            merge::collect_resets(&mut root);
            if let Some(env) = env {
                let lookup = |k: &str| env.get(k).cloned();
                let mut warned = BTreeSet::new();
                interp::Interpolator {
                    lookup: &lookup,
                    warned: &mut warned,
                }
                .run(&mut root, &mut ctx.diags);
            }
            let before = ctx.diags.len();
            crate::schema::validate(&root, &mut ctx.diags);
            if !ctx.diags.items()[before..].iter().any(Diagnostic::is_error) {
                canonical::Canonical {
                    diags: &mut ctx.diags,
                    ignore_parse_errors: env.is_none(),
                }
                .run(&mut root);
                canonical::set_defaults(&mut root);
                validate::check_model(&root, &mut ctx.diags);
                normalize::normalize(&mut root, &Env::new(), "project");
                validate::check_consistency(&root, &BTreeMap::new(), &mut ctx.diags);
                if !ctx.diags.has_errors() {
                    if let Err(ds) = Project::from_tree(&mut root) {
                        ctx.diags.extend(ds);
                    }
                }
            }
        }
    }
    (ctx.sources, ctx.diags.into_vec())
}
