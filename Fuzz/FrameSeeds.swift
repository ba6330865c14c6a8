// Writes one frame per message type into the directory given as the first argument: the fuzzer's seed corpus.
// Built from the same wire sources by `make fuzz-frames`.

@main
struct FrameSeeds {
    static func main() throws {
        guard CommandLine.arguments.count == 2 else { fatalError("usage: frame-seeds DIRECTORY") }
        let dir = CommandLine.arguments[1]
        let digest = [UInt8](repeating: 7, count: 32)
        let nonce = [UInt8](0..<32)
        let samples: [ClusterMessage] = [
            .hello(Hello(role: .worker, name: "w1", nonce: nonce)),
            .challenge(Challenge(version: 1, nonce: nonce, tokenRequired: true, proof: [UInt8](repeating: 1, count: 32))),
            .authenticate(Authenticate(proof: [UInt8](repeating: 9, count: 32), threads: 4, cachedProblems: [digest])),
            .welcome(Welcome(peerID: 42, heartbeatMillis: 1000, frameLimit: 1 << 28, workers: 3, threads: 12)),
            .reject(reason: "wrong token"), .heartbeat, .goodbye(reason: "bye"),
            .openSearch(OpenSearch(name: "iris", digest: digest, problem: [1, 2, 3])),
            .searchOpened(searchID: 5),
            .submitTasks([TaskSubmission(id: 1, payload: [1]), TaskSubmission(id: 2, payload: [])]),
            .withdrawTasks([1, 2]), .taskResult(TaskResult(id: 9, outcome: .ok, payload: [0, 1])),
            .taskFailed(id: 9, reason: "crashed"),
            .progress(SearchProgress(generation: 3, evaluations: 9, bestScore: 0.9, metric: "accuracy",
                                     front: [.init(score: 0.9, operators: 2, text: "GaussianNB(input)")])),
            .clusterStatus(workers: 2, threads: 8), .problemData(digest: digest, bytes: [3, 3, 3]),
            .runTask(RunTask(id: 7, digest: digest, payload: [4])), .cancelTasks([7]),
            .needProblem(taskID: 7, digest: digest),
        ]
        for (i, m) in samples.enumerated() {
            let path = "\(dir)/seed-\(i)-\(m.type.name)"
            guard let f = fopen(path, "wb") else { fatalError("cannot write \(path)") }
            let frame = WireFormat.frame(m) + (i % 3 == 0 ? WireFormat.frame(.heartbeat) : [])
            _ = frame.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
            fclose(f)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
