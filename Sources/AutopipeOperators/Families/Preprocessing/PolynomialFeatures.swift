import AutopipeData

/// Polynomial and interaction features, as scikit-learn's `PolynomialFeatures` on dense input: the columns are,
/// in order, the bias (when `include_bias`), the features, then each degree's monomials in
/// `itertools.combinations_with_replacement` order (`combinations` with `interaction_only`). Each degree-d term is
/// computed as scikit-learn does, (its degree d-1 tail) * x[first factor], so values are bit-identical.
///
/// Deliberate difference: `degree` is an int (scikit-learn also takes a (min, max) tuple); `order` is accepted
/// and ignored (autopipe's matrices are always row-major). An output above 2^28 values is a typed error rather
/// than an allocation that could exhaust memory.
public struct PolynomialFeatures: Transformer {
    public static let name = "PolynomialFeatures"
    public static let role = OperatorRole.transformer
    public static let summary = "Adds polynomial and interaction terms of the features."
    public static let space = ParameterSpace([
        .integer("degree", 0..., default: 2, grid: [2]),
        .boolean("interaction_only", default: false, grid: [false]),
        .boolean("include_bias", default: true, grid: [false]),
        .choice("order", ["C", "F"], default: "C", grid: []),
    ], rule: { p in
        p.int("degree") == 0 && !p.bool("include_bias")
            ? "Setting degree to zero and include_bias to False would result in an empty output array." : nil
    })

    static let maximumOutputValues = 1 << 28

    public let parameters: Parameters
    let degree: Int
    let interactionOnly: Bool
    let includeBias: Bool

    public init(validated parameters: Parameters) {
        self.parameters = parameters
        degree = parameters.int("degree")
        interactionOnly = parameters.bool("interaction_only")
        includeBias = parameters.bool("include_bias")
    }

    public struct Fitted: FittedTransformer {
        public let inputColumns: Int
        public let degree: Int
        public let interactionOnly: Bool
        public let includeBias: Bool
        public let outputColumns: Int

        public func transform(_ x: Matrix) throws -> Matrix {
            let rows = x.rows, n = x.columns, width = outputColumns
            guard rows.multipliedReportingOverflow(by: width).partialValue <= PolynomialFeatures.maximumOutputValues
            else {
                throw OperatorError.invalidInput(operator: PolynomialFeatures.name,
                    reason: "the output would have \(rows) x \(width) values, more than autopipe allows")
            }
            let plan = PolynomialFeatures.plan(features: n, degree: degree, interactionOnly: interactionOnly,
                                               includeBias: includeBias)
            var out = [Double](repeating: 0, count: rows * width)
            x.values.withUnsafeBufferPointer { v in
                out.withUnsafeMutableBufferPointer { o in
                    guard let base = o.baseAddress else { return }
                    for r in 0..<rows {
                        let row = base + r * width
                        let source = r * n
                        var cursor = 0
                        if includeBias { row[0] = 1; cursor = 1 }
                        if degree >= 1 {
                            for c in 0..<n { row[cursor + c] = v[source + c] }
                        }
                        for block in plan {
                            let factor = v[source + block.feature]
                            var target = block.target
                            for j in block.start..<block.end {
                                row[target] = row[j] * factor
                                target += 1
                            }
                        }
                    }
                }
            }
            return Matrix(rows: rows, columns: width, values: out)
        }
    }

    /// One run of products: output columns `target ..< target + (end - start)` are columns `start ..< end`
    /// (terms of the previous degree) times input feature `feature`.
    struct Block {
        let feature: Int
        let start: Int
        let end: Int
        let target: Int
    }

    /// scikit-learn's index bookkeeping for degrees >= 2 (`_BasePolynomialFeatures.transform`, dense branch).
    static func plan(features n: Int, degree: Int, interactionOnly: Bool, includeBias: Bool)
        -> [Block]
    {
        var blocks: [Block] = []
        guard degree >= 2, n > 0 else { return blocks }
        var current = includeBias ? 1 : 0
        var index = Array(current..<(current + n))
        current += n
        index.append(current)
        for _ in 2...degree {
            var newIndex: [Int] = []
            guard let end = index.last else { break }
            for feature in 0..<n {
                guard feature < index.count else { break }
                var start = index[feature]
                newIndex.append(current)
                if interactionOnly {
                    guard feature + 1 < index.count else { break }
                    start += index[feature + 1] - index[feature]
                }
                let next = current + end - start
                if next <= current { break }
                blocks.append(Block(feature: feature, start: start, end: end, target: current))
                current = next
            }
            newIndex.append(current)
            index = newIndex
        }
        return blocks
    }

    /// The number of output columns.
    static func outputWidth(features n: Int, degree: Int, interactionOnly: Bool, includeBias: Bool) -> Int {
        var width = (includeBias ? 1 : 0) + (degree >= 1 ? n : 0)
        for block in plan(features: n, degree: degree, interactionOnly: interactionOnly, includeBias: includeBias) {
            width += block.end - block.start
        }
        return width
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> Fitted {
        // Guard the width before planning: the number of blocks grows with degree * features.
        if degree > 1, Double(x.columns) * Double(degree) > 1e6 || Self.combinationsExceed(x.columns, degree) {
            throw OperatorError.invalidInput(operator: Self.name,
                reason: "degree \(degree) on \(x.columns) features gives too many output columns")
        }
        let width = Self.outputWidth(features: x.columns, degree: degree, interactionOnly: interactionOnly,
                                     includeBias: includeBias)
        if Double(x.rows) * Double(width) > Double(Self.maximumOutputValues) {
            throw OperatorError.invalidInput(operator: Self.name,
                reason: "the output would have \(x.rows) x \(width) values, more than autopipe allows")
        }
        return Fitted(inputColumns: x.columns, degree: degree, interactionOnly: interactionOnly,
                      includeBias: includeBias, outputColumns: width)
    }

    /// Whether C(n + degree - 1, degree) (the number of top-degree terms) exceeds 2^28.
    static func combinationsExceed(_ n: Int, _ degree: Int) -> Bool {
        var count = 1.0
        for i in 0..<degree {
            count = count * Double(n + i) / Double(i + 1)
            if count > Double(maximumOutputValues) { return true }
        }
        return false
    }
}
