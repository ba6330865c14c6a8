import AutopipeData
@testable import AutopipeOperators
import CAutopipeKernels
import Testing

/// HistGradientBoosting's split-scan kernel (`autopipe_hist_split_scan`) against a plain sequential scan written
/// here from the grower's rules (every bin in order, running sums, the same gain and constraints, strict `>` so the
/// first best wins), at every instruction level this CPU has (0: the SSE2 build). Histograms are random, with empty
/// bins, unmarked bins, constant or varying hessians, with and without a missing-values bin, and constraints that
/// rule out most thresholds. The golden digests of HistBoostingGoldenTests check the whole grower.
@Suite("HistGradientBoosting split-scan kernel")
struct HistSplitScanKernelTests {
    struct Found: Equatable {
        var gain: Double, bin: Int, missingLeft: Bool, gLeft: Double, hLeft: Double, nLeft: Int
    }

    static func reference(_ bins: [HistBin], binsNonMissing: Int, hasMissing: Bool, n: Int, sumG: Double,
                          sumH: Double, loss: Double, l2: Double, minLeaf: Int, minHess: Double,
                          constantHessian: Bool) -> Found? {
        func value(_ g: Double, _ h: Double) -> Double { -g / (h + l2 + 1e-15) }
        var best: Found?
        var bestGain = -1.0
        var gL = 0.0, hL = 0.0, nL = 0
        let end = binsNonMissing - 1 + (hasMissing ? 1 : 0)
        for b in 0..<max(end, 0) {
            nL += Int(bins[b].c)
            hL += constantHessian ? Double(bins[b].c) : bins[b].h
            gL += bins[b].g
            let gR = sumG - gL, hR = sumH - hL, nR = n - nL
            guard nL >= minLeaf, nR >= minLeaf, hL >= minHess, hR >= minHess else { continue }
            let gain = loss - gL * value(gL, hL) - gR * value(gR, hR)
            if gain > bestGain && gain > 0 {
                bestGain = gain
                best = Found(gain: gain, bin: b, missingLeft: false, gLeft: gL, hLeft: hL, nLeft: nL)
            }
        }
        guard hasMissing && binsNonMissing >= 2 else { return best }
        var gR = 0.0, hR = 0.0, nR = 0
        for j in stride(from: binsNonMissing - 1, through: 1, by: -1) {
            nR += Int(bins[j].c)
            hR += constantHessian ? Double(bins[j].c) : bins[j].h
            gR += bins[j].g
            let gL = sumG - gR, hL = sumH - hR, nL = n - nR
            guard nR >= minLeaf, nL >= minLeaf, hR >= minHess, hL >= minHess else { continue }
            let gain = loss - gL * value(gL, hL) - gR * value(gR, hR)
            if gain > bestGain && gain > 0 {
                bestGain = gain
                best = Found(gain: gain, bin: j - 1, missingLeft: true, gLeft: gL, hLeft: hL, nLeft: nL)
            }
        }
        return best
    }

    @Test(arguments: [2, 3, 17, 63, 64, 65, 130, 254, 255])
    func matchesSequentialScan(binsNonMissing: Int) {
        var rng = SeededGenerator(seed: UInt64(binsNonMissing) &* 977)
        var splits = 0, missingLeft = 0
        for round in 0..<40 {
            let hasMissing = round % 2 == 1 && binsNonMissing < 256
            let constantHessian = round % 4 == 2
            let count = binsNonMissing + 1
            var bins = [HistBin](repeating: HistBin(), count: count)
            var marks = [UInt64](repeating: 0, count: 4)
            let occupancy = [0.05, 0.3, 0.9][round % 3]
            for b in 0..<count where rng.nextDouble() < occupancy {
                let c = Int32(1 + Int(rng.nextDouble() * 30))
                let h = constantHessian ? Double(c) : Double(c) * (0.01 + 0.24 * rng.nextDouble())
                bins[b] = HistBin(g: (rng.nextDouble() * 2 - 1) * Double(c), h: h, c: c)
                marks[b >> 6] |= 1 << UInt64(b & 63)
            }
            if !hasMissing { bins[binsNonMissing] = HistBin() }
            // Some marked bins are empty (as after histogram subtraction), and the missing bin is only marked
            // when it holds something.
            for b in 0..<binsNonMissing where rng.nextDouble() < 0.05 { marks[b >> 6] |= 1 << UInt64(b & 63) }
            let n = bins.reduce(0) { $0 + Int($1.c) }
            let sumG = bins.reduce(0.0) { $0 + $1.g }
            let sumH = constantHessian ? Double(n) : bins.reduce(0.0) { $0 + $1.h }
            let l2 = [0.0, 0.001, 1.0][round % 3]
            let value = -sumG / (sumH + l2 + 1e-15)
            let loss = sumG * value
            let minLeaf = [1, 5, 20, n / 2][round % 4]
            let minHess = round % 5 == 4 ? sumH / 3 : 1e-3
            let expected = Self.reference(bins, binsNonMissing: binsNonMissing, hasMissing: hasMissing, n: n,
                                          sumG: sumG, sumH: sumH, loss: loss, l2: l2, minLeaf: minLeaf,
                                          minHess: minHess, constantHessian: constantHessian)
            splits += expected == nil ? 0 : 1
            missingLeft += expected?.missingLeft == true ? 1 : 0
            let end = binsNonMissing - 1 + (hasMissing ? 1 : 0)
            let top = hasMissing ? binsNonMissing - 1 : 0
            for level in 0...autopipe_kernels_level() {
                var scan = autopipe_split_scan()
                bins.withUnsafeBufferPointer { b in
                    marks.withUnsafeBufferPointer { m in
                        autopipe_hist_split_scan(level, b.baseAddress, m.baseAddress, end, top, n, sumG, sumH, loss,
                                                 l2, minLeaf, minHess, constantHessian ? 1 : 0, &scan)
                    }
                }
                let got = scan.found == 0 ? nil
                    : Found(gain: scan.gain, bin: scan.bin, missingLeft: scan.missing_left != 0, gLeft: scan.g_left,
                            hLeft: scan.h_left, nLeft: scan.n_left)
                #expect(got == expected, "level \(level), round \(round), \(binsNonMissing) bins")
            }
        }
        // The cases exercise both outcomes and both scan directions.
        #expect(binsNonMissing < 17 || (splits >= 10 && splits < 40), "\(splits) of 40 rounds found a split")
        #expect(binsNonMissing < 17 || missingLeft >= 1, "no split sent missing values left")
    }

    /// The kernel's exact gain of the winner, next to the reference, for one histogram at every level.
    static func check(_ bins: [HistBin], binsNonMissing: Int, l2: Double, minLeaf: Int, label: String) {
        var marks = [UInt64](repeating: 0, count: 4)
        for b in 0..<binsNonMissing where bins[b].c > 0 { marks[b >> 6] |= 1 << UInt64(b & 63) }
        let n = bins.reduce(0) { $0 + Int($1.c) }
        let sumG = bins.reduce(0.0) { $0 + $1.g }
        let sumH = bins.reduce(0.0) { $0 + $1.h }
        let loss = sumG * (-sumG / (sumH + l2 + 1e-15))
        let expected = reference(bins, binsNonMissing: binsNonMissing, hasMissing: false, n: n, sumG: sumG,
                                 sumH: sumH, loss: loss, l2: l2, minLeaf: minLeaf, minHess: 1e-3,
                                 constantHessian: false)
        for level in 0...autopipe_kernels_level() {
            var scan = autopipe_split_scan()
            bins.withUnsafeBufferPointer { b in
                marks.withUnsafeBufferPointer { m in
                    autopipe_hist_split_scan(level, b.baseAddress, m.baseAddress, binsNonMissing - 1, 0, n, sumG,
                                             sumH, loss, l2, minLeaf, 1e-3, 0, &scan)
                }
            }
            let got = scan.found == 0 ? nil
                : Found(gain: scan.gain, bin: scan.bin, missingLeft: scan.missing_left != 0, gLeft: scan.g_left,
                        hLeft: scan.h_left, nLeft: scan.n_left)
            #expect(got == expected, "level \(level), \(label)")
        }
    }

    /// The first exact maximum must win when gains tie or differ in their last bits (the kernel takes the maximum
    /// in eight lanes, then the first candidate equal to it). Mirror-symmetric histograms give thresholds whose
    /// gains tie in exact arithmetic and differ by a rounding or two in doubles; flat ones give long runs of nearly
    /// equal gains; tiny gradient differences give gains that differ far below float precision.
    @Test(arguments: [4, 9, 64, 200, 255])
    func nearTiesKeepTheFirstExactMaximum(binsNonMissing: Int) {
        var rng = SeededGenerator(seed: UInt64(binsNonMissing) &* 31)
        let half = binsNonMissing / 2
        for round in 0..<30 {
            var bins = [HistBin](repeating: HistBin(), count: binsNonMissing + 1)
            for b in 0..<half {
                let c = Int32(1 + Int(rng.nextDouble() * 9))
                let g = (rng.nextDouble() * 2 - 1) * Double(c)
                let h = Double(c) * (0.05 + 0.2 * rng.nextDouble())
                bins[b] = HistBin(g: g, h: h, c: c)
                // The mirror bin: the same sums (round 0 mod 3), the same up to a relative 1e-12 (1 mod 3), or
                // with the gradient's sign flipped (2 mod 3).
                let g2 = round % 3 == 0 ? g : round % 3 == 1 ? g * (1 + 1e-12) : -g
                bins[binsNonMissing - 1 - b] = HistBin(g: g2, h: h, c: c)
            }
            Self.check(bins, binsNonMissing: binsNonMissing, l2: [0, 0.001, 1][round % 3], minLeaf: 1 + round % 4,
                       label: "mirrored, round \(round)")
            // Flat: every bin the same, then a tiny perturbation of one bin.
            var flat = [HistBin](repeating: HistBin(g: 0.5, h: 0.25, c: 2), count: binsNonMissing + 1)
            flat[binsNonMissing] = HistBin()
            let k = Int(rng.nextDouble() * Double(binsNonMissing - 1))
            flat[k].g += [0, 1e-13, -1e-9][round % 3]
            Self.check(flat, binsNonMissing: binsNonMissing, l2: 0.001, minLeaf: 1, label: "flat, round \(round)")
        }
    }
}
