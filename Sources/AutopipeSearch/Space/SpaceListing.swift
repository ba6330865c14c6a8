import AutopipeData
import AutopipeOperators

/// The text of `autopipe search --list-operators`: the active operator space by role, each operator with its
/// one-line summary and its parameters (searched values, or the default when not searched).
public enum SpaceListing {
    static let sections: [(OperatorRole, String)] = [
        (.classifier, "Classifiers"), (.regressor, "Regressors"), (.transformer, "Transformers"),
        (.selector, "Selectors"),
    ]

    public static func text(_ space: SearchSpace, registry: OperatorRegistry = .standard, task: Task? = nil) -> String {
        let shown = task.map { space.restricted(to: $0) } ?? space
        var lines: [String] = []
        let title = ConfigPreset(rawValue: space.name).map { "'\($0.rawValue)': \($0.summary)" }
            ?? "file '\(space.name)'"
        lines.append("Operator configuration \(title)" + (task.map { ", for \($0.rawValue)" } ?? ""))
        for (role, heading) in sections {
            if let task, role.isLearner, role != (task == .classification ? .classifier : .regressor) { continue }
            let entries = shown.entries(role: role)
            lines.append("")
            lines.append("\(heading) (\(entries.count))")
            if entries.isEmpty { lines.append("  (none)") }
            for entry in entries {
                var head = "  " + entry.name
                if let tasks = entry.tasks, task == nil {
                    head += " (" + tasks.map(\.rawValue).sorted().joined(separator: ", ") + " only)"
                }
                if let summary = registry.entry(named: entry.name)?.summary, !summary.isEmpty {
                    head = head.padding(to: 32) + " " + summary
                }
                lines.append(head)
                for spec in entry.space.specs {
                    let name = ("      " + spec.name).padding(to: 32)
                    if let grid = entry.grids[spec.name] {
                        lines.append("\(name) searched: \(values(grid))  (default \(spec.defaultValue.pythonLiteral))")
                    } else {
                        lines.append("\(name) fixed: \(spec.defaultValue.pythonLiteral)")
                    }
                }
            }
        }
        if !space.unavailable.isEmpty {
            lines.append("")
            lines.append("Listed by '\(space.name)' but not in this build (skipped): "
                + space.unavailable.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    /// Grid values, with long arithmetic progressions shortened (`1, 2, ..., 100 (100 values)`).
    static func values(_ grid: [ParamValue]) -> String {
        let numbers = grid.compactMap(\.doubleValue)
        if grid.count >= 6, numbers.count == grid.count {
            let step = numbers[1] - numbers[0]
            let regular = step != 0 && zip(numbers.dropFirst(), numbers).allSatisfy { a, b in
                abs((a - b) - step) <= 1e-9 * max(abs(step), 1)
            }
            if regular {
                return "\(grid[0].pythonLiteral), \(grid[1].pythonLiteral), ..., \(grid[grid.count - 1].pythonLiteral) "
                    + "(\(grid.count) values)"
            }
        }
        return grid.map(\.pythonLiteral).joined(separator: ", ")
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
