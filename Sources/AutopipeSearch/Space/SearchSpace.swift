import AutopipeData
import AutopipeOperators

/// The operators a search may use and, for each, the values it samples per parameter (TPOT's configuration
/// dictionary). Parameters without a grid stay at the operator's default.
public struct SearchSpace: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let role: OperatorRole
        /// Per parameter: the values to sample (at least one).
        public let grids: [String: [ParamValue]]
        /// Parameter names with a grid, in declaration order (for deterministic iteration).
        public let parameterOrder: [String]
        public let space: ParameterSpace
        /// The tasks this entry is used for (nil: every task). TPOT's light preset, for instance, has Nystroem
        /// in its regressor configuration only.
        public let tasks: Set<Task>?

        public init(name: String, role: OperatorRole, grids: [String: [ParamValue]], space: ParameterSpace,
                    tasks: Set<Task>? = nil) {
            self.name = name
            self.role = role
            self.grids = grids
            parameterOrder = space.names.filter { grids[$0] != nil }
            self.space = space
            self.tasks = tasks
        }

        /// The entry with the operator's declared grid (TPOT's default configuration values).
        public init(declared entry: OperatorEntry, tasks: Set<Task>? = nil) {
            var grids: [String: [ParamValue]] = [:]
            for spec in entry.space.specs where !spec.grid.isEmpty { grids[spec.name] = spec.grid }
            self.init(name: entry.name, role: entry.role, grids: grids, space: entry.space, tasks: tasks)
        }

        public func applies(to task: Task) -> Bool { tasks?.contains(task) ?? true }
    }

    public let entries: [Entry]
    /// The configuration's name (`default`, `light`, or the file's path).
    public let name: String
    /// Operators the configuration lists that this build does not have (presets only; they are skipped).
    public let unavailable: [String]

    public init(name: String, entries: [Entry], unavailable: [String] = []) {
        self.name = name
        self.entries = entries
        self.unavailable = unavailable
    }

    /// Every registered operator with its declared grid: the `default` configuration.
    public static func standard(registry: OperatorRegistry = .standard) -> SearchSpace {
        SearchSpace(name: ConfigPreset.default.rawValue, entries: registry.entries.map { Entry(declared: $0) })
    }

    /// Keeps the operators that suit `task` (learners of that task, and every preprocessor used for it).
    public func restricted(to task: Task) -> SearchSpace {
        let learner: OperatorRole = task == .classification ? .classifier : .regressor
        return SearchSpace(name: name, entries: entries.filter {
            ($0.role == learner || $0.role.isPreprocessor) && $0.applies(to: task)
        }, unavailable: unavailable)
    }

    public func entries(role: OperatorRole) -> [Entry] { entries.filter { $0.role == role } }
    public var learners: [Entry] { entries.filter { $0.role.isLearner } }
    public var preprocessors: [Entry] { entries.filter { $0.role.isPreprocessor } }

    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// A digest of the space's content (operators, roles, tasks and grids, not its name): checkpoints use it to
    /// refuse resuming with another operator configuration.
    public var digest: String {
        var h = StableHash.fnv1a("autopipe-space-v1")
        for entry in entries.sorted(by: { $0.name < $1.name }) {
            var text = entry.name + "|" + entry.role.rawValue + "|"
            text += entry.tasks.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? "*"
            for name in entry.parameterOrder {
                text += "|" + name + "=" + (entry.grids[name] ?? []).map(\.pythonLiteral).joined(separator: ",")
            }
            h = StableHash.combine(h, StableHash.fnv1a(text))
        }
        return String(h, radix: 16)
    }
}
