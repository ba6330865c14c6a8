import Foundation

/// The dashboard's HTML page, rendered on the server from a snapshot; it reloads itself every few seconds.
public enum DashboardPage {
    public static func render(_ s: ClusterSnapshot, refreshSeconds: Int = 2) -> String {
        var h = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta http-equiv="refresh" content="\(refreshSeconds)">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>autopipe cluster</title>
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
        h1{font-size:1.4em;margin:0 0 .3em}h2{font-size:1.15em;margin:1.4em 0 .4em}h3{font-size:1em;margin:1em 0 .3em}
        table{border-collapse:collapse;background:#fff}th,td{border:1px solid #ddd;padding:.25em .6em;text-align:right}
        th{background:#f0f0f0}td.l,th.l{text-align:left}.muted{color:#777}
        .plots{display:flex;flex-wrap:wrap;gap:1em}.plot{background:#fff;border:1px solid #ddd}
        .plot .frame{fill:none;stroke:#ccc}.plot .line{fill:none;stroke:#1f6feb;stroke-width:2}
        .plot .dot{fill:#d73a49}.plot text{font-size:11px;fill:#555}.plot .axis{font-size:12px;fill:#333}
        .plot .tick{stroke:#999}.plot .empty{fill:#999}
        code{font-size:12px}
        </style></head><body>
        <h1>autopipe cluster</h1>

        """
        h += "<p class=\"muted\">up \(duration(s.uptimeSeconds)) · \(s.workers.count) worker\(s.workers.count == 1 ? "" : "s"), "
            + "\(s.threads) thread\(s.threads == 1 ? "" : "s") · \(s.searches.count) search\(s.searches.count == 1 ? "" : "es") · "
            + "<a href=\"/api/status\">/api/status</a> · <a href=\"/metrics\">/metrics</a></p>\n"

        let t = s.tasks
        h += "<h2>Tasks</h2>\n<table id=\"tasks\"><tr><th>queued</th><th>running</th><th>done</th><th>failed</th>"
            + "<th>re-queued</th><th>lost with 2 workers</th></tr>"
            + "<tr><td>\(t.queued)</td><td>\(t.running)</td><td>\(t.done)</td><td>\(t.failed)</td><td>\(t.requeued)</td>"
            + "<td>\(t.poisoned)</td></tr></table>\n"

        h += "<h2>Throughput</h2>\n<div class=\"plots\">"
        h += SVGPlot.chart(id: "throughput-plot", title: "Tasks finished per second", xLabel: "seconds since start",
                           yLabel: "tasks / s",
                           series: .init(points: s.throughput.map { ($0.seconds, $0.tasksPerSecond) }))
        h += "</div>\n"

        h += "<h2>Workers</h2>\n<table id=\"workers\"><tr><th class=\"l\">name</th><th class=\"l\">address</th>"
            + "<th>threads</th><th>running</th><th>tasks done</th><th>failed</th><th>last heartbeat</th><th>connected</th></tr>"
        if s.workers.isEmpty {
            h += "<tr><td class=\"l muted\" colspan=\"8\">no worker connected: start one with "
                + "<code>autopipe worker HOST:PORT</code></td></tr>"
        }
        for w in s.workers {
            h += "<tr><td class=\"l\">\(HTML.escape(w.name))</td><td class=\"l\">\(HTML.escape(w.address))</td>"
                + "<td>\(w.threads)</td><td>\(w.running)</td><td>\(w.tasksDone)</td><td>\(w.tasksFailed)</td>"
                + "<td>\(String(format: "%.1f", w.lastHeartbeatSecondsAgo)) s ago</td><td>\(duration(w.connectedSeconds))</td></tr>"
        }
        h += "</table>\n"

        h += "<h2>Searches</h2>\n"
        if s.searches.isEmpty { h += "<p class=\"muted\">no search running.</p>\n" }
        for search in s.searches {
            h += searchSection(search)
        }
        h += "</body></html>\n"
        return h
    }

    static func searchSection(_ s: ClusterSnapshot.SearchInfo) -> String {
        let metric = s.metric ?? "score"
        var h = "<section class=\"search\" id=\"search-\(s.id)\"><h3>\(HTML.escape(s.name)) "
            + "<span class=\"muted\">from \(HTML.escape(s.address)) · dataset \(s.dataset)</span></h3>\n"
        h += "<table><tr><th>generation</th><th>evaluations</th><th>best \(HTML.escape(metric))</th><th>queued</th>"
            + "<th>running</th><th>done</th><th>failed</th></tr><tr>"
            + "<td>\(s.generation.map(String.init) ?? "–")</td><td>\(s.evaluations.map(String.init) ?? "–")</td>"
            + "<td>\(s.bestScore.map { $0.isFinite ? String(format: "%.4f", $0) : "–" } ?? "–")</td>"
            + "<td>\(s.queued)</td><td>\(s.running)</td><td>\(s.done)</td><td>\(s.failed)</td></tr></table>\n"
        h += "<div class=\"plots\">"
        h += SVGPlot.chart(id: "best-\(s.id)", title: "Best CV \(metric) by generation", xLabel: "generation",
                           yLabel: "best \(metric)",
                           series: .init(points: s.bestHistory.map { (Double($0.generation), $0.score) }),
                           markers: true, integerX: true)
        let front = s.front.sorted { $0.operators < $1.operators }
        h += SVGPlot.chart(id: "front-\(s.id)", title: "Pareto front: CV \(metric) against pipeline size",
                           xLabel: "operators", yLabel: metric,
                           series: .init(points: front.map { (Double($0.operators), $0.score) },
                                         labels: front.map { "\($0.operators) op, \(String(format: "%.4f", $0.score)): \($0.pipeline)" }),
                           markers: true, steps: true, integerX: true)
        h += "</div>\n"
        if !front.isEmpty {
            h += "<table class=\"front\"><tr><th>operators</th><th>\(HTML.escape(metric))</th><th class=\"l\">pipeline</th></tr>"
            for m in front {
                h += "<tr><td>\(m.operators)</td><td>\(String(format: "%.4f", m.score))</td>"
                    + "<td class=\"l\"><code>\(HTML.escape(m.pipeline))</code></td></tr>"
            }
            h += "</table>\n"
        }
        return h + "</section>\n"
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.down))
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60) s" }
        return "\(s / 3600) h \(s % 3600 / 60) min"
    }
}
