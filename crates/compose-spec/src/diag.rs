//! Diagnostics: errors and warnings as values.
//!
//! The loader never stops at the first problem and never prints: every stage
//! pushes [`Diagnostic`]s, each with a stable [`Code`], the key path of the
//! offending value (`services.web.ports[1]`), a primary span, secondary labels
//! and a help text. The CLI renders them; editors read spans and line/columns.

use crate::span::{SourceMap, Span};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The load fails.
    Error,
    /// The load goes on; the user should know.
    Warning,
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident => $s:literal ),* $(,)?) => {
        /// Stable identifier of a kind of diagnostic. Its string form never changes
        /// once released, so editors and tests can match on it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code { $( $(#[$doc])* $variant ),* }

        impl Code {
            /// Every code, for documentation and for the test that each has a fixture.
            pub const ALL: &'static [Code] = &[ $( Code::$variant ),* ];

            /// The stable string form, e.g. `"yaml::duplicate-key"`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $s ),* }
            }
        }
    };
}

codes! {
    /// The file is not valid YAML.
    YamlSyntax => "yaml::syntax",
    /// A mapping has the same key twice.
    YamlDuplicateKey => "yaml::duplicate-key",
    /// The file holds more than one YAML document.
    YamlMultipleDocuments => "yaml::multiple-documents",
    /// An alias names an anchor that was never defined.
    YamlUnknownAnchor => "yaml::unknown-anchor",
    /// Alias expansion exceeded the budget (alias bomb).
    YamlAliasBudget => "yaml::alias-budget",
    /// A `<<` merge key whose value is not a mapping or a list of mappings.
    YamlMergeKey => "yaml::merge-key",
    /// A mapping key that is not a scalar.
    YamlComplexKey => "yaml::complex-key",
    /// The top level of the file is not a mapping.
    NotAMapping => "compose::top-level",
    /// A file could not be read.
    Io => "compose::io",
    /// No compose file was found.
    NoConfigFile => "compose::no-config-file",
    /// `${VAR:?msg}` / `${VAR?msg}` with the variable unset (or empty).
    InterpolationRequired => "interpolation::required",
    /// An invalid `${...}` expression.
    InterpolationSyntax => "interpolation::syntax",
    /// A variable is unset and has no default: it becomes the empty string.
    InterpolationUnset => "interpolation::unset",
    /// An `.env` / `env_file` that cannot be parsed.
    DotenvSyntax => "dotenv::syntax",
    /// An `env_file` that does not exist and is required.
    EnvFileMissing => "dotenv::missing",
    /// The project name is invalid.
    ProjectName => "project::name",
    /// A key the Compose Specification does not define.
    UnknownKey => "schema::unknown-key",
    /// A value of the wrong type.
    WrongType => "schema::type",
    /// A value outside an enumeration.
    EnumValue => "schema::enum",
    /// A required key is missing.
    MissingKey => "schema::required",
    /// A malformed duration (`1m30s`).
    Duration => "schema::duration",
    /// A malformed byte size (`512m`).
    ByteSize => "schema::bytes",
    /// Any other schema rule (patterns, ranges, uniqueness, mutual exclusion).
    Schema => "schema::invalid",
    /// A malformed port specification.
    PortSpec => "compose::port",
    /// A malformed volume specification.
    VolumeSpec => "compose::volume",
    /// Any other malformed short syntax (extra_hosts, devices, ulimits...).
    ShortSyntax => "compose::short-syntax",
    /// A service refers to a network that is not declared.
    UndefinedNetwork => "compose::undefined-network",
    /// A service mounts a named volume that is not declared.
    UndefinedVolume => "compose::undefined-volume",
    /// A service uses a secret that is not declared.
    UndefinedSecret => "compose::undefined-secret",
    /// A service uses a config that is not declared.
    UndefinedConfig => "compose::undefined-config",
    /// A service uses a model that is not declared.
    UndefinedModel => "compose::undefined-model",
    /// `depends_on` (or links, volumes_from, network_mode...) names an undefined service.
    UndefinedService => "compose::undefined-service",
    /// Services depend on each other in a cycle.
    DependencyCycle => "compose::dependency-cycle",
    /// `network_mode` together with `networks`.
    NetworkModeWithNetworks => "compose::network-mode-with-networks",
    /// `container_name` on a service scaled above one.
    ContainerNameWithScale => "compose::container-name-with-scale",
    /// `scale` and `deploy.replicas` disagree.
    ScaleReplicasMismatch => "compose::scale-replicas",
    /// A service has neither `image` nor `build`.
    MissingImageOrBuild => "compose::missing-image",
    /// Two services share a `container_name`.
    DuplicateContainerName => "compose::duplicate-container-name",
    /// The same mount target / port twice where compose forbids it.
    Duplicate => "compose::duplicate",
    /// A secret or config definition with none or several of file/environment/content.
    ResourceSource => "compose::resource-source",
    /// `external` together with attributes that only make sense for managed resources.
    ExternalConflict => "compose::external-conflict",
    /// `extends` problems: unknown service, cycle, unreadable file.
    Extends => "compose::extends",
    /// `include` problems: cycle, conflicting resources.
    Include => "compose::include",
    /// A profile-related error (service needed but disabled).
    Profile => "compose::profile",
    /// A name given on the command line is not a service.
    NoSuchService => "compose::no-such-service",
    /// A value compose loads but the engine refuses (`restart: sometimes`): a
    /// warning for `config`, an error for commands that create containers.
    EngineRejects => "compose::engine-rejects",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary span with its message ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there.
    pub message: String,
}

/// One problem found while loading.
///
/// ```
/// use compose_spec::diag::{Code, Diagnostic};
/// use compose_spec::span::Span;
/// let d = Diagnostic::error(Code::UnknownKey, "unknown key `imagee`")
///     .with_path("services.web.imagee")
///     .with_span(Span::synthetic())
///     .with_help("did you mean `image`?");
/// assert!(d.is_error());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// One sentence saying what is wrong.
    pub message: String,
    /// Key path of the offending value, e.g. `services.web.ports[1]`.
    pub path: Option<String>,
    /// Where the problem is.
    pub span: Option<Span>,
    /// Related places.
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new error.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            path: None,
            span: None,
            labels: Vec::new(),
            help: None,
        }
    }

    /// A new warning.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Sets the key path.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        let p = path.into();
        self.path = if p.is_empty() { None } else { Some(p) };
        self
    }

    /// Sets the primary span (ignored when synthetic).
    pub fn with_span(mut self, span: Span) -> Self {
        self.span = if span.is_synthetic() {
            None
        } else {
            Some(span)
        };
        self
    }

    /// Adds a secondary label (ignored when its span is synthetic).
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        if !span.is_synthetic() {
            self.labels.push(Label {
                span,
                message: message.into(),
            });
        }
        self
    }

    /// Sets the help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether this diagnostic fails the load.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` of the primary span, when there is one.
    pub fn location(&self, sources: &SourceMap) -> Option<String> {
        let span = self.span?;
        let file = sources.get(span.file)?;
        let (l, c) = file.line_col(span.start);
        Some(format!("{}:{}:{}", file.name, l, c))
    }

    /// A one-line plain-text form: `file:line:col: error[code]: message (at path)`.
    pub fn one_line(&self, sources: &SourceMap) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut s = String::new();
        if let Some(loc) = self.location(sources) {
            s.push_str(&loc);
            s.push_str(": ");
        }
        s.push_str(&format!("{sev}[{}]: {}", self.code, self.message));
        if let Some(p) = &self.path {
            s.push_str(&format!(" (at {p})"));
        }
        s
    }
}

/// Collects diagnostics during a load.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    /// Adds many.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }
    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }
    /// All of them, in the order found.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }
    /// Takes them out.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
    /// Number collected.
    pub fn len(&self) -> usize {
        self.items.len()
    }
    /// Whether none were collected.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}
