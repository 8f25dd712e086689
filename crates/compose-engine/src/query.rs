//! Read-only questions about a running project, as library calls: `top`
//! (the processes of its containers) and `port` (where a container port is
//! published), answered as compose answers them.

use crate::error::{Error, Result};
use crate::labels;
use crate::observe::project_filter;
use crate::runtime::{Observe, Processes};

/// One container's processes (compose's `ContainerProcSummary`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerProcesses {
    /// Container name.
    pub name: String,
    /// Its service (the name when it has no service label).
    pub service: String,
    /// Its replica number, as labelled (empty when not).
    pub replica: String,
    /// What `docker top` shows.
    pub processes: Processes,
}

/// The processes of the project's running containers (one-off ones too),
/// of `services` only when some are named, sorted by container name.
pub async fn top<O: Observe>(
    rt: &O,
    project: &str,
    services: &[String],
) -> Result<Vec<ContainerProcesses>> {
    let mut filters = project_filter(project);
    filters.push(labels::CONFIG_HASH.to_string());
    let mut cs = rt.list_containers(&filters, false).await?;
    if !services.is_empty() {
        cs.retain(|c| services.iter().any(|s| s == c.label(labels::SERVICE)));
    }
    let tops = futures_util::future::join_all(cs.iter().map(|c| rt.top(&c.id, ""))).await;
    let mut out = Vec::with_capacity(cs.len());
    for (c, t) in cs.iter().zip(tops) {
        let service = c.labels.get(labels::SERVICE).unwrap_or(&c.name).clone();
        out.push(ContainerProcesses {
            name: c.name.clone(),
            service,
            replica: c.label(labels::CONTAINER_NUMBER).to_string(),
            processes: t?,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The table `top` prints (compose's `collectTop`): `SERVICE`, `#`, then
/// each title in the order first seen, `CMD` last; one row per process, `-`
/// where a container lacks a column.
pub fn top_table(containers: &[ContainerProcesses]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut titles: Vec<String> = vec!["SERVICE".into(), "#".into()];
    for c in containers.iter().filter(|c| !c.processes.rows.is_empty()) {
        for t in &c.processes.titles {
            if !titles.contains(t) {
                titles.push(t.clone());
            }
        }
    }
    if let Some(i) = titles.iter().position(|t| t == "CMD") {
        let cmd = titles.remove(i);
        titles.push(cmd);
    }
    let mut rows = Vec::new();
    for c in containers {
        for p in &c.processes.rows {
            let row = titles
                .iter()
                .map(|t| match t.as_str() {
                    "SERVICE" => c.service.clone(),
                    "#" => c.replica.clone(),
                    _ => c
                        .processes
                        .titles
                        .iter()
                        .position(|x| x == t)
                        .and_then(|i| p.get(i))
                        .cloned()
                        .unwrap_or_else(|| "-".into()),
                })
                .collect();
            rows.push(row);
        }
    }
    (titles, rows)
}

/// Where `private_port`/`protocol` of the service's container (replica
/// `index`, else the first; one-off ones count) is published: host IP and
/// port (`0.0.0.0`, 32768). The container's first binding of that port, in
/// the engine's order; an exposed port that is not published is `("", 0)`.
pub async fn port<O: Observe>(
    rt: &O,
    project: &str,
    service: &str,
    private_port: u16,
    protocol: &str,
    index: Option<u32>,
) -> Result<(String, u16)> {
    let c = crate::project::container_at(rt, project, service, index, true, false).await?;
    let inspect = rt.inspect_container_json(&c.id).await?;
    let bindings = bindings(&inspect);
    if let Some(b) = bindings
        .iter()
        .find(|b| b.private_port == private_port && b.protocol == protocol)
    {
        return Ok((b.ip.clone(), b.public_port));
    }
    let listed: Vec<String> = bindings
        .iter()
        .map(|b| format!("{}/{}", b.public_port, b.protocol))
        .collect();
    Err(Error::Invalid(format!(
        "no port {private_port}/{protocol} for container {}: {}",
        c.name,
        listed.join(", ")
    )))
}

/// One port of a container, as the engine's container list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Binding {
    ip: String,
    private_port: u16,
    public_port: u16,
    protocol: String,
}

/// A container's ports from `NetworkSettings.Ports` (`"80/tcp": [{HostIp,
/// HostPort}]`, `null` when only exposed), each port's bindings in the engine's order.
fn bindings(inspect: &serde_json::Value) -> Vec<Binding> {
    let Some(ports) = inspect["NetworkSettings"]["Ports"].as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, list) in ports {
        let (port, protocol) = key.split_once('/').unwrap_or((key, "tcp"));
        let Ok(private_port) = port.parse::<u16>() else {
            continue;
        };
        match list.as_array() {
            Some(list) if !list.is_empty() => {
                for b in list {
                    out.push(Binding {
                        ip: b["HostIp"].as_str().unwrap_or_default().to_string(),
                        private_port,
                        public_port: b["HostPort"]
                            .as_str()
                            .and_then(|p| p.parse().ok())
                            .unwrap_or(0),
                        protocol: protocol.to_string(),
                    });
                }
            }
            _ => out.push(Binding {
                ip: String::new(),
                private_port,
                public_port: 0,
                protocol: protocol.to_string(),
            }),
        }
    }
    // The engine's map has no order of its own (its container list differs
    // from call to call): by port, then protocol, bindings kept in order.
    out.sort_by(|a, b| (a.private_port, &a.protocol).cmp(&(b.private_port, &b.protocol)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn procs(
        name: &str,
        service: &str,
        replica: &str,
        titles: &[&str],
        rows: &[&[&str]],
    ) -> ContainerProcesses {
        ContainerProcesses {
            name: name.into(),
            service: service.into(),
            replica: replica.into(),
            processes: Processes {
                titles: titles.iter().map(|s| s.to_string()).collect(),
                rows: rows
                    .iter()
                    .map(|r| r.iter().map(|s| s.to_string()).collect())
                    .collect(),
            },
        }
    }

    #[test]
    fn top_table_puts_cmd_last_and_fills_missing_columns() {
        let cs = [
            procs(
                "p-a-1",
                "a",
                "1",
                &["UID", "PID", "CMD"],
                &[&["root", "1", "sleep"]],
            ),
            procs(
                "p-b-1",
                "b",
                "1",
                &["PID", "CMD", "USER"],
                &[&["2", "top", "me"]],
            ),
            procs("p-c-1", "c", "1", &["ZZ"], &[]),
        ];
        let (titles, rows) = top_table(&cs);
        assert_eq!(titles, ["SERVICE", "#", "UID", "PID", "USER", "CMD"]);
        assert_eq!(
            rows,
            [
                ["a", "1", "root", "1", "-", "sleep"],
                ["b", "1", "-", "2", "me", "top"],
            ]
        );
        assert_eq!(top_table(&[]).1.len(), 0);
    }

    #[test]
    fn bindings_in_the_engines_order() {
        let v = serde_json::json!({"NetworkSettings": {"Ports": {
            "81/udp": null,
            "80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8001"}, {"HostIp": "0.0.0.0", "HostPort": "8002"}],
            "bad": null
        }}});
        let b = bindings(&v);
        assert_eq!(
            b.iter()
                .map(|b| format!(
                    "{}:{}->{}/{}",
                    b.ip, b.public_port, b.private_port, b.protocol
                ))
                .collect::<Vec<_>>(),
            [
                "127.0.0.1:8001->80/tcp",
                "0.0.0.0:8002->80/tcp",
                ":0->81/udp"
            ]
        );
        assert!(bindings(&serde_json::json!({})).is_empty());
    }
}
