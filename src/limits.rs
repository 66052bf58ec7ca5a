//! Documented bounds on input, so that no file can make the tool run for
//! minutes or exhaust memory (see `docs/limits.md`).

/// Largest horizon a scenario may project (SPEC 2.2: 1..=50).
pub const MAX_HORIZON: u32 = 50;

/// Most Monte Carlo draws a run may ask for.
pub const MAX_DRAWS: u64 = 10_000_000;

/// Largest scenario file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Longest chain of `extends` (a variant of a variant of ...).
pub const MAX_EXTENDS_DEPTH: usize = 8;
