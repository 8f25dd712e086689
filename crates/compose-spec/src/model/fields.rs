//! One list of fields per model struct, from which its three forms are made.
//!
//! Each struct of the model is read from the tree (mapstructure's rules,
//! [`super::decode`]), printed as JSON (`encoding/json`, `config --format
//! json` and the config hashes) and turned into the tree go-yaml prints
//! ([`super::to_yaml`]). compose-go says all three with one Go struct and its
//! tags (`yaml:"cpus,omitempty" json:"cpus,omitempty"`); here
//! [`model_struct!`] plays that part: each field is written once, with its
//! key and the few ways it differs from the usual, and the macro generates
//! the struct, its `Decode`, `Serialize` and `ToYaml` impls.
//!
//! A field reads `pub name: Type = key [json(...)] [yaml(...)] [decode(...)]`
//! (the optional parts in that order), where `key` is
//!
//! * `"key"`: the YAML name, also the JSON and decode name;
//! * `inline`: the struct's `x-*` keys ([`super::Extensions`]), gathered for
//!   decoding under `#extensions`, never in the JSON (compose-go prints only
//!   the project's), inlined at the end of the YAML mapping as go-yaml does;
//! * `_`: a field compose-go neither reads nor prints (`yaml:"-" json:"-"`).
//!
//! and the modifiers say what differs from `omitempty` everywhere:
//!
//! * `json(skip)`, `json(always)` (no `omitempty`), `json("Name")` (another
//!   JSON name), `json("Name", always)`;
//! * `yaml(skip)`, `yaml(always)`, `yaml(inline)` (extensions read from
//!   another key);
//! * `decode(skip)`, `decode("Name")` (mapstructure's name when the field has
//!   no YAML name: Go's, matched case-insensitively), `decode(De::rule)` (the
//!   decoder of a compose-go type, instead of the field type's [`Decode`]).
//!
//! `omitempty` means what each Go encoder makes of it: `encoding/json` drops
//! zero numbers, `false`, empty strings, collections and unset pointers but
//! never a struct ([`JsonField::json_empty`]); go-yaml also drops a struct
//! whose fields are all zero ([`ToYaml::is_zero`]).
//!
//! [`Decode`]: super::decode::Decode
//! [`ToYaml::is_zero`]: super::to_yaml::ToYaml::is_zero

use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

use super::values::{Duration, FileMode, HostsList, UnitBytes};

/// A field's value as `encoding/json` sees it.
pub(crate) trait JsonField {
    /// `encoding/json`'s `isEmptyValue`: what `omitempty` drops.
    fn json_empty(&self) -> bool;
    /// Writes the value as Go prints it.
    fn write_json<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
}

/// A field's value serialized through [`JsonField`].
pub(crate) struct AsJson<'a, T: ?Sized>(pub(crate) &'a T);

impl<T: JsonField + ?Sized> Serialize for AsJson<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.write_json(s)
    }
}

/// [`JsonField`] for types whose serde form is already Go's.
macro_rules! json_field_via_serde {
    ($($t:ty => |$v:ident| $empty:expr),* $(,)?) => {$(
        impl JsonField for $t {
            fn json_empty(&self) -> bool {
                let $v = self;
                $empty
            }
            fn write_json<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.serialize(s)
            }
        }
    )*};
}

json_field_via_serde!(
    String => |v| v.is_empty(),
    bool => |v| !*v,
    i64 => |v| *v == 0,
    u64 => |v| *v == 0,
    u32 => |v| *v == 0,
    u16 => |v| *v == 0,
    Duration => |v| v.is_zero(),
    UnitBytes => |v| v.is_zero(),
    FileMode => |v| v.0 == 0,
    HostsList => |v| v.is_empty(),
);

impl JsonField for f32 {
    fn json_empty(&self) -> bool {
        *self == 0.0
    }
    /// Go prints a float32 with float32's shortest digits, integral ones without `.0`.
    fn write_json<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::gocompat::json::number_f32(*self).serialize(s)
    }
}

impl<T: JsonField> JsonField for Option<T> {
    fn json_empty(&self) -> bool {
        self.is_none()
    }
    fn write_json<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(v) => s.serialize_some(&AsJson(v)),
            None => s.serialize_none(),
        }
    }
}

impl<T: JsonField> JsonField for Box<T> {
    fn json_empty(&self) -> bool {
        (**self).json_empty()
    }
    fn write_json<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).write_json(s)
    }
}

impl<T: Serialize> JsonField for Vec<T> {
    fn json_empty(&self) -> bool {
        self.is_empty()
    }
    fn write_json<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.serialize(s)
    }
}

impl<T: Serialize> JsonField for BTreeMap<String, T> {
    fn json_empty(&self) -> bool {
        self.is_empty()
    }
    fn write_json<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.serialize(s)
    }
}

/// Declares model structs from one list of fields each, and generates their
/// `Decode`, `Serialize` and `ToYaml` impls (see the [module docs](self)).
macro_rules! model_struct {
    // ----- Decode: one statement per field -----
    (@decode $de:ident $m:ident $p:ident $out:expr, _, ($($d:tt)*)) => {};
    (@decode $de:ident $m:ident $p:ident $out:expr, inline, ()) => {
        $de.f($m, $p, $crate::model::EXTENSIONS_KEY, &mut $out)
    };
    (@decode $de:ident $m:ident $p:ident $out:expr, $key:literal, (skip)) => {};
    (@decode $de:ident $m:ident $p:ident $out:expr, $key:literal, ()) => {
        $de.f($m, $p, $key, &mut $out)
    };
    (@decode $de:ident $m:ident $p:ident $out:expr, $key:literal, ($name:literal)) => {
        $de.f($m, $p, $name, &mut $out)
    };
    (@decode $de:ident $m:ident $p:ident $out:expr, $key:literal, ($rule:path)) => {
        $de.fw($m, $p, $key, &mut $out, $rule)
    };

    // ----- Serialize: how many fields print, then each one -----
    (@json_len $v:expr, _, ($($j:tt)*)) => { 0 };
    (@json_len $v:expr, inline, ()) => { 0 };
    (@json_len $v:expr, $key:literal, (skip)) => { 0 };
    (@json_len $v:expr, $key:literal, (always)) => { 1 };
    (@json_len $v:expr, $key:literal, ($name:literal, always)) => { 1 };
    (@json_len $v:expr, $key:literal, ($($name:literal)?)) => {
        usize::from(!$crate::model::fields::JsonField::json_empty(&$v))
    };
    (@json $st:ident $v:expr, _, ($($j:tt)*)) => {};
    (@json $st:ident $v:expr, inline, ()) => {};
    (@json $st:ident $v:expr, $key:literal, (skip)) => {};
    (@json $st:ident $v:expr, $key:literal, (always)) => {
        $crate::model::fields::model_struct!(@json_write $st $v, $key)
    };
    (@json $st:ident $v:expr, $key:literal, ($name:literal, always)) => {
        $crate::model::fields::model_struct!(@json_write $st $v, $name)
    };
    (@json $st:ident $v:expr, $key:literal, ()) => {
        $crate::model::fields::model_struct!(@json_omitempty $st $v, $key)
    };
    (@json $st:ident $v:expr, $key:literal, ($name:literal)) => {
        $crate::model::fields::model_struct!(@json_omitempty $st $v, $name)
    };
    (@json_omitempty $st:ident $v:expr, $name:literal) => {
        if $crate::model::fields::JsonField::json_empty(&$v) {
            ::serde::ser::SerializeStruct::skip_field(&mut $st, $name)?;
        } else {
            $crate::model::fields::model_struct!(@json_write $st $v, $name);
        }
    };
    (@json_write $st:ident $v:expr, $name:literal) => {
        ::serde::ser::SerializeStruct::serialize_field(
            &mut $st,
            $name,
            &$crate::model::fields::AsJson(&$v),
        )?
    };

    // ----- ToYaml: the fields in order, then the inlined extensions -----
    (@yaml $o:ident $v:expr, _, ($($y:tt)*)) => {};
    (@yaml $o:ident $v:expr, inline, ()) => {};
    (@yaml $o:ident $v:expr, $key:literal, (skip)) => {};
    (@yaml $o:ident $v:expr, $key:literal, (inline)) => {};
    (@yaml $o:ident $v:expr, $key:literal, (always)) => {
        $o.keep($key, &$v)
    };
    (@yaml $o:ident $v:expr, $key:literal, ()) => {
        $o.omit($key, &$v)
    };
    (@yaml_inline $o:ident $v:expr, inline, ()) => {
        $o.ext(&$v)
    };
    (@yaml_inline $o:ident $v:expr, $key:literal, (inline)) => {
        $o.ext(&$v)
    };
    (@yaml_inline $o:ident $v:expr, $key:tt, ($($y:tt)*)) => {};

    // ----- the structs -----
    ($(
        $(#[$sattr:meta])*
        pub struct $name:ident {
            $(
                $(#[$fattr:meta])*
                pub $field:ident : $fty:ty = $key:tt
                    $(json($($json:tt)*))?
                    $(yaml($($yaml:tt)*))?
                    $(decode($($decode:tt)*))?
            ),* $(,)?
        }
    )*) => {$(
        $(#[$sattr])*
        pub struct $name {
            $( $(#[$fattr])* pub $field: $fty, )*
        }

        impl $crate::model::decode::Decode for $name {
            fn decode(
                de: &mut $crate::model::decode::De,
                n: &$crate::node::Node,
                p: &$crate::model::decode::Path<'_>,
            ) -> Option<Self> {
                let m = de.map(n, p)?;
                let mut v = Self::default();
                $( $crate::model::fields::model_struct!(@decode de m p v.$field, $key, ($($($decode)*)?)); )*
                Some(v)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let len = 0 $( + $crate::model::fields::model_struct!(@json_len self.$field, $key, ($($($json)*)?)) )*;
                let mut st = s.serialize_struct(stringify!($name), len)?;
                $( $crate::model::fields::model_struct!(@json st self.$field, $key, ($($($json)*)?)); )*
                ::serde::ser::SerializeStruct::end(st)
            }
        }

        impl $crate::model::to_yaml::ToYaml for $name {
            fn yaml(&self) -> ::serde_json::Value {
                let mut o = $crate::model::to_yaml::Obj::new();
                $( $crate::model::fields::model_struct!(@yaml o self.$field, $key, ($($($yaml)*)?)); )*
                $( $crate::model::fields::model_struct!(@yaml_inline o self.$field, $key, ($($($yaml)*)?)); )*
                o.done()
            }
            /// Go's zero value is the `Default`.
            fn is_zero(&self) -> bool {
                *self == Self::default()
            }
        }

        impl $crate::model::fields::JsonField for $name {
            /// `encoding/json` never leaves out a struct.
            fn json_empty(&self) -> bool {
                false
            }
            fn write_json<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(self, s)
            }
        }
    )*};
}

pub(crate) use model_struct;
