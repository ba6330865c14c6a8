import AutopipeData

/// A type-erased operator, as the registry, pipelines and the search see it. It is also the one place where
/// input is checked at the boundary (empty input, NaN/inf, column count), so operators can trust their input.
public struct AnyOperator: Sendable {
    public let base: any Operator

    public init(_ base: any Operator) {
        self.base = base
    }

    public var name: String { type(of: base).name }
    public var role: OperatorRole { type(of: base).role }
    public var parameters: Parameters { base.parameters }
    public var acceptsMissingValues: Bool { type(of: base).acceptsMissingValues }

    /// NaN is allowed only where the operator handles it; infinity never is.
    static func checkValues(_ x: Matrix, acceptsMissing: Bool, operator name: String) throws {
        switch x.finiteness {
        case .finite: return
        case .missingOnly: if !acceptsMissing { throw OperatorError.nonFiniteInput(operator: name) }
        case .infinite: throw OperatorError.nonFiniteInput(operator: name)
        }
    }

    /// Fits on `x` and `y`. Classifiers need class targets and regressors real ones.
    public func fit(_ x: Matrix, _ y: Targets, context: FitContext) throws -> AnyFitted {
        if x.rows == 0 || x.columns == 0 { throw OperatorError.emptyInput(operator: name) }
        try AnyOperator.checkValues(x, acceptsMissing: acceptsMissingValues, operator: name)
        try context.check()
        switch base {
        case let transformer as any Transformer:
            return AnyFitted(name: name, model: .transformer(try transformer.fit(x, y, context: context)))
        case let classifier as any Classifier:
            guard case .classes(let labels, let classCount) = y else {
                throw OperatorError.wrongTask(operator: name, expected: "class")
            }
            return AnyFitted(name: name, model: .classifier(
                try classifier.fit(x, labels, classCount: classCount, context: context)))
        case let regressor as any Regressor:
            guard case .values(let values) = y else {
                throw OperatorError.wrongTask(operator: name, expected: "real-valued")
            }
            return AnyFitted(name: name, model: .regressor(try regressor.fit(x, values, context: context)))
        default:
            throw OperatorError.invalidPipeline(reason: "\(name) is neither a transformer nor a learner")
        }
    }
}

/// A type-erased fitted operator with its operator name, checking inputs before delegating.
public struct AnyFitted: Sendable {
    public enum Model: Sendable {
        case transformer(any FittedTransformer)
        case classifier(any FittedClassifier)
        case regressor(any FittedRegressor)
    }

    public let name: String
    public let model: Model

    public init(name: String, model: Model) {
        self.name = name
        self.model = model
    }

    public var inputColumns: Int {
        switch model {
        case .transformer(let m): return m.inputColumns
        case .classifier(let m): return m.inputColumns
        case .regressor(let m): return m.inputColumns
        }
    }

    var acceptsMissingValues: Bool {
        OperatorRegistry.standard.entry(named: name)?.acceptsMissingValues ?? false
    }

    func checkInput(_ x: Matrix) throws {
        if x.columns != inputColumns {
            throw OperatorError.wrongColumnCount(operator: name, expected: inputColumns, found: x.columns)
        }
        try AnyOperator.checkValues(x, acceptsMissing: acceptsMissingValues, operator: name)
    }

    public func transform(_ x: Matrix) throws -> Matrix {
        try checkInput(x)
        guard case .transformer(let m) = model else {
            throw OperatorError.invalidPipeline(reason: "\(name) is not a transformer")
        }
        return try m.transform(x)
    }

    public func predictClasses(_ x: Matrix) throws -> [Int] {
        try checkInput(x)
        guard case .classifier(let m) = model else {
            throw OperatorError.invalidPipeline(reason: "\(name) is not a classifier")
        }
        return try m.predict(x)
    }

    public func classScores(_ x: Matrix) throws -> (scores: Matrix, areProbabilities: Bool) {
        try checkInput(x)
        guard case .classifier(let m) = model else {
            throw OperatorError.invalidPipeline(reason: "\(name) is not a classifier")
        }
        return (try m.scores(x), m.scoresAreProbabilities)
    }

    public func predictValues(_ x: Matrix) throws -> [Double] {
        try checkInput(x)
        guard case .regressor(let m) = model else {
            throw OperatorError.invalidPipeline(reason: "\(name) is not a regressor")
        }
        return try m.predict(x)
    }

    /// Predictions in the form metrics take.
    public func predictions(_ x: Matrix) throws -> Predictions {
        switch model {
        case .classifier(let m):
            try checkInput(x)
            let scores = try m.scores(x)
            return .classes(try m.predict(x), scores: scores, scoresAreProbabilities: m.scoresAreProbabilities)
        case .regressor:
            return .values(try predictValues(x))
        case .transformer:
            throw OperatorError.invalidPipeline(reason: "\(name) is a transformer and cannot predict")
        }
    }
}

extension AnyFitted: Codable {
    enum CodingKeys: String, CodingKey { case `operator`, state }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .operator)
        guard let entry = OperatorRegistry.standard.entry(named: name) else {
            throw OperatorError.unknownOperator(
                name: name, suggestion: NameSuggestion.closest(to: name, in: OperatorRegistry.standard.names))
        }
        let stateDecoder = try container.superDecoder(forKey: .state)
        self.init(name: name, model: try entry.decodeFitted(stateDecoder))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .operator)
        let stateEncoder = container.superEncoder(forKey: .state)
        switch model {
        case .transformer(let m): try m.encode(to: stateEncoder)
        case .classifier(let m): try m.encode(to: stateEncoder)
        case .regressor(let m): try m.encode(to: stateEncoder)
        }
    }
}
