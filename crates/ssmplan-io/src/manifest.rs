//! Dataset manifest: `MANIFEST.sha256` in `sha256sum` format (`<hex>  <relative path>`), checked
//! for every file the loader reads, so a corrupted file is an error and not a silent wrong answer.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Name of the manifest file at the dataset root.
pub const MANIFEST_FILE: &str = "MANIFEST.sha256";

/// A manifest problem.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// A file could not be read.
    #[error("{path}: cannot read file")]
    Open {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A manifest line is not `<64 hex>  <path>`.
    #[error(
        "{path}, line {line}: malformed manifest line (expected `<sha256 hex>  <relative path>`)"
    )]
    Malformed {
        /// The manifest.
        path: PathBuf,
        /// 1-based line.
        line: usize,
    },
    /// A file's digest differs from the manifest.
    #[error(
        "{path}: sha256 mismatch: manifest says {expected}, file has {found} (corrupted or modified file; restore it, or update {manifest} on purpose)"
    )]
    Mismatch {
        /// The file.
        path: PathBuf,
        /// Digest in the manifest.
        expected: String,
        /// Digest of the file.
        found: String,
        /// The manifest file.
        manifest: PathBuf,
    },
}

/// The parsed manifest of a dataset directory.
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    root: PathBuf,
    path: Option<PathBuf>,
    digests: BTreeMap<String, String>,
}

/// Verification status of one input file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Verified {
    /// Digest matches the manifest.
    Matches,
    /// The dataset has no manifest, or the file is not listed.
    NotListed,
    /// Received with a request (an uploaded table, a posted scenario), not a file of the
    /// dataset: identified by its sha256 only.
    Received,
}

impl Manifest {
    /// Loads `root/MANIFEST.sha256` when it exists; an empty manifest otherwise.
    ///
    /// # Errors
    /// [`ManifestError`] for an unreadable or malformed manifest.
    pub fn load(root: &Path) -> Result<Self, ManifestError> {
        let path = root.join(MANIFEST_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self {
                    root: root.to_path_buf(),
                    path: None,
                    digests: BTreeMap::new(),
                });
            }
            Err(source) => return Err(ManifestError::Open { path, source }),
        };
        let mut digests = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let (hex, file) = line
                .split_once("  ")
                .filter(|(h, f)| {
                    h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) && !f.is_empty()
                })
                .ok_or_else(|| ManifestError::Malformed {
                    path: path.clone(),
                    line: i + 1,
                })?;
            digests.insert(
                file.trim().trim_start_matches("./").to_owned(),
                hex.to_lowercase(),
            );
        }
        Ok(Self {
            root: root.to_path_buf(),
            path: Some(path),
            digests,
        })
    }

    /// True when the dataset has a manifest file.
    #[must_use]
    pub fn exists(&self) -> bool {
        self.path.is_some()
    }

    /// Checks `file` against the manifest and returns its sha256.
    ///
    /// # Errors
    /// [`ManifestError::Mismatch`] when the digest differs, [`ManifestError::Open`] when
    /// the file cannot be read.
    pub fn verify(&self, file: &Path) -> Result<(String, Verified), ManifestError> {
        let found = sha256_file(file)?;
        let key = file
            .strip_prefix(&self.root)
            .ok()
            .map(|p| p.to_string_lossy().replace('\\', "/"));
        match key.as_deref().and_then(|k| self.digests.get(k)) {
            Some(expected) if *expected == found => Ok((found, Verified::Matches)),
            Some(expected) => Err(ManifestError::Mismatch {
                path: file.to_path_buf(),
                expected: expected.clone(),
                found,
                manifest: self.path.clone().unwrap_or_default(),
            }),
            None => Ok((found, Verified::NotListed)),
        }
    }
}

/// Hex sha256 of a file.
///
/// # Errors
/// [`ManifestError::Open`] when the file cannot be read.
pub fn sha256_file(path: &Path) -> Result<String, ManifestError> {
    let open = |source| ManifestError::Open {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(open)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(open)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// Hex sha256 of bytes (e.g. an uploaded table that never touches the disk).
#[must_use]
pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().fold(String::with_capacity(64), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    })
}
