//! Where one generation's time goes: `TABLEWRIGHT_TIMINGS=1` makes the
//! build script print one line per pipeline stage and per emitter
//! ([`crate::build::Builder::run`], see docs/build-speed.md).
//!
//! A process-wide recorder, off unless [`enable`] was called: the stages
//! and the emitter threads [`record`] into it without the pipeline's
//! signatures carrying a timer, and a disabled recorder costs one atomic
//! load per stage.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The environment variable that turns the timings on (`1` or `true`).
pub const TIMINGS_ENV: &str = "TABLEWRIGHT_TIMINGS";

static ENABLED: AtomicBool = AtomicBool::new(false);
static RECORDED: Mutex<Vec<(String, Duration)>> = Mutex::new(Vec::new());

/// Starts recording (and forgets anything recorded before).
pub fn enable() {
    RECORDED.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    ENABLED.store(true, Ordering::Relaxed);
}

/// Whether [`enable`] was called.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Records the time since `start` under `label`, when enabled.
pub fn record(label: impl Into<String>, start: Instant) {
    if enabled() {
        let elapsed = start.elapsed();
        RECORDED.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((label.into(), elapsed));
    }
}

/// Runs `f`, recording its time under `label` when enabled.
pub fn time<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let value = f();
    record(label, start);
    value
}

/// Everything recorded so far, in the order recorded, and empties the recorder.
pub fn take() -> Vec<(String, Duration)> {
    std::mem::take(&mut *RECORDED.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
}

/// One line per recorded stage: `tablewright timing: scan 417.4 ms`.
pub fn lines(recorded: &[(String, Duration)]) -> Vec<String> {
    recorded
        .iter()
        .map(|(label, elapsed)| format!("tablewright timing: {label} {:.1} ms", elapsed.as_secs_f64() * 1000.0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_name_the_stage_and_its_milliseconds() {
        let recorded = [("scan".to_string(), Duration::from_micros(417_400))];
        assert_eq!(lines(&recorded), ["tablewright timing: scan 417.4 ms"]);
    }
}
