//! (stub)
use crate::diag::Diagnostics;
use crate::node::Node;
/// Validates.
pub fn validate(_root: &Node, _diags: &mut Diagnostics) {}
/// Allowed keys.
pub fn allowed_keys(_path: &[&str]) -> Vec<&'static str> {
    vec![]
}
