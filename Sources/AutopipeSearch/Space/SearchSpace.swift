import AutopipeData
import AutopipeOperators

/// The operators a search may use and, for each, the values it samples per parameter (TPOT's configuration
/// dictionary). Parameters without a grid stay at their value in `fixed` (or the operator's default).
public struct SearchSpace: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let role: OperatorRole
        /// Per parameter: the values to sample (at least one).
        public let grids: [String: [ParamValue]]
        /// Parameter names in declaration order (for deterministic iteration).
        public let parameterOrder: [String]
        public let space: ParameterSpace
    }

    public let entries: [Entry]
    public let name: String

    public init(name: String, entries: [Entry]) {
        self.name = name
        self.entries = entries
    }

    /// Every registered operator with its declared grid: the `default` configuration.
    public static func standard(registry: OperatorRegistry = .standard) -> SearchSpace {
        SearchSpace(name: "default", entries: registry.entries.map { entry in
            var grids: [String: [ParamValue]] = [:]
            for spec in entry.space.specs where !spec.grid.isEmpty { grids[spec.name] = spec.grid }
            return Entry(name: entry.name, role: entry.role, grids: grids,
                         parameterOrder: entry.space.names.filter { grids[$0] != nil }, space: entry.space)
        })
    }

    /// Keeps the operators that suit `task` (learners of that task, and every preprocessor).
    public func restricted(to task: Task) -> SearchSpace {
        let learner: OperatorRole = task == .classification ? .classifier : .regressor
        return SearchSpace(name: name, entries: entries.filter { $0.role == learner || $0.role.isPreprocessor })
    }

    public func entries(role: OperatorRole) -> [Entry] { entries.filter { $0.role == role } }
    public var learners: [Entry] { entries.filter { $0.role.isLearner } }
    public var preprocessors: [Entry] { entries.filter { $0.role.isPreprocessor } }

    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }
}
