//! `down`: from labels alone, orphans, volumes, external resources.

use crate::e2e_project;
use crate::harness::{docker, run};

#[test]
fn down_without_compose_file_works_from_labels() {
    let Some(p) = e2e_project!("down-nofile", "down") else {
        return;
    };
    p.hoist(&["up", "-d"]).ok();
    assert_eq!(p.containers().len(), 2);
    let empty = tempfile::tempdir().unwrap();
    let out = run(
        crate::harness::hoist_bin(),
        &["-p", &p.name, "down", "-t", "0"],
        empty.path(),
        &p.env,
    );
    out.ok();
    assert!(p.containers().is_empty(), "{:?}", p.containers());
    assert!(p.networks().is_empty(), "{:?}", p.networks());
    // Without -v the named volume stays, as with docker compose.
    assert_eq!(p.volumes(), [format!("{}_data", p.name)]);
    let out = run(
        crate::harness::hoist_bin(),
        &["-p", &p.name, "down", "-v"],
        empty.path(),
        &p.env,
    );
    out.ok();
    assert!(p.volumes().is_empty(), "{:?}", p.volumes());
}

#[test]
fn down_remove_orphans() {
    let Some(p) = e2e_project!("down-orphans", "down") else {
        return;
    };
    p.hoist(&["up", "-d"]).ok();
    // `extra` leaves the file: its container becomes an orphan.
    p.write(
        "compose.yaml",
        "services:\n  web:\n    image: hoist-test/busybox:latest\n    init: true\n    command: [\"sleep\", \"3600\"]\n    volumes: [data:/data]\nvolumes:\n  data: {}\n",
    );
    let out = p.hoist(&["down", "--remove-orphans", "-t", "0"]);
    out.ok();
    assert!(
        p.containers().is_empty(),
        "{:?}\n{}",
        p.containers(),
        out.dump()
    );
    assert!(p.networks().is_empty(), "{:?}", p.networks());
}

#[test]
fn down_volumes_spares_external_volume_and_network() {
    let Some(mut p) = e2e_project!("external", "external") else {
        return;
    };
    let net = format!("{}-outside", p.name);
    let vol = format!("{}-shared", p.name);
    p.track_network(&net);
    p.track_volume(&vol);
    let net_id = docker(&["network", "create", &net])
        .ok()
        .stdout
        .trim()
        .to_string();
    docker(&["volume", "create", &vol]).ok();
    p.set_env("EXT_NET", &net);
    p.set_env("EXT_VOL", &vol);

    let out = p.hoist(&["up", "-d"]);
    out.ok();
    assert!(
        !out.stderr.contains(&format!("Network {net}  Creat")),
        "{}",
        out.dump()
    );
    let c = p.inspect(&format!("{}-web-1", p.name));
    assert!(
        c["NetworkSettings"]["Networks"].get(&net).is_some(),
        "web is not on the external network: {}",
        c["NetworkSettings"]["Networks"]
    );
    assert_eq!(p.volumes(), [format!("{}_own", p.name)]);

    p.hoist(&["down", "-v", "-t", "0"]).ok();
    assert!(p.containers().is_empty());
    assert!(
        p.volumes().is_empty(),
        "project volume left: {:?}",
        p.volumes()
    );
    let still = docker(&["network", "inspect", "--format", "{{.Id}}", &net]);
    assert_eq!(
        still.ok().stdout.trim(),
        net_id,
        "external network removed or replaced"
    );
    docker(&["volume", "inspect", &vol]).ok();
}
