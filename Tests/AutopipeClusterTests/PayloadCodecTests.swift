import AutopipeData
import AutopipeOperators
import AutopipeSearch
import Foundation
import Testing
@testable import AutopipeCluster

/// Datasets, jobs and results as bytes: exact round trips (types and bits of every value), and validation that
/// makes a hostile dataset or job fail with a reason instead of trapping.
@Suite struct PayloadCodecTests {
    @Test func problemRoundTripIsExact() throws {
        for name in ["iris", "diabetes"] {
            let problem = try ClusterFixtures.problem(name)
            let bytes = ProblemCodec.encode(problem)
            let back = try ProblemCodec.decode(bytes)
            #expect(back.features == problem.features)
            #expect(back.targets == problem.targets)
            #expect(back.folds == problem.folds)
            #expect(back.metric == problem.metric)
            #expect(back.maxEvalSeconds == problem.maxEvalSeconds)
            #expect(ProblemCodec.encode(back) == bytes)
            #expect(ProblemCodec.digest(bytes).count == 32)
        }
    }

    @Test func missingValuesSurvive() throws {
        let m = Matrix(rows: 4, columns: 1, values: [1, .nan, 3, 4])
        let p = EvaluationProblem(features: m, targets: .values([1, 2, 3, 4]),
                                  folds: FoldPlan(rowCount: 4, testFolds: [[0, 1], [2, 3]]), metric: .r2,
                                  maxEvalSeconds: nil)
        let back = try ProblemCodec.decode(ProblemCodec.encode(p))
        #expect(back.features.values[1].isNaN)
        #expect(back.hasMissingValues)
        #expect(back.maxEvalSeconds == nil)
    }

    @Test func invalidProblemsAreRejected() throws {
        let good = EvaluationProblem(features: Matrix(rows: 2, columns: 1, values: [1, 2]), targets: .classes([0, 1], count: 2),
                                     folds: FoldPlan(rowCount: 2, testFolds: [[0], [1]]), metric: .accuracy,
                                     maxEvalSeconds: 10)
        let bytes = ProblemCodec.encode(good)
        // Truncated anywhere: an error, never a trap.
        for cut in 0..<bytes.count {
            #expect(throws: WireError.self) { try ProblemCodec.decode(Array(bytes[0..<cut])) }
        }
        // A label beyond the class count (made as bytes: `EvaluationProblem` cannot hold an invalid problem).
        func bytesOf(targets: Targets? = nil, folds: FoldPlan? = nil, metric: Metric = .accuracy) -> [UInt8] {
            ProblemCodec.encode(features: good.features, targets: targets ?? good.targets, folds: folds ?? good.folds,
                                metric: metric, maxEvalSeconds: 10, hasMissingValues: false)
        }
        #expect(throws: WireError.self) { try ProblemCodec.decode(bytesOf(targets: .classes([0, 5], count: 2))) }
        // A fold row beyond the data; rows repeated or out of order in a fold.
        #expect(throws: WireError.self) { try ProblemCodec.decode(bytesOf(folds: FoldPlan(rowCount: 2, testFolds: [[0], [9]]))) }
        #expect(throws: WireError.self) { try ProblemCodec.decode(bytesOf(folds: FoldPlan(rowCount: 2, testFolds: [[0, 0, 0], [1]]))) }
        #expect(throws: WireError.self) { try ProblemCodec.decode(bytesOf(folds: FoldPlan(rowCount: 2, testFolds: [[1, 0]]))) }
        // A regression metric on class targets.
        #expect(throws: WireError.self) { try ProblemCodec.decode(bytesOf(metric: .r2)) }
        #expect(try ProblemCodec.decode(bytesOf()).folds == good.folds)
        // A huge announced matrix must not be allocated.
        var huge = WireWriter()
        huge.u32(ProblemCodec.formatVersion); huge.string("accuracy"); huge.bool(false); huge.f64(0); huge.bool(false); huge.u32(1 << 30); huge.u32(1 << 30)
        #expect(throws: WireError.self) { try ProblemCodec.decode(huge.bytes) }
    }

    @Test func jobRoundTripKeepsParameterTypesAndBits() throws {
        let step = Step("LogisticRegression", ["C": .double(1.0), "max_iter": .int(100), "penalty": .string("l2"),
                                               "dual": .bool(false), "class_weight": .none,
                                               "tol": .double(0.1 + 0.2)])
        let pipeline = PipelineNode.union(.step(step, input: .input), .step(Step("StandardScaler"), input: .input))
        let job = EvaluationJob(pipeline: .step(Step("GaussianNB", ["var_smoothing": .double(1e-9)]), input: pipeline),
                                key: "some key", seed: .max - 1)
        let back = try JobCodec.decodeJob(JobCodec.encode(job))
        #expect(back == job)
        #expect(back.seed == UInt64.max - 1)
        // JSON would have turned 1.0 into the int 1; the wire keeps it a double.
        if case .step(_, let input) = back.pipeline, case .union(.step(let s, _), _) = input {
            #expect(s.parameters["C"] == .double(1.0))
        } else {
            Issue.record("structure changed")
        }
        for job in ClusterFixtures.jobs(40, space: .standard()) {
            #expect(try JobCodec.decodeJob(JobCodec.encode(job)) == job)
        }
    }

    @Test func deepAndMalformedJobsAreRejected() throws {
        var deep = PipelineNode.input
        for _ in 0..<500 { deep = .step(Step("StandardScaler"), input: deep) }
        let bytes = JobCodec.encode(EvaluationJob(pipeline: deep, key: "k", seed: 1))
        #expect(throws: WireError.self) { try JobCodec.decodeJob(bytes) }
        let ok = JobCodec.encode(ClusterFixtures.jobs(1)[0])
        for cut in 0..<ok.count {
            #expect(throws: WireError.self) { try JobCodec.decodeJob(Array(ok[0..<cut])) }
        }
    }

    @Test func resultRoundTrip() throws {
        let results = [
            EvaluationResult(key: "a", status: .ok, foldScores: [0.9, 0.95, 1.0], score: 0.95, seconds: 0.1),
            EvaluationResult(key: "b", status: .failed(.singularMatrix(operator: "LDA", detail: "rank 2")),
                             foldScores: [0.5], score: -.infinity, seconds: 0.2),
            EvaluationResult(key: "c", status: .timedOut(seconds: 30), foldScores: [], score: -.infinity, seconds: 30.5),
            EvaluationResult(key: "d", status: .failed(.cancelled), foldScores: [], score: -.infinity, seconds: 0),
        ]
        for r in results {
            #expect(try JobCodec.decodeResult(JobCodec.encode(r), key: r.key) == r)
        }
    }

    @Test func evaluatingADecodedJobMatchesTheOriginal() throws {
        let problem = try ClusterFixtures.problem()
        let decodedProblem = try ProblemCodec.decode(ProblemCodec.encode(problem))
        for job in ClusterFixtures.jobs(6) {
            let local = problem.evaluate(job)
            let remote = decodedProblem.evaluate(try JobCodec.decodeJob(JobCodec.encode(job)))
            let back = try JobCodec.decodeResult(JobCodec.encode(remote), key: job.key)
            #expect(ClusterFixtures.sameOutcome([local], [back]))
        }
    }

    @Test func handshakeProofs() {
        let token = ClusterFixtures.token()
        let a = HandshakeProof.nonce(), b = HandshakeProof.nonce()
        #expect(a != b)
        let s = HandshakeProof.scheduler(token, peerNonce: a, schedulerNonce: b)
        #expect(HandshakeProof.verifyScheduler(s, token: token, peerNonce: a, schedulerNonce: b))
        #expect(!HandshakeProof.verifyScheduler(s, token: ClusterFixtures.token("another token entirely"), peerNonce: a,
                                                schedulerNonce: b))
        let p = HandshakeProof.peer(token, role: .worker, schedulerNonce: b, peerNonce: a)
        #expect(HandshakeProof.verifyPeer(p, token: token, role: .worker, schedulerNonce: b, peerNonce: a))
        // Proofs are bound to their role and direction.
        #expect(!HandshakeProof.verifyPeer(p, token: token, role: .client, schedulerNonce: b, peerNonce: a))
        #expect(!HandshakeProof.verifyPeer(s, token: token, role: .worker, schedulerNonce: b, peerNonce: a))
        #expect(!HandshakeProof.verifyPeer([], token: token, role: .worker, schedulerNonce: b, peerNonce: a))
    }

    @Test func tokenFiles() throws {
        let path = try AutopipeTestSupportBridge.write("  0123456789abcdef0123\n")
        var warnings: [String] = []
        _ = try ClusterToken.read(path: path) { warnings.append($0) }
        chmod(path, 0o600)
        warnings = []
        _ = try ClusterToken.read(path: path) { warnings.append($0) }
        #expect(warnings.isEmpty)
        let short = try AutopipeTestSupportBridge.write("short")
        #expect(throws: ClusterError.self) { try ClusterToken.read(path: short) }
        #expect(throws: ClusterError.configuration("cannot read --token-file '/nonexistent/token': no such file")) {
            try ClusterToken.read(path: "/nonexistent/token")
        }
        #expect(throws: ClusterError.configuration("cannot read --token-file '/': it is a directory")) {
            try ClusterToken.read(path: "/")
        }
    }

    /// TLS files that are missing, or that hold something else, are told apart.
    @Test func unusableTLSFiles() throws {
        #expect(throws: ClusterError.configuration("cannot read --tls-cert '/nonexistent/cert.pem': no such file")) {
            _ = try TLSFiles(certificate: "/nonexistent/cert.pem", key: "/nonexistent/key.pem").serverContext()
        }
        let text = try AutopipeTestSupportBridge.write("not a certificate\n")
        do {
            _ = try TLSFiles(caFile: text).clientContext()
            Issue.record("a text file was taken as a CA file")
        } catch let error as ClusterError {
            #expect("\(error)".hasPrefix("--tls-ca-file '\(text)' does not hold PEM certificates ("), "\(error)")
        }
    }

    @Test func addresses() throws {
        #expect(try ClusterAddress.parse("10.0.0.5:9000", defaultPort: 8786, option: "x") == ClusterAddress(host: "10.0.0.5", port: 9000))
        #expect(try ClusterAddress.parse("[::1]:9000", defaultPort: 8786, option: "x") == ClusterAddress(host: "::1", port: 9000))
        #expect(try ClusterAddress.parse("tcp://sched", defaultPort: 8786, option: "x") == ClusterAddress(host: "sched", port: 8786))
        #expect(try ClusterAddress.parse(":8787", defaultPort: 1, option: "x") == ClusterAddress(host: "", port: 8787))
        #expect(throws: ClusterError.self) { try ClusterAddress.parse("host:port", defaultPort: 1, option: "x") }
        #expect(ClusterAddress(host: "127.0.0.1", port: 1).isLoopback)
        #expect(ClusterAddress(host: "localhost", port: 1).isLoopback)
        #expect(ClusterAddress(host: "::1", port: 1).isLoopback)
        #expect(!ClusterAddress(host: "0.0.0.0", port: 1).isLoopback)
        #expect(!ClusterAddress(host: "192.168.1.4", port: 1).isLoopback)
    }
}

import AutopipeTestSupport

enum AutopipeTestSupportBridge {
    static func write(_ text: String) throws -> String {
        try TestSupport.writeTemporaryFile(text, name: "token")
    }
}
