//! Stopping without half-written output. Every atomic write of an output (a plan's
//! folder, a dataset folder, an exported model file, the server's small files) holds a
//! `Writing` for its whole duration and registers the temporary path it fills. An
//! interrupt handler calls `finish_writes`: it lets the writes in progress complete
//! (each then either renamed its temporary path into place or removed it), lets no new
//! one begin, and removes any temporary path still registered. Nothing here knows of
//! signals; the binary installs the handler.

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

#[derive(Default)]
struct State {
    /// Writes in progress.
    active: usize,
    /// Set by `finish_writes`: no write may begin any more.
    stopping: bool,
    /// Temporary paths of the writes in progress.
    temps: Vec<PathBuf>,
}

static STATE: Mutex<State> = Mutex::new(State {
    active: 0,
    stopping: false,
    temps: Vec::new(),
});
static CHANGED: Condvar = Condvar::new();

fn state() -> MutexGuard<'static, State> {
    // A writer that panicked holding the lock left the counts consistent: every
    // change below is one statement.
    STATE.lock().unwrap_or_else(|p| p.into_inner())
}

/// One output write in progress: created before the first byte is written, dropped
/// when the output is in place or gone. Dropping it removes its temporary path if
/// that still exists (an error or a panic part-way), so a failed write leaves nothing.
/// A write must not begin another inside it: after a stop has begun the inner one
/// would wait for ever, and the stop for the outer one.
pub struct Writing {
    temp: Option<PathBuf>,
}

impl Writing {
    /// Begins a write whose bytes go to `temp` (a file or a folder) before they are
    /// renamed into place. After `finish_writes` has begun, this never returns: the
    /// process is about to exit and must not start an output it cannot finish.
    pub fn begin(temp: &Path) -> Writing {
        let mut s = state();
        while s.stopping {
            s = CHANGED.wait(s).unwrap_or_else(|p| p.into_inner());
        }
        s.active += 1;
        s.temps.push(temp.to_path_buf());
        Writing {
            temp: Some(temp.to_path_buf()),
        }
    }
}

impl Drop for Writing {
    /// When a stop is under way, the thread stays here: the stop exits the process,
    /// and the command must not go on to finish (and exit 0) first.
    fn drop(&mut self) {
        let Some(temp) = self.temp.take() else {
            return;
        };
        remove(&temp);
        let mut s = state();
        if let Some(i) = s.temps.iter().position(|t| *t == temp) {
            s.temps.swap_remove(i);
        }
        s.active -= 1;
        CHANGED.notify_all();
        while s.stopping {
            s = CHANGED.wait(s).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// Removes a temporary file or folder if it is there.
fn remove(temp: &Path) {
    match std::fs::symlink_metadata(temp) {
        Ok(m) if m.is_dir() => {
            let _ = std::fs::remove_dir_all(temp);
        }
        Ok(_) => {
            let _ = std::fs::remove_file(temp);
        }
        Err(_) => {}
    }
}

/// True while some output write is in progress.
pub fn writing() -> bool {
    state().active > 0
}

/// Removes every temporary path registered now, without waiting: for a second
/// interrupt, when the user will not wait for a write (a hung network drive). A write
/// cut off this way leaves its output as it was, or, in a folder that was being
/// updated file by file, some files new and some old.
pub fn abandon_writes() {
    let mut s = state();
    s.stopping = true;
    for temp in std::mem::take(&mut s.temps) {
        remove(&temp);
    }
}

/// Waits until no output write is in progress, lets none begin afterwards, and
/// removes every temporary path still registered. Returns once it is safe to exit:
/// every output is either whole in place or absent.
pub fn finish_writes() {
    let mut s = state();
    s.stopping = true;
    while s.active > 0 {
        s = CHANGED.wait(s).unwrap_or_else(|p| p.into_inner());
    }
    for temp in std::mem::take(&mut s.temps) {
        remove(&temp);
    }
}

/// Test hook: `MATOME_TEST_SLOW_WRITE_MS` (milliseconds, read once) makes every file
/// written into a temporary output folder wait that long afterwards, so a test can
/// interrupt a write while it is under way. Unset or not a number: no wait.
pub fn test_pause_after_file() {
    static PAUSE: OnceLock<Option<Duration>> = OnceLock::new();
    let pause = PAUSE.get_or_init(|| {
        std::env::var("MATOME_TEST_SLOW_WRITE_MS")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .map(Duration::from_millis)
    });
    if let Some(d) = pause {
        std::thread::sleep(*d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write that ends early (an error, a panic) takes its temporary path with it
    /// and no longer counts as in progress.
    #[test]
    fn a_write_ended_part_way_removes_its_temporary_path() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join(".out.tmp-1");
        {
            let _w = Writing::begin(&tmp);
            std::fs::create_dir(&tmp).unwrap();
            std::fs::write(tmp.join("half.csv"), "a,b").unwrap();
        }
        assert!(!tmp.exists());
        assert!(!state().temps.contains(&tmp));
    }
}
