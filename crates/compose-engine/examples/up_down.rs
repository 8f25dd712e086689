//! A Rust tool that runs a compose project through the engine API, without
//! the CLI: load it, read the plan `up` would carry out, converge (pull or
//! build images as needed, create, start, wait), list the containers, and
//! tear it all down with its volumes.
//!
//! ```text
//! cargo run -p compose-engine --example up_down -- fixtures/e2e/cross example-demo
//! ```
//!
//! It talks to the Docker engine the docker CLI would (`DOCKER_HOST`, the
//! current context, ...).

use std::sync::Arc;

use compose_engine::convert::ProjectMeta;
use compose_engine::desired::ProjectSpecs;
use compose_engine::project::{self, DownFlags};
use compose_engine::runtime::docker::Docker;
use compose_engine::runtime::ReadOnly;
use compose_engine::up::{self, UpFlags};
use compose_spec::loader::{load, LoadOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let dir = std::path::absolute(args.next().ok_or("usage: up_down DIR [PROJECT]")?)?;
    let mut opts = LoadOptions::new(&dir);
    opts.os_env = std::env::vars().collect();
    opts.project_name = args.next().map(|n| n.to_string_lossy().into_owned());
    let loaded = load(&opts);
    for d in &loaded.diagnostics {
        eprintln!("{}", d.one_line(&loaded.sources));
    }
    let project = loaded.project.clone().ok_or("the project has errors")?;
    let specs = ProjectSpecs {
        meta: ProjectMeta::from_loaded(&loaded, &[]),
        project,
        ..Default::default()
    };
    let name = specs.project.name.clone();
    let docker = Docker::connect()?;
    let flags = UpFlags {
        wait: true,
        ..Default::default()
    };

    // What `up` would do: needs only a read-only view of the engine.
    let observer = ReadOnly(Docker::connect()?);
    let prepared = up::plan(&observer, specs.clone(), &flags).await?;
    print!("plan:\n{}", prepared.plan);

    // Progress arrives as events; print them as compose does.
    let sink: compose_engine::progress::Sink =
        Arc::new(|e| eprintln!(" {}  {}", e.resource, e.text));
    up::up(&docker, specs.clone(), &flags, &sink, None).await?;
    for c in project::containers(&docker, &name, &[], false).await? {
        println!("{} {}", c.name, c.status);
    }

    let down = DownFlags {
        volumes: true,
        ..Default::default()
    };
    project::down(&docker, &name, Some(specs), &down, &sink).await?;
    Ok(())
}
