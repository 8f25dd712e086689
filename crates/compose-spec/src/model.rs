//! (stub)
use crate::diag::Diagnostic;
use crate::node::Node;
/// Project.
#[derive(Debug, Clone, Default)]
pub struct Project {
    json: serde_json::Value,
}
impl Project {
    /// From node.
    pub fn from_node(root: &Node) -> Result<Project, Vec<Diagnostic>> {
        Ok(Project {
            json: root.to_json(),
        })
    }
    /// To JSON.
    pub fn to_json(&self) -> serde_json::Value {
        self.json.clone()
    }
}
