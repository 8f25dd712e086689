//! The smaller differences from compose found with the data-safety tests:
//! commands that work from labels alone (`-p NAME` without a file), the
//! `COMPOSE_REMOVE_ORPHANS` / `COMPOSE_IGNORE_ORPHANS` switches (process
//! environment and `.env`), and a restart policy the engine refuses, which
//! `config` accepts but `up` refuses before touching the engine.

use std::collections::BTreeMap;

use crate::e2e_project;
use crate::harness::{run, Project};

/// `docker ps` state of each container, by name.
fn states(p: &Project) -> BTreeMap<String, String> {
    p.containers()
        .into_iter()
        .map(|c| (c.name, c.state))
        .collect()
}

/// Runs `tool -p NAME ARGS` in an empty directory (no compose file).
fn from_labels(p: &Project, hoist: bool, args: &[&str]) -> crate::harness::Out {
    let empty = tempfile::tempdir().unwrap();
    let mut a = vec!["-p", p.name.as_str()];
    a.extend_from_slice(args);
    if hoist {
        run(crate::harness::hoist_bin(), &a, empty.path(), &p.env)
    } else {
        let mut c = vec!["compose"];
        c.extend(a);
        run("docker", &c, empty.path(), &p.env)
    }
}

#[test]
fn lifecycle_commands_work_from_labels() {
    for hoist in [true, false] {
        let Some(p) = e2e_project!(&format!("labels-life-{hoist}"), "cross") else {
            return;
        };
        p.hoist(&["up", "-d"]).ok();
        for (args, want) in [
            (&["stop", "-t", "0"][..], "exited"),
            (&["start"], "running"),
            (&["pause"], "paused"),
            (&["unpause"], "running"),
            (&["restart", "-t", "0"], "running"),
            (&["kill"], "exited"),
        ] {
            let out = from_labels(&p, hoist, args);
            out.ok();
            let s = states(&p);
            assert!(
                s.len() == 2 && s.values().all(|v| v == want),
                "{args:?} (hoist: {hoist}) left {s:?}\n{}",
                out.dump()
            );
        }
    }
}

/// `b` leaves the file: its container is an orphan.
fn make_orphan(p: &Project) {
    p.hoist(&["up", "-d"]).ok();
    p.write(
        "compose.yaml",
        "services:\n  a:\n    image: hoist-test/busybox:latest\n    init: true\n    command: [\"sleep\", \"3600\"]\n",
    );
}

fn has_b(p: &Project) -> bool {
    states(p).contains_key(&format!("{}-b-1", p.name))
}

#[test]
fn remove_orphans_switch_from_environment_and_dotenv() {
    for (case, in_dotenv, value) in [
        ("orph-env", false, "1"),
        ("orph-dotenv", true, "True"),
        ("orph-y", false, "y"),
    ] {
        for hoist in [true, false] {
            let Some(mut p) = e2e_project!(&format!("{case}-{hoist}"), "orphans") else {
                return;
            };
            make_orphan(&p);
            if in_dotenv {
                p.write(".env", &format!("COMPOSE_REMOVE_ORPHANS={value}\n"));
            } else {
                p.set_env("COMPOSE_REMOVE_ORPHANS", value);
            }
            // -f: compose then reads the file (and .env) instead of the labels.
            let args = ["-f", "compose.yaml", "up", "-d"];
            let out = if hoist {
                p.hoist(&args)
            } else {
                p.compose(&args)
            };
            out.ok();
            assert!(
                !has_b(&p),
                "{case} (hoist: {hoist}): the orphan is still there\n{}",
                out.dump()
            );
        }
    }
}

#[test]
fn remove_orphans_switch_off_and_ignore_orphans() {
    for hoist in [true, false] {
        let Some(mut p) = e2e_project!(&format!("orph-ign-{hoist}"), "orphans") else {
            return;
        };
        make_orphan(&p);
        p.set_env("COMPOSE_REMOVE_ORPHANS", "false");
        let args = ["-f", "compose.yaml", "up", "-d"];
        let out = if hoist {
            p.hoist(&args)
        } else {
            p.compose(&args)
        };
        out.ok();
        assert!(has_b(&p), "hoist: {hoist}\n{}", out.dump());
        assert!(out.stderr.contains("orphan"), "{}", out.dump());
        // Ignored: no warning, still there.
        p.set_env("COMPOSE_IGNORE_ORPHANS", "true");
        let out = if hoist {
            p.hoist(&args)
        } else {
            p.compose(&args)
        };
        out.ok();
        assert!(has_b(&p));
        assert!(
            !out.stderr.contains("orphan"),
            "hoist: {hoist}\n{}",
            out.dump()
        );
        // Ignoring and removing at once is refused.
        let mut both = args.to_vec();
        both.push("--remove-orphans");
        let out = if hoist {
            p.hoist(&both)
        } else {
            p.compose(&both)
        };
        out.failed();
        assert!(out.all().contains("cannot combine"), "{}", out.dump());
    }
}

#[test]
fn down_and_kill_honour_remove_orphans_switch() {
    for hoist in [true, false] {
        let Some(mut p) = e2e_project!(&format!("orph-dk-{hoist}"), "orphans") else {
            return;
        };
        make_orphan(&p);
        p.set_env("COMPOSE_REMOVE_ORPHANS", "true");
        let kill = ["-f", "compose.yaml", "kill"];
        let out = if hoist {
            p.hoist(&kill)
        } else {
            p.compose(&kill)
        };
        out.ok();
        assert_eq!(
            states(&p)[&format!("{}-b-1", p.name)],
            "exited",
            "hoist: {hoist}: kill spared the orphan\n{}",
            out.dump()
        );
        let down = ["-f", "compose.yaml", "down", "-t", "0"];
        let out = if hoist {
            p.hoist(&down)
        } else {
            p.compose(&down)
        };
        out.ok();
        assert!(p.containers().is_empty(), "hoist: {hoist}\n{}", out.dump());
        assert!(p.networks().is_empty(), "hoist: {hoist}\n{}", out.dump());
    }
}

#[test]
fn restart_policy_the_engine_refuses() {
    let Some(p) = e2e_project!("restart-policy", "restart-policy") else {
        return;
    };
    // `config`: the same model as the reference, plus a located warning.
    let ours = p.hoist(&["config"]);
    ours.ok();
    let theirs = p.compose(&["config"]);
    theirs.ok();
    assert_eq!(ours.stdout, theirs.stdout);
    assert!(
        ours.stderr.contains("compose.yaml:5:14") && ours.stderr.contains("services.web.restart"),
        "{}",
        ours.dump()
    );
    // `up` and `create` refuse it before touching the engine.
    for cmd in [&["up", "-d"][..], &["create"]] {
        let out = p.hoist(cmd);
        out.failed();
        crate::harness::assert_mentions(
            &out,
            &[
                "compose.yaml:5:14",
                "services.web.restart",
                "on-failure",
                "unless-stopped",
            ],
        );
        assert!(p.networks().is_empty(), "{cmd:?} created a network");
        assert!(p.containers().is_empty(), "{cmd:?} created a container");
    }
    // The reference fails too, but only once it has started creating things.
    p.compose(&["up", "-d"]).failed();
}

/// `--compatibility` / `COMPOSE_COMPATIBILITY` (process environment or
/// `.env`): docker-compose v1's `_` in container names, the same as the
/// reference's, and either tool finds the other's containers up to date.
/// A case: its name, global flags, `COMPOSE_COMPATIBILITY`, `.env`.
type CompatCase<'a> = (&'a str, &'a [&'a str], Option<&'a str>, Option<&'a str>);

#[test]
fn compatibility_names_as_the_reference() {
    let cases: [CompatCase<'_>; 3] = [
        ("flag", &["--compatibility"], None, None),
        ("env", &[], Some("1"), None),
        ("dotenv", &[], None, Some("COMPOSE_COMPATIBILITY=true\n")),
    ];
    for (case, flags, env, dotenv) in cases {
        let Some(mut p) = e2e_project!(&format!("compat-{case}"), "cross") else {
            return;
        };
        if let Some(v) = env {
            p.set_env("COMPOSE_COMPATIBILITY", v);
        }
        if let Some(text) = dotenv {
            p.write(".env", text);
        }
        let mut args = flags.to_vec();
        args.extend(["up", "-d"]);
        p.compose(&args).ok();
        let by_compose: Vec<String> = p.containers().into_iter().map(|c| c.name).collect();
        assert_eq!(
            by_compose,
            vec![format!("{}_db_1", p.name), format!("{}_web_1", p.name)],
            "{case}"
        );
        let ids = p.ids();
        let out = p.hoist(&args);
        out.ok();
        assert_eq!(
            p.ids(),
            ids,
            "{case}: hoist recreated compose's containers\n{}",
            out.dump()
        );
        let mut down = flags.to_vec();
        down.extend(["down", "-v"]);
        p.hoist(&down).ok();
        p.hoist(&args).ok();
        let by_hoist: Vec<String> = p.containers().into_iter().map(|c| c.name).collect();
        assert_eq!(by_hoist, by_compose, "{case}");
        let dry = p.compose(&["--dry-run", "up", "-d"]);
        let dry = dry.ok().all();
        if env.is_some() || dotenv.is_some() {
            assert!(
                !dry.contains("Recreate"),
                "{case}: compose would recreate\n{dry}"
            );
        }
    }
}

/// `COMPOSE_STATUS_STDOUT`: progress on stdout instead of stderr, as the
/// reference does (Go's `strconv.ParseBool`: `y` is not true).
#[test]
fn status_stdout_switch_as_the_reference() {
    for hoist in [true, false] {
        let Some(mut p) = e2e_project!(&format!("status-{hoist}"), "cross") else {
            return;
        };
        for (value, to_stdout) in [("1", true), ("y", false), ("true", true)] {
            p.set_env("COMPOSE_STATUS_STDOUT", value);
            let args = ["--progress", "plain", "up", "-d"];
            let out = if hoist {
                p.hoist(&args)
            } else {
                p.compose(&args)
            };
            out.ok();
            let (on, off) = if to_stdout {
                (&out.stdout, &out.stderr)
            } else {
                (&out.stderr, &out.stdout)
            };
            assert!(
                on.contains("Container"),
                "{value} (hoist: {hoist}):\n{}",
                out.dump()
            );
            assert!(
                !off.contains("Container"),
                "{value} (hoist: {hoist}):\n{}",
                out.dump()
            );
        }
    }
}
