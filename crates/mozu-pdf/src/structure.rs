//! Isolation of lopdf: a gate that keeps it away from input that could
//! overflow its stack, and a runner that contains panics and hangs.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

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

/// Runs `work` on a thread with [`LOPDF_STACK_BYTES`] of stack, turning a
/// panic into [`PdfError::Panicked`] and a run past `timeout` into
/// [`PdfError::TimedOut`] (the thread is then detached).
fn isolate<T, F>(work: F, timeout: Duration) -> Result<T, PdfError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, PdfError> + Send + 'static,
{
    if timeout.is_zero() {
        return Err(PdfError::TimedOut);
    }
    let (sender, receiver) = mpsc::sync_channel(1);
    let worker = thread::Builder::new()
        .name("mozu-pdf-lopdf".to_string())
        .stack_size(LOPDF_STACK_BYTES)
        .spawn(move || {
            let outcome = panic::catch_unwind(AssertUnwindSafe(work));
            // The receiver may be gone after a timeout; nothing to do then.
            let _ = sender.send(outcome.map_err(|payload| panic_message(payload.as_ref())));
        })
        .map_err(|error| PdfError::Thread(error.to_string()))?;
    match receiver.recv_timeout(timeout) {
        Ok(outcome) => {
            // The thread has sent its result and is about to end.
            let _ = worker.join();
            outcome.map_err(PdfError::Panicked)?
        }
        Err(RecvTimeoutError::Timeout) => Err(PdfError::TimedOut),
        Err(RecvTimeoutError::Disconnected) => {
            let message = match worker.join() {
                Err(payload) => panic_message(payload.as_ref()),
                Ok(()) => "ended without a result".to_string(),
            };
            Err(PdfError::Panicked(message))
        }
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
