//! The file watching loop `watch` and `up --watch` share (compose's
//! `pkg/watch` notifier and `watchEvents`): the rules' paths watched with
//! `notify` (inotify), a directory created under them walked so that each
//! path in it counts as a change, changes batched until the file system has
//! been quiet for [`QUIET_PERIOD`], each batch planned and carried out by the
//! engine's [`compose_engine::watch`], its lines printed through a [`Log`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use compose_engine::desired::ProjectSpecs;
use compose_engine::progress::{Event, Status};
use compose_engine::runtime::Runtime;
use compose_engine::watch::{self, HandleOptions, Log, Watching, QUIET_PERIOD};
use notify::{EventKind, RecursiveMode, Watcher};

use crate::output;

/// A change the notifier reported, or its failure.
type Notice = notify::Result<notify::Event>;

/// What is watched: directories recursively, a file through its directory,
/// a path that does not exist yet through its nearest existing ancestor
/// (re-tried when something appears there).
struct Roots {
    watcher: notify::RecommendedWatcher,
    pending: Vec<String>,
}

impl Roots {
    fn add(&mut self, path: &str) -> notify::Result<()> {
        let p = Path::new(path);
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => self.watcher.watch(p, RecursiveMode::Recursive),
            Ok(_) => {
                let parent = p.parent().unwrap_or(Path::new("/"));
                self.watcher.watch(parent, RecursiveMode::NonRecursive)
            }
            Err(_) => {
                let mut a: PathBuf = p.to_path_buf();
                while !a.exists() {
                    if !a.pop() {
                        break;
                    }
                }
                self.pending.push(path.to_string());
                self.watcher.watch(&a, RecursiveMode::NonRecursive)
            }
        }
    }

    /// Watches the pending paths that `changed` may have brought into being.
    fn retry(&mut self, changed: &str) {
        let ready: Vec<String> = self
            .pending
            .iter()
            .filter(|p| watch::is_child(changed, p) && Path::new(p.as_str()).exists())
            .cloned()
            .collect();
        self.pending.retain(|p| !ready.contains(p));
        for p in ready {
            let _ = self.add(&p);
        }
    }
}

/// The changed paths of one notification, as compose's watcher reports them:
/// a created directory brings everything under it.
fn changed_paths(event: &notify::Event, watching: &Watching, out: &mut BTreeSet<String>) {
    // Opening and reading (ours too, when archiving) are not changes.
    if matches!(event.kind, EventKind::Access(_)) {
        return;
    }
    let created = matches!(event.kind, EventKind::Create(_));
    for path in &event.paths {
        let Some(p) = path.to_str() else { continue };
        let is_dir = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
        if watching.reports(p, is_dir) {
            out.insert(p.to_string());
        }
        if created && is_dir {
            let mut stack = vec![path.clone()];
            while let Some(dir) = stack.pop() {
                let Ok(rd) = std::fs::read_dir(&dir) else {
                    continue;
                };
                for e in rd.filter_map(|e| e.ok()) {
                    let child = e.path();
                    let child_is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                    if let Some(c) = child.to_str() {
                        if watching.reports(c, child_is_dir) {
                            out.insert(c.to_string());
                        }
                    }
                    if child_is_dir {
                        stack.push(child);
                    }
                }
            }
        }
    }
}

/// A warning as compose's logger prints it.
pub fn warn(text: &str) {
    output::progress(&Event::new("", Status::Warning, text), 0);
}

/// Watching, once the initial syncs are done and the watcher is set up.
pub struct Active {
    roots: Roots,
    rx: tokio::sync::mpsc::UnboundedReceiver<Notice>,
}

/// The rules' initial syncs, the paths watched, then `Watch enabled`.
pub async fn start<R: Runtime>(
    rt: &R,
    specs: &ProjectSpecs,
    watching: &Watching,
    log: &Log,
) -> anyhow::Result<Active> {
    for w in &watching.warnings {
        warn(w);
    }
    watch::initial_sync(rt, &specs.project, watching).await?;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Notice>();
    let watcher = notify::recommended_watcher(move |n: Notice| {
        let _ = tx.send(n);
    })
    .map_err(|e| anyhow::anyhow!("creating file watcher: {e}"))?;
    let mut roots = Roots {
        watcher,
        pending: Vec::new(),
    };
    for p in watch::encompassing(&watching.paths) {
        roots
            .add(&p)
            .map_err(|e| anyhow::anyhow!("notify.Add({p:?}): {e}"))?;
    }
    log("Watch enabled");
    Ok(Active { roots, rx })
}

impl Active {
    /// Handles each quiet batch of changes until `stop` resolves (a failure
    /// is a warning, as in compose, and watching goes on); `after` is told
    /// each batch handled.
    #[allow(clippy::too_many_arguments)]
    pub async fn run<R: Runtime>(
        mut self,
        rt: &R,
        specs: &ProjectSpecs,
        watching: &Watching,
        options: &HandleOptions,
        log: &Log,
        after: &(dyn Fn(&watch::BatchPlan) + Send + Sync),
        stop: impl std::future::Future<Output = ()>,
    ) {
        tokio::pin!(stop);
        let (cancel_tx, cancel_rx) = tokio::sync::watch::channel(false);
        let options = HandleOptions {
            cancel: Some(cancel_rx),
            ..options.clone()
        };
        let mut batch: BTreeSet<String> = BTreeSet::new();
        loop {
            let quiet = tokio::time::sleep(QUIET_PERIOD);
            tokio::select! {
                _ = &mut stop => break,
                n = self.rx.recv() => match n {
                    Some(Ok(event)) => {
                        for p in event.paths.iter().filter_map(|p| p.to_str()) {
                            self.roots.retry(p);
                        }
                        changed_paths(&event, watching, &mut batch);
                    }
                    Some(Err(e)) => {
                        output::stderr_line(&format!("Watch disabled with errors: {e}"));
                    }
                    None => break,
                },
                _ = quiet, if !batch.is_empty() => {
                    let changed: Vec<String> = std::mem::take(&mut batch).into_iter().collect();
                    let plan = watch::plan(&watching.rules, &changed);
                    if plan.is_empty() {
                        continue;
                    }
                    let sink = output::sink();
                    let handled = watch::handle(rt, specs, watching, &plan, &options, log, &sink);
                    tokio::pin!(handled);
                    tokio::select! {
                        r = &mut handled => if let Err(e) = r {
                            warn(&format!("Error handling changed files: {e}"));
                        },
                        _ = &mut stop => {
                            // A rebuild in flight finishes its operations.
                            let _ = cancel_tx.send(true);
                            let _ = handled.await;
                            break;
                        }
                    }
                    after(&plan);
                }
            }
        }
    }
}
