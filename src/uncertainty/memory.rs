//! Large Monte Carlo buffers: allocated zeroed and, on Linux, advised to
//! use transparent huge pages, so that filling tens of megabytes costs a
//! few dozen page faults instead of tens of thousands (each 4 KiB fault
//! costs microseconds of kernel time). The advice changes no value.

/// A zeroed buffer of `len` values, on huge pages where the system allows.
pub fn zeroed(len: usize) -> Vec<f64> {
    let mut values = vec![0.0; len];
    advise_huge_pages(&mut values);
    values
}

/// Asks the kernel to back `values` with transparent huge pages (Linux
/// with `transparent_hugepage` set to `always` or `madvise`); elsewhere,
/// or for a buffer under one huge page, nothing.
fn advise_huge_pages(values: &mut [f64]) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        const HUGE: usize = 2 * 1024 * 1024;
        let bytes = std::mem::size_of_val(values);
        if bytes < HUGE {
            return;
        }
        // madvise takes whole pages: the page-aligned part of the buffer.
        let start = values.as_mut_ptr() as usize;
        let first = start.next_multiple_of(PAGE);
        let end = (start + bytes) / PAGE * PAGE;
        if end > first {
            // SAFETY: [first, end) lies within `values`, which we borrow
            // mutably; MADV_HUGEPAGE is advice only (it neither changes
            // nor frees the memory), and a failure is harmless.
            unsafe {
                libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = values;
}
