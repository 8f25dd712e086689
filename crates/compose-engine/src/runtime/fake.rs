//! Placeholder: the in-memory runtime lands with the engine work.
