//! Documented bounds on input, so that no file can make the tool run for
//! minutes or exhaust memory (docs/limits.md). Each is checked where the
//! input is read and reported as a located error (exit 2).

/// Largest scenario file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Largest horizon a scenario may project (SPEC 2.2: 1..=50).
pub const MAX_HORIZON: u32 = 50;

/// Longest chain of `extends` (a variant of a variant of ...).
pub const MAX_EXTENDS_DEPTH: usize = 8;

/// Most `[[partner]]` entries.
pub const MAX_PARTNERS: usize = 64;

/// Most `[[service]]` entries.
pub const MAX_SERVICES: usize = 100;

/// Most `[[service.setting]]` entries in one service.
pub const MAX_SETTINGS: usize = 20;

/// Most entries of each of `[[saving]]`, `[[cost]]`, `[[variance]]` and
/// `[[workforce]]`.
pub const MAX_LINES: usize = 200;

/// Most `--set` options on one command line (each may add a key to a
/// table, so thousands would cost time quadratic in their number).
pub const MAX_OVERRIDES: usize = 1000;

/// Most `[[expect]]` entries.
pub const MAX_EXPECTS: usize = 1000;

/// Longest `phase_in` list.
pub const MAX_PHASE_IN: usize = 100;

/// Ranged values in one `[[correlation]]`.
pub const MAX_CORRELATED: usize = 64;

/// Most Monte Carlo draws a run may ask for.
pub const MAX_DRAWS: u64 = 10_000_000;

/// Most Monte Carlo work: draws x model size x passes (see
/// [`crate::uncertainty::model_size`]): 9 to 22 CPU-seconds as measured
/// (docs/limits.md). The benchmark file at 1M draws is 0.73 of a billion.
pub const MAX_MONTE_CARLO_WORK: u64 = 12_000_000_000;

/// Most sensitivity work ([`crate::uncertainty::sensitivity::work`]):
/// about 20 CPU-seconds, measured at 0.8 microseconds a unit
/// (docs/limits.md).
pub const MAX_SENSITIVITY_WORK: u64 = 24_000_000;

/// Most errors shown for one file: the first this many in file order,
/// then a line counting the rest.
pub const MAX_SHOWN_ERRORS: usize = 50;

/// Longest name or id, in characters: names are printed in every table.
pub const MAX_NAME_CHARS: usize = 200;

/// Longest `[scenario] description`, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// Longest `percentiles` list: they are distinct integers 1 to 99.
pub const MAX_PERCENTILES: usize = 99;

/// Most TOML tokens (keys, values, punctuation, runs of spaces, line ends)
/// in one file, counted before it is parsed: parsing holds them all at
/// once. A scenario at every other limit at once has about 540,000.
pub const MAX_TOML_TOKENS: usize = 1_000_000;
