import AutopipeData
#if canImport(Glibc)
import Glibc
#endif

/// How a fitted linear classifier turns decision values into `scores`.
enum LinearScoreKind: String, Codable, Sendable {
    /// `decision_function` values (LinearSVC, SGD with hinge-like losses).
    case decision
    /// Softmax of the decision values (multinomial logistic regression).
    case softmax
    /// Logistic sigmoid of each one-vs-rest decision value, normalised per row (scikit-learn's
    /// `_predict_proba_lr`; for one decision value: [1 - p, p]).
    case sigmoid
    /// SGD's modified-Huber probabilities: (clip(d, -1, 1) + 1) / 2, normalised per row.
    case modifiedHuber
}

/// The classes present in a training set, and the labels re-encoded to 0..<present.count (scikit-learn's
/// `classes_` are the present ones; absent classes get probability 0 / the lowest decision value).
struct PresentClasses: Sendable {
    let present: [Int]
    let encoded: [Int]

    init(_ y: [Int], classCount: Int, operator name: String) throws {
        var seen = [Bool](repeating: false, count: max(classCount, 1))
        for label in y {
            guard label >= 0 && label < classCount else {
                throw OperatorError.invalidInput(operator: name, reason: "class index \(label) outside 0..<\(classCount)")
            }
            seen[label] = true
        }
        present = (0..<classCount).filter { seen[$0] }
        if present.count < 2 { throw OperatorError.tooFewClasses(operator: name, found: present.count) }
        var index = [Int](repeating: 0, count: classCount)
        for (i, c) in present.enumerated() { index[c] = i }
        encoded = y.map { index[$0] }
    }

    /// +1 for class `k` (encoded), -1 otherwise.
    func signs(positive k: Int) -> [Double] { encoded.map { $0 == k ? 1 : -1 } }
}

/// A fitted linear classifier: `m` decision functions (m = 1 for two present classes, else one per present
/// class) over `inputColumns` features.
struct LinearClassifierState: Codable, Sendable {
    let inputColumns: Int
    let classCount: Int
    let presentClasses: [Int]
    /// Row-major m x inputColumns.
    let coef: [Double]
    let intercept: [Double]
    let kind: LinearScoreKind

    var functionCount: Int { intercept.count }

    /// Raw decision values, n x m.
    func decision(_ x: Matrix) -> [Double] {
        let n = x.rows, d = inputColumns, m = functionCount
        var out = [Double](repeating: 0, count: n * m)
        out.withUnsafeMutableBufferPointer { o in
            for r in 0..<n { for k in 0..<m { o[r * m + k] = intercept[k] } }
            x.values.withUnsafeBufferPointer { xv in
                coef.withUnsafeBufferPointer { cv in
                    if let xp = xv.baseAddress, let cp = cv.baseAddress, let op = o.baseAddress {
                        LinearBLAS.gemm(transA: false, transB: true, m: n, n: m, k: d, xp, lda: d, cp, ldb: d,
                                        beta: 1, op, ldc: m)
                    }
                }
            }
        }
        return out
    }

    func scores(_ x: Matrix) -> Matrix {
        let n = x.rows, m = functionCount, k = classCount
        let raw = decision(x)
        var out = Matrix(rows: n, columns: k)
        let present = presentClasses
        out.values.withUnsafeMutableBufferPointer { o in
            raw.withUnsafeBufferPointer { dv in
                var row = [Double](repeating: 0, count: present.count)
                for r in 0..<n {
                    // Per-present-class values for this row.
                    if m == 1 {
                        let d = dv[r]
                        switch kind {
                        case .decision: row[0] = -d; row[1] = d
                        case .softmax, .sigmoid:
                            let p = Self.sigmoid(d)
                            row[0] = 1 - p; row[1] = p
                        case .modifiedHuber:
                            let p = (min(max(d, -1), 1) + 1) / 2
                            row[0] = 1 - p; row[1] = p
                        }
                    } else {
                        for j in 0..<m { row[j] = dv[r * m + j] }
                        switch kind {
                        case .decision: break
                        case .softmax:
                            var top = -Double.infinity
                            for j in 0..<m { top = max(top, row[j]) }
                            var total = 0.0
                            for j in 0..<m { row[j] = exp(row[j] - top); total += row[j] }
                            for j in 0..<m { row[j] /= total }
                        case .sigmoid:
                            var total = 0.0
                            for j in 0..<m { row[j] = Self.sigmoid(row[j]); total += row[j] }
                            for j in 0..<m { row[j] = total > 0 ? row[j] / total : 1 / Double(m) }
                        case .modifiedHuber:
                            var total = 0.0
                            for j in 0..<m { row[j] = (min(max(row[j], -1), 1) + 1) / 2; total += row[j] }
                            for j in 0..<m { row[j] = total > 0 ? row[j] / total : 1 / Double(m) }
                        }
                    }
                    let base = r * k
                    if present.count < k {
                        // Absent classes: probability 0, or a decision value below every present one.
                        var floor = 0.0
                        if kind == .decision {
                            var low = Double.infinity
                            for j in 0..<present.count { low = min(low, row[j]) }
                            floor = low - 1
                        }
                        for c in 0..<k { o[base + c] = floor }
                    }
                    for (j, c) in present.enumerated() { o[base + c] = row[j] }
                }
            }
        }
        return out
    }

    /// Predicted classes: the argmax of the decision values (first on ties), as scikit-learn.
    func predict(_ x: Matrix) -> [Int] {
        let n = x.rows, m = functionCount
        let raw = decision(x)
        var out = [Int](repeating: 0, count: n)
        for r in 0..<n {
            if m == 1 {
                out[r] = presentClasses[raw[r] > 0 ? 1 : 0]
            } else {
                var best = 0
                var bestValue = -Double.infinity
                for j in 0..<m where raw[r * m + j] > bestValue {
                    bestValue = raw[r * m + j]
                    best = j
                }
                out[r] = presentClasses[best]
            }
        }
        return out
    }

    @inline(__always)
    static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }
}

/// A fitted linear regressor: y = x . coef + intercept.
struct LinearRegressorState: Codable, Sendable {
    let inputColumns: Int
    let coef: [Double]
    let intercept: Double

    func predict(_ x: Matrix) -> [Double] {
        let n = x.rows
        var out = [Double](repeating: intercept, count: n)
        x.values.withUnsafeBufferPointer { xv in
            coef.withUnsafeBufferPointer { cv in
                out.withUnsafeMutableBufferPointer { o in
                    if let xp = xv.baseAddress, let cp = cv.baseAddress, let op = o.baseAddress {
                        LinearBLAS.gemv(xp, rows: n, columns: inputColumns, cp, op, beta: 1)
                    }
                }
            }
        }
        return out
    }
}

/// Centred copies of X and y and their means (scikit-learn's `_preprocess_data` without sample weights).
struct CenteredData {
    var x: [Double]
    var y: [Double]
    let xMean: [Double]
    let yMean: Double
    let rows: Int
    let columns: Int

    init(_ matrix: Matrix, _ target: [Double], fitIntercept: Bool) {
        rows = matrix.rows
        columns = matrix.columns
        x = matrix.values
        y = target
        if fitIntercept {
            let means = matrix.columnMeans()
            xMean = means
            var sum = 0.0
            for v in target { sum += v }
            let ym = target.isEmpty ? 0 : sum / Double(target.count)
            yMean = ym
            let d = columns
            x.withUnsafeMutableBufferPointer { v in
                for r in 0..<rows { for c in 0..<d { v[r * d + c] -= means[c] } }
            }
            for i in 0..<y.count { y[i] -= ym }
        } else {
            xMean = [Double](repeating: 0, count: columns)
            yMean = 0
        }
    }
}

/// scikit-learn's `KFold(n_splits)` without shuffling: contiguous test folds, the first n % k one row longer.
func contiguousFolds(rows n: Int, folds k: Int) -> [[Int]] {
    var out: [[Int]] = []
    var start = 0
    for f in 0..<k {
        let size = n / k + (f < n % k ? 1 : 0)
        out.append(Array(start..<(start + size)))
        start += size
    }
    return out
}

/// The fitted form shared by LogisticRegression, LinearSVC and SGDClassifier.
public struct FittedLinearClassifier: FittedClassifier {
    let state: LinearClassifierState

    public var inputColumns: Int { state.inputColumns }
    public var classCount: Int { state.classCount }
    public var scoresAreProbabilities: Bool { state.kind != .decision }
    /// Row-major decision-function coefficients (one row per decision function) and intercepts.
    public var coefficients: [Double] { state.coef }
    public var intercepts: [Double] { state.intercept }

    public func scores(_ x: Matrix) throws -> Matrix { state.scores(x) }
    public func predict(_ x: Matrix) throws -> [Int] { state.predict(x) }
}

/// The fitted form shared by the linear regressors.
public struct FittedLinearRegressor: FittedRegressor {
    let state: LinearRegressorState

    public var inputColumns: Int { state.inputColumns }
    public var coefficients: [Double] { state.coef }
    public var intercept: Double { state.intercept }

    public func predict(_ x: Matrix) throws -> [Double] { state.predict(x) }

    init(inputColumns: Int, coef: [Double], intercept: Double) {
        state = LinearRegressorState(inputColumns: inputColumns, coef: coef, intercept: intercept)
    }
}

/// Non-finite fitted coefficients become a typed error (scikit-learn would return NaN predictions or raise).
func checkFinite(_ values: [Double], operator name: String) throws {
    for v in values where !v.isFinite {
        throw OperatorError.numerical(operator: name, detail: "the fitted coefficients are not finite; scale the features")
    }
}

/// Fisher-Yates shuffle of an index array, the same sequence as `SeededGenerator.shuffle` but specialised for
/// `[Int]` (the generic one goes through witness tables from another module: slow in per-epoch loops).
func shuffleIndices(_ array: inout [Int], _ generator: inout SeededGenerator) {
    array.withUnsafeMutableBufferPointer { shuffleIndices($0, &generator) }
}

/// The same shuffle on a buffer.
func shuffleIndices(_ a: UnsafeMutableBufferPointer<Int>, _ generator: inout SeededGenerator) {
    var i = a.count - 1
    while i > 0 {
        let j = generator.nextInt(below: i + 1)
        if i != j { a.swapAt(i, j) }
        i -= 1
    }
}
