import AutopipeData
import AutopipeOperators
import AutopipeSearch
import Foundation

/// `autopipe export --format text`: the pipeline as a readable tree (the learner at the top, the data at the
/// bottom), each step with its parameters, then the scores and the data handling.
public struct TextRenderer: Sendable {
    public var registry: OperatorRegistry

    public init(registry: OperatorRegistry = .standard) {
        self.registry = registry
    }

    public func render(_ result: ResultFile) throws -> String {
        let d = result.document
        let metric = d.metric.rawValue
        var lines: [String] = []
        lines.append("autopipe \(d.autopipeVersion) result: \((result.path as NSString).lastPathComponent) "
            + "(format_version \(d.formatVersion))")
        lines.append("")
        var states = result.randomStates[...]
        try tree(result.pipeline, prefix: "", childPrefix: "", root: true, states: &states, into: &lines)
        lines.append("")
        lines.append("Input: \(d.schema.columns.count) column\(d.schema.columns.count == 1 ? "" : "s") -> "
            + "\(d.schema.featureCount) feature\(d.schema.featureCount == 1 ? "" : "s") (encoding recorded by the search)")
        for column in d.schema.columns {
            var text = "  \(column.name): \(column.encoding.rawValue.replacingOccurrences(of: "_", with: "-"))"
            if let categories = column.categories {
                let shown = categories.prefix(12).joined(separator: ", ")
                text += " (\(categories.count) categories: \(shown)\(categories.count > 12 ? ", ..." : ""))"
            }
            lines.append(text)
        }
        let ids = d.schema.ignored.filter { $0 != d.target.name }
        if !ids.isEmpty { lines.append("  not features (copied to predictions): " + ids.joined(separator: ", ")) }
        for step in result.preprocessing {
            lines.append("Preprocessing: \(step.name)(\(parameterText(step.parameters))) under every branch that reads the "
                + "input (the training data has missing values)")
        }
        lines.append("")
        lines.append("Target: \(d.target.name) (\(d.task.rawValue)"
            + (d.target.classes.map { ", \($0.count) classes: " + $0.joined(separator: ", ") } ?? "") + ")")
        lines.append("CV \(metric): \(format(d.cvScore)) over \(d.cvFoldScores.count) folds ("
            + d.cvFoldScores.map(format).joined(separator: ", ") + ")")
        if let holdout = d.holdoutScore {
            lines.append("Held-out \(metric): \(format(holdout)) on \(d.data.testRows) rows")
        } else {
            lines.append("Held-out \(metric): not scored" + (d.refitted ? " (--test-size 0)" : " (no time left to refit)"))
        }
        lines.append("Data: \(d.data.path), \(d.data.rows) rows (\(d.data.trainRows) train, \(d.data.testRows) held out)")
        lines.append("Search: seed \(d.seed), \(d.statistics.generations) generation\(d.statistics.generations == 1 ? "" : "s"), "
            + "population \(d.settings.populationSize), \(d.statistics.evaluations) pipelines evaluated")
        if let model = d.model {
            lines.append("Fitted model: \(model.path) (\(model.bytes) bytes, for `autopipe predict`)")
        } else {
            lines.append("Fitted model: none" + (d.refitted ? "" : " (--max-time ran out before the refit)"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func tree(_ node: PipelineNode, prefix: String, childPrefix: String, root: Bool, states: inout ArraySlice<Int>,
              into lines: inout [String]) throws {
        switch node {
        case .input:
            lines.append(prefix + "input")
        case .step(let step, let input):
            let state = states.popFirst()
            let entry = try registry.require(step.name)
            var title = step.name
            var notes = [entry.role.rawValue]
            if entry.role.isLearner && !root {
                title = "StackingEstimator(\(step.name))"
                notes = ["stacked \(entry.role.rawValue): adds its "
                    + (entry.role == .classifier ? "class probabilities (if any) and prediction" : "prediction")
                    + " to its input"]
            }
            let takesState = SklearnMapping.mapping(for: step.name)?.takesRandomState ?? false
            if takesState, let state { notes.append("random_state \(state)") }
            lines.append(prefix + title + "  [" + notes.joined(separator: ", ") + "]")
            for line in wrap(parameterText(step.parameters), width: 100 - childPrefix.count - 4) {
                lines.append(childPrefix + "│   " + line)
            }
            try tree(input, prefix: childPrefix + "└── ", childPrefix: childPrefix + "    ", root: false, states: &states,
                     into: &lines)
        case .union(let a, let b):
            lines.append(prefix + "union (columns of both branches side by side)")
            try tree(a, prefix: childPrefix + "├── ", childPrefix: childPrefix + "│   ", root: false, states: &states,
                     into: &lines)
            try tree(b, prefix: childPrefix + "└── ", childPrefix: childPrefix + "    ", root: false, states: &states,
                     into: &lines)
        }
    }

    func parameterText(_ parameters: Parameters) -> String {
        parameters.names.map { "\($0)=\(parameters[$0]?.pythonLiteral ?? "None")" }.joined(separator: ", ")
    }

    func wrap(_ text: String, width: Int) -> [String] {
        guard !text.isEmpty else { return [] }
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + word.count + 1 > max(width, 20) {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    func format(_ score: Double) -> String {
        score.isFinite ? String(format: "%.4f", score) : "n/a"
    }
}
