import AutopipeData
import AutopipeOperators
import Foundation

extension SearchSpace {
    /// The space `--config` names: a preset (`default`, `light`) or a JSON file. A file is read and validated
    /// here, so every mistake in it is reported before the search starts.
    public static func configuration(_ config: String, registry: OperatorRegistry = .standard) throws -> SearchSpace {
        if let preset = ConfigPreset(rawValue: config) { return preset.space(registry: registry) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: config))
        } catch {
            let presets = ConfigPreset.allCases.map(\.rawValue).joined(separator: ", ")
            var reason = FileReason.reading(config, failedWith: error)
            if reason == "no such file" { reason += " (the presets are: \(presets))" }
            throw SearchConfigError.unreadable(path: config, reason: reason)
        }
        return try parse(data, name: config, registry: registry)
    }

    /// Parses a configuration in TPOT's format: `{"Operator": {"parameter": [values...]}, ...}`. Operator names
    /// may carry TPOT's module prefix (`sklearn.naive_bayes.GaussianNB`); a parameter may be a single value, a
    /// list, or TPOT's `{"module.function": null}` form for a choice. Parameters not listed stay at their
    /// defaults, as in TPOT.
    public static func parse(_ data: Data, name: String, registry: OperatorRegistry = .standard) throws -> SearchSpace {
        let label = "config file '\(name)'"
        let raw: [String: OperatorConfig]
        do {
            raw = try JSONDecoder().decode([String: OperatorConfig].self, from: data)
        } catch let error as DecodingError {
            throw SearchConfigError.malformed(path: name, detail: ConfigDecoding.describe(error))
        } catch {
            throw SearchConfigError.malformed(path: name, detail: "\(error)")
        }
        var byName: [String: [String: [ParamValue]]] = [:]
        for (fullName, config) in raw.sorted(by: { $0.key < $1.key }) {
            let opName = String(fullName.split(separator: ".").last ?? Substring(fullName))
            guard let entry = registry.entry(named: opName) else {
                throw SearchConfigError.unknownOperator(config: label, name: fullName,
                                                       suggestion: NameSuggestion.closest(to: opName, in: registry.names))
            }
            if byName[opName] != nil { throw SearchConfigError.duplicateOperator(config: label, name: opName) }
            byName[opName] = try grids(config, for: entry, label: label)
        }
        let entries = registry.entries.compactMap { entry in
            byName[entry.name].map { Entry(name: entry.name, role: entry.role, grids: $0, space: entry.space) }
        }
        return try SearchSpace(name: name, entries: entries).validated(label: label)
    }

    static func grids(_ config: OperatorConfig, for entry: OperatorEntry, label: String) throws -> [String: [ParamValue]] {
        var out: [String: [ParamValue]] = [:]
        for (parameter, value) in config.parameters.sorted(by: { $0.key < $1.key }) {
            guard entry.space.spec(named: parameter) != nil else {
                throw SearchConfigError.unknownParameter(config: label, operator: entry.name, parameter: parameter,
                                                        known: entry.space.names)
            }
            switch value {
            case .values(let values):
                guard !values.isEmpty else {
                    throw SearchConfigError.noValues(config: label, operator: entry.name, parameter: parameter)
                }
                out[parameter] = values
            case .choices(let names):
                out[parameter] = names.map { .string(String($0.split(separator: ".").last ?? Substring($0))) }
            case .nested:
                throw SearchConfigError.nestedConfiguration(config: label, operator: entry.name, parameter: parameter)
            }
        }
        return out
    }
}

/// One operator's object in a configuration file (`null` reads as `{}`).
struct OperatorConfig: Decodable {
    var parameters: [String: ConfigFileValue]

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            parameters = [:]
        } else {
            parameters = try container.decode([String: ConfigFileValue].self)
        }
    }
}

/// A parameter's values in a configuration file.
enum ConfigFileValue: Decodable {
    case values([ParamValue])
    /// TPOT's `{"sklearn.feature_selection.f_classif": None}`: a choice among the keys.
    case choices([String])
    /// A nested configuration with parameters of its own (TPOT's inner estimators).
    case nested

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let list = try? container.decode([ParamValue].self) {
            self = .values(list)
        } else if let scalar = try? container.decode(ParamValue.self) {
            self = .values([scalar])
        } else if let object = try? container.decode([String: ParamValue].self) {
            self = object.values.allSatisfy(\.isNone) ? .choices(object.keys.sorted()) : .nested
        } else if (try? container.decode([String: [String: ConfigFileValue]].self)) != nil {
            self = .nested
        } else {
            throw DecodingError.dataCorruptedError(in: container,
                debugDescription: "a parameter's values must be a list of numbers, strings, true/false or null")
        }
    }
}

enum ConfigDecoding {
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
             .keyNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            let detail = context.underlyingError.map { "\($0)" } ?? context.debugDescription
            return (path.isEmpty ? "" : "at '\(path)': ") + detail
        @unknown default:
            return "\(error)"
        }
    }
}
