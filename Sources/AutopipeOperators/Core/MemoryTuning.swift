#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocator settings for commands that allocate and free the same large buffers over and over:
/// `search` and `worker` (every evaluation allocates its folds' matrices), `predict` (every chunk), and
/// `autopipe-bench` (so operators are timed as the commands run them).
public enum MemoryTuning {
    /// `predict` allocates every chunk's cells, features and intermediate matrices (megabytes each) and frees them
    /// before the next chunk. By default glibc maps such blocks fresh each time and unmaps them on free, so each
    /// chunk pays for zeroed pages again (two thirds of the page faults and about 15% of the CPU time on
    /// `make bench-predict`). Keeping blocks up to 64 MiB in the heap, and up to 256 MiB of free heap, reuses them.
    /// In a search, Nystroem's 16 MB kernel matrices on 20,000 rows spent a quarter of their time in page faults.
    /// (`mallopt` is looked up at run time: Swift's Glibc module does not declare it. Elsewhere this does nothing.)
    public static func reuseLargeBlocks() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3   // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD (malloc.h)
        _ = mallopt(mmapThreshold, 64 << 20)
        _ = mallopt(trimThreshold, 256 << 20)
        #endif
    }
}
