import CoreMetrics
import Prometheus

/// The scheduler's metrics through swift-metrics, collected in its own Prometheus registry (not the process-wide
/// `MetricsSystem`, so several schedulers in one test process do not collide) and served at `/metrics`.
public final class SchedulerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let submittedCounter: CoreMetrics.Counter
    private let okCounter: CoreMetrics.Counter
    private let failedCounter: CoreMetrics.Counter
    private let timedOutCounter: CoreMetrics.Counter
    private let requeuedCounter: CoreMetrics.Counter
    private let poisonedCounter: CoreMetrics.Counter
    private let rejectedCounter: CoreMetrics.Counter
    private let workersGauge: CoreMetrics.Gauge
    private let threadsGauge: CoreMetrics.Gauge
    private let queuedGauge: CoreMetrics.Gauge
    private let runningGauge: CoreMetrics.Gauge
    private let searchesGauge: CoreMetrics.Gauge
    private let statusTimer: CoreMetrics.Timer

    public init() {
        registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        submittedCounter = CoreMetrics.Counter(label: "autopipe_tasks_submitted_total", factory: factory)
        okCounter = CoreMetrics.Counter(label: "autopipe_tasks_completed_total", dimensions: [("outcome", "ok")], factory: factory)
        failedCounter = CoreMetrics.Counter(label: "autopipe_tasks_completed_total", dimensions: [("outcome", "failed")],
                                factory: factory)
        timedOutCounter = CoreMetrics.Counter(label: "autopipe_tasks_completed_total", dimensions: [("outcome", "timed_out")],
                                  factory: factory)
        requeuedCounter = CoreMetrics.Counter(label: "autopipe_tasks_requeued_total", factory: factory)
        poisonedCounter = CoreMetrics.Counter(label: "autopipe_tasks_poisoned_total", factory: factory)
        rejectedCounter = CoreMetrics.Counter(label: "autopipe_connections_dropped_total", factory: factory)
        workersGauge = CoreMetrics.Gauge(label: "autopipe_workers", factory: factory)
        threadsGauge = CoreMetrics.Gauge(label: "autopipe_worker_threads", factory: factory)
        queuedGauge = CoreMetrics.Gauge(label: "autopipe_tasks_queued", factory: factory)
        runningGauge = CoreMetrics.Gauge(label: "autopipe_tasks_running", factory: factory)
        searchesGauge = CoreMetrics.Gauge(label: "autopipe_searches", factory: factory)
        statusTimer = CoreMetrics.Timer(label: "autopipe_status_seconds", factory: factory)
    }

    func submitted(_ n: Int) { submittedCounter.increment(by: n) }

    func completed(_ outcome: TaskOutcome) {
        switch outcome {
        case .ok: okCounter.increment()
        case .failed: failedCounter.increment()
        case .timedOut: timedOutCounter.increment()
        }
    }

    func requeued() { requeuedCounter.increment() }
    func poisoned() { poisonedCounter.increment() }
    func rejected(reason: String) { rejectedCounter.increment() }

    func update(workers: Int, threads: Int, queued: Int, running: Int, searches: Int) {
        workersGauge.record(workers)
        threadsGauge.record(threads)
        queuedGauge.record(queued)
        runningGauge.record(running)
        searchesGauge.record(searches)
    }

    func recordStatusLatency(nanoseconds: Int64) { statusTimer.recordNanoseconds(nanoseconds) }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String { registry.emitToString() }
}
