/// Field-by-field encoding of each message's payload (see `WireFormat` for the frame around it).
extension ClusterMessage {
    /// Longest name, reason or pipeline text accepted (bytes).
    static let maxTextLength = 64 * 1024

    func encodePayload(into w: inout WireWriter) {
        switch self {
        case .hello(let h):
            w.raw(WireFormat.magic)
            w.u16(h.versions.lowerBound)
            w.u16(h.versions.upperBound)
            w.u8(h.role.rawValue)
            w.string(h.name)
            w.blob(h.nonce)
        case .challenge(let c):
            w.u16(c.version)
            w.blob(c.nonce)
            w.bool(c.tokenRequired)
            w.blob(c.proof)
        case .authenticate(let a):
            w.blob(a.proof)
            w.u32(a.threads)
            w.count(a.cachedProblems.count)
            for d in a.cachedProblems { w.blob(d) }
        case .welcome(let m):
            w.u64(m.peerID)
            w.u32(m.heartbeatMillis)
            w.u32(m.frameLimit)
            w.u32(m.workers)
            w.u32(m.threads)
        case .reject(let reason), .goodbye(let reason):
            w.string(reason)
        case .heartbeat:
            break
        case .openSearch(let o):
            w.string(o.name)
            w.blob(o.digest)
            w.blob(o.problem)
        case .searchOpened(let id):
            w.u64(id)
        case .submitTasks(let tasks):
            w.count(tasks.count)
            for t in tasks {
                w.u64(t.id)
                w.blob(t.payload)
            }
        case .withdrawTasks(let ids), .cancelTasks(let ids):
            w.count(ids.count)
            for id in ids { w.u64(id) }
        case .taskResult(let r):
            w.u64(r.id)
            w.u8(r.outcome.rawValue)
            w.blob(r.payload)
        case .taskFailed(let id, let reason):
            w.u64(id)
            w.string(reason)
        case .progress(let p):
            w.u32(p.generation)
            w.u32(p.evaluations)
            w.f64(p.bestScore)
            w.string(p.metric)
            w.count(p.front.count)
            for m in p.front {
                w.f64(m.score)
                w.u32(m.operators)
                w.string(m.text)
            }
        case .clusterStatus(let workers, let threads):
            w.u32(workers)
            w.u32(threads)
        case .problemData(let digest, let bytes):
            w.blob(digest)
            w.blob(bytes)
        case .runTask(let t):
            w.u64(t.id)
            w.blob(t.digest)
            w.blob(t.payload)
        case .needProblem(let id, let digest):
            w.u64(id)
            w.blob(digest)
        }
    }

    static func decodePayload(_ type: MessageType, _ r: inout WireReader) throws(WireError) -> ClusterMessage {
        switch type {
        case .hello:
            let magic = try r.raw(WireFormat.magic.count, "magic")
            guard magic == WireFormat.magic else {
                throw .invalid(field: "magic", reason: "the peer is not an autopipe cluster peer")
            }
            let low = try r.u16("min version"), high = try r.u16("max version")
            guard low <= high else { throw .invalid(field: "versions", reason: "\(low) > \(high)") }
            let rawRole = try r.u8("role")
            guard let role = PeerRole(rawValue: rawRole) else {
                throw .invalid(field: "role", reason: "unknown role \(rawRole)")
            }
            let name = try r.string("name", maxLength: 256)
            let nonce = try fixedBlob(&r, "nonce", size: WireFormat.nonceSize)
            return .hello(Hello(versions: low...high, role: role, name: name, nonce: nonce))
        case .challenge:
            let version = try r.u16("version")
            let nonce = try fixedBlob(&r, "nonce", size: WireFormat.nonceSize)
            let required = try r.bool("token required")
            let proof = try optionalProof(&r)
            return .challenge(Challenge(version: version, nonce: nonce, tokenRequired: required, proof: proof))
        case .authenticate:
            let proof = try optionalProof(&r)
            let threads = try r.u32("threads")
            let n = try r.count("cached problems", minimumSize: 4 + WireFormat.digestSize)
            guard n <= 1024 else { throw .invalid(field: "cached problems", reason: "\(n) digests, at most 1024") }
            var digests: [[UInt8]] = []
            for _ in 0..<n { digests.append(try fixedBlob(&r, "cached problem", size: WireFormat.digestSize)) }
            return .authenticate(Authenticate(proof: proof, threads: threads, cachedProblems: digests))
        case .welcome:
            return .welcome(Welcome(peerID: try r.u64("peer id"), heartbeatMillis: try r.u32("heartbeat"),
                                    frameLimit: try r.u32("frame limit"), workers: try r.u32("workers"),
                                    threads: try r.u32("threads")))
        case .reject:
            return .reject(reason: try r.string("reason", maxLength: maxTextLength))
        case .goodbye:
            return .goodbye(reason: try r.string("reason", maxLength: maxTextLength))
        case .heartbeat:
            return .heartbeat
        case .openSearch:
            let name = try r.string("search name", maxLength: 256)
            let digest = try fixedBlob(&r, "digest", size: WireFormat.digestSize)
            return .openSearch(OpenSearch(name: name, digest: digest, problem: try r.blob("problem")))
        case .searchOpened:
            return .searchOpened(searchID: try r.u64("search id"))
        case .submitTasks:
            let n = try r.count("tasks", minimumSize: 12)
            var tasks: [TaskSubmission] = []
            tasks.reserveCapacity(n)
            for _ in 0..<n { tasks.append(TaskSubmission(id: try r.u64("task id"), payload: try r.blob("task payload"))) }
            return .submitTasks(tasks)
        case .withdrawTasks, .cancelTasks:
            let n = try r.count("task ids", minimumSize: 8)
            var ids: [UInt64] = []
            ids.reserveCapacity(n)
            for _ in 0..<n { ids.append(try r.u64("task id")) }
            return type == .withdrawTasks ? .withdrawTasks(ids) : .cancelTasks(ids)
        case .taskResult:
            let id = try r.u64("task id")
            let raw = try r.u8("outcome")
            guard let outcome = TaskOutcome(rawValue: raw) else {
                throw .invalid(field: "outcome", reason: "unknown outcome \(raw)")
            }
            return .taskResult(TaskResult(id: id, outcome: outcome, payload: try r.blob("result payload")))
        case .taskFailed:
            return .taskFailed(id: try r.u64("task id"), reason: try r.string("reason", maxLength: maxTextLength))
        case .progress:
            let generation = try r.u32("generation"), evaluations = try r.u32("evaluations")
            let best = try r.f64("best score")
            let metric = try r.string("metric", maxLength: 64)
            let n = try r.count("front", minimumSize: 16)
            var front: [SearchProgress.Member] = []
            for _ in 0..<n {
                front.append(.init(score: try r.f64("front score"), operators: try r.u32("front operators"),
                                   text: try r.string("front pipeline", maxLength: maxTextLength)))
            }
            return .progress(SearchProgress(generation: generation, evaluations: evaluations, bestScore: best,
                                            metric: metric, front: front))
        case .clusterStatus:
            return .clusterStatus(workers: try r.u32("workers"), threads: try r.u32("threads"))
        case .problemData:
            let digest = try fixedBlob(&r, "digest", size: WireFormat.digestSize)
            return .problemData(digest: digest, bytes: try r.blob("problem"))
        case .runTask:
            let id = try r.u64("task id")
            let digest = try fixedBlob(&r, "digest", size: WireFormat.digestSize)
            return .runTask(RunTask(id: id, digest: digest, payload: try r.blob("task payload")))
        case .needProblem:
            let id = try r.u64("task id")
            return .needProblem(taskID: id, digest: try fixedBlob(&r, "digest", size: WireFormat.digestSize))
        }
    }

    private static func fixedBlob(_ r: inout WireReader, _ field: String, size: Int) throws(WireError) -> [UInt8] {
        let b = try r.blob(field)
        guard b.count == size else { throw .invalid(field: field, reason: "\(b.count) bytes, expected \(size)") }
        return b
    }

    private static func optionalProof(_ r: inout WireReader) throws(WireError) -> [UInt8] {
        let b = try r.blob("proof")
        guard b.isEmpty || b.count == WireFormat.proofSize else {
            throw .invalid(field: "proof", reason: "\(b.count) bytes, expected 0 or \(WireFormat.proofSize)")
        }
        return b
    }
}
