import AutopipeData
import Foundation

/// `autopipe-bench csv DATA.csv [--repeat N] [--dataset] [--threads N] [--piece-bytes N]`: time and peak memory of reading a CSV into a `Table`
/// (the same work as `pandas.read_csv`: parse, type, store as doubles). With `--dataset`, also the time of turning
/// the table into the encoded `Dataset` the search uses.
///
/// Peak memory is the process's VmHWM from /proc/self/status after all loads (each load's table is released
/// before the next), reported next to the resident set before the first load, so `peak - baseline` is what loading
/// cost.
func benchCSV() throws {
    guard arguments.count >= 2 else {
        usage("autopipe-bench csv DATA.csv [--repeat N] [--dataset] [--threads N] [--piece-bytes N]")
    }
    let path = arguments[1]
    let options = CSVOptions(parallelism: option("--threads").flatMap { Int($0) },
                             pieceBytes: option("--piece-bytes").flatMap { Int($0) })
    let repeats = max(1, Int(option("--repeat") ?? "3") ?? 3)
    let fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    let baseline = procStatusBytes("VmRSS") ?? 0
    var best = Double.infinity
    var rows = 0, columns = 0
    for _ in 0..<repeats {
        var table: Table?
        let t = try seconds { table = try CSVReader(options: options).read(path: path) }
        best = min(best, t)
        if let table {
            rows = table.rowCount
            columns = table.columnCount
        }
        table = nil
    }
    let peak = procStatusBytes("VmHWM") ?? 0
    var result: [String: Any] = [
        "side": "autopipe", "path": path, "file_bytes": fileBytes, "rows": rows, "columns": columns,
        "seconds": best, "threads": options.parallelism ?? 0, "mb_per_second": Double(fileBytes) / 1e6 / best,
        "baseline_rss_bytes": baseline, "peak_rss_bytes": peak, "matrix_bytes": rows * columns * 8,
        "repeats": repeats,
    ]
    if flag("--dataset") {
        var table: Table? = try CSVReader(options: options).read(path: path)
        var datasetSeconds = Double.infinity
        for _ in 0..<repeats {
            guard let source = table else { break }
            datasetSeconds = min(datasetSeconds, try seconds { _ = try Dataset(table: source) })
        }
        table = nil
        result["dataset_seconds"] = datasetSeconds
        result["peak_rss_with_dataset_bytes"] = procStatusBytes("VmHWM") ?? 0
    }
    emit(result)
}
