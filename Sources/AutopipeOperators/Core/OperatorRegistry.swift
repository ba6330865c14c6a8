import AutopipeData

/// One registered operator: how to build it, how to decode its fitted state, and its declaration.
public struct OperatorEntry: Sendable {
    public let name: String
    public let role: OperatorRole
    public let space: ParameterSpace
    public let summary: String
    public let acceptsMissingValues: Bool
    let build: @Sendable (Parameters) throws -> AnyOperator
    let decodeFitted: @Sendable (Decoder) throws -> AnyFitted.Model

    public init<T: Transformer>(_ type: T.Type) {
        name = T.name
        role = T.role
        space = T.space
        summary = T.summary
        acceptsMissingValues = T.acceptsMissingValues
        build = { AnyOperator(try T($0)) }
        decodeFitted = { .transformer(try T.Fitted(from: $0)) }
    }

    public init<C: Classifier>(_ type: C.Type) {
        name = C.name
        role = C.role
        space = C.space
        summary = C.summary
        acceptsMissingValues = C.acceptsMissingValues
        build = { AnyOperator(try C($0)) }
        decodeFitted = { .classifier(try C.Fitted(from: $0)) }
    }

    public init<R: Regressor>(_ type: R.Type) {
        name = R.name
        role = R.role
        space = R.space
        summary = R.summary
        acceptsMissingValues = R.acceptsMissingValues
        build = { AnyOperator(try R($0)) }
        decodeFitted = { .regressor(try R.Fitted(from: $0)) }
    }

    /// Validates the parameters (filling defaults) and builds the operator.
    public func make(_ parameters: Parameters = [:]) throws -> AnyOperator {
        try build(parameters)
    }
}

/// Every operator autopipe knows, by scikit-learn class name.
public struct OperatorRegistry: Sendable {
    public let entries: [OperatorEntry]
    private let byName: [String: Int]

    public init(entries: [OperatorEntry]) {
        self.entries = entries
        var byName: [String: Int] = [:]
        for (i, e) in entries.enumerated() { byName[e.name] = i }
        self.byName = byName
    }

    /// All built-in operators, family by family (each family file lists its own).
    public static let standard = OperatorRegistry(entries: OperatorFamilies.all)

    public var names: [String] { entries.map(\.name) }

    public func entry(named name: String) -> OperatorEntry? {
        byName[name].map { entries[$0] }
    }

    public func require(_ name: String) throws -> OperatorEntry {
        guard let entry = entry(named: name) else {
            throw OperatorError.unknownOperator(name: name, suggestion: NameSuggestion.closest(to: name, in: names))
        }
        return entry
    }

    public func make(_ name: String, _ parameters: Parameters = [:]) throws -> AnyOperator {
        try require(name).make(parameters)
    }

    public func entries(role: OperatorRole) -> [OperatorEntry] { entries.filter { $0.role == role } }
}

/// The operator families; each family's file declares its `entries`.
public enum OperatorFamilies {
    public static var all: [OperatorEntry] {
        PreprocessingFamily.entries
            + DecompositionFamily.entries
            + SelectionFamily.entries
            + NaiveBayesFamily.entries
            + NeighborsFamily.entries
            + TreeFamily.entries
            + BoostingFamily.entries
            + LinearFamily.entries
            + NeuralFamily.entries
    }
}
