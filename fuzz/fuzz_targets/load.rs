//! Fuzz target: any bytes through the whole in-memory loader (parse, interpolate,
//! schema, canonical forms, normalisation, consistency, typed model). It must
//! return diagnostics, never panic or hang.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run load -- -max_total_time=600`
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut env = compose_spec::loader::Env::new();
    env.insert("TAG".into(), "1.0".into());
    env.insert("EMPTY".into(), String::new());
    let _ = compose_spec::loader::validate_str("compose.yaml", &text, Some(&env));
    let _ = compose_spec::loader::validate_str("compose.yaml", &text, None);
});
