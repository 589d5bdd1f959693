//! The parking lot behind `memory.atomic.wait32`/`wait64` and
//! `memory.atomic.notify`: waiters queue by the address they wait on, in
//! the order they arrived, and a notify wakes the oldest ones first.
//!
//! Addresses are host addresses: a shared memory never moves, so one
//! address names one wasm location for as long as anyone can wait on it.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Condvar, LazyLock, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// What `wait` returns, as the wasm instructions do.
pub(crate) const WOKEN: u32 = 0;
pub(crate) const NOT_EQUAL: u32 = 1;
pub(crate) const TIMED_OUT: u32 = 2;

#[derive(Default)]
struct Queues {
    /// Ids of the threads waiting on each address, oldest first.
    waiting: HashMap<usize, VecDeque<u64>>,
    /// Ids a notify has taken off their queue and not yet seen waking.
    woken: HashSet<u64>,
    next_id: u64,
}

/// One lock and one condition variable for every address: waiting is rare
/// enough that a notify waking every sleeper to check its id costs little,
/// and one lock makes "compare, then sleep" atomic with respect to notify.
struct ParkingLot {
    queues: Mutex<Queues>,
    wakeup: Condvar,
}

static LOT: LazyLock<ParkingLot> = LazyLock::new(|| ParkingLot {
    queues: Mutex::new(Queues::default()),
    wakeup: Condvar::new(),
});

fn lock() -> MutexGuard<'static, Queues> {
    // A panic while holding the lock leaves the queues consistent (every
    // update is a single step), so a poisoned lock is still usable.
    LOT.queues.lock().unwrap_or_else(|e| e.into_inner())
}

/// Sleeps on `address` until notified or `timeout` passes (`None`: forever),
/// provided `still_expected` (which reads the wasm value) says yes under the
/// lot's lock; returns [`WOKEN`], [`NOT_EQUAL`] or [`TIMED_OUT`].
pub(crate) fn wait(
    address: usize,
    still_expected: impl FnOnce() -> bool,
    timeout: Option<Duration>,
) -> u32 {
    let mut queues = lock();
    if !still_expected() {
        return NOT_EQUAL;
    }
    let id = queues.next_id;
    queues.next_id += 1;
    queues.waiting.entry(address).or_default().push_back(id);
    // A timeout too long to represent is as good as none.
    let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
    loop {
        if queues.woken.remove(&id) {
            return WOKEN;
        }
        match deadline {
            None => queues = LOT.wakeup.wait(queues).unwrap_or_else(|e| e.into_inner()),
            Some(deadline) => {
                let now = Instant::now();
                if now >= deadline {
                    if let Some(queue) = queues.waiting.get_mut(&address) {
                        queue.retain(|&waiter| waiter != id);
                        if queue.is_empty() {
                            queues.waiting.remove(&address);
                        }
                    }
                    return TIMED_OUT;
                }
                queues = LOT
                    .wakeup
                    .wait_timeout(queues, deadline - now)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
        }
    }
}

/// Wakes up to `count` of the threads waiting on `address`, oldest first;
/// returns how many it woke.
pub(crate) fn notify(address: usize, count: u32) -> u32 {
    let mut queues = lock();
    let Some(queue) = queues.waiting.get_mut(&address) else {
        return 0;
    };
    let take = queue.len().min(count as usize);
    let woken: Vec<u64> = queue.drain(..take).collect();
    if queue.is_empty() {
        queues.waiting.remove(&address);
    }
    queues.woken.extend(&woken);
    if !woken.is_empty() {
        LOT.wakeup.notify_all();
    }
    woken.len() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    #[test]
    fn a_mismatched_value_returns_not_equal_without_sleeping() {
        assert_eq!(wait(0x1000, || false, None), NOT_EQUAL);
    }

    #[test]
    fn a_wait_with_no_notify_times_out() {
        let r = wait(0x2000, || true, Some(Duration::from_millis(1)));
        assert_eq!(r, TIMED_OUT);
        assert_eq!(notify(0x2000, 1), 0);
    }

    #[test]
    fn notify_wakes_a_waiting_thread_and_counts_it() {
        let address = 0x3000;
        let waiting = Arc::new(AtomicBool::new(false));
        let flag = waiting.clone();
        let waiter = std::thread::spawn(move || {
            wait(
                address,
                || {
                    flag.store(true, Ordering::SeqCst);
                    true
                },
                None,
            )
        });
        // The waiter is queued once its check ran and it released the lock.
        let mut woken = 0;
        while woken == 0 {
            if waiting.load(Ordering::SeqCst) {
                woken = notify(address, 5);
            }
            std::thread::yield_now();
        }
        assert_eq!(woken, 1);
        assert_eq!(waiter.join().unwrap(), WOKEN);
    }
}
