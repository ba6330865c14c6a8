/// The hyperparameters of one operator, by scikit-learn parameter name. Encoded as a JSON object with sorted keys.
public struct Parameters: Sendable, Hashable, Codable, ExpressibleByDictionaryLiteral, Sequence {
    public private(set) var values: [String: ParamValue]

    public init(_ values: [String: ParamValue] = [:]) {
        self.values = values
    }

    public init(dictionaryLiteral elements: (String, ParamValue)...) {
        var values: [String: ParamValue] = [:]
        for (k, v) in elements { values[k] = v }
        self.values = values
    }

    public init(from decoder: Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: ParamValue].self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }

    public subscript(name: String) -> ParamValue? {
        get { values[name] }
        set { values[name] = newValue }
    }

    public var names: [String] { values.keys.sorted() }
    public var isEmpty: Bool { values.isEmpty }

    public func makeIterator() -> some IteratorProtocol<(key: String, value: ParamValue)> {
        values.sorted { $0.key < $1.key }.makeIterator()
    }

    // Typed access for operators, after validation has filled every parameter. A wrong type cannot reach here
    // (validation coerced it); the fallbacks only keep the accessors total.
    public func int(_ name: String) -> Int { values[name]?.intValue ?? 0 }
    public func optionalInt(_ name: String) -> Int? { values[name]?.intValue }
    public func double(_ name: String) -> Double { values[name]?.doubleValue ?? 0 }
    public func optionalDouble(_ name: String) -> Double? { values[name]?.doubleValue }
    public func string(_ name: String) -> String { values[name]?.stringValue ?? "" }
    public func optionalString(_ name: String) -> String? { values[name]?.stringValue }
    public func bool(_ name: String) -> Bool { values[name]?.boolValue ?? false }

    /// A canonical one-line text (sorted keys) for cache keys and messages.
    public var canonicalText: String {
        names.map { "\($0)=\(values[$0]?.pythonLiteral ?? "None")" }.joined(separator: ",")
    }
}
