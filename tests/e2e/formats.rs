//! Output formats both tools print the same way: `ps --format` templates
//! (plain and `table`), `ps --filter`, `logs --index`. Each case runs with
//! hoist and `docker compose` on one project; numbers (ages, uptimes) are
//! blanked before comparing.

use crate::e2e_project;
use crate::harness::Project;

/// Digits blanked and Go's human durations made one word form: `Up 3
/// seconds`, `Up 1 second` and `Up Less than a second` compare equal, as do
/// the table columns their lengths widen (runs of spaces made two). The two
/// tools run seconds apart, so ages differ by a second or so.
fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_number = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('N');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    let mut out = out
        .replace("Less than a second", "N seconds")
        .replace("About a minute", "N minutes")
        .replace("About an hour", "N hours");
    for unit in ["second", "minute", "hour", "day", "week", "month", "year"] {
        out = out.replace(&format!("N {unit}s"), &format!("N {unit}"));
    }
    out.lines()
        .map(|l| {
            let mut line = String::new();
            let mut spaces = 0;
            for c in l.trim_end().chars() {
                if c == ' ' {
                    spaces += 1;
                    continue;
                }
                line.push_str(match spaces {
                    0 => "",
                    1 => " ",
                    _ => "  ",
                });
                spaces = 0;
                line.push(c);
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn same(p: &Project, args: &[&str]) {
    let ours = p.hoist(args);
    let theirs = p.compose(args);
    assert_eq!(
        ours.code,
        theirs.code,
        "{args:?}\n{}\n{}",
        ours.dump(),
        theirs.dump()
    );
    assert_eq!(
        normalise(&ours.stdout),
        normalise(&theirs.stdout),
        "{args:?}\n-- hoist\n{}\n-- compose\n{}",
        ours.stdout,
        theirs.stdout
    );
}

#[test]
fn ps_templates_filters_and_logs_index_match_compose() {
    let Some(p) = e2e_project!("formats", "life") else {
        return;
    };
    p.hoist(&["up", "-d", "--wait"]).ok();
    p.hoist(&["stop", "worker"]).ok();
    let cases: &[&[&str]] = &[
        &["ps", "--format", "{{.Name}} {{.Service}} {{.State}}"],
        &["ps", "-a", "--format", "table {{.Name}}\\t{{.State}}\\t{{.Service}}"],
        &["ps", "--format", "{{.Names}}|{{upper .Service}}|{{.Label \"com.docker.compose.service\"}}|{{.Label \"nope\"}}"],
        &["ps", "--format", "{{json .Publishers}} {{.ExitCode}} {{.Project}}"],
        &["ps", "-a", "--format", "table {{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.Health}}\\t{{.Status}}"],
        &["ps", "--filter", "status=exited", "--format", "{{.Name}}"],
        &["ps", "--filter", "status=running", "--format", "{{.Name}}"],
        &["ps", "--filter", "bogus=x"],
        &["logs", "--index", "2", "web"],
        &["logs", "--index", "1", "--no-log-prefix", "web"],
        &["config", "--hash", "*"],
        &["config", "--hash", "worker,web"],
        &["config", "--hash", "nope"],
    ];
    for args in cases {
        same(&p, args);
    }
}

/// `COMPOSE_*` variables read as the reference reads them.
#[test]
fn compose_variables_match_compose() {
    let Some(mut p) = e2e_project!("compose-vars", "life") else {
        return;
    };
    p.write("alt.env", "FIRST=from-alt\n");
    p.write(
        "compose.yaml",
        "services:\n  web:\n    image: hoist-test/busybox:latest\n    environment:\n      V: ${FIRST:-unset}\n",
    );
    same(&p, &["config"]);
    p.set_env("COMPOSE_ENV_FILES", "alt.env,");
    same(&p, &["config"]);
    assert!(p.hoist(&["config"]).stdout.contains("from-alt"));
    p.set_env("COMPOSE_PARALLEL_LIMIT", "x");
    same(&p, &["ps"]);
    p.set_env("COMPOSE_PARALLEL_LIMIT", "1");
    same(&p, &["config", "--services"]);
}
