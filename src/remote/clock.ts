// The remote layer's monotonic clock for deadlines and timings, in milliseconds.

/**
 * Milliseconds on a monotonic clock (arbitrary origin). Not `performance.now()`: its first use loads Node's
 * `perf_hooks` (timerify, histograms, observers), ~4 ms of a cold CLI run that only needs a number.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
