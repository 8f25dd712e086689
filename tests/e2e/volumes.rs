//! Data survives what the reference keeps it through: anonymous volumes
//! (declared by the image or listed without a source) are carried into the
//! container that replaces a recreated one, whichever tool made the old one;
//! `-V` opts out; named volumes survive `down`; `down -v` removes the
//! project's named and anonymous volumes and never an external one. Every
//! case runs with hoist and with `docker compose`, which must agree.

use std::collections::BTreeMap;
use std::sync::Once;

use crate::e2e_project;
use crate::harness::{docker, Project};

/// `hoist-test/anon:latest`: the test image plus `VOLUME /imgdata`.
const ANON_IMAGE: &str = "hoist-test/anon:latest";

fn anon_image() {
    static BUILT: Once = Once::new();
    BUILT.call_once(|| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Dockerfile"),
            format!("FROM {}\nVOLUME /imgdata\n", crate::harness::IMAGE),
        )
        .unwrap();
        let out = std::process::Command::new("docker")
            .args(["build", "-q", "-t", ANON_IMAGE, "."])
            .env("DOCKER_BUILDKIT", "0")
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "building {ANON_IMAGE}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    });
}

/// The two tools, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tool {
    Hoist,
    Compose,
}

impl Tool {
    fn run(self, p: &Project, args: &[&str]) -> crate::harness::Out {
        match self {
            Tool::Hoist => p.hoist(args),
            Tool::Compose => p.compose(args),
        }
    }
}

/// A project on the `anon` fixture with its external volume created.
fn setup(case: &str) -> Option<(Project, String)> {
    let mut p = e2e_project!(case, "anon")?;
    anon_image();
    let ext = format!("{}-ext", p.name);
    p.track_volume(&ext);
    docker(&["volume", "create", &ext]).ok();
    p.set_env("EXT_VOL", &ext);
    Some((p, ext))
}

const CONTAINER_PATHS: [&str; 4] = ["/imgdata", "/data", "/named", "/ext"];

/// Writes a marker file into each mounted path of `db-1`.
fn write_markers(p: &Project, marker: &str) {
    let script = CONTAINER_PATHS
        .iter()
        .map(|d| format!("echo {marker} > {d}/marker"))
        .collect::<Vec<_>>()
        .join(" && ");
    docker(&["exec", &format!("{}-db-1", p.name), "sh", "-c", &script]).ok();
}

/// What each path's marker file holds now (`-` when it is missing).
fn markers(p: &Project) -> BTreeMap<&'static str, String> {
    CONTAINER_PATHS
        .iter()
        .map(|d| {
            let out = docker(&[
                "exec",
                &format!("{}-db-1", p.name),
                "cat",
                &format!("{d}/marker"),
            ]);
            let v = if out.code == 0 {
                out.stdout.trim().to_string()
            } else {
                "-".to_string()
            };
            (*d, v)
        })
        .collect()
}

/// The volume mounted at each path of `db-1`.
fn mounted(p: &Project) -> BTreeMap<String, String> {
    let c = p.inspect(&format!("{}-db-1", p.name));
    c["Mounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["Destination"].as_str().unwrap().to_string(),
                m["Name"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn volume_exists(name: &str) -> bool {
    docker(&["volume", "inspect", name]).code == 0
}

/// `first` creates the project, `second` recreates it after an environment
/// change: every marker, anonymous volumes included, must still be there,
/// in the very same volumes.
fn recreate_keeps_data(case: &str, first: Tool, second: Tool) {
    let Some((mut p, _)) = setup(case) else {
        return;
    };
    first.run(&p, &["up", "-d"]).ok();
    let id = p.ids()[&format!("{}-db-1", p.name)].clone();
    write_markers(&p, "kept");
    let before = mounted(&p);
    p.set_env("MODE", "b");
    let out = second.run(&p, &["up", "-d"]);
    out.ok();
    assert_ne!(
        p.ids()[&format!("{}-db-1", p.name)],
        id,
        "the container was not recreated:\n{}",
        out.dump()
    );
    let all_kept: BTreeMap<&str, String> = CONTAINER_PATHS
        .iter()
        .map(|d| (*d, "kept".to_string()))
        .collect();
    assert_eq!(markers(&p), all_kept, "{first:?} then {second:?}");
    assert_eq!(
        mounted(&p),
        before,
        "{first:?} then {second:?}: other volumes mounted"
    );
    let c = p.inspect(&format!("{}-db-1", p.name));
    assert_eq!(
        c["Config"]["Labels"]["com.docker.compose.replace"], "db-1",
        "{second:?} names the replaced container as compose does"
    );
}

#[test]
fn hoist_recreate_keeps_anonymous_volumes() {
    recreate_keeps_data("anon-hh", Tool::Hoist, Tool::Hoist);
}

#[test]
fn compose_recreate_keeps_anonymous_volumes() {
    recreate_keeps_data("anon-cc", Tool::Compose, Tool::Compose);
}

#[test]
fn hoist_recreates_what_compose_made_and_keeps_anonymous_volumes() {
    recreate_keeps_data("anon-ch", Tool::Compose, Tool::Hoist);
}

#[test]
fn compose_recreates_what_hoist_made_and_keeps_anonymous_volumes() {
    recreate_keeps_data("anon-hc", Tool::Hoist, Tool::Compose);
}

#[test]
fn force_recreate_keeps_anonymous_volumes() {
    for (case, tool) in [("anon-fh", Tool::Hoist), ("anon-fc", Tool::Compose)] {
        let Some((p, _)) = setup(case) else {
            return;
        };
        tool.run(&p, &["up", "-d"]).ok();
        write_markers(&p, "kept");
        tool.run(&p, &["up", "-d", "--force-recreate"]).ok();
        assert_eq!(markers(&p)["/data"], "kept", "{tool:?}");
        assert_eq!(markers(&p)["/imgdata"], "kept", "{tool:?}");
    }
}

/// `-V`: new anonymous volumes (empty), named and external ones kept; the
/// old anonymous volumes are left on the engine, not deleted.
#[test]
fn renew_anon_volumes_starts_them_empty() {
    for (case, tool) in [("anon-vh", Tool::Hoist), ("anon-vc", Tool::Compose)] {
        let Some((p, _)) = setup(case) else {
            return;
        };
        tool.run(&p, &["up", "-d"]).ok();
        write_markers(&p, "old");
        let before = mounted(&p);
        tool.run(&p, &["up", "-d", "--force-recreate", "-V"]).ok();
        let m = markers(&p);
        assert_eq!(m["/data"], "-", "{tool:?}: {m:?}");
        assert_eq!(m["/imgdata"], "-", "{tool:?}: {m:?}");
        assert_eq!(m["/named"], "old", "{tool:?}: {m:?}");
        assert_eq!(m["/ext"], "old", "{tool:?}: {m:?}");
        let after = mounted(&p);
        for path in ["/data", "/imgdata"] {
            assert_ne!(after[path], before[path], "{tool:?}: {path}");
            assert!(
                volume_exists(&before[path]),
                "{tool:?}: {path}: old volume deleted"
            );
            p.track_volume(&before[path]);
        }
    }
}

/// `down` keeps every volume; `down -v` removes the named and anonymous
/// ones and keeps the external one.
#[test]
fn down_keeps_volumes_and_down_v_spares_only_external() {
    for (case, tool) in [("anon-dh", Tool::Hoist), ("anon-dc", Tool::Compose)] {
        let Some((p, ext)) = setup(case) else {
            return;
        };
        tool.run(&p, &["up", "-d"]).ok();
        write_markers(&p, "kept");
        let vols = mounted(&p);
        tool.run(&p, &["down", "-t", "0"]).ok();
        for (path, name) in &vols {
            assert!(
                volume_exists(name),
                "{tool:?}: `down` removed {name} ({path})"
            );
        }
        // Named volume data survives down + up.
        tool.run(&p, &["up", "-d"]).ok();
        let m = markers(&p);
        assert_eq!(m["/named"], "kept", "{tool:?}");
        assert_eq!(m["/ext"], "kept", "{tool:?}");
        for path in ["/data", "/imgdata"] {
            p.track_volume(&vols[path]);
        }
        let anon_now = mounted(&p);
        tool.run(&p, &["down", "-v", "-t", "0"]).ok();
        for path in ["/data", "/imgdata", "/named"] {
            assert!(
                !volume_exists(&anon_now[path]),
                "{tool:?}: `down -v` left {} ({path})",
                anon_now[path]
            );
        }
        assert!(
            volume_exists(&ext),
            "{tool:?}: `down -v` removed the external volume"
        );
        assert_eq!(anon_now["/ext"], ext);
    }
}
