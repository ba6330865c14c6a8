import AutopipeData
import AutopipeOperators
import Foundation

// autopipe-bench: the Swift side of the benchmarks under scripts/bench (which run the Python peers in the same
// run and print the comparison). Output: one JSON object per line.
//
//   autopipe-bench operators DATA.csv [--operators A,B] [--repeat N]   fit+predict time per operator
//   autopipe-bench params                                               default parameters of every operator
//   autopipe-bench cluster-capacity [--tasks N] [--workers W] [--threads T] [--codec]   scheduler round trips/s

let arguments = Array(CommandLine.arguments.dropFirst())

func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

func emit(_ object: [String: Any]) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
        print(String(decoding: data, as: UTF8.self))
        fflush(nil)
    }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

func benchOperators() throws {
    guard arguments.count >= 2 else {
        FileHandle.standardError.write(Data("usage: autopipe-bench operators DATA.csv [--operators A,B] [--repeat N]\n".utf8))
        exit(2)
    }
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

func printParams() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    for entry in OperatorRegistry.standard.entries {
        let data = try encoder.encode(entry.space.defaults)
        let params = try JSONSerialization.jsonObject(with: data)
        emit(["operator": entry.name, "role": entry.role.rawValue, "parameters": params])
    }
}

do {
    switch arguments.first {
    case "operators": try benchOperators()
    case "params": try printParams()
    case "cluster-capacity": try benchClusterCapacity()
    default:
        FileHandle.standardError.write(Data("usage: autopipe-bench operators|params|cluster-capacity ...\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(2)
}
