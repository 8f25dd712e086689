//! Placeholder: the bollard runtime lands with the engine work.
