import Foundation

/// A hand-written JSON writer for `/api/status`: Foundation's `JSONEncoder` needs ~8 ms for a snapshot with ten
/// minutes of throughput history, this needs well under one. Same output as the `Codable` conformance with
/// snake_case keys in sorted order, absent optionals left out (non-finite numbers as the strings "inf", "-inf", "nan"), which `decode` reads.
extension ClusterSnapshot {
    public func json() -> Data {
        var w = JSONWriter()
        w.object { o in
            o.field("format_version") { $0.int(formatVersion) }
            o.field("searches") { $0.array(searches) { $0.search($1) } }
            o.field("tasks") { $0.counts(tasks) }
            o.field("threads") { $0.int(threads) }
            o.field("throughput") {
                $0.array(throughput) { w, s in
                    w.object { o in
                        o.field("seconds") { $0.double(s.seconds) }
                        o.field("tasks_per_second") { $0.double(s.tasksPerSecond) }
                    }
                }
            }
            o.field("uptime_seconds") { $0.double(uptimeSeconds) }
            o.field("workers") {
                $0.array(workers) { w, x in
                    w.object { o in
                        o.field("address") { $0.string(x.address) }
                        o.field("connected_seconds") { $0.double(x.connectedSeconds) }
                        o.field("last_heartbeat_seconds_ago") { $0.double(x.lastHeartbeatSecondsAgo) }
                        o.field("name") { $0.string(x.name) }
                        o.field("running") { $0.int(x.running) }
                        o.field("tasks_done") { $0.int(x.tasksDone) }
                        o.field("tasks_failed") { $0.int(x.tasksFailed) }
                        o.field("threads") { $0.int(x.threads) }
                    }
                }
            }
        }
        return Data(w.bytes)
    }
}

struct JSONWriter {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(4096) }

    struct ObjectWriter {
        fileprivate var writer: JSONWriter
        fileprivate var first = true

        mutating func field(_ key: String, _ value: (inout JSONWriter) -> Void) {
            if !first { writer.bytes.append(UInt8(ascii: ",")) }
            first = false
            writer.string(key)
            writer.bytes.append(UInt8(ascii: ":"))
            value(&writer)
        }
    }

    mutating func object(_ body: (inout ObjectWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        // Move the bytes into the object writer (dropping our reference keeps its buffer unique: no copies).
        var o = ObjectWriter(writer: self)
        bytes = []
        body(&o)
        self = o.writer
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array<T>(_ items: [T], _ element: (inout JSONWriter, T) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            element(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func int(_ v: Int) { bytes.append(contentsOf: String(v).utf8) }

    mutating func uint(_ v: UInt64) { bytes.append(contentsOf: String(v).utf8) }

    mutating func double(_ v: Double) {
        if v.isNaN { string("nan") } else if v.isInfinite { string(v < 0 ? "-inf" : "inf") } else {
            bytes.append(contentsOf: v.description.utf8)
        }
    }

    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for u in s.utf8 {
            switch u {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(u >> 4)], hex[Int(u & 15)]])
            default: bytes.append(u)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func counts(_ t: ClusterSnapshot.TaskCounts) {
        object { o in
            o.field("done") { $0.int(t.done) }
            o.field("failed") { $0.int(t.failed) }
            o.field("poisoned") { $0.int(t.poisoned) }
            o.field("queued") { $0.int(t.queued) }
            o.field("requeued") { $0.int(t.requeued) }
            o.field("running") { $0.int(t.running) }
            o.field("submitted") { $0.int(t.submitted) }
            o.field("withdrawn") { $0.int(t.withdrawn) }
        }
    }

    mutating func search(_ s: ClusterSnapshot.SearchInfo) {
        object { o in
            o.field("address") { $0.string(s.address) }
            o.field("best_history") {
                $0.array(s.bestHistory) { w, p in
                    w.object { o in
                        o.field("generation") { $0.int(p.generation) }
                        o.field("score") { $0.double(p.score) }
                        o.field("seconds") { $0.double(p.seconds) }
                    }
                }
            }
            if let best = s.bestScore { o.field("best_score") { $0.double(best) } }
            o.field("dataset") { $0.string(s.dataset) }
            o.field("done") { $0.int(s.done) }
            if let n = s.evaluations { o.field("evaluations") { $0.int(n) } }
            o.field("failed") { $0.int(s.failed) }
            o.field("front") {
                $0.array(s.front) { w, p in
                    w.object { o in
                        o.field("operators") { $0.int(p.operators) }
                        o.field("pipeline") { $0.string(p.pipeline) }
                        o.field("score") { $0.double(p.score) }
                    }
                }
            }
            if let g = s.generation { o.field("generation") { $0.int(g) } }
            o.field("id") { $0.uint(s.id) }
            if let m = s.metric { o.field("metric") { $0.string(m) } }
            o.field("name") { $0.string(s.name) }
            o.field("opened_seconds") { $0.double(s.openedSeconds) }
            o.field("queued") { $0.int(s.queued) }
            o.field("running") { $0.int(s.running) }
        }
    }
}
