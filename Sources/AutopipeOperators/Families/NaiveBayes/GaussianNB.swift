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

        public func scores(_ x: Matrix) throws -> Matrix {
            var out = Matrix(rows: x.rows, columns: classCount)
            let d = x.columns
            let constant = (0..<classCount).map { k -> Double in
                guard logPrior[k].isFinite else { return 0 }
                return -0.5 * variance[k].reduce(0) { $0 + log(2 * Double.pi * $1) }
            }
            var joint = [Double](repeating: 0, count: classCount)
            x.values.withUnsafeBufferPointer { v in
                for r in 0..<x.rows {
                    let base = r * d
                    for k in 0..<classCount {
                        guard logPrior[k].isFinite else { joint[k] = -.infinity; continue }
                        var s = 0.0
                        let mu = theta[k], s2 = variance[k]
                        for c in 0..<d {
                            let diff = v[base + c] - mu[c]
                            s += diff * diff / s2[c]
                        }
                        joint[k] = logPrior[k] + constant[k] - 0.5 * s
                    }
                    let top = joint.max() ?? 0
                    var total = 0.0
                    for k in 0..<classCount { total += exp(joint[k] - top) }
                    for k in 0..<classCount { out[r, k] = exp(joint[k] - top) / total }
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
