//! Which vector instructions Monte Carlo uses.
//!
//! Sampling, the kernel and the percentile passes each have one portable
//! body, compiled twice: as it is, and inside a `#[target_feature(enable =
//! "avx2")]` function that runs where the CPU has AVX2. The arithmetic is
//! the same IEEE arithmetic either way (no fused multiply-add), so the
//! bytes of every output are the same on a machine with AVX2 and one
//! without; `POOL_MODEL_PORTABLE=1` in the environment makes this machine
//! take the portable paths, which is how the tests show it
//! (tests/portable.rs).

use std::sync::OnceLock;

/// The portable paths are forced (`POOL_MODEL_PORTABLE` set and not `0`).
fn portable() -> bool {
    static PORTABLE: OnceLock<bool> = OnceLock::new();
    *PORTABLE.get_or_init(|| std::env::var_os("POOL_MODEL_PORTABLE").is_some_and(|v| v != "0"))
}

/// The AVX2 paths may run: the CPU has AVX2, and the portable paths are
/// not forced.
#[inline]
pub fn avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && !portable()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// [`avx2`], and the CPU has POPCNT as well.
#[inline]
pub fn avx2_popcnt() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        avx2() && std::arch::is_x86_feature_detected!("popcnt")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}
