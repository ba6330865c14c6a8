import AutopipeData
import AutopipeOperators
import AutopipeSearch
import Foundation

/// Tasks and results as bytes. A task is a pipeline document (the `PipelineNode` tree: operator names and typed
/// parameter values, nothing executable), its key and its seed; a result is the evaluation's status, fold scores,
/// mean score and time. Parameter values keep their exact type and bits (an int stays an int, a double keeps
/// every bit), so a worker fits exactly the pipeline the search made.
///
///     job:    u8 format (2) | string key | u64 seed | node
///     node:   u8 0 (input) | u8 1, string operator, u32 n, n x (string name, value), node | u8 2, node, node
///     value:  u8 0 none | 1 bool u8 | 2 int i64 | 3 double f64 | 4 string
///     result: u8 format (2) | u8 status (0 ok | 1 failed, string error JSON | 2 timed out, f64 limit)
///             | doubles fold scores | f64 score | f64 seconds | u8 has-fold-seconds, doubles fold seconds
public enum JobCodec {
    static let formatVersion: UInt8 = 2
    /// Deepest pipeline accepted (decoding recurses once per level).
    static let maxDepth = 200

    // MARK: Jobs

    public static func encode(_ job: EvaluationJob) -> [UInt8] {
        var w = WireWriter(capacity: 256)
        w.u8(formatVersion)
        w.string(job.key)
        w.u64(job.seed)
        encode(job.pipeline, into: &w)
        return w.bytes
    }

    public static func decodeJob(_ bytes: [UInt8]) throws(WireError) -> EvaluationJob {
        var r = WireReader(bytes)
        let version = try r.u8("job format")
        guard version == formatVersion else {
            throw .invalid(field: "job format", reason: "version \(version); this build reads \(formatVersion)")
        }
        let key = try r.string("job key")
        let seed = try r.u64("job seed")
        let pipeline = try decodeNode(&r, depth: 0)
        try r.finish("job")
        return EvaluationJob(pipeline: pipeline, key: key, seed: seed)
    }

    static func encode(_ node: PipelineNode, into w: inout WireWriter) {
        switch node {
        case .input:
            w.u8(0)
        case .step(let step, let input):
            w.u8(1)
            w.string(step.name)
            let names = step.parameters.names
            w.count(names.count)
            for name in names {
                w.string(name)
                switch step.parameters[name] ?? .none {
                case .none: w.u8(0)
                case .bool(let b): w.u8(1); w.bool(b)
                case .int(let i): w.u8(2); w.i64(Int64(i))
                case .double(let d): w.u8(3); w.f64(d)
                case .string(let s): w.u8(4); w.string(s)
                }
            }
            encode(input, into: &w)
        case .union(let a, let b):
            w.u8(2)
            encode(a, into: &w)
            encode(b, into: &w)
        }
    }

    static func decodeNode(_ r: inout WireReader, depth: Int) throws(WireError) -> PipelineNode {
        guard depth <= maxDepth else { throw .invalid(field: "pipeline", reason: "nested deeper than \(maxDepth)") }
        switch try r.u8("node kind") {
        case 0:
            return .input
        case 1:
            let name = try r.string("operator", maxLength: 256)
            let n = try r.count("parameters", minimumSize: 5)
            var values: [String: ParamValue] = [:]
            for _ in 0..<n {
                let key = try r.string("parameter name", maxLength: 256)
                let value: ParamValue
                switch try r.u8("parameter kind") {
                case 0: value = .none
                case 1: value = .bool(try r.bool("parameter"))
                case 2:
                    let i = try r.i64("parameter")
                    guard let exact = Int(exactly: i) else { throw .invalid(field: "parameter", reason: "int out of range") }
                    value = .int(exact)
                case 3: value = .double(try r.f64("parameter"))
                case 4: value = .string(try r.string("parameter", maxLength: 4096))
                case let other: throw .invalid(field: "parameter kind", reason: "unknown kind \(other)")
                }
                values[key] = value
            }
            let input = try decodeNode(&r, depth: depth + 1)
            return .step(Step(name, Parameters(values)), input: input)
        case 2:
            let a = try decodeNode(&r, depth: depth + 1)
            let b = try decodeNode(&r, depth: depth + 1)
            return .union(a, b)
        case let other:
            throw .invalid(field: "node kind", reason: "unknown kind \(other)")
        }
    }

    // MARK: Results

    public static func encode(_ result: EvaluationResult) -> [UInt8] {
        var w = WireWriter(capacity: 64 + result.foldScores.count * 8)
        w.u8(formatVersion)
        switch result.status {
        case .ok:
            w.u8(0)
        case .failed(let error):
            w.u8(1)
            w.blob((try? JSONEncoder().encode(error)).map { Array($0) } ?? [])
        case .timedOut(let seconds):
            w.u8(2)
            w.f64(seconds)
        }
        w.doubles(result.foldScores)
        w.f64(result.score)
        w.f64(result.seconds)
        w.bool(result.foldSeconds != nil)
        w.doubles(result.foldSeconds ?? [])
        return w.bytes
    }

    public static func outcome(_ result: EvaluationResult) -> TaskOutcome {
        switch result.status {
        case .ok: return .ok
        case .failed: return .failed
        case .timedOut: return .timedOut
        }
    }

    /// Decodes a result for the job whose key is `key` (the key is not sent back).
    public static func decodeResult(_ bytes: [UInt8], key: String) throws(WireError) -> EvaluationResult {
        var r = WireReader(bytes)
        let version = try r.u8("result format")
        guard version == formatVersion else {
            throw .invalid(field: "result format", reason: "version \(version); this build reads \(formatVersion)")
        }
        let status: EvaluationStatus
        switch try r.u8("status") {
        case 0:
            status = .ok
        case 1:
            let json = try r.blob("error")
            guard let error = try? JSONDecoder().decode(OperatorError.self, from: Data(json)) else {
                throw .invalid(field: "error", reason: "not an operator error document")
            }
            status = .failed(error)
        case 2:
            status = .timedOut(seconds: try r.f64("time limit"))
        case let other:
            throw .invalid(field: "status", reason: "unknown status \(other)")
        }
        let folds = try r.doubles("fold scores")
        let score = try r.f64("score")
        let seconds = try r.f64("seconds")
        let hasFoldSeconds = try r.bool("has fold seconds")
        let foldSeconds = try r.doubles("fold seconds")
        try r.finish("result")
        return EvaluationResult(key: key, status: status, foldScores: folds, score: score, seconds: seconds,
                                foldSeconds: hasFoldSeconds ? foldSeconds : nil)
    }
}
