import Logging

/// The scheduler's state and rules, with no threads and no I/O: events go in (a connection, a message, a closed
/// connection, a clock tick) and the messages to send come out in an `Outbox`. `Scheduler` runs it under a lock
/// and performs the outbox after unlocking; the tests drive it directly.
///
/// Rules:
/// - tasks go to free worker slots (`threads` per worker), to the worker with the most free slots;
/// - searches get fair shares: the next free slot goes to the search with the fewest running tasks;
/// - a worker that joins is given work at once; a worker that is lost has its running tasks put back at the head
///   of their search's queue, and a task lost with `crashLimit` workers is reported failed with that reason;
/// - a search that goes away has its queued tasks dropped and its running tasks cancelled.
final class SchedulerCore {
    typealias PeerID = UInt64
    typealias TaskID = UInt64

    struct Outbox {
        var sends: [(any ClusterConnection, ClusterMessage)] = []
        var closes: [any ClusterConnection] = []
        var limits: [(any ClusterConnection, Int)] = []

        mutating func send(_ connection: any ClusterConnection, _ message: ClusterMessage) {
            sends.append((connection, message))
        }
    }

    enum Phase {
        case awaitingHello
        case awaitingAuthentication(hello: Hello, nonce: [UInt8], version: UInt16)
        case worker
        case client
    }

    final class Peer {
        let id: PeerID
        let connection: any ClusterConnection
        var phase: Phase = .awaitingHello
        var name = ""
        /// Set when the peer said goodbye: its disconnection is not a failure.
        var leaving: String?
        let connectedAt: Double
        var lastSeen: Double

        init(id: PeerID, connection: any ClusterConnection, now: Double) {
            self.id = id
            self.connection = connection
            connectedAt = now
            lastSeen = now
        }
    }

    /// Reference types, so updating a field never copies the (possibly large) collections inside.
    final class WorkerState {
        let peer: PeerID
        let name: String
        let address: String
        let threads: Int
        let joinedAt: Double
        var running: Set<TaskID> = []
        var done = 0
        var failed = 0
        var cached: Set<[UInt8]>

        init(peer: PeerID, name: String, address: String, threads: Int, joinedAt: Double, cached: Set<[UInt8]>) {
            self.peer = peer
            self.name = name
            self.address = address
            self.threads = threads
            self.joinedAt = joinedAt
            self.cached = cached
        }

        var free: Int { threads - running.count }
    }

    final class SearchState {
        let id: UInt64
        let peer: PeerID
        let name: String
        let address: String
        let digest: [UInt8]
        let openedAt: Double

        init(id: UInt64, peer: PeerID, name: String, address: String, digest: [UInt8], openedAt: Double) {
            self.id = id
            self.peer = peer
            self.name = name
            self.address = address
            self.digest = digest
            self.openedAt = openedAt
        }

        /// Re-queued tasks, served first (most recent last).
        var priority: [TaskID] = []
        var queue: [TaskID] = []
        var head = 0
        var queued = 0
        var running = 0
        var done = 0
        var failed = 0
        var lastServed: UInt64 = 0
        var byClientID: [UInt64: TaskID] = [:]
        var progress: SearchProgress?
        var bestHistory: [ClusterSnapshot.ScorePoint] = []
    }

    struct TaskState {
        let search: UInt64
        let clientID: UInt64
        let payload: [UInt8]
        var worker: PeerID?
        var losses: [String] = []
    }

    let configuration: SchedulerConfiguration
    let logger: Logger
    let metrics: SchedulerMetrics?
    var peers: [PeerID: Peer] = [:]
    var workers: [PeerID: WorkerState] = [:]
    var searches: [UInt64: SearchState] = [:]
    var searchByPeer: [PeerID: UInt64] = [:]
    var tasks: [TaskID: TaskState] = [:]
    /// Datasets by digest, with the number of open searches using each.
    var problems: [[UInt8]: (bytes: [UInt8], users: Int)] = [:]
    var nextPeerID: PeerID = 0
    var nextTaskID: TaskID = 0
    var nextSearchID: UInt64 = 0
    var serveCounter: UInt64 = 0
    var queuedTotal = 0
    var counters = ClusterSnapshot.TaskCounts()
    var throughput: [ClusterSnapshot.RateSample] = []
    var lastSample: (time: Double, completed: Int)?
    var lastHeartbeat = -Double.infinity
    let startedAt: Double

    init(configuration: SchedulerConfiguration, logger: Logger, metrics: SchedulerMetrics?, now: Double) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        startedAt = now
    }

    // MARK: Connections

    func connected(_ connection: any ClusterConnection, now: Double) -> PeerID {
        nextPeerID += 1
        peers[nextPeerID] = Peer(id: nextPeerID, connection: connection, now: now)
        logger.debug("connection from \(connection.peerAddress)")
        return nextPeerID
    }

    func closed(_ id: PeerID, reason: String?, now: Double, out: inout Outbox) {
        guard let peer = peers.removeValue(forKey: id) else { return }
        let why = reason ?? "connection closed"
        switch peer.phase {
        case .worker:
            workerLost(id, reason: peer.leaving.map { "left: \($0)" } ?? why, graceful: peer.leaving != nil, out: &out)
        case .client:
            if let search = searchByPeer[id] { closeSearch(search, reason: why, out: &out) }
            logger.info("search client \(peer.name) (\(peer.connection.peerAddress)) disconnected: \(why)")
        case .awaitingHello, .awaitingAuthentication:
            if let reason { logger.warning("dropped \(peer.connection.peerAddress) during the handshake: \(reason)") }
        }
    }

    /// Drops a peer for breaking the rules: logs why, tells it, closes.
    func drop(_ peer: Peer, reason: String, out: inout Outbox) {
        logger.warning("dropping \(peer.connection.peerAddress)\(peer.name.isEmpty ? "" : " (\(peer.name))"): \(reason)")
        metrics?.rejected(reason: reason)
        out.send(peer.connection, .reject(reason: reason))
        out.closes.append(peer.connection)
    }

    /// - Parameter digestOK: for `openSearch`, whether the dataset matches its digest (checked by the caller).
    func received(_ id: PeerID, _ message: ClusterMessage, now: Double, digestOK: Bool = true, out: inout Outbox) {
        guard let peer = peers[id] else { return }
        peer.lastSeen = now
        switch peer.phase {
        case .awaitingHello, .awaitingAuthentication:
            handshake(peer, message, now: now, out: &out)
        case .worker:
            workerMessage(peer, message, out: &out)
        case .client:
            clientMessage(peer, message, now: now, digestOK: digestOK, out: &out)
        }
    }

    // MARK: Workers

    func workerJoined(_ peer: Peer, threads: Int, cached: [[UInt8]], now: Double, out: inout Outbox) {
        workers[peer.id] = WorkerState(peer: peer.id, name: peer.name, address: peer.connection.peerAddress,
                                       threads: threads, joinedAt: now, cached: Set(cached))
        logger.info("worker \(peer.name) joined from \(peer.connection.peerAddress) with \(threads) thread\(threads == 1 ? "" : "s")")
        broadcastClusterStatus(out: &out)
        dispatch(out: &out)
    }

    func workerMessage(_ peer: Peer, _ message: ClusterMessage, out: inout Outbox) {
        switch message {
        case .heartbeat:
            break
        case .taskResult(let result):
            guard workers[peer.id]?.running.remove(result.id) != nil else {
                drop(peer, reason: "sent a result for task \(result.id), which it was not running", out: &out)
                return
            }
            if let task = tasks.removeValue(forKey: result.id) {
                if let client = finish(task, outcome: result.outcome) {
                    out.send(client, .taskResult(TaskResult(id: task.clientID, outcome: result.outcome,
                                                            payload: result.payload)))
                }
                if result.outcome == .ok { workers[peer.id]?.done += 1 } else { workers[peer.id]?.failed += 1 }
            }
            dispatch(out: &out)
        case .needProblem(let taskID, let digest):
            workers[peer.id]?.cached.remove(digest)
            guard workers[peer.id]?.running.remove(taskID) != nil else { return }
            if let task = tasks[taskID] { requeue(taskID, task) }
            dispatch(out: &out)
        case .goodbye(let reason):
            peer.leaving = reason
            out.closes.append(peer.connection)
        default:
            drop(peer, reason: "a worker may not send \(message.type.name)", out: &out)
        }
    }

    /// Re-queues the running tasks of a lost worker (or fails those lost with too many workers). A worker that
    /// left with a goodbye (`graceful`) does not count against its tasks.
    func workerLost(_ id: PeerID, reason: String, graceful: Bool = false, out: inout Outbox) {
        guard let worker = workers.removeValue(forKey: id) else { return }
        let message = Logger.Message(stringLiteral: "\(graceful ? "worker" : "lost worker") \(worker.name) "
            + "(\(worker.address)): \(reason); \(worker.running.count) running task\(worker.running.count == 1 ? "" : "s") to re-queue")
        if graceful { logger.info(message) } else { logger.warning(message) }
        for taskID in worker.running.sorted() {
            guard var task = tasks[taskID] else { continue }
            if graceful {
                requeue(taskID, task)
                counters.requeued += 1
                metrics?.requeued()
                continue
            }
            task.losses.append("\(worker.name): \(reason)")
            if task.losses.count >= configuration.crashLimit {
                tasks.removeValue(forKey: taskID)
                counters.poisoned += 1
                metrics?.poisoned()
                let why = "evaluating it crashed \(task.losses.count) workers (" + task.losses.joined(separator: "; ")
                    + "); it is not retried"
                logger.error("task \(taskID) marked failed: \(why)")
                if let client = finish(task, outcome: .failed) {
                    out.send(client, .taskFailed(id: task.clientID, reason: why))
                }
            } else {
                tasks[taskID] = task
                requeue(taskID, task)
                counters.requeued += 1
                metrics?.requeued()
            }
        }
        broadcastClusterStatus(out: &out)
        dispatch(out: &out)
    }

    /// Puts a task that was running back at the head of its search's queue.
    func requeue(_ id: TaskID, _ task: TaskState) {
        tasks[id]?.worker = nil
        guard let search = searches[task.search] else { return }
        search.running -= 1
        search.queued += 1
        search.priority.append(id)
        queuedTotal += 1
    }

    /// Bookkeeping for a task that left the system; returns its search's connection, to tell it.
    func finish(_ task: TaskState, outcome: TaskOutcome) -> (any ClusterConnection)? {
        if outcome == .ok { counters.done += 1 } else { counters.failed += 1 }
        metrics?.completed(outcome)
        guard let search = searches[task.search] else { return nil }
        search.running -= 1
        if outcome == .ok { search.done += 1 } else { search.failed += 1 }
        search.byClientID.removeValue(forKey: task.clientID)
        return peers[search.peer]?.connection
    }

    // MARK: Searches

    func clientMessage(_ peer: Peer, _ message: ClusterMessage, now: Double, digestOK: Bool, out: inout Outbox) {
        switch message {
        case .heartbeat:
            break
        case .openSearch(let open):
            openSearch(peer, open, digestOK: digestOK, now: now, out: &out)
        case .submitTasks(let submissions):
            guard let searchID = searchByPeer[peer.id], let search = searches[searchID] else {
                drop(peer, reason: "submitted tasks before opening a search", out: &out)
                return
            }
            var added = 0
            for s in submissions {
                guard search.byClientID[s.id] == nil else { continue }
                nextTaskID += 1
                tasks[nextTaskID] = TaskState(search: searchID, clientID: s.id, payload: s.payload)
                search.byClientID[s.id] = nextTaskID
                search.queue.append(nextTaskID)
                added += 1
            }
            search.queued += added
            queuedTotal += added
            counters.submitted += added
            metrics?.submitted(added)
            dispatch(out: &out)
        case .withdrawTasks(let ids):
            guard let searchID = searchByPeer[peer.id] else { return }
            for clientID in ids {
                guard let taskID = searches[searchID]?.byClientID[clientID], let task = tasks[taskID],
                      task.worker == nil else { continue }
                tasks.removeValue(forKey: taskID)
                searches[searchID]?.byClientID.removeValue(forKey: clientID)
                searches[searchID]?.queued -= 1
                queuedTotal -= 1
                counters.withdrawn += 1
            }
        case .progress(let progress):
            guard let searchID = searchByPeer[peer.id], let search = searches[searchID] else { return }
            if progress.bestScore.isFinite,
               search.bestHistory.last.map({ $0.generation != progress.generation || $0.score != progress.bestScore }) ?? true {
                search.bestHistory.append(.init(seconds: now - startedAt, generation: Int(progress.generation),
                                                score: progress.bestScore))
                if search.bestHistory.count > 2000 { search.bestHistory.removeFirst(search.bestHistory.count - 2000) }
            }
            search.progress = progress
        case .goodbye:
            out.closes.append(peer.connection)
        default:
            drop(peer, reason: "a search client may not send \(message.type.name)", out: &out)
        }
    }

    func openSearch(_ peer: Peer, _ open: OpenSearch, digestOK: Bool, now: Double, out: inout Outbox) {
        guard searchByPeer[peer.id] == nil else {
            drop(peer, reason: "opened a second search on one connection", out: &out)
            return
        }
        guard digestOK else {
            drop(peer, reason: "the dataset does not match its digest", out: &out)
            return
        }
        if problems[open.digest] == nil { problems[open.digest] = (open.problem, 0) }
        problems[open.digest]?.users += 1
        nextSearchID += 1
        let search = SearchState(id: nextSearchID, peer: peer.id, name: open.name.isEmpty ? peer.name : open.name,
                                 address: peer.connection.peerAddress, digest: open.digest, openedAt: now)
        searches[nextSearchID] = search
        searchByPeer[peer.id] = nextSearchID
        logger.info(Logger.Message(stringLiteral: "search \(search.name) opened from \(search.address) (dataset \(ProblemCodec.hex(open.digest, length: 12)), "
            + "\(open.problem.count) bytes)"))
        out.send(peer.connection, .searchOpened(searchID: nextSearchID))
        out.send(peer.connection, clusterStatusMessage)
    }

    func closeSearch(_ id: UInt64, reason: String, out: inout Outbox) {
        guard let search = searches.removeValue(forKey: id) else { return }
        searchByPeer.removeValue(forKey: search.peer)
        var cancels: [PeerID: [TaskID]] = [:]
        for taskID in search.byClientID.values {
            guard let task = tasks.removeValue(forKey: taskID) else { continue }
            if let worker = task.worker { cancels[worker, default: []].append(taskID) }
        }
        queuedTotal -= search.queued
        for (worker, ids) in cancels {
            if let connection = peers[worker]?.connection { out.send(connection, .cancelTasks(ids.sorted())) }
        }
        if let users = problems[search.digest]?.users {
            if users <= 1 { problems.removeValue(forKey: search.digest) } else { problems[search.digest]?.users = users - 1 }
        }
        logger.info(Logger.Message(stringLiteral: "search \(search.name) closed (\(reason)): \(search.done) done, \(search.failed) failed, "
            + "\(search.queued) queued and \(search.running) running dropped"))
    }

    // MARK: Dispatch

    /// Fills free worker slots with queued tasks, fairly across searches.
    func dispatch(out: inout Outbox) {
        while queuedTotal > 0 {
            guard let workerID = workerWithMostFreeSlots(), let searchID = nextSearch() else { return }
            guard let taskID = popNext(searchID) else { continue }
            assign(taskID, to: workerID, out: &out)
        }
    }

    func workerWithMostFreeSlots() -> PeerID? {
        var best: (id: PeerID, free: Int)?
        for (id, w) in workers where w.free > 0 {
            if best == nil || w.free > best!.free || (w.free == best!.free && id < best!.id) { best = (id, w.free) }
        }
        return best?.id
    }

    /// The search with queued tasks and the fewest running ones (then the one served longest ago).
    func nextSearch() -> UInt64? {
        var best: SearchState?
        for (_, s) in searches where s.queued > 0 {
            if let b = best, (s.running, s.lastServed) >= (b.running, b.lastServed) { continue }
            best = s
        }
        return best?.id
    }

    /// Takes the next waiting task of a search (skipping withdrawn ones).
    func popNext(_ searchID: UInt64) -> TaskID? {
        guard let search = searches[searchID] else { return nil }
        while let id = search.priority.popLast() {
            if let task = tasks[id], task.worker == nil { return take(id, search) }
        }
        while search.head < search.queue.count {
            let id = search.queue[search.head]
            search.head += 1
            if search.head > 4096 && search.head * 2 > search.queue.count {
                search.queue.removeFirst(search.head)
                search.head = 0
            }
            if let task = tasks[id], task.worker == nil { return take(id, search) }
        }
        // Nothing waiting after all: the count was stale.
        queuedTotal -= search.queued
        search.queued = 0
        return nil
    }

    private func take(_ id: TaskID, _ search: SearchState) -> TaskID {
        search.queued -= 1
        search.running += 1
        serveCounter += 1
        search.lastServed = serveCounter
        queuedTotal -= 1
        return id
    }

    func assign(_ taskID: TaskID, to workerID: PeerID, out: inout Outbox) {
        guard var task = tasks[taskID], let digest = searches[task.search]?.digest,
              let connection = peers[workerID]?.connection else { return }
        task.worker = workerID
        tasks[taskID] = task
        workers[workerID]?.running.insert(taskID)
        if workers[workerID]?.cached.contains(digest) == false, let problem = problems[digest] {
            out.send(connection, .problemData(digest: digest, bytes: problem.bytes))
            workers[workerID]?.cached.insert(digest)
        }
        out.send(connection, .runTask(RunTask(id: taskID, digest: digest, payload: task.payload)))
    }

    var threadCount: Int { workers.values.reduce(0) { $0 + $1.threads } }

    var clusterStatusMessage: ClusterMessage {
        .clusterStatus(workers: UInt32(clamping: workers.count), threads: UInt32(clamping: threadCount))
    }

    func broadcastClusterStatus(out: inout Outbox) {
        let message = clusterStatusMessage
        for search in searches.values {
            if let connection = peers[search.peer]?.connection { out.send(connection, message) }
        }
    }

    // MARK: Time

    /// Heartbeats, time-outs and throughput samples; called about once per heartbeat interval.
    func tick(now: Double, out: inout Outbox) {
        let beat = now - lastHeartbeat >= configuration.heartbeatInterval * 0.9
        if beat { lastHeartbeat = now }
        for peer in peers.values {
            switch peer.phase {
            case .awaitingHello, .awaitingAuthentication:
                if now - peer.connectedAt > configuration.handshakeTimeout {
                    drop(peer, reason: "no handshake within \(Int(configuration.handshakeTimeout)) s", out: &out)
                }
            case .worker, .client:
                if now - peer.lastSeen > configuration.heartbeatTimeout {
                    logger.warning(Logger.Message(stringLiteral: "no heartbeat from \(peer.name) (\(peer.connection.peerAddress)) for "
                        + "\(Int(now - peer.lastSeen)) s; dropping it"))
                    out.closes.append(peer.connection)
                } else if beat {
                    out.send(peer.connection, .heartbeat)
                }
            }
        }
        // One throughput sample per second at most.
        let completed = counters.done + counters.failed
        if let last = lastSample {
            if now - last.time >= 1 {
                throughput.append(.init(seconds: now - startedAt,
                                        tasksPerSecond: Double(completed - last.completed) / (now - last.time)))
                if throughput.count > configuration.historyLength {
                    throughput.removeFirst(throughput.count - configuration.historyLength)
                }
                lastSample = (now, completed)
            }
        } else {
            lastSample = (now, completed)
        }
        metrics?.update(workers: workers.count, threads: threadCount, queued: queuedTotal,
                        running: workers.values.reduce(0) { $0 + $1.running.count }, searches: searches.count)
    }
}
