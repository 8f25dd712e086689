//! `top` and `port` side by side with `docker compose`: the same project,
//! each command run by both tools, stdout, stderr and exit codes compared.

use std::time::Duration;

use crate::e2e_project;
use crate::harness::{wait_until, Out, Project};

/// What a run printed and returned, in terms both tools must agree on.
#[derive(Debug, PartialEq, Eq)]
struct Printed {
    code: i32,
    stdout: String,
    stderr: Vec<String>,
}

/// The engine lists a container's ports in no fixed order (compose prints
/// them as listed): the list in a "no port" error is compared as a set.
fn normalized(out: &Out) -> Printed {
    let stderr = out
        .stderr
        .lines()
        .map(|l| match l.split_once(": ") {
            Some((head, list)) if head.starts_with("no port ") => {
                let mut items: Vec<&str> = list.split(", ").collect();
                items.sort();
                format!("{head}: {}", items.join(", "))
            }
            _ => l.to_string(),
        })
        .collect();
    Printed {
        code: out.code,
        stdout: out.stdout.clone(),
        stderr,
    }
}

/// `top`'s `C` column (recent CPU use) changes between two runs: its digits
/// are masked, in place, so that the columns' alignment is still compared.
fn mask_cpu(stdout: &str) -> String {
    let mut lines = stdout.lines();
    let Some(header) = lines.next() else {
        return stdout.to_string();
    };
    let Some(start) = header.find("  C  ").map(|i| i + 2) else {
        return stdout.to_string();
    };
    let mut out = format!("{header}\n");
    for l in lines {
        let mut chars: Vec<char> = l.chars().collect();
        let mut i = start;
        while i < chars.len() && chars[i].is_ascii_digit() {
            chars[i] = 'x';
            i += 1;
        }
        out.extend(chars);
        out.push('\n');
    }
    out
}

/// Runs `args` with both tools; asserts the same output and that the run
/// succeeded or failed as `ok` says.
#[track_caller]
fn same(p: &Project, args: &[&str], ok: bool) -> Printed {
    let mut want = normalized(&p.compose(args));
    let mut got = normalized(&p.hoist(args));
    if args.contains(&"top") {
        want.stdout = mask_cpu(&want.stdout);
        got.stdout = mask_cpu(&got.stdout);
    }
    assert_eq!(
        got,
        want,
        "`{}`: hoist (left) and docker compose (right) differ",
        args.join(" ")
    );
    assert_eq!(got.code == 0, ok, "`{}`: {got:#?}", args.join(" "));
    got
}

fn up(p: &Project) {
    p.hoist(&["up", "-d"]).ok();
    let stopped = format!("{}-stopped-1", p.name);
    assert!(
        wait_until(Duration::from_secs(30), || p
            .containers()
            .iter()
            .any(|c| c.name == stopped && c.state == "exited")),
        "{stopped} did not exit"
    );
}

#[test]
fn top_matches_compose() {
    let Some(p) = e2e_project!("top", "top-port") else {
        return;
    };
    up(&p);
    let all = same(&p, &["top"], true);
    let lines: Vec<&str> = all.stdout.lines().collect();
    assert!(
        lines[0].starts_with("SERVICE  #   UID ") && lines[0].ends_with("  CMD"),
        "{all:#?}"
    );
    // Two processes (docker-init and sleep) per running container: other, web ×2.
    assert_eq!(lines.len(), 1 + 2 * 3, "{all:#?}");
    same(&p, &["top", "web"], true);
    same(&p, &["top", "other", "web"], true);
    let none = same(&p, &["top", "stopped"], true);
    assert!(none.stdout.is_empty());
    same(&p, &["top", "nosuch"], true);
    same(&p, &["--dry-run", "top", "web"], true);
}

#[test]
fn port_matches_compose() {
    let Some(p) = e2e_project!("port", "top-port") else {
        return;
    };
    up(&p);
    let cases: &[(&[&str], bool)] = &[
        (&["port", "web", "80"], true),
        (&["port", "web", "82"], true),
        (&["port", "--protocol", "udp", "web", "81"], true),
        (&["port", "--protocol", "UDP", "web", "81"], true),
        (&["port", "--index", "2", "web", "80"], true),
        (&["port", "web", "80", "extra"], true),
        (&["port", "web", "90"], true),
        (&["--dry-run", "port", "web", "80"], true),
        (&["port", "web", "81"], false),
        (&["port", "--protocol", "sctp", "web", "80"], false),
        (&["port", "--index", "3", "web", "80"], false),
        (&["port", "other", "80"], false),
        (&["port", "stopped", "80"], false),
        (&["port", "nosuch", "80"], false),
        (&["port", "web", "abc"], false),
        (&["port", "web", "0x50"], false),
        (&["port", "web", "70000"], false),
        (&["port", "web"], false),
    ];
    for (args, ok) in cases {
        same(&p, args, *ok);
    }
    // The answer is the published port (checked once beyond the comparison).
    let out = same(&p, &["port", "web", "82"], true);
    let inspect = p.inspect(&format!("{}-web-1", p.name));
    let host_port = inspect["NetworkSettings"]["Ports"]["82/tcp"][0]["HostPort"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(out.stdout, format!("127.0.0.1:{host_port}\n"));
}
