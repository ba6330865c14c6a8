import AutopipeTestSupport
import Foundation
import Testing
@testable import AutopipeCluster

/// The dashboard without a browser: the page holds the workers table and the SVG plots, and the HTTP endpoints
/// answer (`/`, `/api/status`, `/health`, `/metrics`).
@Suite(.timeLimit(.minutes(2))) struct DashboardTests {
    static func sampleSnapshot() -> ClusterSnapshot {
        ClusterSnapshot(
            uptimeSeconds: 125,
            workers: [.init(name: "gpu-box <1>", address: "10.0.0.2:5000", threads: 8, running: 3, tasksDone: 120,
                            tasksFailed: 2, lastHeartbeatSecondsAgo: 0.4, connectedSeconds: 100)],
            threads: 8,
            tasks: .init(submitted: 200, queued: 70, running: 3, done: 120, failed: 7, requeued: 1, poisoned: 0, withdrawn: 0),
            throughput: [.init(seconds: 1, tasksPerSecond: 10), .init(seconds: 2, tasksPerSecond: 14)],
            searches: [.init(id: 1, name: "iris.csv (seed 1)", address: "127.0.0.1:4000", dataset: "50f2e117a1bc",
                             queued: 70, running: 3, done: 120, failed: 7, generation: 4, evaluations: 127,
                             metric: "accuracy", bestScore: 0.973,
                             bestHistory: [.init(seconds: 1, generation: 0, score: 0.9), .init(seconds: 5, generation: 4, score: 0.973)],
                             front: [.init(score: 0.95, operators: 1, pipeline: "GaussianNB(input)"),
                                     .init(score: 0.973, operators: 3, pipeline: "A(B(C(input)))")],
                             openedSeconds: 30)])
    }

    @Test func pageShowsWorkersTasksAndPlots() {
        let html = DashboardPage.render(Self.sampleSnapshot())
        #expect(html.contains("<meta http-equiv=\"refresh\""))
        #expect(html.contains("<table id=\"workers\">"))
        #expect(html.contains("gpu-box &lt;1&gt;"))          // escaped
        #expect(!html.contains("gpu-box <1>"))
        #expect(html.contains("<table id=\"tasks\">"))
        #expect(html.contains("<svg id=\"throughput-plot\""))
        #expect(html.contains("<svg id=\"best-1\""))
        #expect(html.contains("<svg id=\"front-1\""))
        #expect(html.contains("<polyline"))
        #expect(html.contains("A(B(C(input)))"))
        let empty = DashboardPage.render(ClusterSnapshot(uptimeSeconds: 0, workers: [], threads: 0, tasks: .init(),
                                                         throughput: [], searches: []))
        #expect(empty.contains("no worker connected"))
        #expect(empty.contains("no data yet"))
    }

    @Test func snapshotJSONIsSnakeCaseAndRoundTrips() throws {
        let data = try Self.sampleSnapshot().encoded()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"format_version\":1"))
        #expect(text.contains("\"last_heartbeat_seconds_ago\""))
        #expect(text.contains("\"best_history\""))
        let back = try ClusterSnapshot.decode(data)
        #expect(back.searches.first?.front.count == 2)
    }

    @Test func fastJSONMatchesTheCodableEncoding() throws {
        var snapshot = Self.sampleSnapshot()
        snapshot.workers[0].name = "quote \" backslash \\ newline \n tab \t bell \u{07} ü"
        snapshot.searches[0].bestScore = -.infinity
        snapshot.searches[0].generation = nil
        let fast = try JSONSerialization.jsonObject(with: snapshot.json()) as? NSDictionary
        let slow = try JSONSerialization.jsonObject(with: snapshot.encoded()) as? NSDictionary
        #expect(fast != nil && fast == slow)
        #expect(try ClusterSnapshot.decode(snapshot.json()).workers[0].name == snapshot.workers[0].name)
    }
}
