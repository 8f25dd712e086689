//! Observe: what the engine has for a project, found by label with one
//! filtered list call per kind (containers, networks, volumes), run
//! concurrently. Networks and volumes the file names explicitly (external ones,
//! or a `name:` shared with another project) carry no project label, so the
//! ones not found by label are looked up by name.

use std::collections::BTreeMap;

use compose_spec::model::Project;
use futures_util::future::join_all;

use crate::labels;
use crate::reconcile::{Desired, Observed};
use crate::runtime::{Observe, Result};

/// The label filter selecting a project's resources.
pub fn project_filter(name: &str) -> Vec<String> {
    vec![format!("{}={name}", labels::PROJECT)]
}

/// Reads the project's containers (stopped ones too), networks and volumes.
pub async fn observe<O: Observe>(
    rt: &O,
    name: &str,
    project: Option<&Project>,
) -> Result<Observed> {
    let filter = project_filter(name);
    let (containers, networks, volumes) = tokio::join!(
        rt.list_containers(&filter, true),
        rt.list_networks(&filter),
        rt.list_volumes(&filter)
    );
    let mut observed = Observed {
        containers: containers?,
        networks: networks?,
        volumes: volumes?,
        details: BTreeMap::new(),
    };
    if let Some(p) = project {
        // One round trip for both kinds: on a cold `up` nothing is found by
        // label and every network and volume is looked up.
        let missing_nets: Vec<&str> = p
            .networks
            .values()
            .map(|n| n.name.as_str())
            .filter(|n| !observed.networks.iter().any(|o| o.name == *n))
            .collect();
        let missing_vols: Vec<&str> = p
            .volumes
            .values()
            .map(|v| v.name.as_str())
            .filter(|v| !observed.volumes.iter().any(|o| o.name == *v))
            .collect();
        let (nets, vols) = tokio::join!(
            join_all(missing_nets.iter().map(|n| rt.inspect_network(n))),
            join_all(missing_vols.iter().map(|v| rt.inspect_volume(v)))
        );
        for n in nets {
            if let Some(n) = n? {
                observed.networks.push(n);
            }
        }
        for v in vols {
            if let Some(v) = v? {
                observed.volumes.push(v);
            }
        }
    }
    Ok(observed)
}

/// Inspects the containers whose config hash differs from the desired one, so
/// that the plan can say what changed (`environment.MODE changed: blue → green`).
pub async fn explain<O: Observe>(rt: &O, desired: &Desired, mut observed: Observed) -> Observed {
    let ids: Vec<String> = observed
        .containers
        .iter()
        .filter(|c| {
            desired
                .services
                .get(c.label(labels::SERVICE))
                .is_some_and(|s| s.hash != c.label(labels::CONFIG_HASH))
        })
        .map(|c| c.id.clone())
        .collect();
    let details = join_all(ids.iter().map(|id| rt.inspect_container_json(id))).await;
    for (id, d) in ids.into_iter().zip(details) {
        if let Ok(d) = d {
            observed.details.insert(id, d);
        }
    }
    observed
}
