//! Golden tests of reconcile on the in-memory engine: each case is a folder of
//! `fixtures/engine/plan/` with `compose.yaml` (what the file wants), an
//! optional `before.yaml` (applied first, to make the observed state) and
//! `args` (`up ...` or `down ...` flags), and optionally `interrupt` (N: only
//! the first N operations of the plan are applied first, as when hoist is
//! killed mid-`up`); a `json` file adds the plan as JSON; a `fails` file lets
//! applying fail (a broken new version, labelled `hoist.fake.unhealthy`) and
//! shows the error. The snapshot holds the plan as
//! printed, and, for `up`, whether applying it converges (a second plan is
//! empty). One helper, [`check`], runs every case.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use compose_engine::apply::{apply, ApplyOptions};
use compose_engine::convert::ProjectMeta;
use compose_engine::desired::{known_from, ProjectSpecs, UpRequest};
use compose_engine::observe::{explain, observe};
use compose_engine::reconcile::{plan_down, reconcile, DownOptions, Recreate, UpOptions};
use compose_engine::runtime::fake::Fake;
use compose_engine::up::UpFlags;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/engine/plan")
}

fn load(file: &Path) -> ProjectSpecs {
    let mut opts = compose_spec::loader::LoadOptions::new(file.parent().unwrap());
    opts.files = vec![file.to_path_buf()];
    opts.project_name = Some("demo".into());
    let loaded = compose_spec::loader::load(&opts);
    let project = loaded
        .project
        .clone()
        .unwrap_or_else(|| panic!("{}: {:?}", file.display(), loaded.diagnostics));
    let mut meta = ProjectMeta::from_loaded(&loaded, &[]);
    // Paths differ between machines; labels are not what these tests look at.
    meta.working_dir = "/project".into();
    meta.config_files = vec!["/project/compose.yaml".into()];
    ProjectSpecs {
        project,
        meta,
        api: (1, 41),
        images: BTreeMap::from([("hoist-test/busybox".into(), "sha256:1".into())]),
        ..Default::default()
    }
}

struct Args {
    down: bool,
    request: UpRequest,
    down_opts: DownOptions,
}

/// The case's `args` (`up --scale web=3`, `down -v`), read as the command
/// line's flags and mapped to a request by `UpFlags::request`, as the CLI does.
fn parse_args(text: &str) -> Args {
    let mut words = text.split_whitespace();
    let down = words.next() == Some("down");
    let mut flags = UpFlags::default();
    let mut down_opts = DownOptions::default();
    let mut words = words.peekable();
    while let Some(w) = words.next() {
        match w {
            "--scale" => {
                let (k, v) = words.next().unwrap().split_once('=').unwrap();
                flags.scale.insert(k.into(), v.parse().unwrap());
            }
            "--force-recreate" => flags.force_recreate = true,
            "--no-recreate" => flags.no_recreate = true,
            "--remove-orphans" => {
                flags.remove_orphans = true;
                down_opts.remove_orphans = true;
            }
            "--no-start" => flags.no_start = true,
            "--wait" => flags.wait = true,
            "--no-deps" => flags.no_deps = true,
            "-v" => down_opts.volumes = true,
            s if !s.starts_with('-') => flags.services.push(s.into()),
            other => panic!("unknown flag {other}"),
        }
    }
    Args {
        down,
        request: flags.request(),
        down_opts,
    }
}

async fn up_on(
    fake: &Fake,
    specs: &ProjectSpecs,
    request: &UpRequest,
    json: bool,
    may_fail: bool,
) -> String {
    let observed = observe(fake, "demo", Some(&specs.project)).await.unwrap();
    let desired = specs.desired(request, &observed).unwrap();
    let observed = explain(fake, &desired, observed).await;
    let plan = match reconcile(&desired, &observed) {
        Ok(p) => p,
        Err(e) => return format!("error: {e}\n"),
    };
    let mut text = plan.to_string();
    if json {
        text.push_str("\n-- as JSON:\n");
        text.push_str(&serde_json::to_string_pretty(&plan.to_json()).unwrap());
        text.push('\n');
    }
    if let Err(e) = apply(
        fake,
        specs,
        &plan,
        known_from(&observed),
        &ApplyOptions::default(),
    )
    .await
    {
        // A case whose new version is broken shows the error; any other fails.
        assert!(may_fail, "apply failed: {e}\n{text}");
        text.push_str(&format!("\n-- apply failed: {e}\n"));
    }
    text
}

fn check(case: &str) {
    let dir = fixtures().join(case);
    let args = parse_args(&std::fs::read_to_string(dir.join("args")).unwrap());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let out = rt.block_on(async {
        let fake = Fake::new();
        fake.add_image("hoist-test/busybox");
        if dir.join("before.yaml").exists() {
            let before = load(&dir.join("before.yaml"));
            up_on(&fake, &before, &UpRequest::default(), false, false).await;
        }
        let specs = load(&dir.join("compose.yaml"));
        if let Ok(n) = std::fs::read_to_string(dir.join("interrupt")) {
            // Apply only the first N operations, as if hoist were killed.
            let n: usize = n.trim().parse().unwrap();
            let observed = observe(&fake, "demo", Some(&specs.project)).await.unwrap();
            let desired = specs.desired(&args.request, &observed).unwrap();
            let mut plan = reconcile(&desired, &observed).unwrap();
            plan.ops.truncate(n);
            apply(
                &fake,
                &specs,
                &plan,
                known_from(&observed),
                &ApplyOptions::default(),
            )
            .await
            .unwrap();
        }
        fake.clear_calls();
        if args.down {
            let observed = observe(&fake, "demo", Some(&specs.project)).await.unwrap();
            let desired = specs.desired(&UpRequest::default(), &observed).unwrap();
            let plan = plan_down("demo", Some(&desired), &observed, &args.down_opts);
            let text = plan.to_string();
            apply(
                &fake,
                &specs,
                &plan,
                known_from(&observed),
                &ApplyOptions::default(),
            )
            .await
            .unwrap();
            let left = observe(&fake, "demo", Some(&specs.project)).await.unwrap();
            return format!(
                "{text}\n-- left: {} containers, {} networks, {} volumes\n",
                left.containers.len(),
                left.networks.len(),
                left.volumes.len()
            );
        }
        let text = up_on(
            &fake,
            &specs,
            &args.request,
            dir.join("json").exists(),
            dir.join("fails").exists(),
        )
        .await;
        if text.starts_with("error:") {
            return text;
        }
        let calls = fake.calls().join("\n");
        let mut again = args.request.clone();
        again.recreate = Recreate::Diverged;
        again.recreate_deps = Recreate::Diverged;
        again.options = UpOptions {
            remove_orphans: args.request.options.remove_orphans,
            ..UpOptions::default()
        };
        let second = if args.request.options.no_start {
            "(not re-planned: --no-start)".to_string()
        } else {
            let observed = observe(&fake, "demo", Some(&specs.project)).await.unwrap();
            let desired = specs.desired(&again, &observed).unwrap();
            reconcile(&desired, &observed).unwrap().to_string()
        };
        format!("{text}\n-- engine calls:\n{calls}\n\n-- plan after applying:\n{second}")
    });
    insta::assert_snapshot!(case, out);
}

#[test]
fn every_case_has_a_test() {
    let mut cases: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    for case in cases {
        check(&case);
    }
}
