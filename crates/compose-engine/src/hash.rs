//! Placeholder: configuration hashes land with the engine work.
