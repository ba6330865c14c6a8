/// Every message of the cluster protocol. Nothing here is executable: tasks carry pipeline documents (data, see
/// `JobCodec`) and datasets travel as numbers (`ProblemCodec`); the scheduler relays both as opaque bytes.
///
/// Conversation:
///
///     peer -> scheduler   hello          (magic, protocol versions, role, name, nonce)
///     scheduler -> peer   challenge      (chosen version, nonce, whether a token is required, scheduler's proof)
///     peer -> scheduler   authenticate   (peer's proof, worker threads, cached dataset digests)
///     scheduler -> peer   welcome | reject
///
///     search client:  openSearch -> searchOpened; submitTasks / withdrawTasks / progress;
///                     <- taskResult / taskFailed / clusterStatus
///     worker:         <- problemData / runTask / cancelTasks; taskResult / needProblem ->
///     both ways:      heartbeat, goodbye
public enum ClusterMessage: Sendable, Hashable {
    case hello(Hello)
    case challenge(Challenge)
    case authenticate(Authenticate)
    case welcome(Welcome)
    case reject(reason: String)
    case heartbeat
    case goodbye(reason: String)
    case openSearch(OpenSearch)
    case searchOpened(searchID: UInt64)
    case submitTasks([TaskSubmission])
    case withdrawTasks([UInt64])
    case taskResult(TaskResult)
    case taskFailed(id: UInt64, reason: String)
    case progress(SearchProgress)
    case clusterStatus(workers: UInt32, threads: UInt32)
    case problemData(digest: [UInt8], bytes: [UInt8])
    case runTask(RunTask)
    case cancelTasks([UInt64])
    /// A worker no longer holds the dataset a task needs (it evicted it): send it again and re-queue the task.
    case needProblem(taskID: UInt64, digest: [UInt8])

    public var type: MessageType {
        switch self {
        case .hello: return .hello
        case .challenge: return .challenge
        case .authenticate: return .authenticate
        case .welcome: return .welcome
        case .reject: return .reject
        case .heartbeat: return .heartbeat
        case .goodbye: return .goodbye
        case .openSearch: return .openSearch
        case .searchOpened: return .searchOpened
        case .submitTasks: return .submitTasks
        case .withdrawTasks: return .withdrawTasks
        case .taskResult: return .taskResult
        case .taskFailed: return .taskFailed
        case .progress: return .progress
        case .clusterStatus: return .clusterStatus
        case .problemData: return .problemData
        case .runTask: return .runTask
        case .cancelTasks: return .cancelTasks
        case .needProblem: return .needProblem
        }
    }
}

/// Message type codes (the frame's type byte). Codes are never reused.
public enum MessageType: UInt8, Sendable, CaseIterable {
    case hello = 1, challenge = 2, authenticate = 3, welcome = 4, reject = 5, heartbeat = 6, goodbye = 7
    case openSearch = 10, searchOpened = 11, submitTasks = 12, withdrawTasks = 13, taskResult = 14
    case taskFailed = 15, progress = 16, clusterStatus = 17
    case problemData = 20, runTask = 21, cancelTasks = 22, needProblem = 23

    public var name: String { "\(self)" }
}

/// What a connecting peer is.
public enum PeerRole: UInt8, Sendable, Hashable {
    case worker = 1
    /// A search that submits tasks.
    case client = 2

    public var name: String { self == .worker ? "worker" : "search" }
}

public struct Hello: Sendable, Hashable {
    public var versions: ClosedRange<UInt16>
    public var role: PeerRole
    public var name: String
    public var nonce: [UInt8]

    public init(versions: ClosedRange<UInt16> = WireFormat.protocolVersions, role: PeerRole, name: String,
                nonce: [UInt8]) {
        self.versions = versions
        self.role = role
        self.name = name
        self.nonce = nonce
    }
}

public struct Challenge: Sendable, Hashable {
    public var version: UInt16
    public var nonce: [UInt8]
    public var tokenRequired: Bool
    /// HMAC proving the scheduler knows the token (empty when it has none).
    public var proof: [UInt8]

    public init(version: UInt16, nonce: [UInt8], tokenRequired: Bool, proof: [UInt8]) {
        self.version = version
        self.nonce = nonce
        self.tokenRequired = tokenRequired
        self.proof = proof
    }
}

public struct Authenticate: Sendable, Hashable {
    /// HMAC proving the peer knows the token (empty when it has none).
    public var proof: [UInt8]
    /// Evaluation slots (workers; 0 for a search).
    public var threads: UInt32
    /// Digests of the datasets the worker still holds, so they are not sent again after a reconnect.
    public var cachedProblems: [[UInt8]]

    public init(proof: [UInt8], threads: UInt32, cachedProblems: [[UInt8]] = []) {
        self.proof = proof
        self.threads = threads
        self.cachedProblems = cachedProblems
    }
}

public struct Welcome: Sendable, Hashable {
    public var peerID: UInt64
    public var heartbeatMillis: UInt32
    public var frameLimit: UInt32
    public var workers: UInt32
    public var threads: UInt32

    public init(peerID: UInt64, heartbeatMillis: UInt32, frameLimit: UInt32, workers: UInt32, threads: UInt32) {
        self.peerID = peerID
        self.heartbeatMillis = heartbeatMillis
        self.frameLimit = frameLimit
        self.workers = workers
        self.threads = threads
    }
}

public struct OpenSearch: Sendable, Hashable {
    public var name: String
    /// SHA-256 of `problem`: the dataset's identity, checked by whoever receives the bytes.
    public var digest: [UInt8]
    public var problem: [UInt8]

    public init(name: String, digest: [UInt8], problem: [UInt8]) {
        self.name = name
        self.digest = digest
        self.problem = problem
    }
}

public struct TaskSubmission: Sendable, Hashable {
    public var id: UInt64
    /// An encoded `EvaluationJob` (`JobCodec`); opaque to the scheduler.
    public var payload: [UInt8]

    public init(id: UInt64, payload: [UInt8]) {
        self.id = id
        self.payload = payload
    }
}

/// How an evaluation ended, as far as the scheduler needs to know (for its counters).
public enum TaskOutcome: UInt8, Sendable, Hashable {
    case ok = 0, failed = 1, timedOut = 2
}

public struct TaskResult: Sendable, Hashable {
    public var id: UInt64
    public var outcome: TaskOutcome
    /// An encoded `EvaluationResult` (`JobCodec`); opaque to the scheduler.
    public var payload: [UInt8]

    public init(id: UInt64, outcome: TaskOutcome, payload: [UInt8]) {
        self.id = id
        self.outcome = outcome
        self.payload = payload
    }
}

public struct RunTask: Sendable, Hashable {
    public var id: UInt64
    public var digest: [UInt8]
    public var payload: [UInt8]

    public init(id: UInt64, digest: [UInt8], payload: [UInt8]) {
        self.id = id
        self.digest = digest
        self.payload = payload
    }
}

/// A search's state for the dashboard: its generation, best score and Pareto front.
public struct SearchProgress: Sendable, Hashable {
    public struct Member: Sendable, Hashable {
        public var score: Double
        public var operators: UInt32
        public var text: String

        public init(score: Double, operators: UInt32, text: String) {
            self.score = score
            self.operators = operators
            self.text = text
        }
    }

    public var generation: UInt32
    public var evaluations: UInt32
    public var bestScore: Double
    public var metric: String
    public var front: [Member]

    public init(generation: UInt32, evaluations: UInt32, bestScore: Double, metric: String, front: [Member]) {
        self.generation = generation
        self.evaluations = evaluations
        self.bestScore = bestScore
        self.metric = metric
        self.front = front
    }
}
