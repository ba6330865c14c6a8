/// What the search learns: a class label or a quantity.
public enum Task: String, Codable, Sendable, Hashable, CaseIterable {
    case classification
    case regression
}

/// The training targets, already encoded: class indices `0..<count` or real values.
public enum Targets: Sendable, Hashable, Codable {
    case classes([Int], count: Int)
    case values([Double])

    public var count: Int {
        switch self {
        case .classes(let labels, _): return labels.count
        case .values(let values): return values.count
        }
    }

    public var task: Task {
        switch self {
        case .classes: return .classification
        case .values: return .regression
        }
    }

    public func selecting<C: Collection>(_ indices: C) -> Targets where C.Element == Int {
        switch self {
        case .classes(let labels, let count): return .classes(indices.map { labels[$0] }, count: count)
        case .values(let values): return .values(indices.map { values[$0] })
        }
    }

    /// The class labels, or nil for regression targets.
    public var classLabels: [Int]? {
        if case .classes(let labels, _) = self { return labels }
        return nil
    }

    /// The targets as real numbers (class indices as their value).
    public var asDoubles: [Double] {
        switch self {
        case .classes(let labels, _): return labels.map(Double.init)
        case .values(let values): return values
        }
    }
}

/// How the target column was read: its name, the task, and for classification the original class labels
/// (index `i` of `classes` is class `i` everywhere inside autopipe).
public struct TargetInfo: Codable, Sendable, Hashable {
    public var name: String
    public var task: Task
    public var classes: [String]?

    public init(name: String, task: Task, classes: [String]?) {
        self.name = name
        self.task = task
        self.classes = classes
    }
}
