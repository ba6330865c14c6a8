import AutopipeData

/// Feature binning for histogram gradient boosting, as scikit-learn's `_BinMapper`: per feature, at most
/// `maxBins - 1` thresholds. A feature with at most `maxBins` distinct values gets the midpoints between
/// consecutive distinct values; otherwise the thresholds are numpy's `percentile(..., method="midpoint")` at
/// `linspace(0, 100, maxBins + 1)[1:-1]` (computed with the same floating-point steps). A value goes to the first
/// bin whose threshold is >= the value; NaN goes to the missing-values bin `maxBins`.
///
/// Difference: when there are more than 200,000 rows, scikit-learn computes thresholds on a random subsample of
/// 200,000 rows drawn with numpy's generator; autopipe draws its subsample with its own seeded generator.
struct HistBinMapper: Codable, Sendable {
    /// Thresholds per feature (ascending, may repeat).
    let thresholds: [[Double]]
    /// Number of non-missing bins per feature (thresholds + 1).
    let binsNonMissing: [Int]
    /// The index of the missing-values bin (= max_bins).
    let missingBin: Int

    static let almostInfinity = 1e300
    static let subsampleSize = 200_000

    init(fitting x: Matrix, rows: [Int], maxBins: Int, generator: inout SeededGenerator, context: FitContext) throws {
        var sampleRows = rows
        if sampleRows.count > Self.subsampleSize {
            // Partial Fisher-Yates: the first `subsampleSize` entries become a uniform sample without replacement.
            for i in 0..<Self.subsampleSize {
                let j = i + generator.nextInt(below: sampleRows.count - i)
                sampleRows.swapAt(i, j)
            }
            sampleRows = Array(sampleRows.prefix(Self.subsampleSize))
        }
        var thresholds: [[Double]] = []
        var column = [Double]()
        column.reserveCapacity(sampleRows.count)
        let d = x.columns
        for f in 0..<d {
            try context.check()
            x.values.withUnsafeBufferPointer { v in
                column.removeAll(keepingCapacity: true)
                for r in sampleRows {
                    let value = v[r * d + f]
                    if !value.isNaN { column.append(value) }
                }
                thresholds.append(Self.findThresholds(&column, maxBins: maxBins))
            }
        }
        self.thresholds = thresholds
        binsNonMissing = thresholds.map { $0.count + 1 }
        missingBin = maxBins
    }

    /// scikit-learn's `_find_binning_thresholds` on the non-missing values of one column (sorted in place).
    static func findThresholds(_ column: inout [Double], maxBins: Int) -> [Double] {
        column.sort()
        var distinct: [Double] = []
        for value in column where distinct.last != value { distinct.append(value) }
        var midpoints: [Double] = []
        if distinct.count <= maxBins {
            if distinct.count >= 2 {
                midpoints.reserveCapacity(distinct.count - 1)
                for i in 0..<(distinct.count - 1) { midpoints.append((distinct[i] + distinct[i + 1]) * 0.5) }
            }
        } else {
            // numpy: percentiles = linspace(0, 100, maxBins + 1)[1:-1]; q = p / 100;
            // virtual index = 0.5 * (floor((n-1) q) + ceil((n-1) q)); midpoint interpolation.
            let n = column.count
            let step = 100.0 / Double(maxBins)
            midpoints.reserveCapacity(maxBins - 1)
            for i in 1..<maxBins {
                let q = (Double(i) * step) / 100.0
                let position = Double(n - 1) * q
                let virtualIndex = 0.5 * (position.rounded(.down) + position.rounded(.up))
                let lower = min(max(Int(virtualIndex.rounded(.down)), 0), n - 1)
                let upper = min(lower + 1, n - 1)
                let gamma = virtualIndex.truncatingRemainder(dividingBy: 1) == 0 ? 0.0 : 0.5
                let a = column[lower], b = column[upper]
                let diff = b - a
                midpoints.append(gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma)
            }
        }
        for i in midpoints.indices where midpoints[i] > almostInfinity { midpoints[i] = almostInfinity }
        return midpoints
    }

    /// The binned rows of `x`, column-major (`f * rows.count + i`). Internally the missing-values bin of feature
    /// `f` is coded `binsNonMissing[f]` (scikit-learn codes it `max_bins`; only the code differs: it still sorts
    /// after every non-missing bin), so histograms only span the bins a feature uses.
    func transform(_ x: Matrix, rows: [Int]) -> [UInt8] {
        let n = rows.count, d = x.columns
        var out = [UInt8](repeating: 0, count: n * d)
        x.values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                for f in 0..<d {
                    thresholds[f].withUnsafeBufferPointer { t in
                        let count = t.count
                        let missingCode = UInt8(truncatingIfNeeded: count + 1)
                        for (i, r) in rows.enumerated() {
                            let value = v[r * d + f]
                            if value.isNaN { o[f * n + i] = missingCode; continue }
                            var left = 0, right = count
                            while left < right {
                                let middle = left + (right - left - 1) / 2
                                if value <= t[middle] { right = middle } else { left = middle + 1 }
                            }
                            o[f * n + i] = UInt8(truncatingIfNeeded: left)
                        }
                    }
                }
            }
        }
        return out
    }
}
