//! `hoist stack` on real Swarms: Docker engines in containers (Debian's docker.io, image
//! `hoist-test/dind` built by `tests/swarm/dind-image.sh` from the demo's local Debian image),
//! on a private network. A single-node swarm checks the quick path and that hoist's service specs
//! are `docker stack deploy`'s for the same file; a manager with two workers checks placement,
//! draining a node, a rolling update of only the changed service, `--prune`, and that each tool
//! manages (and removes) the other's stack. No registry: the test image is loaded into each node.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use test_support::{docker_stdout, repo_root, run, Out};

const HOIST: &str = env!("CARGO_BIN_EXE_hoist");
const IMAGE: &str = "hoist-test/dind:latest";

/// Docker engines in containers on one private network; removed on drop.
struct Nodes {
    network: String,
    names: Vec<String>,
    ips: Vec<String>,
}

impl Drop for Nodes {
    fn drop(&mut self) {
        for n in &self.names {
            let _ = Command::new("docker").args(["rm", "-f", "-v", n]).output();
        }
        let _ = Command::new("docker")
            .args(["network", "rm", &self.network])
            .output();
    }
}

fn docker(args: &[&str]) -> Out {
    let mut cmd = Command::new("docker");
    cmd.args(args);
    run(cmd, format!("docker {}", args.join(" ")))
}

/// `docker -H NODE ARGS`.
fn on(node: &str, args: &[&str]) -> Out {
    let host = format!("tcp://{node}:2375");
    let mut cmd = Command::new("docker");
    cmd.arg("-H").arg(&host).args(args);
    run(cmd, format!("docker -H {host} {}", args.join(" ")))
}

/// `hoist ARGS` against NODE, in `dir`, with `env`.
fn hoist(node: &str, dir: &str, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(HOIST);
    cmd.args(args)
        .current_dir(repo_root().join(dir))
        .env("DOCKER_HOST", format!("tcp://{node}:2375"))
        .env_remove("DOCKER_CONTEXT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(
        cmd,
        format!("hoist {} (on {node}, env {env:?})", args.join(" ")),
    )
}

/// `docker stack ARGS` against NODE, in `dir`.
fn stack(node: &str, dir: &str, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new("docker");
    cmd.arg("-H")
        .arg(format!("tcp://{node}:2375"))
        .arg("stack")
        .args(args)
        .current_dir(repo_root().join(dir));
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(cmd, format!("docker stack {} (on {node})", args.join(" ")))
}

fn wait_until(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Starts `n` engines; the first inits a swarm, the others join it as workers.
fn swarm(case: &str, n: usize) -> Option<Nodes> {
    if !test_support::docker_up()
        && !test_support::skip_or_fail(
            &format!("swarm {case}"),
            "`docker info` fails, no Docker engine",
        )
    {
        return None;
    }
    test_support::ensure_image();
    let mut build = Command::new("bash");
    build.arg(repo_root().join("tests/swarm/dind-image.sh"));
    run(build, "tests/swarm/dind-image.sh").ok();
    let network = format!("hoist-swarm-{case}-{}", std::process::id());
    let _ = Command::new("docker")
        .args(["network", "rm", &network])
        .output();
    docker(&["network", "create", &network]).ok();
    let mut nodes = Nodes {
        network: network.clone(),
        names: vec![],
        ips: vec![],
    };
    for i in 0..n {
        let name = format!("{network}-{i}");
        let _ = Command::new("docker")
            .args(["rm", "-f", "-v", &name])
            .output();
        docker(&[
            "run",
            "-d",
            "--name",
            &name,
            "--hostname",
            &format!("node{i}"),
            "--network",
            &network,
            "--cap-add",
            "SYS_ADMIN",
            "--cap-add",
            "NET_ADMIN",
            "--security-opt",
            "seccomp=unconfined",
            "--security-opt",
            "apparmor=unconfined",
            "-v",
            "/sys/fs/cgroup:/sys/fs/cgroup:rw",
            "--cgroupns",
            "host",
            IMAGE,
        ])
        .ok();
        nodes.names.push(name.clone());
        let ip = docker_stdout(&[
            "inspect",
            "-f",
            &format!("{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}"),
            &name,
        ])
        .unwrap_or_default()
        .trim()
        .to_string();
        wait_until("the node's engine", Duration::from_secs(60), || {
            on(&ip, &["info"]).success()
        });
        // No registry: every node gets the test image from here.
        let mut save = Command::new("sh");
        save.arg("-c").arg(format!(
            "docker save {} | docker -H tcp://{ip}:2375 load -q",
            test_support::IMAGE
        ));
        run(save, "load the test image").ok();
        nodes.ips.push(ip);
    }
    let manager = nodes.ips[0].clone();
    on(&manager, &["swarm", "init", "--advertise-addr", &manager]).ok();
    let token = on(&manager, &["swarm", "join-token", "-q", "worker"])
        .ok()
        .stdout
        .trim()
        .to_string();
    for ip in &nodes.ips[1..] {
        on(
            ip,
            &[
                "swarm",
                "join",
                "--token",
                &token,
                &format!("{manager}:2377"),
            ],
        )
        .ok();
    }
    wait_until("every node ready", Duration::from_secs(60), || {
        on(&manager, &["node", "ls", "--format", "{{.Status}}"])
            .stdout
            .lines()
            .filter(|l| *l == "Ready")
            .count()
            == n
    });
    Some(nodes)
}

/// A service's spec as the engine has it, with the stack's name and engine ids taken out.
fn spec(node: &str, namespace: &str, service: &str) -> Value {
    let out = on(
        node,
        &[
            "service",
            "inspect",
            &format!("{namespace}_{service}"),
            "--format",
            "{{json .Spec}}",
        ],
    );
    let text = out
        .ok()
        .stdout
        .replace(&format!("{namespace}_"), "NS_")
        .replace(&format!("\"{namespace}\""), "\"NS\"");
    let mut v: Value = serde_json::from_str(&text).unwrap();
    for list in ["Secrets", "Configs"] {
        if let Some(a) = v["TaskTemplate"]["ContainerSpec"][list].as_array_mut() {
            for r in a {
                r.as_object_mut().unwrap().retain(|k, _| !k.ends_with("ID"));
            }
        }
    }
    if let Some(a) = v["TaskTemplate"]["Networks"].as_array_mut() {
        for n in a {
            n["Target"] = Value::Null;
        }
    }
    v
}

/// Running tasks of a service, by node hostname.
fn running_on(manager: &str, namespace: &str, service: &str) -> BTreeMap<String, usize> {
    let out = on(
        manager,
        &[
            "service",
            "ps",
            &format!("{namespace}_{service}"),
            "--filter",
            "desired-state=running",
            "--format",
            "{{.Node}} {{.CurrentState}}",
        ],
    );
    let mut m = BTreeMap::new();
    for l in out.stdout.lines() {
        let mut w = l.split_whitespace();
        let (node, state) = (w.next().unwrap_or_default(), w.next().unwrap_or_default());
        if state == "Running" {
            *m.entry(node.to_string()).or_insert(0) += 1;
        }
    }
    m
}

#[test]
fn single_node_swarm_deploys_what_docker_stack_deploys() {
    let Some(nodes) = swarm("single", 1) else {
        return;
    };
    let m = &nodes.ips[0];
    let dir = "fixtures/swarm/basic";
    // The reference first: its specs, then it goes.
    stack(m, dir, &["deploy", "-c", "compose.yaml", "ref"], &[]).ok();
    let reference: Vec<Value> = ["web", "worker"]
        .iter()
        .map(|s| spec(m, "ref", s))
        .collect();
    // hoist sees the reference's stack as up to date, and removes it as docker stack rm does.
    let plan = hoist(m, dir, &["stack", "plan", "-c", "compose.yaml", "ref"], &[]);
    assert!(
        plan.ok().stdout.contains("Nothing to do"),
        "{}",
        plan.dump()
    );
    hoist(m, dir, &["stack", "rm", "ref"], &[]).ok();
    wait_until(
        "the reference's stack gone",
        Duration::from_secs(60),
        || {
            on(
                m,
                &[
                    "network",
                    "ls",
                    "-q",
                    "--filter",
                    "label=com.docker.stack.namespace=ref",
                ],
            )
            .stdout
            .trim()
            .is_empty()
        },
    );
    // hoist's: the plan first, then the same specs.
    let plan = hoist(m, dir, &["stack", "plan", "-c", "compose.yaml", "hs"], &[]);
    let text = plan.ok().all();
    for want in [
        "create network hs_front",
        "create secret hs_token",
        "create config hs_motd",
        "create service hs_web",
        "compose.yaml:54:21: service worker: `container_name` is not supported by Swarm and is ignored (at services.worker.container_name)",
    ] {
        assert!(text.contains(want), "plan lacks {want:?}:\n{text}");
    }
    hoist(
        m,
        dir,
        &["stack", "deploy", "-c", "compose.yaml", "hs"],
        &[],
    )
    .ok();
    let mine: Vec<Value> = ["web", "worker"].iter().map(|s| spec(m, "hs", s)).collect();
    assert_eq!(
        mine, reference,
        "hoist's service specs differ from docker stack deploy's"
    );
    // docker stack sees it, and a second deploy changes nothing.
    let services = stack(m, dir, &["services", "hs", "--format", "{{.Name}}"], &[]);
    assert_eq!(
        services.ok().stdout.lines().collect::<Vec<_>>(),
        ["hs_web", "hs_worker"]
    );
    let plan = hoist(m, dir, &["stack", "plan", "-c", "compose.yaml", "hs"], &[]);
    assert!(
        plan.ok().stdout.contains("Nothing to do"),
        "{}",
        plan.dump()
    );
    stack(m, dir, &["rm", "hs"], &[]).ok();
}

#[test]
fn three_node_swarm_places_reschedules_and_rolls() {
    let Some(nodes) = swarm("cluster", 3) else {
        return;
    };
    let m = &nodes.ips[0];
    let dir = "fixtures/swarm/cluster";
    on(m, &["node", "update", "--label-add", "zone=a", "node1"]).ok();
    on(m, &["node", "update", "--label-add", "zone=b", "node2"]).ok();
    hoist(
        m,
        dir,
        &[
            "stack",
            "deploy",
            "-c",
            "compose.yaml",
            "-c",
            "extra.yaml",
            "hs",
        ],
        &[],
    )
    .ok();
    // Placement: pinned only on zone=a.
    wait_until("pinned's 2 tasks", Duration::from_secs(90), || {
        running_on(m, "hs", "pinned").values().sum::<usize>() == 2
    });
    assert_eq!(
        running_on(m, "hs", "pinned"),
        BTreeMap::from([("node1".to_string(), 2)])
    );
    wait_until("spread's 3 tasks", Duration::from_secs(90), || {
        running_on(m, "hs", "spread").values().sum::<usize>() == 3
    });
    // Draining node2: its tasks move to the others.
    on(m, &["node", "update", "--availability", "drain", "node2"]).ok();
    wait_until(
        "spread rescheduled off node2",
        Duration::from_secs(90),
        || {
            let r = running_on(m, "hs", "spread");
            r.values().sum::<usize>() == 3 && !r.contains_key("node2")
        },
    );
    // An update changes only `spread`, and the engine rolls it.
    let pinned_version = on(
        m,
        &[
            "service",
            "inspect",
            "hs_pinned",
            "--format",
            "{{.Version.Index}}",
        ],
    )
    .ok()
    .stdout
    .clone();
    let plan = hoist(
        m,
        dir,
        &["stack", "plan", "-c", "compose.yaml", "hs"],
        &[("MODE", "green")],
    );
    let text = plan.ok().stdout.clone();
    assert!(
        text.contains("update service hs_spread") && text.contains("MODE=green"),
        "{text}"
    );
    assert!(!text.contains("hs_pinned"), "{text}");
    hoist(
        m,
        dir,
        &["stack", "deploy", "-c", "compose.yaml", "hs"],
        &[("MODE", "green")],
    )
    .ok();
    assert_eq!(
        on(
            m,
            &[
                "service",
                "inspect",
                "hs_pinned",
                "--format",
                "{{.Version.Index}}"
            ]
        )
        .ok()
        .stdout,
        pinned_version,
        "an unchanged service was updated"
    );
    wait_until("spread rolled to green", Duration::from_secs(120), || {
        on(
            m,
            &[
                "service",
                "inspect",
                "hs_spread",
                "--format",
                "{{.UpdateStatus.State}}",
            ],
        )
        .stdout
        .trim()
            == "completed"
    });
    // A service left out of the file stays without --prune and goes with it.
    let env = [("MODE", "green")];
    let plan = hoist(
        m,
        dir,
        &["stack", "deploy", "-c", "compose.yaml", "hs"],
        &env,
    );
    assert!(
        plan.ok().stderr.contains("hs_extra is not in the file"),
        "{}",
        plan.dump()
    );
    hoist(
        m,
        dir,
        &["stack", "deploy", "--prune", "-c", "compose.yaml", "hs"],
        &env,
    )
    .ok();
    let left = on(m, &["service", "ls", "--format", "{{.Name}}"])
        .ok()
        .stdout
        .clone();
    assert!(
        !left.contains("hs_extra") && left.contains("hs_spread"),
        "{left}"
    );
    // docker stack rm removes what hoist deployed.
    on(m, &["stack", "rm", "hs"]).ok();
    wait_until("the stack removed", Duration::from_secs(60), || {
        on(m, &["service", "ls", "-q"]).stdout.trim().is_empty()
    });
}
