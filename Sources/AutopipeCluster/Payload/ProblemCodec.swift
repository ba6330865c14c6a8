import AutopipeData
import AutopipeSearch
import Crypto

/// The dataset of a search as bytes: everything a worker needs to score pipelines (training features, encoded
/// targets, fold plan, metric, per-evaluation time limit) and nothing else: no file paths, no code.
///
///     u32 format (2) | string metric | u8 has-limit, f64 limit | u8 has-missing-values (median imputer)
///     u32 rows | u32 columns | rows*columns f64 (row-major, bit patterns)
///     u8 kind (1 classes: u32 class count, u32 n, n x u32 | 2 values: u32 n, n x f64)
///     u32 fold row count | u32 folds | per fold: u32 n, n x u32 (test rows, strictly increasing)
///
/// Its SHA-256 is the dataset's identity on the wire (`digest`): searches and workers refer to the dataset by it,
/// and every receiver checks the bytes against it before use.
public enum ProblemCodec {
    public static let formatVersion: UInt32 = 2
    /// Upper bound on classes, to keep a decoded problem's per-class arrays small.
    static let maxClasses = 1 << 20

    public static func encode(_ problem: EvaluationProblem) -> [UInt8] {
        encode(features: problem.features, targets: problem.targets, folds: problem.folds, metric: problem.metric,
               maxEvalSeconds: problem.maxEvalSeconds, hasMissingValues: problem.hasMissingValues)
    }

    /// The parts of a problem as bytes (also how tests make invalid problems, which `EvaluationProblem` cannot hold).
    static func encode(features m: Matrix, targets: Targets, folds: FoldPlan, metric: Metric, maxEvalSeconds: Double?,
                       hasMissingValues: Bool) -> [UInt8] {
        var w = WireWriter(capacity: 64 + m.values.count * 8 + targets.count * 8)
        w.u32(formatVersion)
        w.string(metric.rawValue)
        w.bool(maxEvalSeconds != nil)
        w.f64(maxEvalSeconds ?? 0)
        w.bool(hasMissingValues)
        w.count(m.rows)
        w.count(m.columns)
        for v in m.values { w.u64(v.bitPattern) }
        switch targets {
        case .classes(let labels, let count):
            w.u8(1)
            w.count(count)
            w.count(labels.count)
            for l in labels { w.u32(UInt32(clamping: l)) }
        case .values(let values):
            w.u8(2)
            w.doubles(values)
        }
        w.count(folds.rowCount)
        w.count(folds.count)
        for fold in folds.testFolds {
            w.count(fold.count)
            for r in fold { w.u32(UInt32(clamping: r)) }
        }
        return w.bytes
    }

    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }

    /// Hex of a digest, for logs and the dashboard (the first `length` characters).
    public static func hex(_ digest: [UInt8], length: Int = 64) -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        for b in digest { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 15)]) }
        return String(s.prefix(length))
    }

    /// Decodes and validates a problem: every index in range, every length consistent, so evaluating it cannot
    /// trap however the bytes were made. `memoBytes`: the problem's budget for reusable sub-pipeline outputs.
    public static func decode(_ bytes: [UInt8],
                              memoBytes: Int = EvaluationProblem.defaultMemoBytes) throws(WireError) -> EvaluationProblem {
        var r = WireReader(bytes)
        let version = try r.u32("problem format")
        guard version == formatVersion else {
            throw .invalid(field: "problem format", reason: "version \(version); this build reads \(formatVersion)")
        }
        let metricName = try r.string("metric", maxLength: 64)
        guard let metric = Metric(rawValue: metricName) else {
            throw .invalid(field: "metric", reason: "unknown metric '\(metricName)'")
        }
        let hasLimit = try r.bool("has time limit")
        let limit = try r.f64("time limit")
        if hasLimit && !(limit > 0 && limit.isFinite) {
            throw .invalid(field: "time limit", reason: "\(limit) is not a positive number of seconds")
        }
        let hasMissingValues = try r.bool("has missing values")
        let rows = Int(try r.u32("rows"))
        let columns = Int(try r.u32("columns"))
        let cells = rows.multipliedReportingOverflow(by: columns)
        guard !cells.overflow, cells.partialValue <= r.remaining / 8 else {
            let bytes = cells.partialValue.multipliedReportingOverflow(by: 8)
            throw .truncated(field: "features", needed: cells.overflow || bytes.overflow ? Int.max : bytes.partialValue,
                             available: r.remaining)
        }
        var values = [Double]()
        values.reserveCapacity(cells.partialValue)
        for _ in 0..<cells.partialValue { values.append(Double(bitPattern: try r.u64("features"))) }
        let features = Matrix(rows: rows, columns: columns, values: values)

        let targets: Targets
        switch try r.u8("target kind") {
        case 1:
            let classCount = Int(try r.u32("class count"))
            guard (1...maxClasses).contains(classCount) else {
                throw .invalid(field: "class count", reason: "\(classCount) is not in 1...\(maxClasses)")
            }
            let n = try r.count("labels", minimumSize: 4)
            var labels = [Int]()
            labels.reserveCapacity(n)
            for _ in 0..<n {
                let label = Int(try r.u32("label"))
                guard label < classCount else {
                    throw .invalid(field: "label", reason: "class \(label) with only \(classCount) classes")
                }
                labels.append(label)
            }
            targets = .classes(labels, count: classCount)
        case 2:
            targets = .values(try r.doubles("target values"))
        case let other:
            throw .invalid(field: "target kind", reason: "unknown kind \(other)")
        }
        guard targets.count == rows else {
            throw .invalid(field: "targets", reason: "\(targets.count) targets for \(rows) rows")
        }
        guard metric.task == targets.task else {
            throw .invalid(field: "metric", reason: "\(metric.rawValue) does not score \(targets.task.rawValue) targets")
        }

        let foldRows = Int(try r.u32("fold row count"))
        guard foldRows == rows else {
            throw .invalid(field: "fold plan", reason: "plans \(foldRows) rows, the data has \(rows)")
        }
        let foldCount = try r.count("folds", minimumSize: 4)
        guard foldCount >= 1 else { throw .invalid(field: "folds", reason: "no folds") }
        var testFolds: [[Int]] = []
        for _ in 0..<foldCount {
            let n = try r.count("fold", minimumSize: 4)
            var fold = [Int]()
            fold.reserveCapacity(n)
            for _ in 0..<n {
                let row = Int(try r.u32("fold row"))
                guard row < rows else { throw .invalid(field: "fold row", reason: "row \(row) of \(rows)") }
                if let last = fold.last, row <= last {
                    throw .invalid(field: "fold row", reason: "test rows not strictly increasing (\(last), then \(row))")
                }
                fold.append(row)
            }
            testFolds.append(fold)
        }
        try r.finish("problem")
        return EvaluationProblem(features: features, targets: targets,
                                 folds: FoldPlan(rowCount: rows, testFolds: testFolds), metric: metric,
                                 maxEvalSeconds: hasLimit ? limit : nil, hasMissingValues: hasMissingValues,
                                 memoBytes: memoBytes)
    }
}
