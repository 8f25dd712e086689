//! hoist as a docker CLI plugin: installed as `docker-hoist` and as
//! `docker-compose` in a docker config directory of the test's own, the
//! docker CLI lists it, runs it as `docker hoist ...` / `docker compose ...`
//! and passes its own global flags (`--context`, `-H`), which hoist honours.

use std::path::Path;
use std::process::Command;

use test_support::{run, Out};

const HOIST: &str = env!("CARGO_BIN_EXE_hoist");

/// `docker ARGS` with `DOCKER_CONFIG=config`, in `dir`.
fn docker(config: &Path, dir: &Path, args: &[&str]) -> Out {
    let mut cmd = Command::new("docker");
    cmd.args(args)
        .current_dir(dir)
        .env("DOCKER_CONFIG", config)
        .env("NO_COLOR", "1");
    run(cmd, format!("docker {}", args.join(" ")))
}

#[test]
fn installed_as_a_docker_cli_plugin() {
    if !test_support::engine_ready("the plugin test") {
        return;
    }
    let config = tempfile::tempdir().unwrap();
    let plugins = config.path().join("cli-plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    for name in ["docker-hoist", "docker-compose"] {
        std::os::unix::fs::symlink(HOIST, plugins.join(name)).unwrap();
    }
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("compose.yaml"),
        "services:\n  web:\n    image: hoist-test/busybox:latest\n  db:\n    image: hoist-test/busybox:latest\n",
    )
    .unwrap();
    let dir = project.path();

    // The docker CLI reads the plugin's metadata and lists it.
    let help = docker(config.path(), dir, &["--help"]).expect_ok();
    assert!(help.stdout.contains("hoist*"), "{}", help.show());
    let meta = Command::new(plugins.join("docker-hoist"))
        .arg("docker-cli-plugin-metadata")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&meta.stdout).unwrap();
    assert_eq!(v["SchemaVersion"], "0.1.0");

    // `docker hoist` and `docker compose` run hoist.
    for plugin in ["hoist", "compose"] {
        let out = docker(config.path(), dir, &[plugin, "version"]).expect_ok();
        assert!(out.stdout.starts_with("hoist version"), "{}", out.show());
        let out = docker(config.path(), dir, &[plugin, "config", "--services"]).expect_ok();
        assert_eq!(out.stdout, "db\nweb\n", "{}", out.show());
        // docker's global flags before the plugin name choose the engine.
        let out = docker(
            config.path(),
            dir,
            &[
                "--context",
                "default",
                plugin,
                "-p",
                "hoist-plugin-test",
                "ps",
                "-a",
            ],
        )
        .expect_ok();
        assert!(out.stdout.starts_with("NAME"), "{}", out.show());
        let out = docker(
            config.path(),
            dir,
            &[
                "-H",
                "unix:///nonexistent.sock",
                plugin,
                "-p",
                "hoist-plugin-test",
                "ps",
            ],
        )
        .expect_failure();
        assert!(
            out.stderr.contains("/nonexistent.sock"),
            "-H reached hoist as the endpoint: {}",
            out.show()
        );
        // Usage errors exit 1, as compose's.
        docker(config.path(), dir, &[plugin, "up", "--bogus"]).expect_code(1);
    }
}
