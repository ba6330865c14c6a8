import AutopipeData
import AutopipeOperators
import Foundation

/// `autopipe-bench operators DATA.csv [--operators A,B] [--repeat N] [--min-seconds S] [--params JSON]`:
/// fit+predict time per operator, the best of at least N runs and of as many more as fit in S seconds (so an
/// operator that takes 10 ms is timed over enough runs for a stable minimum); `--params` (a JSON object of
/// scikit-learn parameters) applies to every operator named.
func benchOperators() throws {
    guard arguments.count >= 2 else {
        usage("autopipe-bench operators DATA.csv [--operators A,B] [--repeat N] [--min-seconds S] [--params JSON]")
    }
    let path = arguments[1]
    let dataset = try Dataset(table: CSVReader().read(path: path))
    let names = option("--operators").map { $0.split(separator: ",").map(String.init) } ?? OperatorRegistry.standard.names
    let repeats = Int(option("--repeat") ?? "3") ?? 3
    let minSeconds = Double(option("--min-seconds") ?? "0") ?? 0
    let parameters = try option("--params").map { try JSONDecoder().decode(Parameters.self, from: Data($0.utf8)) }
        ?? Parameters()
    let learner: OperatorRole = dataset.task == .classification ? .classifier : .regressor
    for name in names {
        guard let entry = OperatorRegistry.standard.entry(named: name) else {
            emit(["operator": name, "error": "unknown operator"])
            continue
        }
        if entry.role.isLearner && entry.role != learner { continue }
        do {
            let op = try entry.make(parameters)
            var best = Double.infinity, bestFit = 0.0, bestPredict = 0.0
            var r = 0, spent = 0.0
            while r < repeats || (spent < minSeconds && r < 1000) {
                defer { r += 1 }
                var fitted: AnyFitted?
                let fitTime = try seconds { fitted = try op.fit(dataset.features, dataset.targets, context: FitContext(seed: UInt64(r))) }
                guard let model = fitted else { continue }
                let predictTime = try seconds {
                    switch model.model {
                    case .transformer: _ = try model.transform(dataset.features)
                    case .classifier: _ = try model.predictions(dataset.features)
                    case .regressor: _ = try model.predictValues(dataset.features)
                    }
                }
                spent += fitTime + predictTime
                if fitTime + predictTime < best {
                    best = fitTime + predictTime
                    bestFit = fitTime
                    bestPredict = predictTime
                }
            }
            emit(["operator": name, "fit_seconds": bestFit, "predict_seconds": bestPredict, "total_seconds": best,
                  "rows": dataset.rowCount, "columns": dataset.features.columns,
                  "peak_rss_bytes": procStatusBytes("VmHWM") ?? 0])
        } catch {
            emit(["operator": name, "error": "\(error)"])
        }
    }
}

/// `autopipe-bench params`: default parameters of every operator.
func printParams() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    for entry in OperatorRegistry.standard.entries {
        let data = try encoder.encode(entry.space.defaults)
        let params = try JSONSerialization.jsonObject(with: data)
        emit(["operator": entry.name, "role": entry.role.rawValue, "parameters": params])
    }
}
