//! The spinner of long runs.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A spinner on stderr that appears only once a run has taken a second.
pub struct Progress {
    bar: ProgressBar,
    done: Arc<AtomicBool>,
    waiter: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    pub fn start(quiet: bool, what: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed} {msg}") {
            bar.set_style(style);
        }
        bar.set_message(what.to_string());
        let done = Arc::new(AtomicBool::new(false));
        let waiter = (!quiet).then(|| {
            let (bar, done) = (bar.clone(), done.clone());
            std::thread::spawn(move || {
                for _ in 0..20 {
                    if done.load(Ordering::Relaxed) {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                if !done.load(Ordering::Relaxed) {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(120));
                }
            })
        });
        Progress { bar, done, waiter }
    }

    pub fn bar(&self) -> ProgressBar {
        self.bar.clone()
    }

    pub fn finish(mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(w) = self.waiter.take() {
            let _ = w.join();
        }
        self.bar.finish_and_clear();
    }
}
