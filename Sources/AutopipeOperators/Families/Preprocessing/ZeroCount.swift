import AutopipeData

/// TPOT's builtin `ZeroCount` (tpot/builtins/zero_count.py): prepends two columns to the input, first the number
/// of zeros in the row, then the number of non-zeros (`hstack((zero_col, hstack((non_zero, X))))`).
public struct ZeroCount: Transformer {
    public static let name = "ZeroCount"
    public static let role = OperatorRole.transformer
    public static let summary = "Prepends the count of zero and of non-zero values of each row (TPOT builtin)."
    public static let space: ParameterSpace = []

    public let parameters: Parameters

    public init(validated parameters: Parameters) {
        self.parameters = parameters
    }

    public struct Fitted: FittedTransformer {
        public let inputColumns: Int

        public func transform(_ x: Matrix) throws -> Matrix {
            let rows = x.rows, columns = x.columns, width = columns + 2
            var out = [Double](repeating: 0, count: rows * width)
            x.values.withUnsafeBufferPointer { v in
                out.withUnsafeMutableBufferPointer { o in
                    for r in 0..<rows {
                        var nonZero = 0
                        let source = r * columns, target = r * width
                        for c in 0..<columns {
                            let value = v[source + c]
                            if value != 0 { nonZero += 1 }
                            o[target + 2 + c] = value
                        }
                        o[target] = Double(columns - nonZero)
                        o[target + 1] = Double(nonZero)
                    }
                }
            }
            return Matrix(rows: rows, columns: width, values: out)
        }
    }

    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> Fitted {
        Fitted(inputColumns: x.columns)
    }
}
