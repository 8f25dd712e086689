//! A Rust tool that validates a compose project through the library, as an
//! editor or a linter would: load it the way `docker compose` does (override
//! files, `.env`, `extends`, `include`, profiles), print every diagnostic on
//! one line (`file:line:col: error[code]: message (at key.path)`), and exit
//! non-zero when any is an error.
//!
//! ```text
//! cargo run -p compose-spec --example check -- fixtures/invalid/schema--unknown-key
//! ```

use compose_spec::loader::{load, validate_str, LoadOptions};

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .map(|d| std::path::absolute(&d).unwrap_or(d))
        .unwrap_or_else(|| std::env::current_dir().expect("current directory"));
    // The library never reads the process environment itself: pass it in.
    let mut opts = LoadOptions::new(&dir);
    opts.os_env = std::env::vars().collect();
    let loaded = load(&opts);
    for d in &loaded.diagnostics {
        println!("{}", d.one_line(&loaded.sources));
    }
    if let Some(p) = &loaded.project {
        let names: Vec<&str> = p.services.keys().map(String::as_str).collect();
        println!("project {}: services {}", p.name, names.join(", "));
    }
    // An editor checks an unsaved buffer without touching the disk:
    let (sources, diagnostics) = validate_str(
        "buffer.yaml",
        "services:\n  web:\n    imagee: nginx\n",
        None,
    );
    for d in &diagnostics {
        println!("unsaved buffer: {}", d.one_line(&sources));
    }
    std::process::exit(i32::from(loaded.has_errors()));
}
