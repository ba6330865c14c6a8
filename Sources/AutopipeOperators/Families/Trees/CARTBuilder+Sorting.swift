extension CARTBuilder {
    /// Gathers the ranks of feature `f` for samples[start..<end] into `keys` as `rank << 32 | i` (i: the
    /// sample's position in the node) and returns the smallest and largest rank.
    @inline(__always)
    func gatherKeys(_ f: Int, _ start: Int, _ end: Int) -> (lo: UInt32, hi: UInt32) {
        let codes = data.codes + f * n
        let keys = self.keys, samples = self.samples
        var lo = UInt32.max, hi: UInt32 = 0
        var i = 0
        for p in start..<end {
            let s = samples[p]
            let c = codes[Int(s)]
            keys[i] = UInt64(c) << 32 | UInt64(i)
            if c < lo { lo = c }
            if c > hi { hi = c }
            i += 1
        }
        return (lo, hi)
    }

    /// Sorts keys[0..<m] by rank (the high 32 bits): insertion sort for small nodes with a wide rank span,
    /// otherwise an LSD radix sort over the span `hi - lo` in 8-bit digits, with only as many buckets as the span
    /// needs (a single counting sort when the span is small). The order of equal ranks is irrelevant to the scan.
    func sortKeys(_ m: Int, lo: UInt32, hi: UInt32) {
        var keys = self.keys, keysTmp = self.keysTmp
        defer {
            self.keys = keys
            self.keysTmp = keysTmp
        }
        let span = hi &- lo
        if m < 48 && (m < 12 || span > 64) {
            var i = 1
            while i < m {
                let key = keys[i]
                var j = i - 1
                while j >= 0 && keys[j] > key {
                    keys[j + 1] = keys[j]
                    j -= 1
                }
                keys[j + 1] = key
                i += 1
            }
            return
        }
        var shift: UInt32 = 0
        let count = radixCounts
        while shift == 0 || (shift < 32 && span >> shift != 0) {
            let buckets = Int(min(UInt32(255), span >> shift)) + 1
            for b in 0..<buckets { count[b] = 0 }
            for i in 0..<m {
                let digit = Int(((UInt32(truncatingIfNeeded: keys[i] >> 32) &- lo) >> shift) & 0xFF)
                count[digit] &+= 1
            }
            var total = 0
            for b in 0..<buckets {
                let c = count[b]
                count[b] = total
                total &+= c
            }
            for i in 0..<m {
                let key = keys[i]
                let digit = Int(((UInt32(truncatingIfNeeded: key >> 32) &- lo) >> shift) & 0xFF)
                keysTmp[count[digit]] = key
                count[digit] &+= 1
            }
            swap(&keys, &keysTmp)
            shift += 8
        }
    }

    /// scikit-learn's threshold between consecutive distinct float32 values `a < b`: their midpoint, or `a` when
    /// the midpoint rounds up to `b` (or overflows).
    @inline(__always)
    static func midpoint(_ a: Float, _ b: Float) -> Double {
        let lower = Double(a), upper = Double(b)
        let t = lower / 2.0 + upper / 2.0
        if t == upper || t == .infinity || t == -.infinity { return lower }
        return t
    }
}
