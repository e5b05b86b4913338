//! Jobs on a fixed number of plain OS threads taking items from a shared queue.
//!
//! Not a rayon pool: a rayon worker that waits inside another pool (every solve has
//! its own, for its sub-MIPs) steals further jobs of its own pool onto its stack, so
//! more jobs than threads would run at once and share the cores.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `job` on every item, at most `threads` at a time, items taken in order;
/// returns the results in the order of `items`. A panicking job panics the caller.
pub fn run_queue<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    job: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.clamp(1, items.len().max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(item) = items.get(i) else { break };
                        out.push((i, job(item)));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_by_key(|d| d.0);
    done.into_iter().map(|d| d.1).collect()
}

#[cfg(test)]
mod tests {
    use super::run_queue;

    #[test]
    fn results_follow_the_items_for_any_thread_count() {
        let items: Vec<u64> = (0..37).collect();
        for threads in [0, 1, 2, 5, 100] {
            let out = run_queue(&items, threads, |&x| x * x);
            assert_eq!(out, items.iter().map(|x| x * x).collect::<Vec<_>>());
        }
        assert!(run_queue(&[] as &[u8], 2, |&x| x).is_empty());
    }
}
