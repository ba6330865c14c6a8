/// Vectorised reductions for the splitters' hot loops (contiguous buffers of one node's samples).
enum TreeSIMD {
    /// The largest float32 `f` with `Double(f) <= threshold`, so that for every float32 `x`,
    /// `Double(x) <= threshold` exactly when `x <= f` (scikit-learn compares float32 values to double thresholds).
    @inline(__always)
    static func floatThreshold(_ threshold: Double) -> Float {
        var f = Float(threshold)
        if Double(f) > threshold { f = f.nextDown }
        return f
    }

    /// How many of `p[0..<count]` are `<= t`.
    @inline(__always)
    static func countLessEqual(_ p: UnsafePointer<Float>, _ count: Int, _ t: Float) -> Int {
        var i = 0
        var total = 0
        if count >= 8 {
            let raw = UnsafeRawPointer(p)
            let threshold = SIMD8<Float>(repeating: t)
            var acc = SIMD8<Int32>(repeating: 0)
            let one = SIMD8<Int32>(repeating: 1), zero = SIMD8<Int32>(repeating: 0)
            while i + 8 <= count {
                let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                acc &+= zero.replacing(with: one, where: v .<= threshold)
                i += 8
            }
            total = Int(acc.wrappedSum())
        }
        while i < count {
            total &+= p[i] <= t ? 1 : 0
            i += 1
        }
        return total
    }

    /// Over `p[0..<count] <= t`: how many, the sum of `a`, and the sum of `b` (b may be nil).
    @inline(__always)
    static func maskedSums(_ p: UnsafePointer<Float>, _ count: Int, _ t: Float, _ a: UnsafePointer<Double>,
                           _ b: UnsafePointer<Double>?) -> (count: Int, a: Double, b: Double) {
        var counts = SIMD4<Int32>(repeating: 0)
        var sa = SIMD4<Double>(repeating: 0), sb = SIMD4<Double>(repeating: 0)
        var i = 0
        let raw = UnsafeRawPointer(p)
        let threshold = SIMD4<Float>(repeating: t)
        let zero = SIMD4<Int32>(repeating: 0), one = SIMD4<Int32>(repeating: 1)
        while i + 4 <= count {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD4<Float>.self)
            let selected = zero.replacing(with: one, where: v .<= threshold)
            counts &+= selected
            let factor = SIMD4<Double>(selected)
            sa += factor * UnsafeRawPointer(a + i).loadUnaligned(as: SIMD4<Double>.self)
            if let b { sb += factor * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD4<Double>.self) }
            i += 4
        }
        var n = Int(counts.wrappedSum())
        var ta = sa.sum(), tb = sb.sum()
        while i < count {
            if p[i] <= t {
                n &+= 1
                ta += a[i]
                if let b { tb += b[i] }
            }
            i += 1
        }
        return (n, ta, tb)
    }
}
