import AutopipeData
#if canImport(Glibc)
import Glibc
#endif

/// Gaussian naive Bayes, as scikit-learn's: per-class means and variances, with `var_smoothing` times the
/// largest feature variance added to every variance.
public struct GaussianNB: Classifier {
    public static let name = "GaussianNB"
    public static let role = OperatorRole.classifier
    public static let summary = "Naive Bayes with a Gaussian likelihood per feature and class."
    public static let space: ParameterSpace = [
        .real("var_smoothing", atLeast: 0, default: 1e-9, grid: []),
    ]

    public let parameters: Parameters
    let varSmoothing: Double

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        varSmoothing = parameters.double("var_smoothing")
    }

    public struct Fitted: FittedClassifier {
        public let inputColumns: Int
        public let classCount: Int
        public var scoresAreProbabilities: Bool { true }
        let logPrior: [Double]      // -inf for classes absent from training
        let theta: [[Double]]
        let variance: [[Double]]

        /// predict_proba: the joint log-likelihoods normalised with one `exp` per entry.
        public func scores(_ x: Matrix) throws -> Matrix {
            var out = jointLogLikelihood(x)
            let k = classCount
            out.values.withUnsafeMutableBufferPointer { v in
                guard let base = v.baseAddress else { return }
                for r in 0..<x.rows {
                    let row = base + r * k
                    var top = -Double.infinity
                    for c in 0..<k where row[c] > top { top = row[c] }
                    var total = 0.0
                    for c in 0..<k {
                        row[c] = exp(row[c] - top)
                        total += row[c]
                    }
                    for c in 0..<k { row[c] /= total }
                }
            }
            return out
        }

        /// As scikit-learn's `predict`: the class of the largest joint log-likelihood (first on ties), no `exp`.
        public func predict(_ x: Matrix) throws -> [Int] {
            jointLogLikelihood(x).argmaxPerRow()
        }

        /// log P(class) + log P(row | class) for every row and class (-inf for classes absent from training).
        func jointLogLikelihood(_ x: Matrix) -> Matrix {
            var out = Matrix(rows: x.rows, columns: classCount)
            let d = x.columns, k = classCount
            let constant = (0..<k).map { c -> Double in
                guard logPrior[c].isFinite else { return 0 }
                return -0.5 * variance[c].reduce(0) { $0 + log(2 * Double.pi * $1) }
            }
            // Multiplying by 1 / variance instead of dividing per value and class (the product can differ from
            // scikit-learn's quotient in the last bit; the fixtures allow 1e-6).
            let means = theta.flatMap { $0 }, inverses = variance.flatMap { $0 }.map { 1 / $0 }
            let rows = x.rows
            x.values.withUnsafeBufferPointer { vb in
                means.withUnsafeBufferPointer { mub in
                    inverses.withUnsafeBufferPointer { inb in
                        out.values.withUnsafeMutableBufferPointer { ob in
                            guard let v = vb.baseAddress, let mu = mub.baseAddress, let inverse = inb.baseAddress,
                                  let o = ob.baseAddress else { return }
                            // Four rows at a time: each row's sum runs over the columns in order as before, but
                            // the four sums are independent, so their additions overlap instead of waiting on one
                            // another.
                            var r = 0
                            while r < rows {
                                let block = min(4, rows &- r)
                                for c in 0..<k {
                                    guard logPrior[c].isFinite else {
                                        for q in 0..<block { o[(r &+ q) &* k &+ c] = -.infinity }
                                        continue
                                    }
                                    let m = mu + c &* d, w = inverse + c &* d
                                    let bias = logPrior[c] + constant[c]
                                    if block == 4 {
                                        let x0 = v + r &* d, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d
                                        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                                        for j in 0..<d {
                                            let mj = m[j], wj = w[j]
                                            let d0 = x0[j] - mj, d1 = x1[j] - mj, d2 = x2[j] - mj, d3 = x3[j] - mj
                                            s0 += d0 * d0 * wj
                                            s1 += d1 * d1 * wj
                                            s2 += d2 * d2 * wj
                                            s3 += d3 * d3 * wj
                                        }
                                        o[r &* k &+ c] = bias - 0.5 * s0
                                        o[(r &+ 1) &* k &+ c] = bias - 0.5 * s1
                                        o[(r &+ 2) &* k &+ c] = bias - 0.5 * s2
                                        o[(r &+ 3) &* k &+ c] = bias - 0.5 * s3
                                    } else {
                                        for q in 0..<block {
                                            let row = v + (r &+ q) &* d
                                            var sum = 0.0
                                            for j in 0..<d {
                                                let diff = row[j] - m[j]
                                                sum += diff * diff * w[j]
                                            }
                                            o[(r &+ q) &* k &+ c] = bias - 0.5 * sum
                                        }
                                    }
                                }
                                r &+= block
                            }
                        }
                    }
                }
            }
            return out
        }
    }

    public func fit(_ x: Matrix, _ y: [Int], classCount: Int, context: FitContext) throws -> Fitted {
        let n = x.rows, d = x.columns
        let epsilon = varSmoothing * (ColumnStatistics(x).variance.max() ?? 0)
        var counts = [Double](repeating: 0, count: classCount)
        var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: classCount)
        for r in 0..<n {
            counts[y[r]] += 1
            for c in 0..<d { sums[y[r]][c] += x[r, c] }
        }
        if counts.filter({ $0 > 0 }).count < 2 {
            throw OperatorError.tooFewClasses(operator: Self.name, found: counts.filter { $0 > 0 }.count)
        }
        let theta = (0..<classCount).map { k in sums[k].map { counts[k] > 0 ? $0 / counts[k] : 0 } }
        var variance = [[Double]](repeating: [Double](repeating: 0, count: d), count: classCount)
        for r in 0..<n {
            let k = y[r]
            for c in 0..<d {
                let diff = x[r, c] - theta[k][c]
                variance[k][c] += diff * diff
            }
        }
        for k in 0..<classCount {
            for c in 0..<d { variance[k][c] = (counts[k] > 0 ? variance[k][c] / counts[k] : 0) + epsilon }
        }
        if epsilon == 0, variance.joined().contains(where: { $0 == 0 }) {
            throw OperatorError.numerical(operator: Self.name, detail: "a feature has zero variance within a class; raise var_smoothing")
        }
        let logPrior = counts.map { $0 > 0 ? log($0 / Double(n)) : -.infinity }
        return Fitted(inputColumns: d, classCount: classCount, logPrior: logPrior, theta: theta, variance: variance)
    }
}
