import AutopipeData
#if canImport(Glibc)
import Glibc
#endif

/// The state and prediction shared by the discrete naive Bayes classifiers (BernoulliNB, MultinomialNB), as
/// scikit-learn's `_BaseDiscreteNB`: the joint log-likelihood is `X @ W.T + b` for a per-class weight matrix `W`
/// and offset `b`; `predict_proba` is its softmax over the classes seen in training and `predict` its argmax.
///
/// Classes absent from the training fold get probability 0 (their offset is -inf); the priors are computed over
/// the classes present, as scikit-learn's label binarizer only knows those.
struct DiscreteNBModel: Codable, Sendable {
    let inputColumns: Int
    let classCount: Int
    /// classCount x inputColumns, row-major (rows of absent classes are zero).
    let weights: [Double]
    /// Per class; -inf for classes absent from training.
    let offsets: [Double]
    /// BernoulliNB's threshold (nil: no binarisation).
    let binarize: Double?

    /// Per-class sums of the rows of `x` (row-major classCount x d) and per-class counts.
    static func count(_ x: Matrix, _ y: [Int], classCount: Int, binarize: Double?) -> (features: [Double], classes: [Double]) {
        let d = x.columns
        var features = [Double](repeating: 0, count: classCount * d)
        var classes = [Double](repeating: 0, count: classCount)
        x.values.withUnsafeBufferPointer { v in
            features.withUnsafeMutableBufferPointer { f in
                for r in 0..<x.rows {
                    let k = y[r]
                    guard k >= 0 && k < classCount else { continue }
                    classes[k] += 1
                    let base = r * d, out = k * d
                    if let threshold = binarize {
                        for c in 0..<d where v[base + c] > threshold { f[out + c] += 1 }
                    } else {
                        for c in 0..<d { f[out + c] += v[base + c] }
                    }
                }
            }
        }
        return (features, classes)
    }

    /// scikit-learn's `_update_class_log_prior` over the present classes (absent ones: -inf).
    static func classLogPrior(_ classCounts: [Double], fitPrior: Bool) -> [Double] {
        let present = classCounts.filter { $0 > 0 }
        let total = present.reduce(0, +)
        return classCounts.map { c in
            guard c > 0 else { return -.infinity }
            return fitPrior ? log(c) - log(total) : -log(Double(present.count))
        }
    }

    /// The joint log-likelihood, n x classCount.
    func jointLogLikelihood(_ x: Matrix) -> Matrix {
        let d = inputColumns, n = x.rows
        var out = [Double](repeating: 0, count: n * classCount)
        x.values.withUnsafeBufferPointer { v in
            weights.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { o in
                    for r in 0..<n {
                        let base = r * d
                        for k in 0..<classCount {
                            let b = offsets[k]
                            guard b.isFinite else { o[r * classCount + k] = -.infinity; continue }
                            var s = 0.0
                            let wk = k * d
                            if let threshold = binarize {
                                for c in 0..<d where v[base + c] > threshold { s += w[wk + c] }
                            } else {
                                for c in 0..<d { s += v[base + c] * w[wk + c] }
                            }
                            o[r * classCount + k] = s + b
                        }
                    }
                }
            }
        }
        return Matrix(rows: n, columns: classCount, values: out)
    }

    /// `predict_proba`: exp(jll - logsumexp(jll)).
    func probabilities(_ x: Matrix) -> Matrix {
        var jll = jointLogLikelihood(x)
        let k = classCount
        jll.values.withUnsafeMutableBufferPointer { p in
            for r in 0..<x.rows {
                let base = r * k
                var top = -Double.infinity
                for c in 0..<k where p[base + c] > top { top = p[base + c] }
                var total = 0.0
                for c in 0..<k where p[base + c] > -.infinity { total += exp(p[base + c] - top) }
                let logNorm = top + log(total)
                for c in 0..<k { p[base + c] = p[base + c] > -.infinity ? exp(p[base + c] - logNorm) : 0 }
            }
        }
        return jll
    }
}
