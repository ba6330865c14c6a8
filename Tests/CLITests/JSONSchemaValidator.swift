import Foundation

/// A small JSON Schema (draft 2020-12) validator for the keywords `schemas/autopipe-result.schema.json` uses:
/// type, const, enum, properties, required, additionalProperties, items, minItems, maxItems, minLength, minimum,
/// maximum, oneOf, anyOf and local `$ref`s (`#/$defs/name`). An unsupported keyword is itself reported, so the
/// schema cannot silently grow beyond what the test checks.
struct JSONSchemaValidator {
    let root: [String: Any]

    static let annotations: Set<String> = ["$schema", "$id", "$defs", "title", "description"]
    static let supported: Set<String> = ["type", "const", "enum", "properties", "required", "additionalProperties",
                                         "items", "minItems", "maxItems", "minLength", "minimum", "maximum", "oneOf",
                                         "anyOf", "$ref"]

    /// The problems of `instance` (empty: valid), each with its JSON path.
    func errors(_ instance: Any) -> [String] {
        var out: [String] = []
        validate(instance, root, path: "$", into: &out)
        return out
    }

    private func validate(_ value: Any, _ schema: [String: Any], path: String, into out: inout [String]) {
        for key in schema.keys where !Self.annotations.contains(key) && !Self.supported.contains(key) {
            out.append("\(path): schema keyword '\(key)' is not supported by the test's validator")
        }
        if let ref = schema["$ref"] as? String {
            guard ref.hasPrefix("#/$defs/"), let defs = root["$defs"] as? [String: Any],
                  let target = defs[String(ref.dropFirst("#/$defs/".count))] as? [String: Any] else {
                out.append("\(path): unresolved $ref \(ref)")
                return
            }
            validate(value, target, path: path, into: &out)
        }
        if let type = schema["type"] {
            let types = (type as? [String]) ?? [(type as? String) ?? ""]
            if !types.contains(where: { Self.matches(value, type: $0) }) {
                out.append("\(path): expected \(types.joined(separator: " or ")), got \(Self.describe(value))")
                return
            }
        }
        if let constant = schema["const"], !Self.equal(value, constant) {
            out.append("\(path): expected \(constant), got \(Self.describe(value))")
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal(value, $0) }) {
            out.append("\(path): \(Self.describe(value)) is not one of \(options)")
        }
        if let minimum = schema["minimum"] as? Double, let number = Self.number(value), number < minimum {
            out.append("\(path): \(number) < minimum \(minimum)")
        }
        if let maximum = schema["maximum"] as? Double, let number = Self.number(value), number > maximum {
            out.append("\(path): \(number) > maximum \(maximum)")
        }
        if let minLength = schema["minLength"] as? Int, let text = value as? String, text.count < minLength {
            out.append("\(path): string shorter than \(minLength)")
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil {
                out.append("\(path): missing required property '\(name)'")
            }
            for (name, member) in object {
                if let sub = properties[name] as? [String: Any] {
                    validate(member, sub, path: "\(path).\(name)", into: &out)
                } else if let additional = schema["additionalProperties"] {
                    if let allowed = additional as? Bool {
                        if !allowed { out.append("\(path): property '\(name)' is not allowed") }
                    } else if let sub = additional as? [String: Any] {
                        validate(member, sub, path: "\(path).\(name)", into: &out)
                    }
                }
            }
        }
        if let array = value as? [Any], !(value is [String: Any]) {
            if let minItems = schema["minItems"] as? Int, array.count < minItems {
                out.append("\(path): \(array.count) items, fewer than \(minItems)")
            }
            if let maxItems = schema["maxItems"] as? Int, array.count > maxItems {
                out.append("\(path): \(array.count) items, more than \(maxItems)")
            }
            if let items = schema["items"] as? [String: Any] {
                for (i, item) in array.enumerated() { validate(item, items, path: "\(path)[\(i)]", into: &out) }
            }
        }
        if let members = schema["oneOf"] as? [[String: Any]] {
            let passing = members.filter { member in
                var sub: [String] = []
                validate(value, member, path: path, into: &sub)
                return sub.isEmpty
            }.count
            if passing != 1 { out.append("\(path): matches \(passing) of the oneOf alternatives, not exactly 1") }
        }
        if let members = schema["anyOf"] as? [[String: Any]] {
            let passing = members.contains { member in
                var sub: [String] = []
                validate(value, member, path: path, into: &sub)
                return sub.isEmpty
            }
            if !passing { out.append("\(path): matches none of the anyOf alternatives") }
        }
    }

    static func isBool(_ value: Any) -> Bool {
        guard let n = value as? NSNumber else { return false }
        // JSONSerialization gives booleans the Objective-C type 'c' (numbers: 'i', 'q', 'd', ...).
        return String(cString: n.objCType) == "c"
    }

    static func number(_ value: Any) -> Double? {
        guard let n = value as? NSNumber, !isBool(n) else { return nil }
        return n.doubleValue
    }

    static func matches(_ value: Any, type: String) -> Bool {
        switch type {
        case "object": return value is [String: Any]
        case "array": return value is [Any] && !(value is [String: Any])
        case "string": return value is String
        case "boolean": return isBool(value)
        case "null": return value is NSNull
        case "number": return number(value) != nil
        case "integer":
            guard let d = number(value) else { return false }
            return d == d.rounded() && d.isFinite
        default: return false
        }
    }

    static func equal(_ a: Any, _ b: Any) -> Bool {
        if let x = a as? String, let y = b as? String { return x == y }
        if isBool(a) || isBool(b) { return isBool(a) && isBool(b) && (a as? Bool) == (b as? Bool) }
        if let x = number(a), let y = number(b) { return x == y }
        if a is NSNull && b is NSNull { return true }
        return false
    }

    static func describe(_ value: Any) -> String {
        if value is NSNull { return "null" }
        if isBool(value) { return "\(value as? Bool ?? false)" }
        if let text = value as? String { return "\"\(text)\"" }
        if value is [String: Any] { return "an object" }
        if value is [Any] { return "an array" }
        return "\(value)"
    }
}
