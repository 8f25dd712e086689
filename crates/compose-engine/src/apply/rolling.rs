//! The rolling update of one service (`deploy.update_config`), run as one
//! operation of a plan because what it does next depends on how each batch
//! went: compose itself ignores `update_config` and replaces every replica at
//! once, so a scaled service behind a proxy stops answering while it updates.
//!
//! Per replica, `start-first` creates the new container under its temporary
//! name, starts it beside the old one, *proves* it (healthy by its
//! healthcheck, or running for `monitor` without one) and only then stops the
//! old one; `stop-first` stops the old one before starting the new one. An
//! old container is only stopped, never removed, until the whole update has
//! succeeded: then the old ones are removed and the new ones take their names
//! (so the result is exactly what compose's recreate leaves). A replica that
//! fails is put back at once (its new container removed, its old one started
//! again); once the failures exceed `max_failure_ratio`, `failure_action`
//! decides: `pause` keeps what was proven and stops, `continue` goes on,
//! `rollback` puts every replaced replica back at `rollback_config`'s pace.
//! Anything but a full success is an error naming the replica and why.

use std::time::{Duration, Instant};

use futures_util::future::join_all;

use super::{ApplyError, Exec, Specs};
use crate::plan::{Action, FailureAction, Op, Pace, RollingReplica, Rollout, UpdateOrder};
use crate::progress::Status;
use crate::runtime::{ContainerState, Health, Runtime};

/// Without a healthcheck, a new container must run this long when
/// `monitor` is not set (Swarm's default monitor).
const DEFAULT_MONITOR: Duration = Duration::from_secs(5);

/// How one replica's update went.
enum Outcome {
    /// The new container is proven; the old one is stopped (kept until the end).
    Proven,
    /// It failed, for this reason; the replica has been put back as it was.
    Failed(String),
}

impl<R: Runtime, S: Specs> Exec<'_, R, S> {
    /// Runs one of the plan's simple actions as part of the update.
    async fn step(&self, action: Action) -> Result<(), ApplyError> {
        self.run_step(&Op {
            id: 0,
            action,
            cause: String::new(),
            after: vec![],
        })
        .await
    }

    /// The rolling update of `service`.
    pub(super) async fn update_service(
        &self,
        service: &str,
        rollout: &Rollout,
    ) -> Result<(), ApplyError> {
        let total: usize = rollout.batches.iter().map(Vec::len).sum();
        let pace = &rollout.update;
        let mut proven: Vec<&RollingReplica> = Vec::new();
        let mut failures: Vec<String> = Vec::new();
        let mut stopped_by: Option<FailureAction> = None;
        // `max_failure_ratio`: this many failures of `total` are tolerated.
        let tolerated =
            |failures: usize| failures * 1000 <= pace.max_failure_permille as usize * total;
        for (i, batch) in rollout.batches.iter().enumerate() {
            if i > 0 {
                if self.cancelled() {
                    failures.push("interrupted".into());
                    stopped_by = Some(FailureAction::Pause);
                    break;
                }
                tokio::time::sleep(Duration::from_millis(pace.delay_ms)).await;
            }
            let outcomes =
                join_all(batch.iter().map(|r| self.update_replica(service, r, pace))).await;
            for (r, outcome) in batch.iter().zip(outcomes) {
                match outcome {
                    Outcome::Proven => proven.push(r),
                    Outcome::Failed(why) => failures.push(format!("replica {}: {why}", r.name)),
                }
            }
            if !tolerated(failures.len()) && pace.failure_action != FailureAction::Continue {
                stopped_by = Some(pace.failure_action);
                break;
            }
        }
        if stopped_by == Some(FailureAction::Rollback) {
            self.roll_back(service, &proven, &rollout.rollback).await?;
            return Err(self.update_error(
                service,
                format!(
                    "service {service}: update failed and was rolled back to the previous containers: {}",
                    failures.join("; ")
                ),
            ));
        }
        // What was proven stays: the old containers go, the new ones take
        // their names.
        for r in &proven {
            self.step(Action::RemoveContainer {
                service: service.into(),
                name: r.name.clone(),
            })
            .await?;
            self.step(Action::RenameContainer {
                service: service.into(),
                from: r.temp_name.clone(),
                to: r.name.clone(),
            })
            .await?;
        }
        if failures.is_empty() {
            return Ok(());
        }
        let left = total - proven.len();
        let message = match stopped_by {
            Some(_) => format!(
                "service {service}: update paused after {} of {total} replicas ({left} still on the previous version): {}; fix it and run `up` again",
                proven.len(),
                failures.join("; ")
            ),
            None if tolerated(failures.len()) => {
                self.emit(
                    &format!("Service {service}"),
                    Status::Warning,
                    format!(
                        "updated with failures within max_failure_ratio: {}",
                        failures.join("; ")
                    ),
                );
                return Ok(());
            }
            None => format!(
                "service {service}: {} of {total} replicas failed to update and kept the previous version: {}",
                failures.len(),
                failures.join("; ")
            ),
        };
        Err(self.update_error(service, message))
    }

    fn update_error(&self, service: &str, message: String) -> ApplyError {
        ApplyError {
            resource: format!("service {service}"),
            service: Some(service.to_string()),
            message,
            cause: None,
        }
    }

    fn cancelled(&self) -> bool {
        self.opts.cancel.as_ref().is_some_and(|rx| *rx.borrow())
    }

    /// One replica: its new container created, started and proven, its old
    /// one stopped, in the pace's order; put back as it was on failure.
    async fn update_replica(&self, service: &str, r: &RollingReplica, pace: &Pace) -> Outcome {
        let mut created = false;
        let mut old_stopped = false;
        let result: Result<(), String> = async {
            self.step(Action::CreateContainer {
                service: service.into(),
                number: r.number,
                name: r.temp_name.clone(),
                replaces: Some(r.name.clone()),
            })
            .await
            .map_err(|e| e.message)?;
            created = true;
            if pace.order == UpdateOrder::StopFirst && r.running {
                self.stop(service, &r.name).await?;
                old_stopped = true;
            }
            self.step(Action::StartContainer {
                service: service.into(),
                name: r.temp_name.clone(),
            })
            .await
            .map_err(|e| e.message)?;
            self.prove(&r.temp_name, pace).await?;
            if pace.order == UpdateOrder::StartFirst && r.running {
                self.stop(service, &r.name).await?;
                old_stopped = true;
            }
            Ok(())
        }
        .await;
        match result {
            Ok(()) => Outcome::Proven,
            Err(why) => {
                self.emit(&format!("Container {}", r.name), Status::Error, why.clone());
                // Put the replica back: the old container runs again before
                // the failed new one goes.
                if old_stopped {
                    let _ = self
                        .step(Action::StartContainer {
                            service: service.into(),
                            name: r.name.clone(),
                        })
                        .await;
                }
                if created {
                    let _ = self.discard(service, &r.temp_name).await;
                }
                Outcome::Failed(why)
            }
        }
    }

    async fn stop(&self, service: &str, name: &str) -> Result<(), String> {
        self.step(Action::StopContainer {
            service: service.into(),
            name: name.into(),
        })
        .await
        .map_err(|e| e.message)
    }

    /// Stops and removes a new container (its anonymous volumes, inherited
    /// from the old one, stay).
    async fn discard(&self, service: &str, name: &str) -> Result<(), ApplyError> {
        self.step(Action::StopContainer {
            service: service.into(),
            name: name.into(),
        })
        .await?;
        let id = self.id_of(name);
        match self.rt.remove_container(&id, true, false).await {
            Ok(()) | Err(crate::runtime::RuntimeError::NotFound(_)) => {}
            Err(e) => {
                return Err(ApplyError {
                    resource: format!("container {name}"),
                    service: Some(service.into()),
                    message: format!("cannot remove container {name}: {e}"),
                    cause: Some(e),
                })
            }
        }
        self.known
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(name);
        self.emit(&format!("Container {name}"), Status::Done, "Removed");
        Ok(())
    }

    /// Waits until the container is proven: healthy by its healthcheck (or
    /// its image's), or, without one, running for `monitor`. Fails when it
    /// exits, turns unhealthy, or is not healthy within `monitor` (when set).
    async fn prove(&self, name: &str, pace: &Pace) -> Result<(), String> {
        let shown = format!("Container {name}");
        self.emit(&shown, Status::Working, "Waiting");
        let id = self.id_of(name);
        let monitor = pace.monitor_ms.map(Duration::from_millis);
        let since = Instant::now();
        loop {
            let d = self
                .rt
                .inspect_container(&id)
                .await
                .map_err(|e| e.to_string())?;
            let elapsed = since.elapsed();
            match (d.state, d.health) {
                (ContainerState::Exited | ContainerState::Dead, _) => {
                    return Err(format!(
                        "the new container exited with code {}",
                        d.exit_code
                    ))
                }
                (_, Health::Unhealthy) => {
                    return Err("the new container is unhealthy (its healthcheck fails)".into())
                }
                (ContainerState::Running, Health::Healthy) => {
                    self.emit(&shown, Status::Done, "Healthy");
                    return Ok(());
                }
                (ContainerState::Running, Health::None)
                    if elapsed >= monitor.unwrap_or(DEFAULT_MONITOR) =>
                {
                    self.emit(&shown, Status::Done, "Running");
                    return Ok(());
                }
                (_, Health::Starting) if monitor.is_some_and(|m| elapsed >= m) => {
                    return Err(format!(
                        "the new container is not healthy within monitor ({})",
                        crate::plan::millis(pace.monitor_ms.unwrap_or(0))
                    ))
                }
                _ => {}
            }
            tokio::time::sleep(self.opts.poll.min(Duration::from_millis(250))).await;
        }
    }

    /// Puts the replaced replicas back, at the rollback pace: each old
    /// container starts again (before its new one stops with `start-first`),
    /// then the new one is removed.
    async fn roll_back(
        &self,
        service: &str,
        replaced: &[&RollingReplica],
        pace: &Pace,
    ) -> Result<(), ApplyError> {
        let size = match pace.parallelism {
            0 => replaced.len().max(1),
            n => n as usize,
        };
        for (i, batch) in replaced.chunks(size).enumerate() {
            if i > 0 {
                tokio::time::sleep(Duration::from_millis(pace.delay_ms)).await;
            }
            let results = join_all(batch.iter().map(|r| async move {
                if !r.running {
                    return self.discard(service, &r.temp_name).await;
                }
                if pace.order == UpdateOrder::StopFirst {
                    self.step(Action::StopContainer {
                        service: service.into(),
                        name: r.temp_name.clone(),
                    })
                    .await?;
                }
                self.step(Action::StartContainer {
                    service: service.into(),
                    name: r.name.clone(),
                })
                .await?;
                if let Err(why) = self.prove(&r.name, pace).await {
                    // The previous version does not come back either: keep
                    // both containers for the user to look at.
                    return Err(self.update_error(
                        service,
                        format!(
                            "service {service}: rollback of replica {} failed: {why}",
                            r.name
                        ),
                    ));
                }
                self.discard(service, &r.temp_name).await
            }))
            .await;
            if let Some(e) = results.into_iter().find_map(Result::err) {
                return Err(e);
            }
        }
        Ok(())
    }
}
