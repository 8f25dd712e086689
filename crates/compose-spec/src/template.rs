//! (stub; replaced by the real engine)
/// Unset variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsetVar {
    /// Name.
    pub name: String,
    /// Offset.
    pub offset: usize,
    /// Length.
    pub len: usize,
}
/// Result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Substitution {
    /// Value.
    pub value: String,
    /// Unset vars.
    pub unset: Vec<UnsetVar>,
}
/// Kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateErrorKind {
    /// Required.
    Required {
        /// Name.
        name: String,
        /// Message.
        message: String,
    },
    /// Invalid.
    Invalid {
        /// Message.
        message: String,
    },
}
/// Error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Offset.
    pub offset: usize,
    /// Len.
    pub len: usize,
    /// Kind.
    pub kind: TemplateErrorKind,
}
impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.kind)
    }
}
impl std::error::Error for TemplateError {}
/// Substitutes.
pub fn substitute(
    template: &str,
    _lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Substitution, TemplateError> {
    Ok(Substitution {
        value: template.to_string(),
        unset: vec![],
    })
}
/// Variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// Name.
    pub name: String,
    /// Default.
    pub default_value: Option<String>,
    /// Required.
    pub presence_required: bool,
    /// Message.
    pub required_message: Option<String>,
}
/// Extracts.
pub fn extract_variables(_template: &str) -> Vec<Variable> {
    vec![]
}
