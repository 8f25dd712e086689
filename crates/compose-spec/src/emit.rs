//! (stub; replaced by the go-yaml style emitter)
/// Renders YAML.
pub fn to_yaml(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}
