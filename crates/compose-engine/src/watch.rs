//! `watch` as library calls (compose's `pkg/compose/watch.go` and
//! `pkg/watch`): the services' `develop.watch` rules, which action a batch
//! of changed paths asks for, and carrying those actions out.
//!
//! * [`Watching::new`] turns the project's rules into [`Rule`]s with their
//!   matchers (the rule's `include`/`ignore`, the build context's
//!   `.dockerignore`, editors' temporary files, `.git/`) and the paths to
//!   watch, refusing what compose refuses;
//! * [`plan`] is pure: changed paths + rules → a [`BatchPlan`] (services to
//!   rebuild, files to sync per service, services to restart, hooks to run);
//! * [`sync`], [`initial_sync`], [`run_hook`] and [`handle`] carry a plan out
//!   through the [`Runtime`]: synced files go as one tar archive extracted at
//!   `/` (owners kept), removed ones are deleted with `rm -rf` run in the
//!   containers, a rebuild is `up --build --force-recreate --no-deps` of the
//!   services, a restart is `restart`.
//!
//! The file watching itself (and its 500 ms quiet period, [`QUIET_PERIOD`])
//! is the caller's; what it reports goes to [`Log`] as compose words it.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime};

use compose_spec::gocompat::path::clean;
use futures_util::StreamExt;

use crate::build::ignore::{self, Matcher};
use crate::error::{Error, Result};
use crate::labels;
use crate::model::{Project, ServiceConfig, ServiceHook, Trigger};
use crate::observe::project_filter;
use crate::progress::{Event, Sink, Status};
use crate::runtime::{ExecSpec, Runtime};

/// How long the file system must stay quiet before a batch of changes is
/// handled (compose's `QuietPeriod`).
pub const QUIET_PERIOD: Duration = Duration::from_millis(500);

/// A watch rule's action (`develop.watch[].action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    /// `sync`: copy changed files into the containers.
    Sync,
    /// `rebuild`: build the image and recreate the containers.
    Rebuild,
    /// `restart`: restart the containers.
    Restart,
    /// `sync+restart`: sync, then restart.
    SyncRestart,
    /// `sync+exec`: sync, then run the rule's `exec` command.
    SyncExec,
}

impl Action {
    /// The action named `s` (compose-go's `WatchAction` values).
    pub fn parse(s: &str) -> Option<Action> {
        Some(match s {
            "sync" => Action::Sync,
            "rebuild" => Action::Rebuild,
            "restart" => Action::Restart,
            "sync+restart" => Action::SyncRestart,
            "sync+exec" => Action::SyncExec,
            _ => return None,
        })
    }

    /// Whether the action copies files (compose's `isSync`, which leaves
    /// `sync+exec` out: it gets no initial sync and no bind mount check).
    pub fn is_sync(self) -> bool {
        matches!(self, Action::Sync | Action::SyncRestart)
    }
}

/// Go's `filepath.Join` for two `/`-separated parts.
fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        return clean(b);
    }
    if b.is_empty() {
        return clean(a);
    }
    clean(&format!("{a}/{b}"))
}

/// Whether `file` is `dir` or below it (compose's `paths.IsChild`, on a
/// case-sensitive file system).
pub fn is_child(dir: &str, file: &str) -> bool {
    if dir.is_empty() {
        return false;
    }
    let dir = clean(dir);
    let file = clean(file);
    if dir == file {
        return true;
    }
    if dir == "/" {
        return file.starts_with('/');
    }
    file.strip_prefix(&dir).is_some_and(|r| r.starts_with('/'))
}

/// The smallest set of paths below which all of `paths` are (compose's
/// `EncompassingPaths`), in first-seen order.
pub fn encompassing(paths: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in paths {
        if out.iter().any(|e| is_child(e, p)) {
            continue;
        }
        out.retain(|e| !is_child(p, e));
        out.push(p.clone());
    }
    out
}

/// `.dockerignore`-syntax patterns anchored at a directory (compose's
/// `dockerPathMatcher`): every pattern is made absolute under `root`, and
/// a path matches when it or one of its parents does (moby's
/// `MatchesOrParentMatches`, [`Matcher`]).
#[derive(Debug, Clone)]
pub struct PathMatcher {
    root: String,
    matcher: Matcher,
}

impl PathMatcher {
    /// compose's `NewDockerPatternMatcher`: when a pattern is exactly `*`,
    /// only the exceptions (`!...`) are kept, as compose does.
    pub fn new<S: AsRef<str>>(root: &str, patterns: &[S]) -> Result<PathMatcher> {
        let root = clean(root);
        let star = patterns.iter().any(|p| p.as_ref() == "*");
        let mut abs = Vec::new();
        for p in patterns {
            let p = p.as_ref();
            if star && !p.is_empty() && !p.starts_with('!') {
                continue;
            }
            let p = p.trim();
            if p.is_empty() {
                continue;
            }
            let p = clean(p);
            let (exclusion, path) = match p.strip_prefix('!') {
                Some(rest) => (true, rest.to_string()),
                None => (false, p.clone()),
            };
            let path = if path.starts_with('/') {
                path
            } else {
                join(&root, &path)
            };
            abs.push(if exclusion { format!("!{path}") } else { path });
        }
        let matcher = Matcher::new(&abs)
            .map_err(|e| Error::Invalid(format!("invalid watch pattern: {e}")))?;
        Ok(PathMatcher { root, matcher })
    }

    /// Whether `path` (absolute, or relative to the root) matches.
    pub fn matches(&self, path: &str) -> bool {
        let path = if path.starts_with('/') {
            clean(path)
        } else {
            join(&self.root, path)
        };
        self.matcher.matches_or_parent_matches(&path)
    }
}

/// Editors' and tools' temporary files, never acted on (compose's
/// `EphemeralPathMatcher`: GoLand, emacs, vim, kate, go's umask probe).
const EPHEMERAL: &[&str] = &[
    "**/*___jb_old___",
    "**/*___jb_tmp___",
    "**/.idea/**",
    "**/.#*",
    "**/#*#",
    "**/4913",
    "**/*~",
    "**/.*.swp",
    "**/.*.swx",
    "**/.*.swo",
    "**/.*.swn",
    "**/.*.kate-swp",
    "**/*-go-tmp-umask",
];

/// The build context's ignore file as compose's watch reads it
/// (`LoadDockerIgnore`): `<Dockerfile>.dockerignore` in the context, else
/// `.dockerignore`; none (or no `build`) ignores nothing.
pub fn dockerignore(service: &ServiceConfig) -> Result<Option<PathMatcher>> {
    let Some(build) = &service.build else {
        return Ok(None);
    };
    let root = &build.context;
    let dockerfile = if build.dockerfile.is_empty() {
        "Dockerfile"
    } else {
        build.dockerfile.as_str()
    };
    for candidate in [
        join(root, &format!("{dockerfile}.dockerignore")),
        join(root, ".dockerignore"),
    ] {
        match std::fs::read_to_string(&candidate) {
            Ok(text) => return Ok(Some(PathMatcher::new(root, &ignore::parse(&text))?)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                return Err(Error::Invalid(format!(
                    "error reading .dockerignore: {}",
                    crate::copy::go_error_text(&e)
                )))
            }
        }
    }
    Ok(None)
}

/// One `develop.watch` rule of a service, ready to match paths.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The service.
    pub service: String,
    /// The action.
    pub action: Action,
    /// The watched path (absolute).
    pub path: String,
    /// The path in the container (sync actions).
    pub target: String,
    /// The `sync+exec` command.
    pub exec: ServiceHook,
    /// Whether the files changed since the image was built are synced at start.
    pub initial_sync: bool,
    include: Option<PathMatcher>,
    ignore: Vec<PathMatcher>,
}

/// A changed host path and where it goes in the container (compose's
/// `PathMapping`; `container` is empty for rules without a `target`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mapping {
    /// The path on the host.
    pub host: String,
    /// The path in the container.
    pub container: String,
}

impl Rule {
    /// Builds the rule `trigger` of `service` (compose's `getWatchRules`).
    pub fn new(service: &ServiceConfig, trigger: &Trigger) -> Result<Rule> {
        let action = Action::parse(&trigger.action).ok_or_else(|| {
            Error::Invalid(format!(
                "service {:?}: unknown watch action {:?}",
                service.name, trigger.action
            ))
        })?;
        let path = clean(&trigger.path);
        let include = if trigger.include.is_empty() {
            None
        } else {
            Some(PathMatcher::new(&path, &trigger.include)?)
        };
        let mut ignore = Vec::new();
        ignore.extend(dockerignore(service)?);
        ignore.push(PathMatcher::new("/", EPHEMERAL)?);
        ignore.push(PathMatcher::new("/", &[".git/"])?);
        ignore.push(PathMatcher::new(&path, &trigger.ignore)?);
        let legacy = trigger
            .extensions
            .get("x-initialSync")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        Ok(Rule {
            service: service.name.clone(),
            action,
            path,
            target: trigger.target.clone(),
            exec: trigger.exec.clone(),
            initial_sync: trigger.initial_sync || legacy,
            include,
            ignore,
        })
    }

    /// Whether `host` is ignored by the rule's ignores (the ignore file,
    /// temporary files, `.git`, `ignore`).
    pub fn ignores(&self, host: &str) -> bool {
        self.ignore.iter().any(|m| m.matches(host))
    }

    /// Where the changed path `host` goes, when the rule applies to it
    /// (compose's `watchRule.Matches`).
    pub fn matches(&self, host: &str) -> Option<Mapping> {
        if !is_child(&self.path, host) {
            return None;
        }
        if let Some(include) = &self.include {
            if !include.matches(host) {
                return None;
            }
        }
        if self.ignores(host) {
            return None;
        }
        let container = if self.target.is_empty() {
            String::new()
        } else {
            let host = clean(host);
            let rel = host
                .strip_prefix(&self.path)
                .map(|r| r.trim_start_matches('/'))
                .unwrap_or("");
            join(&self.target, rel)
        };
        Some(Mapping {
            host: clean(host),
            container,
        })
    }
}

/// The watch rules of a project's selected services, and what to watch.
#[derive(Debug, Clone, Default)]
pub struct Watching {
    /// Every rule, in service then file order.
    pub rules: Vec<Rule>,
    /// The paths to watch (a sync rule's path under a bind mount is not).
    pub paths: Vec<String>,
    /// What compose warns about (a path also bind mounted, `x-initialSync`).
    pub warnings: Vec<String>,
}

impl Watching {
    /// The rules of `services` and their dependencies (all when empty, as
    /// compose selects the project's services), as compose's `watch`
    /// collects them; a `rebuild` rule needs a `build` section, and at
    /// least one selected service must have rules.
    pub fn new(project: &Project, services: &[String]) -> Result<Watching> {
        let mut w = Watching::default();
        let selected = if services.is_empty() {
            None
        } else {
            Some(crate::graph::Graph::new(project)?.with_dependencies(services))
        };
        for (name, service) in &project.services {
            if selected.as_ref().is_some_and(|s| !s.contains(name)) {
                continue;
            }
            let Some(develop) = &service.develop else {
                continue;
            };
            for trigger in &develop.watch {
                if trigger.action == "rebuild" && service.build.is_none() {
                    return Err(Error::Invalid(format!(
                        "can't watch service {name:?} with action rebuild without a build context"
                    )));
                }
            }
            for trigger in &develop.watch {
                let rule = Rule::new(service, trigger)?;
                if !trigger.initial_sync && rule.initial_sync {
                    w.warnings.push(
                        "x-initialSync is DEPRECATED, please use the official `initial_sync` attribute"
                            .into(),
                    );
                }
                if rule.action.is_sync() && bind_mounted(&rule.path, service) {
                    w.warnings.push(format!(
                        "path '{}' also declared by a bind mount volume, this path won't be monitored!",
                        trigger.path
                    ));
                } else {
                    w.paths.push(rule.path.clone());
                }
                w.rules.push(rule);
            }
        }
        if w.paths.is_empty() {
            return Err(Error::Invalid(
                "none of the selected services is configured for watch, consider setting a 'develop' section".into(),
            ));
        }
        Ok(w)
    }

    /// The services with rules.
    pub fn services(&self) -> BTreeSet<String> {
        self.rules.iter().map(|r| r.service.clone()).collect()
    }

    /// Whether `path` is one the watcher reports: below a watched path, and
    /// not a watched directory itself (compose's `shouldNotify`).
    pub fn reports(&self, path: &str, is_dir: bool) -> bool {
        let path = clean(path);
        if self.paths.contains(&path) {
            return !is_dir;
        }
        self.paths.iter().any(|p| is_child(p, &path))
    }
}

/// Whether `path` is at or below a bind mount's source of `service`
/// (compose's `checkIfPathAlreadyBindMounted`).
fn bind_mounted(path: &str, service: &ServiceConfig) -> bool {
    service
        .volumes
        .iter()
        .filter(|v| v.r#type == "bind")
        .any(|v| is_child(&v.source, path))
}

/// What one batch of changes asks for (compose's `handleWatchBatch`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchPlan {
    /// Services to rebuild.
    pub rebuild: BTreeSet<String>,
    /// Paths to sync, per service, one per matching (path, rule).
    pub sync: BTreeMap<String, Vec<Mapping>>,
    /// Services to restart.
    pub restart: BTreeSet<String>,
    /// `sync+exec` rules to run, per service (indexes into the rules).
    pub exec: BTreeMap<String, BTreeSet<usize>>,
}

impl BatchPlan {
    /// Whether the batch asks for nothing.
    pub fn is_empty(&self) -> bool {
        self.rebuild.is_empty()
            && self.sync.is_empty()
            && self.restart.is_empty()
            && self.exec.is_empty()
    }
}

/// **Pure**: what `rules` ask for when `changed` paths changed. Each path
/// is checked against every rule; the paths are taken in sorted order.
pub fn plan(rules: &[Rule], changed: &[String]) -> BatchPlan {
    let mut changed: Vec<&String> = changed.iter().collect();
    changed.sort();
    changed.dedup();
    let mut p = BatchPlan::default();
    for path in changed {
        for (i, rule) in rules.iter().enumerate() {
            let Some(mapping) = rule.matches(path) else {
                continue;
            };
            let s = rule.service.clone();
            match rule.action {
                Action::Rebuild => {
                    p.rebuild.insert(s);
                }
                Action::Sync => p.sync.entry(s).or_default().push(mapping),
                Action::Restart => {
                    p.restart.insert(s);
                }
                Action::SyncRestart => {
                    p.sync.entry(s.clone()).or_default().push(mapping);
                    p.restart.insert(s);
                }
                Action::SyncExec => {
                    p.sync.entry(s.clone()).or_default().push(mapping);
                    p.exec.entry(s).or_default().insert(i);
                }
            }
        }
    }
    p
}

/// Go's `%q` of a list of names: `["a" "b"]`.
pub fn go_quote_list(names: &BTreeSet<String>) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    format!("[{}]", q.join(" "))
}

/// compose's line about a sync.
pub fn sync_message(service: &str, changes: usize) -> String {
    format!("Syncing service {service:?} after {changes} changes were detected")
}

/// Where the lines compose prints under its watch logger go (`Watch enabled`,
/// `Syncing service ...`, build output during a rebuild).
pub type Log = std::sync::Arc<dyn Fn(&str) + Send + Sync>;

/// The service's containers (stopped ones too, never `run` ones).
async fn service_containers<R: Runtime>(
    rt: &R,
    project: &str,
    service: &str,
    all: bool,
) -> Result<Vec<crate::runtime::Container>> {
    let mut filters = project_filter(project);
    filters.push(format!("{}={service}", labels::SERVICE));
    filters.push(format!("{}=False", labels::ONEOFF));
    Ok(rt.list_containers(&filters, all).await?)
}

/// Runs `cmd` in container `id`, waits for it and fails unless it exits 0
/// (compose's watch `Exec`: the command's output is not shown).
async fn exec_wait<R: Runtime>(rt: &R, id: &str, spec: &ExecSpec) -> Result<()> {
    let exec = rt.create_exec(id, spec).await?;
    let attached = rt.start_exec(&exec, false).await?;
    let mut output = attached.output;
    while output.next().await.is_some() {}
    let state = rt.inspect_exec(&exec).await?;
    if state.running {
        return Err(Error::Invalid("process still running".into()));
    }
    match state.exit_code {
        Some(0) | None => Ok(()),
        Some(code) => Err(Error::Invalid(format!("exit code {code}"))),
    }
}

/// Syncs `mappings` into every container of `service` (compose's tar
/// syncer): paths gone from the host are removed with `rm -rf`, the others
/// are copied in one archive. Errors of every container are collected.
pub async fn sync<R: Runtime>(
    rt: &R,
    project: &str,
    service: &str,
    mappings: &[Mapping],
) -> Result<()> {
    let containers = service_containers(rt, project, service, true).await?;
    let mut copies = Vec::new();
    let mut deletes = Vec::new();
    for m in mappings {
        if std::fs::metadata(&m.host).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
            deletes.push(m.container.clone());
        } else {
            copies.push((m.host.clone(), m.container.clone()));
        }
    }
    let runs = containers.iter().map(|c| {
        let copies = copies.clone();
        let deletes = deletes.clone();
        async move {
            let mut errs = Vec::new();
            if !deletes.is_empty() {
                let spec = ExecSpec {
                    cmd: ["rm", "-rf"]
                        .into_iter()
                        .map(String::from)
                        .chain(deletes)
                        .collect(),
                    ..Default::default()
                };
                if let Err(e) = exec_wait(rt, &c.id, &spec).await {
                    errs.push(format!("deleting paths in {}: {e}", c.id));
                }
            }
            if !copies.is_empty() {
                if let Err(e) = crate::copy::upload_paths(rt, &c.id, copies).await {
                    errs.push(format!("copying files to {}: {e}", c.id));
                }
            }
            errs
        }
    });
    let errs: Vec<String> = futures_util::future::join_all(runs)
        .await
        .into_iter()
        .flatten()
        .collect();
    if errs.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errs.join("\n")))
    }
}

/// Runs a rule's `exec` hook in every running container of `service`.
pub async fn run_hook<R: Runtime>(
    rt: &R,
    project: &str,
    service: &str,
    hook: &ServiceHook,
) -> Result<()> {
    let containers = service_containers(rt, project, service, false).await?;
    let spec = ExecSpec {
        cmd: hook.command.clone().unwrap_or_default(),
        env: hook
            .environment
            .iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{k}={v}"),
                None => k.clone(),
            })
            .collect(),
        user: hook.user.clone(),
        working_dir: hook.working_dir.clone(),
        privileged: hook.privileged,
        ..Default::default()
    };
    let runs = containers.iter().map(|c| exec_wait(rt, &c.id, &spec));
    futures_util::future::join_all(runs)
        .await
        .into_iter()
        .collect()
}

/// The files of `rule` changed since the service's image was created
/// (compose's `initialSyncFiles`): a directory is walked (ignored names and
/// bind mounted paths skipped, as compose checks them: by base name), a
/// file taken when newer than the image.
pub fn initial_sync_files(
    rule: &Rule,
    service: &ServiceConfig,
    image_created: SystemTime,
) -> Result<Vec<Mapping>> {
    let meta = std::fs::metadata(&rule.path)
        .map_err(|e| Error::Invalid(crate::copy::go_path_error("stat", &rule.path, &e)))?;
    let newer = |m: &std::fs::Metadata| m.modified().is_ok_and(|t| t >= image_created);
    let mut out = Vec::new();
    if meta.is_dir() {
        let mut stack = vec![rule.path.clone()];
        while let Some(dir) = stack.pop() {
            let mut names: Vec<String> = std::fs::read_dir(&dir)
                .map_err(|e| Error::Invalid(crate::copy::go_path_error("open", &dir, &e)))?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            let mut subdirs = Vec::new();
            for name in names {
                let path = join(&dir, &name);
                if rule.ignores(&name) || bind_mounted(&path, service) {
                    continue;
                }
                let Ok(m) = std::fs::symlink_metadata(&path) else {
                    continue;
                };
                if m.is_dir() {
                    subdirs.push(path);
                } else if newer(&m) {
                    let rel = &path[rule.path.len()..];
                    out.push(Mapping {
                        container: join(&rule.target, rel.trim_start_matches('/')),
                        host: path,
                    });
                }
            }
            stack.extend(subdirs.into_iter().rev());
        }
    } else if meta.is_file()
        && newer(&meta)
        && !rule.ignores(&crate::copy::rules::base(&rule.path))
        && !bind_mounted(&rule.path, service)
    {
        out.push(Mapping {
            host: rule.path.clone(),
            container: rule.target.clone(),
        });
    }
    Ok(out)
}

/// When the image of `service`'s first container was created.
async fn image_created<R: Runtime>(rt: &R, project: &str, service: &str) -> Result<SystemTime> {
    let mut filters = project_filter(project);
    filters.push(format!("{}={service}", labels::SERVICE));
    let cs = rt.list_containers(&filters, true).await?;
    let c = cs
        .first()
        .ok_or_else(|| Error::Invalid("could not get created time for service's image".into()))?;
    let image = rt
        .inspect_image(&c.image_id)
        .await?
        .ok_or_else(|| Error::Invalid(format!("no such image: {}", c.image_id)))?;
    let secs = u64::try_from(image.created.unwrap_or(0)).unwrap_or(0);
    Ok(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

/// Syncs, for each rule with `initial_sync`, the files changed since the
/// image was built (compose's `initialSync`).
pub async fn initial_sync<R: Runtime>(
    rt: &R,
    project: &Project,
    watching: &Watching,
) -> Result<()> {
    for rule in watching
        .rules
        .iter()
        .filter(|r| r.initial_sync && r.action.is_sync())
    {
        let Some(service) = project.services.get(&rule.service) else {
            continue;
        };
        if bind_mounted(&rule.path, service) {
            continue;
        }
        let created = image_created(rt, &project.name, &rule.service).await?;
        let files = initial_sync_files(rule, service, created)?;
        sync(rt, &project.name, &rule.service, &files).await?;
    }
    Ok(())
}

/// Carries out one batch (compose's `handleWatchBatch`): rebuilds first,
/// then syncs, restarts, and last the `sync+exec` hooks. Lines compose
/// prints go to `log`; `sink` gets the warnings (compose shows no progress
/// of the restarts and recreates).
pub async fn handle<R: Runtime>(
    rt: &R,
    specs: &crate::desired::ProjectSpecs,
    watching: &Watching,
    batch: &BatchPlan,
    options: &HandleOptions,
    log: &Log,
    sink: &Sink,
) -> Result<()> {
    let project = &specs.project.name;
    // compose shows no progress for a watch's restart or recreate.
    let quiet: Sink = {
        let sink = sink.clone();
        std::sync::Arc::new(move |e: Event| {
            if e.status == Status::Warning || e.status == Status::Output {
                sink(e);
            }
        })
    };
    if !batch.rebuild.is_empty() {
        rebuild(rt, specs, &batch.rebuild, options, log, &quiet).await?;
    }
    for (service, mappings) in &batch.sync {
        log(&sync_message(service, mappings.len()));
        sync(rt, project, service, mappings).await?;
    }
    if !batch.restart.is_empty() {
        let services: Vec<String> = batch.restart.iter().cloned().collect();
        crate::project::lifecycle(
            rt,
            project,
            Some(&specs.project),
            &services,
            crate::project::Lifecycle::Restart,
            None,
            false,
            &quiet,
        )
        .await?;
        log(&format!(
            "service(s) {} restarted",
            go_quote_list(&batch.restart)
        ));
    }
    for (service, rules) in &batch.exec {
        for &i in rules {
            run_hook(rt, project, service, &watching.rules[i].exec).await?;
        }
    }
    Ok(())
}

/// How a batch is carried out.
#[derive(Debug, Clone, Default)]
pub struct HandleOptions {
    /// `--quiet`: no builder output.
    pub quiet: bool,
    /// `--parallel`.
    pub parallel: usize,
    /// Set to `true` to stop a rebuild: the operations in flight finish
    /// (nothing is left half-recreated) and it ends with [`Error::Interrupted`].
    pub cancel: Option<tokio::sync::watch::Receiver<bool>>,
}

/// `rebuild` (compose's watch `rebuild`): build the services' images, then
/// recreate and start their containers.
async fn rebuild<R: Runtime>(
    rt: &R,
    specs: &crate::desired::ProjectSpecs,
    services: &BTreeSet<String>,
    options: &HandleOptions,
    log: &Log,
    sink: &Sink,
) -> Result<()> {
    let names = go_quote_list(services);
    log(&format!(
        "Rebuilding service(s) {names} after changes were detected..."
    ));
    let mut specs = specs.clone();
    for s in services {
        if let Some(svc) = specs.project.services.get_mut(s) {
            svc.pull_policy = "build".into();
        }
    }
    // Build output goes to the watch log, the rest to the sink.
    let build_log = log.clone();
    let inner = sink.clone();
    let built = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let built_flag = built.clone();
    let log_for_sink = log.clone();
    let names_for_sink = names.clone();
    let routed: Sink = std::sync::Arc::new(move |e: Event| {
        if e.status == Status::Output {
            if !e.text.is_empty() {
                build_log(e.text.trim_end_matches('\n'));
            }
            return;
        }
        if e.resource.starts_with("Container ")
            && !built_flag.swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            log_for_sink(&format!("service(s) {names_for_sink} successfully built"));
        }
        inner(e);
    });
    let flags = crate::up::UpFlags {
        services: services.iter().cloned().collect(),
        no_deps: true,
        force_recreate: true,
        images: crate::images::ImagePolicy {
            build: true,
            quiet_build: options.quiet,
            ..Default::default()
        },
        parallel: options.parallel,
        ..Default::default()
    };
    match crate::up::up(rt, specs, &flags, &routed, options.cancel.clone()).await {
        Ok(_) => {
            if !built.load(std::sync::atomic::Ordering::SeqCst) {
                log(&format!("service(s) {names} successfully built"));
            }
            Ok(())
        }
        Err(e @ Error::Interrupted) => Err(e),
        Err(e) => {
            if matches!(e, Error::Build { .. }) {
                log(&format!("Build failed. Error: {e}"));
            } else {
                log(&format!(
                    "Failed to recreate services after update. Error: {e}"
                ));
            }
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A service with `build` in `/p` (no ignore file there) and the rules given.
    fn service(name: &str, build: bool, triggers: Vec<Trigger>) -> ServiceConfig {
        let mut s = ServiceConfig {
            name: name.into(),
            ..Default::default()
        };
        if build {
            s.build = Some(Box::new(crate::model::BuildConfig {
                context: "/nonexistent-hoist-watch-test".into(),
                dockerfile: "Dockerfile".into(),
                ..Default::default()
            }));
        }
        s.develop = Some(Box::new(crate::model::DevelopConfig {
            watch: triggers,
            ..Default::default()
        }));
        s
    }

    fn trigger(
        path: &str,
        action: &str,
        target: &str,
        ignore: &[&str],
        include: &[&str],
    ) -> Trigger {
        Trigger {
            path: path.into(),
            action: action.into(),
            target: target.into(),
            ignore: ignore.iter().map(|s| s.to_string()).collect(),
            include: include.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    fn rules(services: &[ServiceConfig]) -> Vec<Rule> {
        services
            .iter()
            .flat_map(|s| {
                s.develop
                    .as_ref()
                    .unwrap()
                    .watch
                    .iter()
                    .map(|t| Rule::new(s, t).unwrap())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// One line per outcome: `rebuild S`, `sync S HOST -> CONTAINER`,
    /// `restart S`, `exec S #RULE`.
    fn outcome(p: &BatchPlan) -> Vec<String> {
        let mut out = Vec::new();
        for s in &p.rebuild {
            out.push(format!("rebuild {s}"));
        }
        for (s, ms) in &p.sync {
            for m in ms {
                out.push(format!("sync {s} {} -> {}", m.host, m.container));
            }
        }
        for s in &p.restart {
            out.push(format!("restart {s}"));
        }
        for (s, rs) in &p.exec {
            for r in rs {
                out.push(format!("exec {s} #{r}"));
            }
        }
        out
    }

    #[test]
    fn changed_paths_to_actions() {
        let project = vec![
            service(
                "web",
                true,
                vec![
                    trigger("/p/web/src", "sync", "/app/src", &["*.tmp", "cache/"], &[]),
                    trigger("/p/web/package.json", "rebuild", "", &[], &[]),
                    trigger("/p/web/conf", "sync+restart", "/etc/web", &[], &["*.conf"]),
                ],
            ),
            service(
                "api",
                false,
                vec![
                    trigger("/p/api", "sync+exec", "/srv", &["node_modules"], &[]),
                    trigger("/p/api/restart.txt", "restart", "", &[], &[]),
                ],
            ),
        ];
        let rules = rules(&project);
        // (changed paths, expected outcome)
        let cases: &[(&[&str], &[&str])] = &[
            (
                &["/p/web/src/a.js"],
                &["sync web /p/web/src/a.js -> /app/src/a.js"],
            ),
            (
                &["/p/web/src/sub/b.js", "/p/web/src/sub/b.js"],
                &["sync web /p/web/src/sub/b.js -> /app/src/sub/b.js"],
            ),
            // the rule's ignore, relative to its path; the directory pattern covers what is below
            (&["/p/web/src/x.tmp", "/p/web/src/cache/y"], &[]),
            // `*.tmp` only matches at the rule's root
            (
                &["/p/web/src/d/x.tmp"],
                &["sync web /p/web/src/d/x.tmp -> /app/src/d/x.tmp"],
            ),
            // editors' files are never acted on
            (
                &[
                    "/p/web/src/.a.js.swp",
                    "/p/web/src/a.js~",
                    "/p/web/src/4913",
                    "/p/web/src/.idea/x",
                ],
                &[],
            ),
            // compose anchors its `.git/` ignore at `/`: a `.git` below is synced
            (
                &["/p/web/src/.git/HEAD"],
                &["sync web /p/web/src/.git/HEAD -> /app/src/.git/HEAD"],
            ),
            (&["/p/web/package.json"], &["rebuild web"]),
            (&["/p/web/package.json.bak"], &[]),
            (
                &["/p/web/conf/site.conf"],
                &[
                    "sync web /p/web/conf/site.conf -> /etc/web/site.conf",
                    "restart web",
                ],
            ),
            // include: only what matches is acted on
            (&["/p/web/conf/readme.md"], &[]),
            (&["/p/elsewhere/a.js", "/p/web/srcx/a.js"], &[]),
            // one path can match several rules of a service
            (
                &["/p/api/restart.txt"],
                &[
                    "sync api /p/api/restart.txt -> /srv/restart.txt",
                    "restart api",
                    "exec api #3",
                ],
            ),
            (&["/p/api/node_modules/x/index.js"], &[]),
            // a rule's directory itself maps to its target
            (&["/p/api"], &["sync api /p/api -> /srv", "exec api #3"]),
            (
                &[
                    "/p/api/b",
                    "/p/web/src/a.js",
                    "/p/api/a",
                    "/p/web/package.json",
                ],
                &[
                    "rebuild web",
                    "sync api /p/api/a -> /srv/a",
                    "sync api /p/api/b -> /srv/b",
                    "sync web /p/web/src/a.js -> /app/src/a.js",
                    "exec api #3",
                ],
            ),
        ];
        for (changed, expected) in cases {
            let changed: Vec<String> = changed.iter().map(|s| s.to_string()).collect();
            assert_eq!(
                outcome(&plan(&rules, &changed)),
                *expected,
                "changed: {changed:?}"
            );
        }
    }

    #[test]
    fn patterns_as_compose_anchors_them() {
        // (root, patterns, path, matches)
        let cases: &[(&str, &[&str], &str, bool)] = &[
            ("/r", &["dir1/"], "/r/dir1/x", true),
            ("/r", &["dir1/"], "/r/other/dir1/x", false),
            ("/r", &["**/*.o"], "/r/a/b/c.o", true),
            ("/r", &["*.o", "!keep.o"], "/r/keep.o", false),
            ("/r", &["*.o", "!keep.o"], "/r/drop.o", true),
            // an absolute pattern is not moved under the root
            ("/r", &["/abs/x"], "/abs/x/y", true),
            // a relative path is taken from the root
            ("/r", &["a.txt"], "a.txt", true),
            // `*` keeps only the exceptions (compose's rule), so nothing is matched
            ("/r", &["*"], "/r/anything", false),
            ("/r", &["*", "!file.txt"], "/r/other", false),
            ("/", EPHEMERAL, "/x/y/.#lock", true),
            ("/", EPHEMERAL, "/x/.idea/workspace.xml", true),
            ("/", EPHEMERAL, "/x/main.go", false),
        ];
        for (root, patterns, path, expected) in cases {
            let m = PathMatcher::new(root, patterns).unwrap();
            assert_eq!(m.matches(path), *expected, "{root} {patterns:?} {path}");
        }
    }

    #[test]
    fn dot_git_is_anchored_at_the_root() {
        // compose anchors `.git/` at `/`: `/.git` and below, and a base name
        // (the initial sync checks base names, taken from `/`).
        let m = PathMatcher::new("/", &[".git/"]).unwrap();
        assert!(m.matches(".git"));
        assert!(m.matches("/.git/x"));
        assert!(!m.matches("/p/.git/x"));
    }

    #[test]
    fn paths_to_watch_and_refusals() {
        let mut project = Project::default();
        let mut web = service(
            "web",
            false,
            vec![trigger("/p/web", "sync", "/app", &[], &[])],
        );
        web.volumes.push(crate::model::ServiceVolumeConfig {
            r#type: "bind".into(),
            source: "/p".into(),
            target: "/mnt".into(),
            ..Default::default()
        });
        project.services.insert("web".into(), Box::new(web));
        let err = Watching::new(&project, &[]).unwrap_err().to_string();
        assert!(
            err.contains("none of the selected services is configured for watch"),
            "{err}"
        );
        project.services.insert(
            "api".into(),
            Box::new(service(
                "api",
                false,
                vec![trigger("/p/api", "restart", "", &[], &[])],
            )),
        );
        let w = Watching::new(&project, &[]).unwrap();
        assert_eq!(w.paths, ["/p/api"]);
        assert_eq!(
            w.warnings,
            ["path '/p/web' also declared by a bind mount volume, this path won't be monitored!"]
        );
        assert_eq!(w.rules.len(), 2);
        let only_web = Watching::new(&project, &["web".into()]);
        assert!(only_web.is_err());
        // a named service brings its dependencies' rules, as in compose
        let mut front = ServiceConfig {
            name: "front".into(),
            ..Default::default()
        };
        front.depends_on.insert("api".into(), Default::default());
        project.services.insert("front".into(), Box::new(front));
        let via_dep = Watching::new(&project, &["front".into()]).unwrap();
        assert_eq!(via_dep.paths, ["/p/api"]);
        project.services.insert(
            "img".into(),
            Box::new(service(
                "img",
                false,
                vec![trigger("/p/img", "rebuild", "", &[], &[])],
            )),
        );
        let err = Watching::new(&project, &[]).unwrap_err().to_string();
        assert_eq!(
            err,
            "can't watch service \"img\" with action rebuild without a build context"
        );
        assert!(w.reports("/p/api/x", false));
        assert!(!w.reports("/p/api", true));
        assert!(w.reports("/p/api", false));
        assert!(!w.reports("/p/other", false));
    }

    #[test]
    fn initial_sync_takes_files_newer_than_the_image() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_str().unwrap().to_string();
        for (rel, text) in [
            ("a.txt", "a"),
            ("sub/b.txt", "b"),
            ("sub/skip.tmp", "x"),
            ("cache/c.txt", "c"),
            ("deep/skip.tmp", "y"),
        ] {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let s = service(
            "web",
            false,
            vec![trigger(&root, "sync", "/app", &["*.tmp", "cache"], &[])],
        );
        let rule = Rule::new(&s, &s.develop.as_ref().unwrap().watch[0]).unwrap();
        let names = |created| {
            initial_sync_files(&rule, &s, created)
                .unwrap()
                .into_iter()
                .map(|m| (m.host[root.len()..].to_string(), m.container))
                .collect::<Vec<_>>()
        };
        // compose checks ignores by base name: `*.tmp` leaves out every `.tmp`
        assert_eq!(
            names(SystemTime::UNIX_EPOCH),
            [
                ("/a.txt".to_string(), "/app/a.txt".to_string()),
                ("/sub/b.txt".to_string(), "/app/sub/b.txt".to_string()),
            ]
        );
        let later = SystemTime::now() + Duration::from_secs(3600);
        assert!(names(later).is_empty());
    }

    #[test]
    fn the_build_contexts_ignore_file_applies() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = dir.path().to_str().unwrap().to_string();
        std::fs::write(dir.path().join(".dockerignore"), "*.log\n!keep.log\n").unwrap();
        let mut s = service("web", true, vec![trigger(&ctx, "sync", "/app", &[], &[])]);
        s.build.as_mut().unwrap().context = ctx.clone();
        let rules = rules(&[s.clone()]);
        let changed = |names: &[&str]| {
            let paths: Vec<String> = names.iter().map(|n| format!("{ctx}/{n}")).collect();
            plan(&rules, &paths).sync.get("web").map_or(0, Vec::len)
        };
        assert_eq!(changed(&["a.log", "keep.log", "a.txt", "sub/a.log"]), 3);
        // `<Dockerfile>.dockerignore` wins over `.dockerignore`
        std::fs::write(dir.path().join("Dockerfile.dockerignore"), "*.txt\n").unwrap();
        let rules2 = super::tests::rules(&[s]);
        let paths: Vec<String> = ["a.log", "a.txt"]
            .iter()
            .map(|n| format!("{ctx}/{n}"))
            .collect();
        let synced: Vec<String> = plan(&rules2, &paths).sync["web"]
            .iter()
            .map(|m| m.container.clone())
            .collect();
        assert_eq!(synced, ["/app/a.log"]);
    }

    #[test]
    fn encompassing_paths() {
        let v = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            encompassing(&v(&["/foo", "/foo/bar", "/foo", "/baz"])),
            v(&["/foo", "/baz"])
        );
        assert_eq!(encompassing(&v(&["/foo/bar", "/foo"])), v(&["/foo"]));
        assert!(is_child("/a", "/a/b"));
        assert!(!is_child("/a", "/ab"));
        assert!(is_child("/", "/x"));
    }

    #[test]
    fn go_quoted_lists() {
        let s: BTreeSet<String> = ["b".to_string(), "a".to_string()].into();
        assert_eq!(go_quote_list(&s), r#"["a" "b"]"#);
        assert_eq!(
            sync_message("web", 2),
            r#"Syncing service "web" after 2 changes were detected"#
        );
    }
}
