//! Criterion benchmark: loading a generated 1,000-service project (what `hoist
//! config -q` does), and its main stages. The compose file comes from
//! `bench/gen-services.py`, the same generator `bench/config.sh` uses to compare
//! with `docker compose`.

use compose_spec::loader::{load, LoadOptions};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;

fn generated(n: usize) -> (tempfile::TempDir, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/gen-services.py");
    let out = std::process::Command::new("python3")
        .arg(root)
        .arg(n.to_string())
        .output()
        .expect("python3 runs bench/gen-services.py");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("compose.yaml"), &text).expect("write");
    (dir, text)
}

fn bench(c: &mut Criterion) {
    let (dir, text) = generated(1000);
    let mut opts = LoadOptions::new(dir.path());
    opts.files = vec![dir.path().join("compose.yaml")];
    opts.project_name = Some("bench".into());
    c.bench_function("load 1000 services", |b| {
        b.iter(|| {
            let l = load(&opts);
            assert!(!l.has_errors());
            l
        })
    });
    c.bench_function("saphyr events only, 1000 services", |b| {
        b.iter(|| {
            let mut parser = saphyr_parser::Parser::new_from_str(&text);
            let mut n = 0usize;
            while let Some(Ok(_)) = parser.next_event() {
                n += 1;
            }
            n
        })
    });
    c.bench_function("parse 1000 services", |b| {
        b.iter(|| {
            let mut d = compose_spec::diag::Diagnostics::new();
            compose_spec::yaml::parse::parse(&text, compose_spec::span::FileId(0), &mut d)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
