import AutopipeData
import Foundation

/// `autopipe-bench csv DATA.csv [--repeat N] [--dataset] [--threads N] [--piece-bytes N]`: time and peak memory of reading a CSV into a `Table`
/// (the same work as `pandas.read_csv`: parse, type, store as doubles). With `--dataset`, also the time of reading
/// and turning the table into the encoded `Dataset` the search uses (as the CLI does), and the peak with it.
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
    var best = Double.infinity, bestCPU = Double.infinity
    var rows = 0, columns = 0
    for _ in 0..<repeats {
        var table: Table?
        let cpu = cpuSeconds()
        let t = try seconds { table = try CSVReader(options: options).read(path: path) }
        best = min(best, t)
        bestCPU = min(bestCPU, cpuSeconds() - cpu)
        if let table {
            rows = table.rowCount
            columns = table.columnCount
        }
        table = nil
    }
    let peak = procStatusBytes("VmHWM") ?? 0
    var result: [String: Any] = [
        "side": "autopipe", "path": path, "file_bytes": fileBytes, "rows": rows, "columns": columns,
        "seconds": best, "cpu_seconds": bestCPU, "threads": options.parallelism ?? 0, "mb_per_second": Double(fileBytes) / 1e6 / best,
        "baseline_rss_bytes": baseline, "peak_rss_bytes": peak, "matrix_bytes": rows * columns * 8,
        "repeats": repeats,
    ]
    if flag("--dataset") {
        // Table and dataset as the CLI builds them: the dataset takes over the table's storage.
        var datasetSeconds = Double.infinity
        for _ in 0..<repeats {
            var dataset: Dataset?
            let t = try seconds {
                let table = try CSVReader(options: options).read(path: path)
                dataset = try Dataset(table: consume table)
            }
            datasetSeconds = min(datasetSeconds, t)
            if let dataset { result["features"] = dataset.features.columns }
            dataset = nil
        }
        result["load_and_dataset_seconds"] = datasetSeconds
        result["peak_rss_with_dataset_bytes"] = procStatusBytes("VmHWM") ?? 0
    }
    emit(result)
}
