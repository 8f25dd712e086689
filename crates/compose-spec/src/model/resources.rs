//! The project-level resources next to services: networks, volumes, secrets,
//! configs and models (compose-go's `NetworkConfig`, `VolumeConfig`,
//! `SecretConfig`, `ConfigObjConfig`, `ModelConfig`).

use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

use super::values::ser::{is_false, is_zero_i64};
use super::values::{Extensions, Labels, Mapping, Options};

/// A network (compose-go's `NetworkConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct NetworkConfig {
    /// Engine-side name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Driver.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub driver: String,
    /// Driver options.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub driver_opts: Options,
    /// IP address management (always printed, `{}` when empty).
    pub ipam: IpamConfig,
    /// Managed outside the project.
    #[serde(skip_serializing_if = "is_false")]
    pub external: bool,
    /// No external connectivity.
    #[serde(skip_serializing_if = "is_false")]
    pub internal: bool,
    /// Standalone containers may attach.
    #[serde(skip_serializing_if = "is_false")]
    pub attachable: bool,
    /// Labels.
    #[serde(skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
    /// Labels added by the tool (never printed).
    #[serde(skip)]
    pub custom_labels: Labels,
    /// Enable IPv4.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_ipv4: Option<bool>,
    /// Enable IPv6.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_ipv6: Option<bool>,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A network's IP address management (compose-go's `IPAMConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct IpamConfig {
    /// IPAM driver.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub driver: String,
    /// Address pools (`None`: written as null).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub config: Vec<Option<IpamPool>>,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// An address pool (compose-go's `IPAMPool`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct IpamPool {
    /// Subnet.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subnet: String,
    /// Gateway.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub gateway: String,
    /// Range to allocate from.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ip_range: String,
    /// Reserved addresses.
    #[serde(rename = "aux_addresses", skip_serializing_if = "Mapping::is_empty")]
    pub auxiliary_addresses: Mapping,
    /// Extensions (compose-go reads them from a key named `extensions`, not
    /// from `x-*` keys, which it drops here).
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A volume (compose-go's `VolumeConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct VolumeConfig {
    /// Engine-side name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Driver.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub driver: String,
    /// Driver options.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub driver_opts: Options,
    /// Managed outside the project.
    #[serde(skip_serializing_if = "is_false")]
    pub external: bool,
    /// Labels.
    #[serde(skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
    /// Labels added by the tool (never printed).
    #[serde(skip)]
    pub custom_labels: Labels,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// The common shape of secrets and configs (compose-go's `FileObjectConfig`).
///
/// Printed as is, with `content` when set; [`SecretConfig`] and
/// [`ConfigObjConfig`] decide whether the content shows.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct FileObjectConfig {
    /// Engine-side name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// File holding the value.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// Environment variable holding the value.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub environment: String,
    /// Inline value (or the value read from `environment`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub content: String,
    /// Managed outside the project.
    #[serde(skip_serializing_if = "is_false")]
    pub external: bool,
    /// Labels.
    #[serde(skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
    /// Driver.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub driver: String,
    /// Driver options.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub driver_opts: BTreeMap<String, String>,
    /// Template driver.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub template_driver: String,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A secret (compose-go's `SecretConfig`). Its content is never printed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SecretConfig(pub FileObjectConfig);

impl std::ops::Deref for SecretConfig {
    type Target = FileObjectConfig;
    fn deref(&self) -> &FileObjectConfig {
        &self.0
    }
}

impl std::ops::DerefMut for SecretConfig {
    fn deref_mut(&mut self) -> &mut FileObjectConfig {
        &mut self.0
    }
}

impl Serialize for SecretConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.content.is_empty() {
            return self.0.serialize(s);
        }
        let mut shown = self.0.clone();
        shown.content.clear();
        shown.serialize(s)
    }
}

/// A config (compose-go's `ConfigObjConfig`). Its content is printed unless
/// it came from an environment variable.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConfigObjConfig(pub FileObjectConfig);

impl std::ops::Deref for ConfigObjConfig {
    type Target = FileObjectConfig;
    fn deref(&self) -> &FileObjectConfig {
        &self.0
    }
}

impl std::ops::DerefMut for ConfigObjConfig {
    fn deref_mut(&mut self) -> &mut FileObjectConfig {
        &mut self.0
    }
}

impl Serialize for ConfigObjConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.environment.is_empty() || self.0.content.is_empty() {
            return self.0.serialize(s);
        }
        let mut shown = self.0.clone();
        shown.content.clear();
        shown.serialize(s)
    }
}

/// An AI model (compose-go's `ModelConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ModelConfig {
    /// Engine-side name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Model reference.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub model: String,
    /// Context size.
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub context_size: i64,
    /// Runtime flags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub runtime_flags: Vec<String>,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}
