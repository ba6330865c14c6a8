import AutopipeData
import AutopipeOperators
import AutopipeSearch
import Foundation

/// `autopipe export --format python`: a runnable scikit-learn script for a result document.
///
/// The script reads a CSV as autopipe does, encodes the columns with the recorded schema inside the pipeline (a
/// ColumnTransformer), adds the search's median imputer when the data had missing values, and builds the pipeline
/// with `make_pipeline` / `make_union` and the stacking step, every hyperparameter as in the document and each
/// step's recorded `random_state`. It fits on a CSV given as argument and writes predictions in the format of
/// `autopipe predict`; `--cv` prints the cross-validated score on autopipe's own folds.
public struct PythonRenderer: Sendable {
    public var registry: OperatorRegistry

    public init(registry: OperatorRegistry = .standard) {
        self.registry = registry
    }

    public func render(_ result: ResultFile) throws -> String {
        let document = result.document
        var imports = Set<PythonImport>()
        var classes = Set<ScriptClass>()
        var states = result.randomStates[...]
        let pipelineSteps = try steps(result.pipeline, task: document.task, states: &states, imports: &imports,
                                      classes: &classes)
        var chain = ["column_encoder()"]
        for step in result.preprocessing {
            let call = try self.call(step, task: document.task, randomState: nil, imports: &imports, classes: &classes)
            chain.append(call.code)
        }
        chain += pipelineSteps

        var out = header(result) + "\n"
        out += PythonSupport.imports + "\n"
        for item in imports.sorted() where !PythonRenderer.baseImports.contains(item) {
            out += "from \(item.module) import \(item.name)\n"
        }
        out += "\n" + settings(document) + "\n\n"
        out += "def build_pipeline():\n"
        out += "    \"\"\"The pipeline autopipe found: \(escapedDocstring(document.pipelineText))\"\"\"\n"
        out += "    return make_pipeline(\n" + chain.map { "        " + indentContinuation($0, by: 8) + ",\n" }.joined()
        out += "    )\n\n\n"
        out += PythonSupport.columns + "\n\n"
        for scriptClass in ScriptClass.allCases where classes.contains(scriptClass) {
            out += support(scriptClass) + "\n\n"
        }
        out += PythonSupport.folds + "\n\n" + PythonSupport.scoring + "\n\n" + PythonSupport.main
        return out
    }

    static let baseImports: Set<PythonImport> = [
        PythonImport("sklearn.preprocessing", "OneHotEncoder"),
    ]

    func support(_ scriptClass: ScriptClass) -> String {
        switch scriptClass {
        case .zeroCount: return PythonSupport.zeroCount
        case .tpotOneHotEncoder: return PythonSupport.tpotOneHotEncoder
        case .stacking: return PythonSupport.stacking
        }
    }

    /// The steps from the data to the learner, as Python expressions (one per `make_pipeline` argument).
    func steps(_ node: PipelineNode, task: Task, states: inout ArraySlice<Int>, imports: inout Set<PythonImport>,
               classes: inout Set<ScriptClass>, isRoot: Bool = true) throws -> [String] {
        switch node {
        case .input:
            return []
        case .step(let step, let input):
            let state = states.popFirst()
            let call = try self.call(step, task: task, randomState: state, imports: &imports, classes: &classes)
            let inner = try steps(input, task: task, states: &states, imports: &imports, classes: &classes,
                                  isRoot: false)
            let entry = try registry.require(step.name)
            if entry.role.isLearner && !isRoot {
                classes.insert(.stacking)
                return inner + ["StackingEstimator(estimator=\(call.code))"]
            }
            return inner + [call.code]
        case .union(let a, let b):
            let left = try branch(a, task: task, states: &states, imports: &imports, classes: &classes)
            let right = try branch(b, task: task, states: &states, imports: &imports, classes: &classes)
            return ["make_union(\n    " + indentContinuation(left, by: 4) + ",\n    "
                + indentContinuation(right, by: 4) + "\n)"]
        }
    }

    /// A union branch as one expression: the data itself, a single step, or a `make_pipeline` of its steps.
    func branch(_ node: PipelineNode, task: Task, states: inout ArraySlice<Int>, imports: inout Set<PythonImport>,
                classes: inout Set<ScriptClass>) throws -> String {
        let parts = try steps(node, task: task, states: &states, imports: &imports, classes: &classes, isRoot: false)
        switch parts.count {
        case 0: return "FunctionTransformer()"
        case 1: return parts[0]
        default:
            return "make_pipeline(\n" + parts.map { "    " + indentContinuation($0, by: 4) }.joined(separator: ",\n") + "\n)"
        }
    }

    /// One step's constructor call.
    func call(_ step: Step, task: Task, randomState: Int?, imports: inout Set<PythonImport>,
              classes: inout Set<ScriptClass>) throws -> PythonCall {
        let entry = try registry.require(step.name)
        guard let mapping = SklearnMapping.mapping(for: step.name) else {
            throw ExportError.invalidPipeline(path: step.name, reason: "\(step.name) has no scikit-learn mapping")
        }
        let arguments = entry.space.specs.compactMap { spec in
            step.parameters[spec.name].map { (name: spec.name, value: $0) }
        }
        let call = mapping.call(arguments, context: .init(task: task, randomState: randomState))
        imports.formUnion(call.imports)
        if case .script(let scriptClass) = mapping.origin { classes.insert(scriptClass) }
        return call
    }

    /// The module docstring: what the pipeline is, where it came from, how to run it.
    func header(_ result: ResultFile) -> String {
        let d = result.document
        let metric = d.metric.rawValue
        var scores = "CV \(metric) \(format(d.cvScore)) (\(d.cvFoldScores.count) folds)"
        if let holdout = d.holdoutScore {
            scores += ", held-out \(metric) \(format(holdout)) (\(d.data.testRows) rows)"
        }
        let source = (result.path as NSString).lastPathComponent
        return """
            #!/usr/bin/env python3
            \"\"\"The pipeline autopipe \(d.autopipeVersion) found for '\(escapedDocstring(d.target.name))' \
            (\(d.task.rawValue)) on \(escapedDocstring(d.data.path)).

            \(escapedDocstring(d.pipelineText))
            \(scores)

            Usage: python3 SCRIPT TRAIN.csv [--predict NEW.csv] [--output predictions.csv] [--proba] [--cv]

            Fits the pipeline on TRAIN.csv (the columns of the search's data, with the target) and writes predictions \
            for NEW.csv (default: TRAIN.csv) in the format of `autopipe predict`. --cv also prints the \
            \(d.settings.cvFolds)-fold cross-validated \(metric) on TRAIN.csv with autopipe's folds (the search's own \
            folds when TRAIN.csv is the train.csv of `autopipe search --save-split`).

            Exported by `autopipe export` from \(escapedDocstring(source)); needs only scikit-learn, numpy and pandas. \
            The column encoding and imputation are steps of the pipeline, fitted on the training rows only.
            \"\"\"
            """
    }

    /// The recorded settings the script's functions read.
    func settings(_ d: ResultDocument) -> String {
        var lines: [String] = []
        lines.append("TARGET = \(python(d.target.name))")
        lines.append("TASK = \(python(d.task.rawValue))")
        if let classes = d.target.classes {
            lines.append("# Class i inside the pipeline is CLASSES[i] (the order the search encoded them in).")
            lines.append("CLASSES = " + list(classes.map(python)))
        } else {
            lines.append("CLASSES = []")
        }
        lines.append("METRIC = \(python(d.metric.rawValue))")
        lines.append("SEED = \(d.settings.seed)")
        lines.append("CV_FOLDS = \(d.settings.cvFolds)")
        lines.append("SUBSAMPLE = \(ParamValue.double(d.settings.subsample).pythonLiteral)")
        lines.append("# The feature columns, in the order of autopipe's feature matrix: (name, encoding, categories).")
        lines.append("COLUMNS = [")
        for column in d.schema.columns {
            let categories = column.categories.map { list($0.map(python), indent: 8) } ?? "None"
            lines.append("    (\(python(column.name)), \(python(column.encoding.rawValue)), \(categories)),")
        }
        lines.append("]")
        let ids = d.schema.ignored.filter { $0 != d.target.name }
        lines.append("# Columns that are not features (--ignore-columns), copied to the predictions.")
        lines.append("ID_COLUMNS = " + list(ids.map(python)))
        lines.append("# Cell texts autopipe reads as missing values.")
        lines.append("MISSING_MARKERS = " + list(CSVOptions.defaultMissingMarkers.sorted().map(python)))
        return lines.joined(separator: "\n")
    }

    func python(_ text: String) -> String { ParamValue.string(text).pythonLiteral }

    /// A Python list, wrapped at about 110 columns.
    func list(_ items: [String], indent: Int = 4) -> String {
        let single = "[" + items.joined(separator: ", ") + "]"
        if single.count <= 100 { return single }
        var lines: [String] = []
        var line = ""
        for item in items {
            if !line.isEmpty && line.count + item.count + 2 > 100 {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + item + ","
        }
        if !line.isEmpty { lines.append(line) }
        let pad = String(repeating: " ", count: indent)
        return "[\n" + lines.map { pad + $0 }.joined(separator: "\n") + "\n" + String(repeating: " ", count: indent - 4) + "]"
    }

    func indentContinuation(_ text: String, by spaces: Int) -> String {
        text.replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: spaces))
    }

    func escapedDocstring(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"\"\"", with: "\\\"\\\"\\\"")
    }

    func format(_ score: Double) -> String {
        score.isFinite ? String(format: "%.4f", score) : "n/a"
    }
}
