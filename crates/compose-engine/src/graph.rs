//! The services' dependency graph.
//!
//! Compose starts a service after the services it depends on and stops it
//! before them. Dependencies come from `depends_on` and from every attribute
//! that refers to another service's container: `links`, `volumes_from`,
//! `network_mode`/`ipc`/`pid: service:x`. The graph is a petgraph `DiGraph`
//! with an edge from each service to each of its dependencies; a cycle is
//! reported with every service on it (strongly connected components), in a
//! stable order.

use std::collections::{BTreeMap, BTreeSet};

use compose_spec::model::{Project, ServiceConfig};
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

/// Why one service depends on another.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    /// The dependency's condition: `service_started`, `service_healthy`,
    /// `service_completed_successfully`.
    pub condition: String,
    /// Whether the dependency must exist and succeed.
    pub required: bool,
    /// Restart the dependent when the dependency is recreated.
    pub restart: bool,
}

/// A dependency cycle: the services on it, in a stable order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("dependency cycle between services: {}", .0.join(" → "))]
pub struct Cycle(pub Vec<String>);

/// The dependency graph of a set of services.
#[derive(Debug, Clone)]
pub struct Graph {
    graph: DiGraph<String, Edge>,
    index: BTreeMap<String, NodeIndex>,
}

/// The services a service refers to outside `depends_on`.
fn implicit_dependencies(service: &ServiceConfig) -> Vec<String> {
    let mut out = Vec::new();
    for link in &service.links {
        out.push(link.split(':').next().unwrap_or(link).to_string());
    }
    for from in &service.volumes_from {
        if from.starts_with("container:") {
            continue;
        }
        out.push(from.split(':').next().unwrap_or(from).to_string());
    }
    for mode in [&service.network_mode, &service.ipc, &service.pid] {
        if let Some(name) = mode.strip_prefix("service:") {
            out.push(name.to_string());
        }
    }
    out
}

impl Graph {
    /// The graph of the project's (enabled) services. Dependencies on services
    /// that are not in the project (disabled by a profile, or optional) are left out.
    ///
    /// ```
    /// use compose_engine::graph::Graph;
    /// use compose_engine::model::Project;
    /// let p = Project::from_json(&serde_json::json!({"services": {
    ///     "web": {"image": "w", "depends_on": {"db": {"condition": "service_healthy", "required": true}}},
    ///     "db": {"image": "d"}}})).unwrap();
    /// let g = Graph::new(&p).unwrap();
    /// assert_eq!(g.start_order(), ["db", "web"]);
    /// assert_eq!(g.dependencies("web"), ["db"]);
    /// ```
    pub fn new(project: &Project) -> Result<Graph, Cycle> {
        let mut graph = DiGraph::new();
        let mut index = BTreeMap::new();
        for name in project.services.keys() {
            index.insert(name.clone(), graph.add_node(name.clone()));
        }
        for (name, service) in &project.services {
            let from = index[name];
            let mut seen = BTreeSet::new();
            for (dep, d) in &service.depends_on {
                if let Some(&to) = index.get(dep) {
                    seen.insert(dep.clone());
                    let condition = if d.condition.is_empty() {
                        "service_started".to_string()
                    } else {
                        d.condition.clone()
                    };
                    graph.add_edge(
                        from,
                        to,
                        Edge {
                            condition,
                            required: d.required,
                            restart: d.restart,
                        },
                    );
                }
            }
            for dep in implicit_dependencies(service) {
                if let Some(&to) = index.get(&dep) {
                    if seen.insert(dep) {
                        graph.add_edge(
                            from,
                            to,
                            Edge {
                                condition: "service_started".into(),
                                required: true,
                                restart: false,
                            },
                        );
                    }
                }
            }
        }
        let g = Graph { graph, index };
        g.check_cycles()?;
        Ok(g)
    }

    /// The graph of the services of `containers`, from their labels alone
    /// (`com.docker.compose.depends_on`, `name:condition:restart` pairs), for
    /// commands that work without the compose file, as compose does.
    ///
    /// ```
    /// use compose_engine::graph::Graph;
    /// use compose_engine::runtime::{Container, ContainerState};
    /// let c = |service: &str, deps: &str| Container {
    ///     id: service.into(), name: service.into(), image: String::new(), image_id: String::new(),
    ///     command: String::new(), created: 0, state: ContainerState::Running, status: String::new(),
    ///     labels: [("com.docker.compose.service", service), ("com.docker.compose.depends_on", deps)]
    ///         .into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    ///     networks: Default::default(), mounts: vec![], ports: vec![],
    /// };
    /// let g = Graph::from_containers(&[c("web", "db:service_healthy:false"), c("db", "")]).unwrap();
    /// assert_eq!(g.layers(), [vec!["db".to_string()], vec!["web".to_string()]]);
    /// ```
    pub fn from_containers(containers: &[crate::runtime::Container]) -> Result<Graph, Cycle> {
        let mut graph = DiGraph::new();
        let mut index = BTreeMap::new();
        for c in containers {
            let name = c.label(crate::labels::SERVICE).to_string();
            if !index.contains_key(&name) {
                index.insert(name.clone(), graph.add_node(name));
            }
        }
        let mut seen = BTreeSet::new();
        for c in containers {
            let name = c.label(crate::labels::SERVICE);
            for dep in c.label(crate::labels::DEPENDS_ON).split(',') {
                let mut parts = dep.split(':');
                let dep = parts.next().unwrap_or_default();
                let (Some(&from), Some(&to)) = (index.get(name), index.get(dep)) else {
                    continue;
                };
                if !seen.insert((from, to)) {
                    continue;
                }
                let condition = parts.next().unwrap_or("service_started").to_string();
                let restart = parts.next() == Some("true");
                graph.add_edge(
                    from,
                    to,
                    Edge {
                        condition,
                        required: true,
                        restart,
                    },
                );
            }
        }
        let g = Graph { graph, index };
        g.check_cycles()?;
        Ok(g)
    }

    fn check_cycles(&self) -> Result<(), Cycle> {
        let mut cycles: Vec<Vec<String>> = tarjan_scc(&self.graph)
            .into_iter()
            .filter(|scc| scc.len() > 1 || self.graph.contains_edge(scc[0], scc[0]))
            .map(|scc| {
                let mut names: Vec<String> = scc.iter().map(|&i| self.graph[i].clone()).collect();
                names.sort();
                names
            })
            .collect();
        cycles.sort();
        match cycles.into_iter().next() {
            Some(mut names) => {
                let first = names[0].clone();
                names.push(first);
                Err(Cycle(names))
            }
            None => Ok(()),
        }
    }

    /// Direct dependencies of a service, sorted.
    pub fn dependencies(&self, service: &str) -> Vec<String> {
        self.edges(service).into_iter().map(|(n, _)| n).collect()
    }

    /// Direct dependencies with their edges, sorted by name.
    pub fn edges(&self, service: &str) -> Vec<(String, Edge)> {
        let Some(&i) = self.index.get(service) else {
            return Vec::new();
        };
        let mut out: Vec<(String, Edge)> = self
            .graph
            .edges(i)
            .map(|e| {
                use petgraph::visit::EdgeRef;
                (self.graph[e.target()].clone(), e.weight().clone())
            })
            .collect();
        out.sort();
        out
    }

    /// Services that depend directly on `service`, sorted.
    pub fn dependents(&self, service: &str) -> Vec<String> {
        let Some(&i) = self.index.get(service) else {
            return Vec::new();
        };
        let mut out: Vec<String> = self
            .graph
            .neighbors_directed(i, petgraph::Direction::Incoming)
            .map(|n| self.graph[n].clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// `services` and, transitively, the services that depend on them with
    /// `depends_on.restart: true` (what `restart` restarts with them).
    pub fn with_restart_dependents(&self, services: &[String]) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = services.iter().cloned().collect();
        let mut todo: Vec<String> = services.to_vec();
        while let Some(s) = todo.pop() {
            for d in self.dependents(&s) {
                let restarts = self.edges(&d).iter().any(|(to, e)| *to == s && e.restart);
                if restarts && out.insert(d.clone()) {
                    todo.push(d);
                }
            }
        }
        out
    }

    /// `services` and everything they depend on, transitively, sorted.
    pub fn with_dependencies(&self, services: &[String]) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut todo: Vec<String> = services.to_vec();
        while let Some(s) = todo.pop() {
            if out.insert(s.clone()) {
                todo.extend(self.dependencies(&s));
            }
        }
        out
    }

    /// Every service after all of its dependencies; ties broken by name.
    pub fn start_order(&self) -> Vec<String> {
        let mut placed: BTreeSet<String> = BTreeSet::new();
        let mut order = Vec::new();
        let names: Vec<&String> = self.index.keys().collect();
        while order.len() < names.len() {
            let before = order.len();
            for name in &names {
                if placed.contains(*name) {
                    continue;
                }
                if self.dependencies(name).iter().all(|d| placed.contains(d)) {
                    order.push((*name).clone());
                }
            }
            for n in &order[before..] {
                placed.insert(n.clone());
            }
            if order.len() == before {
                break; // unreachable: cycles are rejected in `new`
            }
        }
        order
    }

    /// Services in layers: each layer depends only on earlier ones.
    pub fn layers(&self) -> Vec<Vec<String>> {
        let mut placed: BTreeSet<String> = BTreeSet::new();
        let mut layers = Vec::new();
        while placed.len() < self.index.len() {
            let layer: Vec<String> = self
                .index
                .keys()
                .filter(|n| !placed.contains(*n))
                .filter(|n| self.dependencies(n).iter().all(|d| placed.contains(d)))
                .cloned()
                .collect();
            if layer.is_empty() {
                break;
            }
            placed.extend(layer.iter().cloned());
            layers.push(layer);
        }
        layers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(v: serde_json::Value) -> Project {
        Project::from_json(&serde_json::json!({ "services": v })).unwrap()
    }

    #[test]
    fn implicit_edges_and_layers() {
        let p = project(serde_json::json!({
            "a": {"image": "x"},
            "b": {"image": "x", "links": ["a:alias"]},
            "c": {"image": "x", "network_mode": "service:b", "volumes_from": ["a:ro", "container:zzz"]},
            "d": {"image": "x", "ipc": "service:c", "pid": "service:a"}
        }));
        let g = Graph::new(&p).unwrap();
        assert_eq!(g.layers(), vec![vec!["a"], vec!["b"], vec!["c"], vec!["d"]]);
        assert_eq!(g.dependencies("c"), ["a", "b"]);
        assert_eq!(g.dependents("a"), ["b", "c", "d"]);
        assert_eq!(
            g.with_dependencies(&["c".into()])
                .into_iter()
                .collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn cycle_names_every_member() {
        let p = project(serde_json::json!({
            "a": {"image": "x", "depends_on": {"b": {"condition": "service_started", "required": true}}},
            "b": {"image": "x", "links": ["c"]},
            "c": {"image": "x", "depends_on": {"a": {"condition": "service_started", "required": true}}},
            "d": {"image": "x"}
        }));
        let err = Graph::new(&p).unwrap_err();
        assert_eq!(err.0, ["a", "b", "c", "a"]);
        assert_eq!(
            err.to_string(),
            "dependency cycle between services: a → b → c → a"
        );
    }
}
