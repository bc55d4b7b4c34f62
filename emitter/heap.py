"""The wrapper's heap: keep the memory each chunk frees, for the next chunk.

Every chunk of output costs a few transient megabytes: the chunk read from the pipe, the line held over
joined to it, its folded copy. glibc hands freed memory above its trim threshold (twice the mmap
threshold, about 2 MiB here) back to the kernel at once, so every chunk's buffers were fresh pages to
fault in and zero again: measured on a 50 MB log, 71,000 page faults and a fifth of the scan's time.
Raised thresholds keep those few megabytes for reuse; the peak stays what the buffers need. Where the
C library has no `mallopt` (musl, macOS), nothing is done.
"""

from __future__ import annotations

M_TRIM_THRESHOLD = -1  # glibc's malloc.h
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 16 << 20  # buffers below this come from the heap, where freed memory can be reused
TRIM_THRESHOLD = 64 << 20  # free memory at the heap's top kept up to this, not handed back


def keep_freed_memory() -> None:
    """Once per process, before the first chunk is scanned."""
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):
        return
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
