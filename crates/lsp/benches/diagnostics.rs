//! Criterion benchmark: what `hoist lsp` does after an edit of a generated
//! 1,000-service file (`bench/gen-services.py`, as the loader's own benchmark):
//! the buffer changes, the project is loaded again through the overlay, the
//! edited file is parsed for its names, and the diagnostics are converted to
//! the protocol's. Run: `cargo bench -p hoist-lsp --bench diagnostics`.
//!
//! It runs on mimalloc, the allocator of the `hoist` binary that `hoist lsp`
//! is (a load allocates many small strings and maps: the allocator is a good
//! part of the time, and the system's is not what the server uses).

use criterion::{criterion_group, criterion_main, Criterion};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use hoist_lsp::world::{Doc, World};
use std::path::Path;

fn generated(n: usize) -> String {
    let gen = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/gen-services.py");
    let out = std::process::Command::new("python3")
        .arg(gen)
        .arg(n.to_string())
        .output()
        .expect("python3 runs bench/gen-services.py");
    String::from_utf8(out.stdout).expect("utf-8")
}

fn bench(c: &mut Criterion) {
    let text = generated(1000);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, &text).expect("write");
    let mut world = World::new(Default::default());
    let files = world.project_files(&path);
    let first = world.analyze(files.clone());
    assert!(
        !first.loaded.has_errors(),
        "{:?}",
        first.loaded.diagnostics.first()
    );
    let mut version = 0;
    c.bench_function("lsp diagnostics after an edit, 1000 services", |b| {
        b.iter(|| {
            version += 1;
            // an edit: a value of the first service changes, as typing does
            let edited = text.replacen(
                "interval: 10s",
                &format!("interval: {}s", 10 + version % 50),
                1,
            );
            world.docs.insert(
                path.clone(),
                Doc {
                    text: edited.into(),
                    version,
                },
            );
            let a = world.analyze(files.clone());
            hoist_lsp::features::diagnostics(&a)
        })
    });
    // an edit that breaks the file (half-typed key): diagnostics of a failing load
    c.bench_function(
        "lsp diagnostics after a breaking edit, 1000 services",
        |b| {
            b.iter(|| {
                version += 1;
                let edited =
                    text.replacen("    command:", &format!("    command{}:", version % 9), 1);
                world.docs.insert(
                    path.clone(),
                    Doc {
                        text: edited.into(),
                        version,
                    },
                );
                let a = world.analyze(files.clone());
                hoist_lsp::features::diagnostics(&a)
            })
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
