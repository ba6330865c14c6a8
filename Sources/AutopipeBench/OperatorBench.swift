import AutopipeData
import AutopipeOperators
import Foundation

/// `autopipe-bench operators DATA.csv [--operators A,B] [--repeat N]`: fit+predict time per operator.
func benchOperators() throws {
    guard arguments.count >= 2 else { usage("autopipe-bench operators DATA.csv [--operators A,B] [--repeat N]") }
    let path = arguments[1]
    let dataset = try Dataset(table: CSVReader().read(path: path))
    let names = option("--operators").map { $0.split(separator: ",").map(String.init) } ?? OperatorRegistry.standard.names
    let repeats = Int(option("--repeat") ?? "3") ?? 3
    let learner: OperatorRole = dataset.task == .classification ? .classifier : .regressor
    for name in names {
        guard let entry = OperatorRegistry.standard.entry(named: name) else {
            emit(["operator": name, "error": "unknown operator"])
            continue
        }
        if entry.role.isLearner && entry.role != learner { continue }
        do {
            let op = try entry.make()
            var best = Double.infinity, bestFit = 0.0, bestPredict = 0.0
            for r in 0..<repeats {
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
                if fitTime + predictTime < best {
                    best = fitTime + predictTime
                    bestFit = fitTime
                    bestPredict = predictTime
                }
            }
            emit(["operator": name, "fit_seconds": bestFit, "predict_seconds": bestPredict, "total_seconds": best,
                  "rows": dataset.rowCount, "columns": dataset.features.columns])
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
