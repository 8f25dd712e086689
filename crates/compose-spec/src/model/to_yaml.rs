//! The tree go-yaml v3 builds from compose-go's project for plain
//! `docker compose config` (YAML), as an ordered `serde_json::Value` for the
//! YAML emitter.
//!
//! It differs from the JSON form in what compose-go's `yaml` tags and
//! `MarshalYAML` methods say: empty structs are dropped too (`omitempty`
//! looks inside structs), unset `command`/`entrypoint` are dropped, `x-*`
//! keys are printed inline at the end of their mapping at every level,
//! `models` is printed, ulimits print `soft` and `hard` always, `env_file`
//! entries keep only `path` and `required`, ssh keys print as `id: path`,
//! and Go maps come out in go-yaml's key order (digit runs compared as
//! numbers: `a2` before `a10`).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::{Map as JMap, Number, Value};

use super::values::{
    Duration, EnvFile, Extensions, FileMode, HostsList, SshKey, UlimitsConfig, UnitBytes,
};
use super::Project;

/// A value as go-yaml marshals it.
pub(crate) trait ToYaml {
    /// The marshalled tree.
    fn yaml(&self) -> Value;
    /// go-yaml's `isZero` (what `omitempty` drops).
    fn is_zero(&self) -> bool;
}

/// go-yaml's order of map keys (`keyList.Less` for strings): runs of digits
/// compare as numbers, letters by code point, and a letter sorts after a
/// non-letter unless a digit precedes it.
pub(crate) fn key_cmp(a: &str, b: &str) -> Ordering {
    if key_less(a, b) {
        Ordering::Less
    } else if key_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn is_letter(c: char) -> bool {
    c.is_alphabetic()
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

fn key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut digits = false;
    let n = ar.len().min(br.len());
    for i in 0..n {
        if ar[i] == br[i] {
            digits = is_digit(ar[i]);
            continue;
        }
        let al = is_letter(ar[i]);
        let bl = is_letter(br[i]);
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return if digits { al } else { bl };
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && is_digit(ar[j - 1]) {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let digit_value = |c: char| i64::from(u32::from(c).wrapping_sub(u32::from('0')));
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai]) {
            an = an.wrapping_mul(10).wrapping_add(digit_value(ar[ai]));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi]) {
            bn = bn.wrapping_mul(10).wrapping_add(digit_value(br[bi]));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// A YAML-decoded value (an extension) as go-yaml prints it: maps in go-yaml key order.
fn any_yaml(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by(|a, b| key_cmp(a, b));
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), any_yaml(&m[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(any_yaml).collect()),
        _ => v.clone(),
    }
}

/// Builds a struct's mapping, field by field.
pub(crate) struct Obj(JMap<String, Value>);

impl Obj {
    pub(crate) fn new() -> Self {
        Obj(JMap::new())
    }
    /// A field with `omitempty`.
    pub(crate) fn omit<T: ToYaml + ?Sized>(&mut self, k: &str, v: &T) -> &mut Self {
        if !v.is_zero() {
            self.0.insert(k.to_string(), v.yaml());
        }
        self
    }
    /// A field without `omitempty`.
    pub(crate) fn keep<T: ToYaml + ?Sized>(&mut self, k: &str, v: &T) -> &mut Self {
        self.0.insert(k.to_string(), v.yaml());
        self
    }
    /// The inlined extensions, after every field, in go-yaml key order.
    pub(crate) fn ext(&mut self, e: &Extensions) -> &mut Self {
        let mut entries: Vec<(&String, &serde_json::Value)> = e.iter().collect();
        entries.sort_by(|a, b| key_cmp(a.0, b.0));
        for (k, v) in entries {
            self.0.insert(k.clone(), any_yaml(v));
        }
        self
    }
    pub(crate) fn done(&mut self) -> Value {
        Value::Object(std::mem::take(&mut self.0))
    }
}

impl ToYaml for String {
    fn yaml(&self) -> Value {
        Value::String(self.clone())
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl ToYaml for bool {
    fn yaml(&self) -> Value {
        Value::Bool(*self)
    }
    fn is_zero(&self) -> bool {
        !*self
    }
}

macro_rules! int_yaml {
    ($($t:ty),*) => {$(
        impl ToYaml for $t {
            fn yaml(&self) -> Value {
                Value::Number(Number::from(*self))
            }
            fn is_zero(&self) -> bool {
                *self == 0
            }
        }
    )*};
}
int_yaml!(i64, u64, u32, u16);

impl ToYaml for f32 {
    fn yaml(&self) -> Value {
        // go-yaml formats a float32 with its own shortest digits.
        Number::from_f64(crate::gocompat::json::widen_f32(*self)).map_or(Value::Null, Value::Number)
    }
    fn is_zero(&self) -> bool {
        *self == 0.0
    }
}

impl ToYaml for Duration {
    fn yaml(&self) -> Value {
        Value::String(self.to_string())
    }
    fn is_zero(&self) -> bool {
        self.0 == 0
    }
}

impl ToYaml for UnitBytes {
    fn yaml(&self) -> Value {
        Value::String(self.0.to_string())
    }
    fn is_zero(&self) -> bool {
        self.0 == 0
    }
}

impl ToYaml for FileMode {
    fn yaml(&self) -> Value {
        Value::String(self.to_string())
    }
    fn is_zero(&self) -> bool {
        self.0 == 0
    }
}

impl<T: ToYaml> ToYaml for Option<T> {
    fn yaml(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToYaml::yaml)
    }
    fn is_zero(&self) -> bool {
        self.is_none()
    }
}

impl<T: ToYaml> ToYaml for Box<T> {
    fn yaml(&self) -> Value {
        (**self).yaml()
    }
    fn is_zero(&self) -> bool {
        (**self).is_zero()
    }
}

impl<T: ToYaml> ToYaml for Vec<T> {
    fn yaml(&self) -> Value {
        Value::Array(self.iter().map(ToYaml::yaml).collect())
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl<T: ToYaml> ToYaml for BTreeMap<String, T> {
    fn yaml(&self) -> Value {
        let mut keys: Vec<&String> = self.keys().collect();
        keys.sort_by(|a, b| key_cmp(a, b));
        Value::Object(
            keys.into_iter()
                .map(|k| (k.clone(), self[k].yaml()))
                .collect(),
        )
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl ToYaml for HostsList {
    fn yaml(&self) -> Value {
        Value::Array(self.as_list("=").into_iter().map(Value::String).collect())
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

impl ToYaml for SshKey {
    fn yaml(&self) -> Value {
        if self.path.is_empty() {
            Value::String(self.id.clone())
        } else {
            Value::String(format!("{}: {}", self.id, self.path))
        }
    }
    fn is_zero(&self) -> bool {
        self.id.is_empty() && self.path.is_empty()
    }
}

impl ToYaml for EnvFile {
    fn yaml(&self) -> Value {
        if self.required {
            return Value::String(self.path.clone());
        }
        let mut m = JMap::new();
        m.insert("path".into(), Value::String(self.path.clone()));
        m.insert("required".into(), Value::Bool(false));
        Value::Object(m)
    }
    fn is_zero(&self) -> bool {
        self.path.is_empty() && !self.required && self.format.is_empty()
    }
}

impl ToYaml for UlimitsConfig {
    fn yaml(&self) -> Value {
        if self.single != 0 {
            return self.single.yaml();
        }
        Obj::new()
            .keep("soft", &self.soft)
            .keep("hard", &self.hard)
            .done()
    }
    fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

/// The project as go-yaml marshals compose-go's `*Project`.
pub(crate) fn project(p: &Project) -> Value {
    Obj::new()
        .omit("name", &p.name)
        .keep("services", &p.services)
        .omit("networks", &p.networks)
        .omit("volumes", &p.volumes)
        .omit("secrets", &p.secrets)
        .omit("configs", &p.configs)
        .omit("models", &p.models)
        .ext(&p.extensions)
        .done()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_yaml_key_order() {
        let mut keys = vec![
            "a10", "a2", "a1", "b", "a", "a_b", "aB", "x-1", "80", "8080", "443",
        ];
        keys.sort_by(|a, b| key_cmp(a, b));
        assert_eq!(
            keys,
            vec!["80", "443", "8080", "a", "a_b", "a1", "a2", "a10", "aB", "b", "x-1"]
        );
    }
}
