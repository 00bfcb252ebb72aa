//! Isolation of lopdf: a gate that keeps it away from input that could
//! overflow its stack, and a runner that contains panics and hangs.

use std::any::Any;
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use crate::raw::{InfoFields, RawScan};
use crate::{Child, LOPDF_STACK_BYTES, MAX_NESTING, MAX_OBJECTS, PdfError};

/// How the document acts when opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OpenAction {
    /// `/OpenAction` is a page destination (an array): harmless by itself.
    Destination,
    /// `/OpenAction` is an action dictionary with this `/S` type.
    Action(String),
}

/// What lopdf's view of the document added.
#[derive(Debug, Default)]
pub(crate) struct Structure {
    pub(crate) pages: u32,
    pub(crate) info: InfoFields,
    pub(crate) uris: Vec<String>,
    pub(crate) javascript: Vec<String>,
    /// Launch action targets (file and parameters).
    pub(crate) launches: Vec<String>,
    pub(crate) open_action: Option<OpenAction>,
    pub(crate) embedded: Vec<Child>,
    /// Names of file specifications whose content could not be read.
    pub(crate) embedded_names: Vec<String>,
    pub(crate) warnings: Vec<String>,
}

/// Refuses input lopdf must not see: too deep (a stack overflow aborts the
/// process; `catch_unwind` cannot stop it) or too many objects.
pub(crate) fn gate(raw: &RawScan) -> Result<(), PdfError> {
    if raw.max_depth > MAX_NESTING {
        return Err(PdfError::NestingTooDeep {
            depth: raw.max_depth,
            limit: MAX_NESTING,
        });
    }
    if raw.objects > MAX_OBJECTS {
        return Err(PdfError::TooManyObjects {
            count: raw.objects,
            limit: MAX_OBJECTS,
        });
    }
    Ok(())
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// Runs the lopdf layer on its own thread with a large stack, inside
/// `catch_unwind`, and waits at most `timeout`.
///
/// On timeout the thread is detached and keeps running until lopdf returns;
/// it owns a copy of the bytes, so the caller is free to go on. Its result
/// is then discarded (the channel's receiver is gone).
pub(crate) fn run_isolated(bytes: &[u8], timeout: Duration) -> Result<Structure, PdfError> {
    let owned = bytes.to_vec();
    isolate(move || crate::walk::extract(&owned), timeout)
}

/// A job for an lopdf thread.
type Job = Box<dyn FnOnce() + Send>;

/// An lopdf thread waiting for jobs; it ends when its owner drops it.
///
/// Each thread that analyses PDFs keeps one idle worker for the next
/// document: a new thread per document maps a fresh [`LOPDF_STACK_BYTES`]
/// stack (too large for the C library's stack cache), faults its pages in
/// and unmaps it again, and the unmapping interrupts every core to flush its
/// TLB, which cost more than lopdf itself on mail with small PDFs.
struct Worker {
    jobs: mpsc::Sender<Job>,
}

thread_local! {
    /// This thread's idle lopdf worker. A per-thread cache of a resource,
    /// not shared state: results are the same with or without it.
    static IDLE_WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
}

/// A job that ran longer than this retires its worker afterwards: it may
/// have recursed deep, and the stack pages it touched stay committed for as
/// long as the thread lives.
const RETIRE_AFTER: Duration = Duration::from_millis(250);

impl Worker {
    fn spawn() -> Result<Worker, PdfError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("mozu-pdf-lopdf".to_string())
            .stack_size(LOPDF_STACK_BYTES)
            .spawn(move || {
                while let Ok(job) = queue.recv() {
                    job();
                }
            })
            .map_err(|error| PdfError::Thread(error.to_string()))?;
        Ok(Worker { jobs })
    }
}

/// Runs `work` on an lopdf thread with [`LOPDF_STACK_BYTES`] of stack,
/// turning a panic into [`PdfError::Panicked`] and a run past `timeout` into
/// [`PdfError::TimedOut`]. The thread is reused for the next call from this
/// thread unless the work panicked, ran past [`RETIRE_AFTER`] or timed out
/// (then it is dropped, and ends once lopdf returns).
fn isolate<T, F>(work: F, timeout: Duration) -> Result<T, PdfError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, PdfError> + Send + 'static,
{
    if timeout.is_zero() {
        return Err(PdfError::TimedOut);
    }
    let worker = match IDLE_WORKER.with(|idle| idle.borrow_mut().take()) {
        Some(worker) => worker,
        None => Worker::spawn()?,
    };
    let (sender, receiver) = mpsc::sync_channel(1);
    let job: Job = Box::new(move || {
        let outcome = panic::catch_unwind(AssertUnwindSafe(work));
        // The receiver may be gone after a timeout; nothing to do then.
        let _ = sender.send(outcome.map_err(|payload| panic_message(payload.as_ref())));
    });
    let started = Instant::now();
    if worker.jobs.send(job).is_err() {
        return Err(PdfError::Thread("the lopdf thread ended".to_string()));
    }
    match receiver.recv_timeout(timeout) {
        Ok(outcome) => {
            if outcome.is_ok() && started.elapsed() < RETIRE_AFTER {
                IDLE_WORKER.with(|idle| *idle.borrow_mut() = Some(worker));
            }
            outcome.map_err(PdfError::Panicked)?
        }
        Err(RecvTimeoutError::Timeout) => Err(PdfError::TimedOut),
        Err(RecvTimeoutError::Disconnected) => Err(PdfError::Panicked("ended without a result".to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gate_refuses_deep_and_huge() {
        let deep = RawScan {
            max_depth: MAX_NESTING + 1,
            ..RawScan::default()
        };
        assert!(matches!(gate(&deep), Err(PdfError::NestingTooDeep { .. })));
        let huge = RawScan {
            objects: MAX_OBJECTS + 1,
            ..RawScan::default()
        };
        assert!(matches!(gate(&huge), Err(PdfError::TooManyObjects { .. })));
        assert!(gate(&RawScan::default()).is_ok());
    }

    #[test]
    fn panics_and_hangs_are_contained() {
        let panicked = isolate::<(), _>(|| panic!("lopdf bug"), Duration::from_secs(5));
        assert_eq!(panicked, Err(PdfError::Panicked("lopdf bug".to_string())));
        let started = std::time::Instant::now();
        let slow = isolate(
            || {
                thread::sleep(Duration::from_secs(2));
                Ok(1)
            },
            Duration::from_millis(50),
        );
        assert_eq!(slow, Err(PdfError::TimedOut));
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(isolate(|| Ok(7), Duration::from_secs(5)), Ok(7));
    }

    #[test]
    fn the_lopdf_thread_is_reused_until_it_panics_or_hangs() {
        let lopdf_thread = || Ok(thread::current().id());
        let first = isolate(lopdf_thread, Duration::from_secs(5));
        assert!(first.is_ok());
        assert_ne!(first, Ok(thread::current().id()), "runs on its own thread");
        assert_eq!(
            isolate(lopdf_thread, Duration::from_secs(5)),
            first,
            "idle worker reused"
        );
        // A panic retires the worker: the next job gets a fresh thread.
        let _ = isolate::<(), _>(|| panic!("lopdf bug"), Duration::from_secs(5));
        let after_panic = isolate(lopdf_thread, Duration::from_secs(5));
        assert!(after_panic.is_ok());
        assert_ne!(after_panic, first);
        // So does a timeout; the hung thread is left to finish alone.
        let hung = isolate(
            || {
                thread::sleep(Duration::from_millis(300));
                Ok(thread::current().id())
            },
            Duration::from_millis(20),
        );
        assert_eq!(hung, Err(PdfError::TimedOut));
        let after_timeout = isolate(lopdf_thread, Duration::from_secs(5));
        assert!(after_timeout.is_ok());
        assert_ne!(after_timeout, after_panic);
        // A job that ran long retires its worker too (its stack may be deep).
        let long = isolate(
            || {
                thread::sleep(RETIRE_AFTER + Duration::from_millis(20));
                Ok(thread::current().id())
            },
            Duration::from_secs(5),
        );
        assert!(long.is_ok());
        let after_long = isolate(lopdf_thread, Duration::from_secs(5));
        assert!(after_long.is_ok());
        assert_ne!(after_long, long);
    }

    #[test]
    fn deep_recursion_fits_the_large_stack() {
        // About 100 MiB of stack: would overflow a default 8 MiB thread.
        fn depth(n: u64) -> u64 {
            let pad = std::hint::black_box([n; 128]);
            if n == 0 { 0 } else { 1 + depth(n - 1) + pad[0] - pad[1] }
        }
        assert_eq!(isolate(|| Ok(depth(100_000)), Duration::from_secs(20)), Ok(100_000));
    }

    #[test]
    fn garbage_is_a_parse_error_not_a_crash() {
        let outcome = run_isolated(b"%PDF-1.7\ngarbage", Duration::from_secs(5));
        assert!(matches!(outcome, Err(PdfError::Parse(_)) | Ok(_)), "{outcome:?}");
        assert!(matches!(run_isolated(b"x", Duration::ZERO), Err(PdfError::TimedOut)));
    }
}
