/// One hyperparameter value as it appears in JSON: an int, a real, a string, a bool, or null (scikit-learn's
/// `None`).
public enum ParamValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    case none

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .none; return }
        if let b = try? container.decode(Bool.self) { self = .bool(b); return }
        if let i = try? container.decode(Int.self) { self = .int(i); return }
        if let d = try? container.decode(Double.self) { self = .double(d); return }
        if let s = try? container.decode(String.self) { self = .string(s); return }
        throw DecodingError.dataCorruptedError(in: container,
            debugDescription: "a parameter value must be a number, a string, true/false or null")
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let i): try container.encode(i)
        case .double(let d): try container.encode(d)
        case .string(let s): try container.encode(s)
        case .bool(let b): try container.encode(b)
        case .none: try container.encodeNil()
        }
    }

    /// Python-like rendering (`None`, `True`, `'gini'`, `0.5`), used in messages and in exported scripts.
    public var pythonLiteral: String {
        switch self {
        case .int(let i): return String(i)
        case .double(let d):
            if d.isInfinite { return d > 0 ? "float('inf')" : "float('-inf')" }
            if d == d.rounded(), abs(d) < 1e15 { return String(format1: d) }
            return "\(d)"
        case .string(let s): return "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        case .bool(let b): return b ? "True" : "False"
        case .none: return "None"
        }
    }

    public var description: String {
        switch self {
        case .string(let s): return s
        default: return pythonLiteral
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
        default: return nil
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}

extension ParamValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .none }
}

extension String {
    /// "1.0" style text for an integral double.
    init(format1 d: Double) {
        self = String(Int64(d)) + ".0"
    }
}
