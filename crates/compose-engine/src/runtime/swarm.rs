//! The engine's Swarm API, for `hoist stack`: services, tasks, nodes,
//! secrets and configs of a stack (by its `com.docker.stack.namespace`
//! label). Bodies are Engine API JSON, sent verbatim, as for containers.
//!
//! [`SwarmObserve`] only reads; [`SwarmRuntime`] writes and is implemented by
//! the live engine and by a [`Connection`], whose dry run records the writes
//! and sends none.

use std::collections::HashMap;
use std::future::Future;

use bollard::models::{ConfigSpec, SecretSpec, ServiceSpec};
use bollard::query_parameters::{
    ListConfigsOptions, ListNodesOptions, ListSecretsOptions, ListServicesOptions,
    ListTasksOptions, UpdateServiceOptions,
};
use serde_json::Value;

use super::docker::Docker;
use super::dryrun::Connection;
use super::{ReadOnly, Result, RuntimeError};

/// A service of a stack, as the engine has it.
#[derive(Debug, Clone, PartialEq)]
pub struct SwarmService {
    /// Engine id.
    pub id: String,
    /// Name (`NS_service`).
    pub name: String,
    /// The version an update must name.
    pub version: u64,
    /// Its spec, as Engine API JSON.
    pub spec: Value,
}

/// A secret, config or network of a stack: id and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Named {
    /// Engine id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// What kind of named object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A secret.
    Secret,
    /// A config.
    Config,
}

/// Reads of the Swarm API.
pub trait SwarmObserve: Send + Sync {
    /// Whether this engine is a Swarm manager (`None`: not in a swarm at all).
    fn swarm_manager(&self) -> impl Future<Output = Result<Option<bool>>> + Send;
    /// The stack's services.
    fn stack_services(
        &self,
        namespace: &str,
    ) -> impl Future<Output = Result<Vec<SwarmService>>> + Send;
    /// The stack's tasks, as Engine API JSON.
    fn stack_tasks(&self, namespace: &str) -> impl Future<Output = Result<Vec<Value>>> + Send;
    /// The swarm's nodes, as Engine API JSON.
    fn nodes(&self) -> impl Future<Output = Result<Vec<Value>>> + Send;
    /// The stack's secrets or configs.
    fn stack_objects(
        &self,
        kind: Kind,
        namespace: &str,
    ) -> impl Future<Output = Result<Vec<Named>>> + Send;
}

/// Writes to the Swarm API.
pub trait SwarmRuntime: SwarmObserve {
    /// Creates a service; returns its id.
    fn create_service(&self, spec: &Value) -> impl Future<Output = Result<String>> + Send;
    /// Replaces a service's spec (the engine then rolls its tasks).
    fn update_service(
        &self,
        id: &str,
        version: u64,
        spec: &Value,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Removes a service.
    fn remove_service(&self, id: &str) -> impl Future<Output = Result<()>> + Send;
    /// Creates a secret or config; returns its id.
    fn create_object(
        &self,
        kind: Kind,
        body: &Value,
    ) -> impl Future<Output = Result<String>> + Send;
    /// Removes a secret or config.
    fn remove_object(&self, kind: Kind, id: &str) -> impl Future<Output = Result<()>> + Send;
}

/// A service spec as the engine's answers read (through the same typed
/// model), so a desired spec compares with an observed one key by key.
pub fn canonical_spec(spec: &Value) -> Value {
    match serde_json::from_value::<ServiceSpec>(spec.clone()) {
        Ok(typed) => to_json(&typed),
        Err(_) => spec.clone(),
    }
}

fn namespace_filter(namespace: &str) -> HashMap<String, Vec<String>> {
    HashMap::from([(
        "label".to_string(),
        vec![format!("{}={namespace}", crate::stack::convert::NAMESPACE)],
    )])
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

impl SwarmObserve for Docker {
    async fn swarm_manager(&self) -> Result<Option<bool>> {
        let info = self.client().info().await.map_err(|e| self.error(e))?;
        let swarm = info.swarm.unwrap_or_default();
        let state = swarm
            .local_node_state
            .map(|s| s.to_string())
            .unwrap_or_default();
        if state != "active" {
            return Ok(None);
        }
        Ok(Some(swarm.control_available.unwrap_or(false)))
    }

    async fn stack_services(&self, namespace: &str) -> Result<Vec<SwarmService>> {
        let options = ListServicesOptions {
            filters: Some(namespace_filter(namespace)),
            ..Default::default()
        };
        let list = self
            .client()
            .list_services(Some(options))
            .await
            .map_err(|e| self.error(e))?;
        let mut out: Vec<SwarmService> = list
            .into_iter()
            .map(|s| {
                let spec = to_json(&s.spec.unwrap_or_default());
                SwarmService {
                    id: s.id.unwrap_or_default(),
                    name: spec["Name"].as_str().unwrap_or_default().to_string(),
                    version: s.version.and_then(|v| v.index).unwrap_or(0),
                    spec,
                }
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    async fn stack_tasks(&self, namespace: &str) -> Result<Vec<Value>> {
        let options = ListTasksOptions {
            filters: Some(namespace_filter(namespace)),
        };
        let list = self
            .client()
            .list_tasks(Some(options))
            .await
            .map_err(|e| self.error(e))?;
        Ok(list.iter().map(to_json).collect())
    }

    async fn nodes(&self) -> Result<Vec<Value>> {
        let list = self
            .client()
            .list_nodes(None::<ListNodesOptions>)
            .await
            .map_err(|e| self.error(e))?;
        Ok(list.iter().map(to_json).collect())
    }

    async fn stack_objects(&self, kind: Kind, namespace: &str) -> Result<Vec<Named>> {
        let filters = Some(namespace_filter(namespace));
        let mut out: Vec<Named> = match kind {
            Kind::Secret => self
                .client()
                .list_secrets(Some(ListSecretsOptions { filters }))
                .await
                .map_err(|e| self.error(e))?
                .into_iter()
                .map(|s| Named {
                    id: s.id.unwrap_or_default(),
                    name: s.spec.and_then(|s| s.name).unwrap_or_default(),
                })
                .collect(),
            Kind::Config => self
                .client()
                .list_configs(Some(ListConfigsOptions { filters }))
                .await
                .map_err(|e| self.error(e))?
                .into_iter()
                .map(|s| Named {
                    id: s.id.unwrap_or_default(),
                    name: s.spec.and_then(|s| s.name).unwrap_or_default(),
                })
                .collect(),
        };
        out.sort();
        Ok(out)
    }
}

fn invalid(what: &str, e: serde_json::Error) -> RuntimeError {
    RuntimeError::Other(format!("invalid {what} body: {e}"))
}

impl SwarmRuntime for Docker {
    async fn create_service(&self, spec: &Value) -> Result<String> {
        let typed: ServiceSpec =
            serde_json::from_value(spec.clone()).map_err(|e| invalid("service", e))?;
        let created = self
            .sending_json(spec)?
            .create_service(typed, None)
            .await
            .map_err(|e| self.error(e))?;
        Ok(created.id.unwrap_or_default())
    }

    async fn update_service(&self, id: &str, version: u64, spec: &Value) -> Result<()> {
        let typed: ServiceSpec =
            serde_json::from_value(spec.clone()).map_err(|e| invalid("service", e))?;
        let options = UpdateServiceOptions {
            version: version as i32,
            ..Default::default()
        };
        self.sending_json(spec)?
            .update_service(id, typed, options, None)
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    async fn remove_service(&self, id: &str) -> Result<()> {
        self.client()
            .delete_service(id)
            .await
            .map_err(|e| self.error(e))
    }

    async fn create_object(&self, kind: Kind, body: &Value) -> Result<String> {
        let id = match kind {
            Kind::Secret => {
                let typed: SecretSpec =
                    serde_json::from_value(body.clone()).map_err(|e| invalid("secret", e))?;
                self.sending_json(body)?.create_secret(typed).await
            }
            Kind::Config => {
                let typed: ConfigSpec =
                    serde_json::from_value(body.clone()).map_err(|e| invalid("config", e))?;
                self.sending_json(body)?.create_config(typed).await
            }
        }
        .map_err(|e| self.error(e))?;
        Ok(id.id)
    }

    async fn remove_object(&self, kind: Kind, id: &str) -> Result<()> {
        match kind {
            Kind::Secret => self.client().delete_secret(id).await,
            Kind::Config => self.client().delete_config(id).await,
        }
        .map_err(|e| self.error(e))
    }
}

impl<O: SwarmObserve> SwarmObserve for ReadOnly<O> {
    fn swarm_manager(&self) -> impl Future<Output = Result<Option<bool>>> + Send {
        self.0.swarm_manager()
    }
    fn stack_services(&self, ns: &str) -> impl Future<Output = Result<Vec<SwarmService>>> + Send {
        self.0.stack_services(ns)
    }
    fn stack_tasks(&self, ns: &str) -> impl Future<Output = Result<Vec<Value>>> + Send {
        self.0.stack_tasks(ns)
    }
    fn nodes(&self) -> impl Future<Output = Result<Vec<Value>>> + Send {
        self.0.nodes()
    }
    fn stack_objects(
        &self,
        kind: Kind,
        ns: &str,
    ) -> impl Future<Output = Result<Vec<Named>>> + Send {
        self.0.stack_objects(kind, ns)
    }
}

impl SwarmObserve for Connection<Docker> {
    async fn swarm_manager(&self) -> Result<Option<bool>> {
        self.reader().swarm_manager().await
    }
    async fn stack_services(&self, ns: &str) -> Result<Vec<SwarmService>> {
        self.reader().stack_services(ns).await
    }
    async fn stack_tasks(&self, ns: &str) -> Result<Vec<Value>> {
        self.reader().stack_tasks(ns).await
    }
    async fn nodes(&self) -> Result<Vec<Value>> {
        self.reader().nodes().await
    }
    async fn stack_objects(&self, kind: Kind, ns: &str) -> Result<Vec<Named>> {
        self.reader().stack_objects(kind, ns).await
    }
}

impl SwarmRuntime for Connection<Docker> {
    async fn create_service(&self, spec: &Value) -> Result<String> {
        match self {
            Connection::Live(d) => d.create_service(spec).await,
            Connection::DryRun(d) => {
                let name = spec["Name"].as_str().unwrap_or_default();
                d.record(format!("create service {name}"));
                Ok(name.to_string())
            }
        }
    }
    async fn update_service(&self, id: &str, version: u64, spec: &Value) -> Result<()> {
        match self {
            Connection::Live(d) => d.update_service(id, version, spec).await,
            Connection::DryRun(d) => {
                d.record(format!(
                    "update service {}",
                    spec["Name"].as_str().unwrap_or(id)
                ));
                Ok(())
            }
        }
    }
    async fn remove_service(&self, id: &str) -> Result<()> {
        match self {
            Connection::Live(d) => d.remove_service(id).await,
            Connection::DryRun(d) => {
                d.record(format!("remove service {id}"));
                Ok(())
            }
        }
    }
    async fn create_object(&self, kind: Kind, body: &Value) -> Result<String> {
        match self {
            Connection::Live(d) => d.create_object(kind, body).await,
            Connection::DryRun(d) => {
                let name = body["Name"].as_str().unwrap_or_default();
                d.record(format!("create {} {name}", kind_word(kind)));
                Ok(name.to_string())
            }
        }
    }
    async fn remove_object(&self, kind: Kind, id: &str) -> Result<()> {
        match self {
            Connection::Live(d) => d.remove_object(kind, id).await,
            Connection::DryRun(d) => {
                d.record(format!("remove {} {id}", kind_word(kind)));
                Ok(())
            }
        }
    }
}

/// `secret` or `config`.
pub fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Secret => "secret",
        Kind::Config => "config",
    }
}
