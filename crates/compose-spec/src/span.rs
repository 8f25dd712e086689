//! Source files and byte spans.
//!
//! Every node of a loaded compose file remembers where it came from, so that a
//! diagnostic raised after interpolation, merging or normalisation can still point
//! at the file, line and column the user wrote. This module owns the files' text
//! and turns byte offsets into line/column pairs.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Identifies one source file inside a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range `start..end` inside one source file.
///
/// ```
/// use compose_spec::span::{FileId, Span};
/// let s = Span::new(FileId(0), 3, 7);
/// assert_eq!(s.len(), 4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// The file the bytes belong to.
    pub file: FileId,
    /// First byte (inclusive).
    pub start: usize,
    /// Last byte (exclusive).
    pub end: usize,
}

impl Span {
    /// A span of `start..end` in `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start, end }
    }

    /// A span for values that the loader made up (defaults, synthesised keys).
    pub const fn synthetic() -> Self {
        Span {
            file: FileId(u32::MAX),
            start: 0,
            end: 0,
        }
    }

    /// Whether this span points at no real source.
    pub fn is_synthetic(&self) -> bool {
        self.file.0 == u32::MAX
    }

    /// Number of bytes covered.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A sub-range of this span, `offset..offset+len` relative to its start.
    pub fn sub(&self, offset: usize, len: usize) -> Span {
        let start = (self.start + offset).min(self.end.max(self.start));
        Span {
            file: self.file,
            start,
            end: (start + len).min(self.end.max(start + len)),
        }
    }
}

/// One file's name and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// How the file is named to the user (the path as given, or `-` for stdin).
    pub name: String,
    /// Absolute path when the file came from disk.
    pub path: Option<PathBuf>,
    /// The whole text.
    pub text: Arc<str>,
    /// Byte offsets of line starts, computed on the first [`SourceFile::line_col`]
    /// (only diagnostics need them: a load without any does not pay for them).
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    /// Line (1-based) and column (1-based, in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        });
        let line = match line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start);
        (line + 1, col + 1)
    }
}

/// All the source files of one load.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    ///
    /// ```
    /// use compose_spec::span::SourceMap;
    /// let mut map = SourceMap::new();
    /// let id = map.add("compose.yaml", None, "services: {}\n");
    /// assert_eq!(map.file(id).name, "compose.yaml");
    /// ```
    pub fn add(
        &mut self,
        name: impl Into<String>,
        path: Option<&Path>,
        text: impl Into<Arc<str>>,
    ) -> FileId {
        let text: Arc<str> = text.into();
        self.files.push(SourceFile {
            name: name.into(),
            path: path.map(Path::to_path_buf),
            text,
            line_starts: OnceLock::new(),
        });
        FileId((self.files.len() - 1) as u32)
    }

    /// The file behind an id. Panics on an id from another map.
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The file behind an id, if it belongs to this map.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// All files, in the order they were added.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// `(line, column)` of a span's start, both 1-based; `None` for synthetic spans.
    pub fn line_col(&self, span: Span) -> Option<(usize, usize)> {
        self.get(span.file).map(|f| f.line_col(span.start))
    }
}
