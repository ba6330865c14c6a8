import AutopipeSearch
import Foundation

/// The short report printed at the end of a search.
enum SearchSummary {
    static func text(_ document: ResultDocument, output: String) -> String {
        let metric = document.metric.rawValue
        let statistics = document.statistics
        let timing = document.timing
        var lines: [String] = []
        lines.append("Best pipeline: \(document.pipelineText)")
        var scores = "CV \(metric): \(format(document.cvScore)) (\(document.cvFoldScores.count) folds)"
        if let holdout = document.holdoutScore {
            scores += "   held-out \(metric): \(format(holdout)) (\(document.data.testRows) rows)"
        } else if !document.refitted {
            scores += "   held-out: not scored (--max-time left no time to refit)"
        }
        lines.append(scores)
        lines.append("Evaluated \(statistics.evaluations) pipelines (\(statistics.failed) failed, "
            + "\(statistics.timedOut) timed out) in \(statistics.generations) generation"
            + "\(statistics.generations == 1 ? "" : "s"): "
            + String(format: "%.1f", timing.evaluationsPerSecond) + " per second, CPU utilisation "
            + String(format: "%.0f%%", 100 * timing.cpuUtilisation) + " of \(timing.jobs) job\(timing.jobs == 1 ? "" : "s")"
            + (timing.workerBusyFraction.map { String(format: " (threads busy %.0f%% of the time)", 100 * $0) } ?? "")
            + (timing.reusedFits.map { $0 > 0 ? "; \($0) fold fits of sub-pipelines reused" : "" } ?? ""))
        var stop: String
        switch statistics.stopReason {
        case .generations: stop = "all generations done"
        case .earlyStop: stop = "no change of the Pareto front for \(document.settings.earlyStop ?? 0) generations (--early-stop)"
        case .timeLimit: stop = "--max-time reached"
        case .interrupted: stop = "interrupted (Ctrl-C); the completed generations are kept"
        }
        if statistics.discardedEvaluations > 0 {
            stop += "; \(statistics.discardedEvaluations) evaluations of the unfinished generation discarded"
        }
        lines.append("Stopped: \(stop); took \(String(format: "%.1f", timing.seconds)) s")
        lines.append("Wrote \(output)" + (document.model.map { " and the fitted model \($0.path)" } ?? ""))
        return lines.joined(separator: "\n")
    }
}
