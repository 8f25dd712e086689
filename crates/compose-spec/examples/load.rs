//! Loads compose files the way `hoist config -q` does, with the system
//! allocator (the CLI uses mimalloc), so that the library's own time and
//! memory can be measured: `valgrind --tool=callgrind`, `heaptrack`, or
//! `/usr/bin/time -v`.
//!
//! ```text
//! python3 bench/gen-services.py 1000 > /tmp/big.yaml
//! cargo run --release -p compose-spec --example load -- /tmp/big.yaml
//! ```

use compose_spec::loader::{load, LoadOptions};

fn main() {
    let cwd = std::env::current_dir().expect("current directory");
    let mut opts = LoadOptions::new(&cwd);
    opts.files = std::env::args_os().skip(1).map(Into::into).collect();
    opts.os_env = std::env::vars().collect();
    // `config -q` renders nothing from the tree
    opts.keep_tree = false;
    let loaded = load(&opts);
    let services = loaded.project.as_ref().map_or(0, |p| p.services.len());
    println!(
        "{services} services, {} diagnostics",
        loaded.diagnostics.len()
    );
    std::process::exit(i32::from(loaded.has_errors()));
}
