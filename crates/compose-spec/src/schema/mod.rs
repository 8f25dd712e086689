//! Validation against the Compose Specification's JSON schema.
//!
//! Docker Compose (compose-go `loader.go`) validates every file's tree against
//! the Compose Specification schema after interpolation and merging and *before*
//! the canonical transforms, so short syntaxes (`"8080:80"`, `- ./data:/data`)
//! are still present and are what the schema describes. This is where unknown
//! keys (`imagee:`), wrong types (`image: 123`), values outside an enumeration
//! and missing required keys are caught. We run the same schema at the same
//! stage, but where compose-go stops at its single "most specific" error, we
//! report every problem, each as a [`Diagnostic`] with a stable [`Code`], the key
//! path, the span of the offending key or value, and a help text
//! (did-you-mean for unknown keys, the allowed values for enumerations...).
//!
//! # How
//!
//! * The schema is the embedded file `schema/compose-spec.json`, verbatim from
//!   compose-go v2.9.1 (the version Docker Compose v2.40.3 vendors). It is the
//!   Compose Specification's schema, © The Compose Specification Authors,
//!   Apache-2.0 (<https://github.com/compose-spec/compose-spec>). It is a JSON
//!   Schema draft-07 document.
//! * It is compiled once (on first use) with the `jsonschema` crate, built
//!   without default features and with an offline retriever: the schema only
//!   refers to itself, and this crate never does network I/O. A conformant
//!   validator keeps us exact on draft-07 semantics (`patternProperties` vs
//!   `additionalProperties`, integer vs number, `uniqueItems` equality) and lets
//!   a newer schema drop in; the crate reports every error with its instance
//!   path and, for `oneOf`, the errors of each branch, which is all we need to
//!   explain failures precisely (see `report`).
//! * The validator reads the [`Node`] tree in place (through the crate's
//!   representation traits, see `repr`), typed exactly as [`Node::to_json`]
//!   renders it: the JSON that compose-go's YAML decoder would hand to its
//!   validator (plain `8080` is an integer, quoted `"8080"` and `yes` are
//!   strings). Converting to `serde_json` first cost more than validating.
//! * compose-go registers a custom `duration` format (Go's `time.ParseDuration`)
//!   but its schema uses no `format` at all: durations are typed as strings and a
//!   malformed one fails the load later, when compose-go decodes
//!   `healthcheck.interval`, `stop_grace_period`, `deploy.*.delay`... with
//!   go-str2duration (Go's syntax plus `d` and `w`). We check those fields here,
//!   with that grammar, and report [`Code::Duration`]; the `duration` format is
//!   registered as well in case a schema update uses it.
//! * [`allowed_keys`] answers from the same schema for did-you-mean and editor
//!   completion.
//!
//! A valid tree costs one fast pass (`is_valid`; a few milliseconds for 1,000
//! services in release builds) and the detailed error walk only runs when
//! something is wrong.

mod duration;
mod report;
mod repr;
mod walk;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::node::Node;
use std::sync::OnceLock;

type Validator = jsonschema::Validator<repr::NodeRepr>;

fn validator() -> Result<&'static Validator, &'static str> {
    static VALIDATOR: OnceLock<Result<Validator, String>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            jsonschema::options_for::<repr::NodeRepr>()
                .with_draft(jsonschema::Draft::Draft7)
                .offline()
                .with_format("duration", duration::is_go_duration)
                .should_validate_formats(true)
                .build(walk::doc().root())
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(String::as_str)
}

/// Validates a (interpolated, merged) compose tree against the Compose
/// Specification schema and pushes every problem to `diags`.
///
/// Problems come in document order, one diagnostic per unknown key, wrong
/// value or missing key; a value that fits none of the forms a field accepts
/// (a `oneOf` in the schema) gets one diagnostic, about the form it was closest
/// to. Codes: [`Code::UnknownKey`], [`Code::WrongType`], [`Code::EnumValue`],
/// [`Code::MissingKey`], [`Code::Duration`] and [`Code::Schema`] for the rest
/// (patterns, ranges, duplicates, invalid resource names).
///
/// ```
/// use compose_spec::diag::{Code, Diagnostics};
/// use compose_spec::node::{Map, Node};
/// use compose_spec::span::Span;
///
/// let s = Span::synthetic();
/// let mut web = Map::new();
/// web.insert_node("imagee", Node::string("nginx", s));
/// let mut services = Map::new();
/// services.insert_node("web", Node::map(web, s));
/// let mut root = Map::new();
/// root.insert_node("services", Node::map(services, s));
///
/// let mut diags = Diagnostics::new();
/// compose_spec::schema::validate(&Node::map(root, s), &mut diags);
/// let d = &diags.items()[0];
/// assert_eq!(d.code, Code::UnknownKey);
/// assert_eq!(d.message, "unknown key `imagee` in service \"web\"");
/// assert_eq!(d.path.as_deref(), Some("services.web.imagee"));
/// assert_eq!(d.help.as_deref(), Some("did you mean `image`?"));
/// ```
pub fn validate(root: &Node, diags: &mut Diagnostics) {
    let mut reporter = report::Reporter::new(root);

    let mut durations = Vec::new();
    duration::check_durations(root, &mut durations);
    for (pointer, d) in durations {
        reporter.out.push(report::Pending {
            order: report::order_of(root, &pointer),
            about_value: true,
            diag: d,
        });
    }

    match validator() {
        Ok(v) => {
            if !v.is_valid(root) {
                for e in v.iter_errors(root) {
                    reporter.convert(&e);
                }
            }
        }
        Err(why) => {
            // Only reachable if the embedded schema were broken; a unit test
            // compiles it.
            diags.push(
                Diagnostic::error(
                    Code::Schema,
                    format!("the embedded Compose schema failed to compile: {why}"),
                )
                .with_help("this is a bug in hoist; please report it"),
            );
        }
    }
    diags.extend(report::finish(reporter.out));
}

/// The property names the schema allows at a key path, in schema order (for
/// did-you-mean and editor completion).
///
/// Path segments are mapping keys, or decimal indices for list items. Every
/// alternative form applies, so `["services", "web", "ports", "0"]` gives the
/// keys of the long port syntax. A path with no fixed keys (`["services"]`, a
/// map of names) or unknown to the schema gives an empty list. Extension keys
/// (`x-*`) are allowed wherever the schema says so but are not listed.
///
/// ```
/// use compose_spec::schema::allowed_keys;
/// let keys = allowed_keys(&["services", "web"]);
/// assert!(keys.contains(&"image") && keys.contains(&"healthcheck"));
/// assert_eq!(allowed_keys(&["services", "web", "depends_on", "db"]), ["restart", "required", "condition"]);
/// assert!(allowed_keys(&["services"]).is_empty());
/// ```
pub fn allowed_keys(path: &[&str]) -> Vec<&'static str> {
    walk::doc().allowed_keys(path)
}

/// The schema's `description` of the value at a key path (the first one any
/// alternative form gives), for editor hovers and completion docs.
///
/// ```
/// use compose_spec::schema::describe;
/// assert!(describe(&["services"]).is_some_and(|d| d.contains("services")));
/// assert!(describe(&["services", "web", "profiles"]).is_some_and(|d| d.contains("profiles")));
/// assert!(describe(&["services", "web", "no-such-key"]).is_none());
/// ```
pub fn describe(path: &[&str]) -> Option<&'static str> {
    walk::doc().description(path)
}

/// The values an `enum` allows at a key path (empty where none applies).
///
/// ```
/// use compose_spec::schema::enum_values;
/// assert!(enum_values(&["services", "web", "depends_on", "db", "condition"]).contains(&"service_healthy"));
/// ```
pub fn enum_values(path: &[&str]) -> Vec<&'static str> {
    walk::doc().enum_values(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_compiles_offline() {
        assert!(validator().is_ok(), "{:?}", validator().err());
    }

    #[test]
    fn draft7_dialect() {
        assert_eq!(
            walk::doc().root().get("$schema").and_then(|v| v.as_str()),
            Some("https://json-schema.org/draft-07/schema")
        );
    }
}
