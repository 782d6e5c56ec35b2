//! Brotli at the highest quality for the site's scripts, styles and WASM,
//! written next to them as `.br` files that the static file service sends
//! as they are. On-the-fly compression is kept fast, so its ratio is
//! lower; quality 11 takes seconds and tens of MB, hence once per build and
//! in a child process (`backrooms precompress DIR`), so the server's own
//! memory stays small. Each `.br` carries its file's modification time; one
//! that does not (a rebuild under `cargo leptos watch`) is removed before
//! it could be served, and made again.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

const EXTENSIONS: &[&str] = &["wasm", "js", "css"];
const QUALITY: u32 = 11;
const WINDOW: u32 = 22;

fn wanted(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e))
}

fn br_of(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".br");
    PathBuf::from(s)
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// A file's modification time and size: a `.br` is current when it carries
/// its file's time (set when it is written).
fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    std::fs::metadata(path)
        .ok()
        .and_then(|m| Some((m.modified().ok()?, m.len())))
}

/// Whether `path.br` is missing or was made from another version of
/// `path`; a stale one is removed at once so it is never sent.
fn needs_work(path: &Path) -> bool {
    let br = br_of(path);
    match (stamp(path), modified(&br)) {
        (Some(_), None) => true,
        (Some((src, _)), Some(done)) if done != src => {
            let _ = std::fs::remove_file(&br);
            true
        }
        _ => false,
    }
}

fn compress(path: &Path) -> std::io::Result<()> {
    let before = stamp(path);
    let data = std::fs::read(path)?;
    let tmp = br_of(path).with_extension("br.tmp");
    {
        let file = std::fs::File::create(&tmp)?;
        let mut w = brotli::CompressorWriter::new(&file, 64 * 1024, QUALITY, WINDOW);
        w.write_all(&data)?;
        w.flush()?;
        drop(w);
        if let Some((time, _)) = before {
            file.set_modified(time)?;
        }
    }
    // Rebuilt meanwhile: this result is of the old file.
    if before.is_none() || stamp(path) != before {
        return std::fs::remove_file(&tmp);
    }
    std::fs::rename(&tmp, br_of(path))
}

/// The files of `dir` (not recursive) whose `.br` must be made; stale
/// ones are removed on the way.
pub fn pending(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && wanted(p) && needs_work(p))
                .collect()
        })
        .unwrap_or_default()
}

/// Compresses what `dir` needs, now (the `precompress` command).
pub fn run(dir: &Path) -> usize {
    let files = pending(dir);
    for f in &files {
        if let Err(e) = compress(f) {
            // A read-only site directory: on-the-fly compression still applies.
            eprintln!("cannot precompress {}: {e}", f.display());
        }
    }
    files.len()
}

static ENABLED: AtomicBool = AtomicBool::new(false);
/// A helper is at work (one at a time).
static RUNNING: AtomicBool = AtomicBool::new(false);

/// Lets the server start `backrooms precompress` helpers (the real binary
/// only: tests boot the server inside their own executable).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

fn spawn_helper(dir: &Path) {
    if !ENABLED.load(Ordering::Relaxed) || RUNNING.swap(true, Ordering::AcqRel) {
        return;
    }
    let child = std::env::current_exe().and_then(|exe| {
        std::process::Command::new(exe)
            .arg("precompress")
            .arg(dir)
            .stdout(std::process::Stdio::null())
            .spawn()
    });
    match child {
        Ok(mut child) => {
            std::thread::spawn(move || {
                let _ = child.wait();
                RUNNING.store(false, Ordering::Release);
            });
        }
        Err(e) => {
            RUNNING.store(false, Ordering::Release);
            tracing::debug!("cannot start the precompress helper: {e}");
        }
    }
}

/// At start-up: stale `.br` files go now, new ones are made by a helper.
pub fn start(dir: &Path) {
    if !pending(dir).is_empty() {
        spawn_helper(dir);
    }
}

/// Before a static file is sent: is its `.br` stale? Then it is removed
/// (the response is compressed on the fly) and a helper makes a new one.
pub fn check(path: &Path) {
    if wanted(path) && needs_work(path) {
        if let Some(dir) = path.parent() {
            spawn_helper(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_br_files_and_replaces_stale_ones() {
        let dir = tempfile::tempdir().unwrap();
        let wasm = dir.path().join("app.wasm");
        let body = b"(module) ".repeat(5000);
        std::fs::write(&wasm, &body).unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"left alone").unwrap();
        assert_eq!(run(dir.path()), 1);
        let br = std::fs::read(br_of(&wasm)).unwrap();
        assert!(br.len() < body.len() / 20);
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut out).unwrap();
        assert_eq!(out, body);
        assert!(!br_of(&dir.path().join("notes.txt")).exists());
        assert_eq!(run(dir.path()), 0, "up to date");

        // A rebuilt file: its old .br must not be served.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&wasm, b"(module new)").unwrap();
        assert!(needs_work(&wasm));
        assert!(!br_of(&wasm).exists(), "removed at once");
        assert_eq!(run(dir.path()), 1);
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &std::fs::read(br_of(&wasm)).unwrap()[..], &mut out).unwrap();
        assert_eq!(out, b"(module new)");
    }
}
