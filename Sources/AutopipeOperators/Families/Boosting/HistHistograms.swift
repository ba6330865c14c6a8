/// Node histograms of the histogram gradient boosting grower, stored sparsely: for each feature, only the bins
/// that are not exactly empty (count 0 AND gradient sum 0.0 AND hessian sum 0.0), in increasing bin order, as
/// structure-of-arrays (gradient sums, hessian sums, counts, bin codes) in a per-node slot.
///
/// Why this is exact: in the split scan an exactly empty bin leaves the running left sums unchanged, so its gain
/// (and its min_samples_leaf / min_hessian continue-or-break decision) is the previous bin's, which the strict
/// `gain > best` already saw; skipping it changes nothing. Bins that hold no samples but a tiny nonzero sum left by
/// histogram subtraction ARE kept (scikit-learn evaluates them, and they change the running sums). Every stored sum
/// is computed with exactly the same additions in the same order as a dense histogram: a built bin adds its samples'
/// Float gradients (widened to Double) in partition order starting from 0.0; a subtracted bin is parent - small
/// with `parent - 0` where the small child has no entry (equal to `parent`).
///
/// Why it is fast on wide data: nodes below the root hold far fewer samples than the 256 bins per feature, so a
/// node's histogram touches only its own bins (a dense one was 24 B x 256 x features, megabytes, re-zeroed at every
/// build and scanned in full at every node).
final class HistSlots {
    /// Slot layout: a slot holds up to `slotSize` entries (the dense size, the sum of every feature's bins), packed
    /// feature after feature: feature f's `counts[slot * d + f]` entries start at `starts[slot * d + f]` (an
    /// absolute entry index). Packing keeps a small node's histogram in few cache lines.
    let offsets: [Int]
    let d: Int
    let slotSize: Int
    let storesHessians: Bool
    private(set) var slotCapacity = 0
    private(set) var g: UnsafeMutablePointer<Double>
    private(set) var h: UnsafeMutablePointer<Double>
    private(set) var c: UnsafeMutablePointer<Int32>
    private(set) var bin: UnsafeMutablePointer<UInt8>
    private(set) var counts: UnsafeMutablePointer<Int32>
    private(set) var starts: UnsafeMutablePointer<Int>
    /// Next free entry while building a slot.
    private var cursor = 0
    /// Dense scratch histograms of four features (256 bins each), for building.
    private let scratchG = UnsafeMutablePointer<Double>.allocate(capacity: 256 * 4)
    private let scratchH = UnsafeMutablePointer<Double>.allocate(capacity: 256 * 4)
    private let scratchC = UnsafeMutablePointer<Int32>.allocate(capacity: 256 * 4)
    /// Per lane, the bins (plus 256 * lane) a sparse build touched first, in touch order.
    private let touched = UnsafeMutablePointer<UInt16>.allocate(capacity: 257 * 4)

    init(offsets: [Int], d: Int, storesHessians: Bool) {
        self.offsets = offsets
        self.d = d
        slotSize = offsets[d]
        self.storesHessians = storesHessians
        g = .allocate(capacity: 1)
        h = .allocate(capacity: 1)
        c = .allocate(capacity: 1)
        bin = .allocate(capacity: 1)
        counts = .allocate(capacity: 1)
        starts = .allocate(capacity: 1)
        scratchG.initialize(repeating: 0, count: 256 * 4)
        scratchH.initialize(repeating: 0, count: 256 * 4)
        scratchC.initialize(repeating: 0, count: 256 * 4)
        touched.initialize(repeating: 0, count: 257 * 4)
    }

    deinit {
        g.deallocate(); h.deallocate(); c.deallocate(); bin.deallocate(); counts.deallocate(); starts.deallocate()
        scratchG.deallocate(); scratchH.deallocate(); scratchC.deallocate(); touched.deallocate()
    }

    /// Makes room for `slots` slots (contents of existing slots are kept).
    func reserve(slots: Int) {
        guard slots > slotCapacity else { return }
        let newCapacity = max(slots, slotCapacity * 2, 4)
        func grow<T>(_ p: UnsafeMutablePointer<T>, _ per: Int, _ zero: T) -> UnsafeMutablePointer<T> {
            let q = UnsafeMutablePointer<T>.allocate(capacity: max(newCapacity * per, 1))
            q.initialize(repeating: zero, count: max(newCapacity * per, 1))
            if slotCapacity > 0 { q.update(from: p, count: slotCapacity * per) }
            p.deallocate()
            return q
        }
        g = grow(g, slotSize, 0)
        if storesHessians { h = grow(h, slotSize, 0) }
        c = grow(c, slotSize, 0)
        bin = grow(bin, slotSize, 0)
        counts = grow(counts, d, 0)
        starts = grow(starts, d, 0)
        slotCapacity = newCapacity
    }

    /// Starts building `slot` (every feature empty; `buildGroup` then appends features in increasing order).
    func beginBuild(slot: Int) {
        for f in 0..<d { counts[slot * d + f] = 0; starts[slot * d + f] = slot * slotSize }
        cursor = slot * slotSize
    }

    /// Builds the histograms of features `features[from..<from + lanes]` (lanes 1...4, increasing features) of
    /// `slot` from the `count` samples `rows[0..<count]` whose gradients (and hessians) are `og` / `oh` in the
    /// same order. `binned` is column-major with `n` rows; `bins[f]` is feature f's number of bins including the
    /// missing-values bin.
    ///
    /// The features are accumulated in one pass over the samples (independent dependency chains, one read of
    /// each row index); each bin's sums are still its samples' values added in sample order from 0.0.
    func buildGroup(slot: Int, features: [Int], from: Int, lanes: Int, rows: UnsafePointer<UInt32>, count: Int,
                    og: UnsafePointer<Float>, oh: UnsafePointer<Float>?, binned: UnsafePointer<UInt8>, n: Int,
                    bins: [Int]) {
        let dummy = d // a lane with no feature: accumulates into its scratch area, discarded
        let f0 = features[from]
        let f1 = lanes > 1 ? features[from + 1] : dummy
        let f2 = lanes > 2 ? features[from + 2] : dummy
        let f3 = lanes > 3 ? features[from + 3] : dummy
        buildGroup(slot: slot, (f0, f1, f2, f3), rows: rows, count: count, og: og, oh: oh, binned: binned, n: n,
                   bins: bins)
    }

    private func buildGroup(slot: Int, _ fs: (Int, Int, Int, Int), rows: UnsafePointer<UInt32>, count: Int,
                            og: UnsafePointer<Float>, oh: UnsafePointer<Float>?, binned: UnsafePointer<UInt8>,
                            n: Int, bins: [Int]) {
        let sg = scratchG, sh = scratchH, sc = scratchC
        // A dummy lane reads feature f0's column (valid memory) into its own scratch area, never emitted.
        let c0 = binned + fs.0 * n
        let c1 = fs.1 < d ? binned + fs.1 * n : c0
        let c2 = fs.2 < d ? binned + fs.2 * n : c0
        let c3 = fs.3 < d ? binned + fs.3 * n : c0
        var maxBins = bins[fs.0]
        if fs.1 < d { maxBins = max(maxBins, bins[fs.1]) }
        if fs.2 < d { maxBins = max(maxBins, bins[fs.2]) }
        if fs.3 < d { maxBins = max(maxBins, bins[fs.3]) }
        let sparse = count * 4 < maxBins
        let t = touched
        var k0 = 0, k1 = 0, k2 = 0, k3 = 0
        if let oh {
            if sparse {
                for i in 0..<count {
                    let r = Int(rows[i])
                    let gi = Double(og[i]), hi = Double(oh[i])
                    let b0 = Int(c0[r]), b1 = 256 + Int(c1[r]), b2 = 512 + Int(c2[r]), b3 = 768 + Int(c3[r])
                    t[k0] = UInt16(b0); k0 &+= sc[b0] == 0 ? 1 : 0
                    sg[b0] += gi; sh[b0] += hi; sc[b0] &+= 1
                    t[257 + k1] = UInt16(b1); k1 &+= sc[b1] == 0 ? 1 : 0
                    sg[b1] += gi; sh[b1] += hi; sc[b1] &+= 1
                    t[514 + k2] = UInt16(b2); k2 &+= sc[b2] == 0 ? 1 : 0
                    sg[b2] += gi; sh[b2] += hi; sc[b2] &+= 1
                    t[771 + k3] = UInt16(b3); k3 &+= sc[b3] == 0 ? 1 : 0
                    sg[b3] += gi; sh[b3] += hi; sc[b3] &+= 1
                }
            } else {
                for i in 0..<count {
                    let r = Int(rows[i])
                    let gi = Double(og[i]), hi = Double(oh[i])
                    let b0 = Int(c0[r]), b1 = 256 + Int(c1[r]), b2 = 512 + Int(c2[r]), b3 = 768 + Int(c3[r])
                    sg[b0] += gi; sh[b0] += hi; sc[b0] &+= 1
                    sg[b1] += gi; sh[b1] += hi; sc[b1] &+= 1
                    sg[b2] += gi; sh[b2] += hi; sc[b2] &+= 1
                    sg[b3] += gi; sh[b3] += hi; sc[b3] &+= 1
                }
            }
        } else {
            if sparse {
                for i in 0..<count {
                    let r = Int(rows[i])
                    let gi = Double(og[i])
                    let b0 = Int(c0[r]), b1 = 256 + Int(c1[r]), b2 = 512 + Int(c2[r]), b3 = 768 + Int(c3[r])
                    t[k0] = UInt16(b0); k0 &+= sc[b0] == 0 ? 1 : 0
                    sg[b0] += gi; sc[b0] &+= 1
                    t[257 + k1] = UInt16(b1); k1 &+= sc[b1] == 0 ? 1 : 0
                    sg[b1] += gi; sc[b1] &+= 1
                    t[514 + k2] = UInt16(b2); k2 &+= sc[b2] == 0 ? 1 : 0
                    sg[b2] += gi; sc[b2] &+= 1
                    t[771 + k3] = UInt16(b3); k3 &+= sc[b3] == 0 ? 1 : 0
                    sg[b3] += gi; sc[b3] &+= 1
                }
            } else {
                for i in 0..<count {
                    let r = Int(rows[i])
                    let gi = Double(og[i])
                    let b0 = Int(c0[r]), b1 = 256 + Int(c1[r]), b2 = 512 + Int(c2[r]), b3 = 768 + Int(c3[r])
                    sg[b0] += gi; sc[b0] &+= 1
                    sg[b1] += gi; sc[b1] &+= 1
                    sg[b2] += gi; sc[b2] &+= 1
                    sg[b3] += gi; sc[b3] &+= 1
                }
            }
        }
        let hessians = oh != nil
        emit(slot: slot, feature: fs.0, lane: 0, bins: bins, sparse: sparse, touchedCount: k0, hessians: hessians)
        emit(slot: slot, feature: fs.1, lane: 1, bins: bins, sparse: sparse, touchedCount: k1, hessians: hessians)
        emit(slot: slot, feature: fs.2, lane: 2, bins: bins, sparse: sparse, touchedCount: k2, hessians: hessians)
        emit(slot: slot, feature: fs.3, lane: 3, bins: bins, sparse: sparse, touchedCount: k3, hessians: hessians)
    }

    /// Moves one lane's scratch bins with samples into the slot, in increasing bin order, and clears them (a
    /// dummy lane, feature == d, is only cleared).
    @inline(__always)
    private func emit(slot: Int, feature f: Int, lane: Int, bins: [Int], sparse: Bool, touchedCount: Int,
                      hessians: Bool) {
        let sg = scratchG + lane * 256, sh = scratchH + lane * 256, sc = scratchC + lane * 256
        guard f < d else {
            for b in 0..<256 { sg[b] = 0; sh[b] = 0; sc[b] = 0 }
            return
        }
        let start = cursor
        let outG = g + start, outH = h + start, outC = c + start, outB = bin + start
        var k = 0
        @inline(__always) func put(_ b: Int) {
            outG[k] = sg[b]; outC[k] = sc[b]; outB[k] = UInt8(truncatingIfNeeded: b)
            sg[b] = 0; sc[b] = 0
            if hessians { outH[k] = sh[b]; sh[b] = 0 }
            k += 1
        }
        if sparse {
            let touched = self.touched + lane * 257
            var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0
            for j in 0..<touchedCount {
                let b = Int(touched[j]) - lane * 256
                let m = UInt64(1) << UInt64(b & 63)
                let word = b >> 6
                w0 |= word == 0 ? m : 0
                w1 |= word == 1 ? m : 0
                w2 |= word == 2 ? m : 0
                w3 |= word == 3 ? m : 0
            }
            @inline(__always) func putAll(_ offset: Int, _ w: UInt64) {
                var word = w
                while word != 0 {
                    put(offset + word.trailingZeroBitCount)
                    word &= word &- 1
                }
            }
            putAll(0, w0); putAll(64, w1); putAll(128, w2); putAll(192, w3)
        } else {
            for b in 0..<bins[f] where sc[b] != 0 { put(b) }
        }
        counts[slot * d + f] = Int32(truncatingIfNeeded: k)
        starts[slot * d + f] = start
        cursor = start + k
    }

    /// `target` = `parent` - `small`, in place in the parent's slot (the larger child's histogram). Entries that
    /// become exactly empty are dropped; the small child's bins are always among the parent's (it holds a subset
    /// of the parent's samples, and a bin with samples is never dropped).
    ///
    /// One feature at a time, in increasing feature order; `out` is the parent slot's write position (start it
    /// at the slot's first entry). Entries are compacted towards the slot's start: the write position never
    /// passes the read position.
    func subtract(parentSlot: Int, smallSlot: Int, feature f: Int, out: inout Int) {
        let g = self.g, h = self.h, c = self.c, bin = self.bin, counts = self.counts, starts = self.starts
        let storesHessians = self.storesHessians
        do {
            let p = starts[parentSlot * d + f], q = starts[smallSlot * d + f]
            let pc = Int(counts[parentSlot * d + f]), qc = Int(counts[smallSlot * d + f])
            var j = 0
            let wBase = out
            var w = 0
            for r in 0..<pc {
                let b = bin[p + r]
                var gv = g[p + r], cv = c[p + r]
                var hv = storesHessians ? h[p + r] : 0
                while j < qc && bin[q + j] < b { j += 1 }
                if j < qc && bin[q + j] == b {
                    gv = gv - g[q + j]
                    if storesHessians { hv = hv - h[q + j] }
                    cv = cv &- c[q + j]
                    j += 1
                }
                if cv == 0 && gv == 0 && hv == 0 { continue }
                g[wBase + w] = gv
                if storesHessians { h[wBase + w] = hv }
                c[wBase + w] = cv
                bin[wBase + w] = b
                w += 1
            }
            counts[parentSlot * d + f] = Int32(truncatingIfNeeded: w)
            starts[parentSlot * d + f] = wBase
            out = wBase + w
        }
    }
}
