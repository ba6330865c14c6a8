/// The declaration of one hyperparameter: its domain (what is valid), its default, and its search grid (what the
/// genetic programming samples, TPOT's default grid). One table per operator drives validation, defaults,
/// sampling, mutation, `--list-operators` and export.
public struct ParameterSpec: Sendable {
    public enum Domain: Sendable, Hashable {
        /// Integers in `lower...upper` (upper nil = unbounded).
        case integer(lower: Int, upper: Int?)
        /// Reals between the bounds (nil = unbounded), each bound inclusive or not.
        case real(lower: Double?, lowerInclusive: Bool, upper: Double?, upperInclusive: Bool)
        /// One of these strings.
        case choice([String])
        case boolean
        /// Any of these domains: scikit-learn's unions, such as `max_features` (a float, 'sqrt'/'log2' or None).
        /// A value is valid when a member accepts it; the first member that does gives the canonical form.
        case anyOf([Domain])
    }

    public let name: String
    public let domain: Domain
    /// Whether `None` is valid.
    public let allowsNone: Bool
    public let defaultValue: ParamValue
    /// The values the search samples from. Empty: the parameter is not searched (stays at its default unless a
    /// configuration says otherwise).
    public let grid: [ParamValue]
    public let doc: String

    public init(name: String, domain: Domain, allowsNone: Bool = false, defaultValue: ParamValue,
                grid: [ParamValue] = [], doc: String = "") {
        self.name = name
        self.domain = domain
        self.allowsNone = allowsNone
        self.defaultValue = defaultValue
        self.grid = grid
        self.doc = doc
    }

    // MARK: Declaration helpers

    public static func integer(_ name: String, _ range: ClosedRange<Int>, default value: Int?,
                               grid: [Int] = [], allowsNone: Bool = false, doc: String = "") -> ParameterSpec {
        ParameterSpec(name: name, domain: .integer(lower: range.lowerBound, upper: range.upperBound),
                      allowsNone: allowsNone || value == nil, defaultValue: value.map(ParamValue.int) ?? .none,
                      grid: grid.map(ParamValue.int), doc: doc)
    }

    public static func integer(_ name: String, _ range: PartialRangeFrom<Int>, default value: Int?,
                               grid: [Int] = [], allowsNone: Bool = false, doc: String = "") -> ParameterSpec {
        ParameterSpec(name: name, domain: .integer(lower: range.lowerBound, upper: nil),
                      allowsNone: allowsNone || value == nil, defaultValue: value.map(ParamValue.int) ?? .none,
                      grid: grid.map(ParamValue.int), doc: doc)
    }

    /// A real in a closed range.
    public static func real(_ name: String, _ range: ClosedRange<Double>, default value: Double?,
                            grid: [Double] = [], allowsNone: Bool = false, doc: String = "") -> ParameterSpec {
        ParameterSpec(name: name, domain: .real(lower: range.lowerBound, lowerInclusive: true,
                                                upper: range.upperBound, upperInclusive: true),
                      allowsNone: allowsNone || value == nil, defaultValue: value.map(ParamValue.double) ?? .none,
                      grid: grid.map(ParamValue.double), doc: doc)
    }

    /// A real with explicit bounds (`above` is exclusive, `atLeast` inclusive; same for the upper side).
    public static func real(_ name: String, above: Double? = nil, atLeast: Double? = nil, below: Double? = nil,
                            atMost: Double? = nil, default value: Double?, grid: [Double] = [],
                            allowsNone: Bool = false, doc: String = "") -> ParameterSpec {
        ParameterSpec(name: name, domain: .real(lower: above ?? atLeast, lowerInclusive: above == nil,
                                                upper: below ?? atMost, upperInclusive: below == nil),
                      allowsNone: allowsNone || value == nil, defaultValue: value.map(ParamValue.double) ?? .none,
                      grid: grid.map(ParamValue.double), doc: doc)
    }

    public static func choice(_ name: String, _ options: [String], default value: String?,
                              grid: [String]? = nil, allowsNone: Bool = false, doc: String = "") -> ParameterSpec {
        ParameterSpec(name: name, domain: .choice(options), allowsNone: allowsNone || value == nil,
                      defaultValue: value.map(ParamValue.string) ?? .none,
                      grid: (grid ?? options).map(ParamValue.string), doc: doc)
    }

    public static func boolean(_ name: String, default value: Bool, grid: [Bool] = [true, false],
                               doc: String = "") -> ParameterSpec {
        ParameterSpec(name: name, domain: .boolean, defaultValue: .bool(value), grid: grid.map(ParamValue.bool),
                      doc: doc)
    }

    // MARK: Validation

    /// Checks `value` against the domain and returns it in canonical form (an integral real for an int
    /// parameter becomes an int; an int for a real parameter becomes a real).
    public func validate(_ value: ParamValue, operator operatorName: String) throws -> ParamValue {
        if value.isNone {
            if allowsNone { return .none }
            throw rangeError(value, operator: operatorName)
        }
        switch domain {
        case .integer(let lower, let upper):
            guard case .int = value, let i = value.intValue else {
                if case .double = value, let i = value.intValue, i >= lower, upper.map({ i <= $0 }) ?? true { return .int(i) }
                throw rangeError(value, operator: operatorName)
            }
            guard i >= lower, upper.map({ i <= $0 }) ?? true else { throw rangeError(value, operator: operatorName) }
            return .int(i)
        case .real(let lower, let lowerInclusive, let upper, let upperInclusive):
            guard let d = value.doubleValue, !d.isNaN else { throw rangeError(value, operator: operatorName) }
            if let lower, lowerInclusive ? d < lower : d <= lower { throw rangeError(value, operator: operatorName) }
            if let upper, upperInclusive ? d > upper : d >= upper { throw rangeError(value, operator: operatorName) }
            return .double(d)
        case .choice(let options):
            guard let s = value.stringValue, options.contains(s) else { throw rangeError(value, operator: operatorName) }
            return value
        case .boolean:
            guard value.boolValue != nil else { throw rangeError(value, operator: operatorName) }
            return value
        case .anyOf(let members):
            for member in members {
                let single = ParameterSpec(name: name, domain: member, defaultValue: defaultValue)
                if let canonical = try? single.validate(value, operator: operatorName) { return canonical }
            }
            throw rangeError(value, operator: operatorName)
        }
    }

    /// scikit-learn's wording: "The 'max_depth' parameter of DecisionTreeClassifier must be an int in the range
    /// [1, inf) or None. Got 0 instead."
    func rangeError(_ value: ParamValue, operator operatorName: String) -> OperatorError {
        .invalidParameter(operator: operatorName, parameter: name,
                          message: "The '\(name)' parameter of \(operatorName) must be \(domainText). Got \(value.pythonLiteral) instead.")
    }

    /// The domain in words, as in scikit-learn's messages.
    public var domainText: String {
        var text: String
        switch domain {
        case .integer(let lower, let upper):
            text = "an int in the range [\(lower), \(upper.map(String.init) ?? "inf")\(upper == nil ? ")" : "]")"
        case .real(let lower, let lowerInclusive, let upper, let upperInclusive):
            let lo = lower.map { "\(lowerInclusive ? "[" : "(")\($0)" } ?? "(-inf"
            let hi = upper.map { "\($0)\(upperInclusive ? "]" : ")")" } ?? "inf)"
            text = "a float in the range \(lo), \(hi)"
        case .choice(let options):
            text = "a str among {" + options.map { "'\($0)'" }.joined(separator: ", ") + "}"
        case .boolean:
            text = "an instance of 'bool'"
        case .anyOf(let members):
            // scikit-learn's wording: "a float in the range (0.0, 1.0], a str among {'sqrt', 'log2'} or None".
            var parts = members.map { ParameterSpec(name: name, domain: $0, defaultValue: defaultValue).domainText }
            if allowsNone { parts.append("None") }
            guard let last = parts.popLast() else { return "None" }
            return parts.isEmpty ? last : parts.joined(separator: ", ") + " or " + last
        }
        if allowsNone { text += " or None" }
        return text
    }
}

/// The full parameter table of an operator, plus the cross-parameter rules that sit beside it.
public struct ParameterSpace: Sendable, ExpressibleByArrayLiteral {
    public let specs: [ParameterSpec]
    /// Cross-parameter rules: returns a message (naming the parameters) when the combination is invalid.
    public let rule: (@Sendable (Parameters) -> String?)?

    public init(_ specs: [ParameterSpec], rule: (@Sendable (Parameters) -> String?)? = nil) {
        self.specs = specs
        self.rule = rule
    }

    public init(arrayLiteral elements: ParameterSpec...) {
        self.init(elements)
    }

    public func spec(named name: String) -> ParameterSpec? { specs.first { $0.name == name } }

    public var names: [String] { specs.map(\.name) }

    /// Every parameter at its default.
    public var defaults: Parameters {
        var p = Parameters()
        for spec in specs { p[spec.name] = spec.defaultValue }
        return p
    }

    /// Validates `parameters` (unknown names, domains, rules) and fills in defaults for the missing ones.
    public func validate(_ parameters: Parameters, operator operatorName: String) throws -> Parameters {
        var out = defaults
        for (name, value) in parameters {
            guard let spec = spec(named: name) else {
                throw OperatorError.unknownParameter(operator: operatorName, parameter: name, known: names)
            }
            out[name] = try spec.validate(value, operator: operatorName)
        }
        if let rule, let message = rule(out) {
            throw OperatorError.invalidCombination(operator: operatorName, message: message)
        }
        return out
    }

    /// Whether a parameter set passes the cross-parameter rule (used by sampling to reject bad draws).
    public func satisfiesRule(_ parameters: Parameters) -> Bool {
        rule.map { $0(parameters) == nil } ?? true
    }
}
