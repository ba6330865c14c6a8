import AutopipeData
import AutopipeOperators

/// The generation loop of a search: advances the evolution until `--generations`, `--early-stop` or `--max-time`
/// says stop, and after every completed generation appends its records, saves the checkpoint (in the
/// background; all are written before the loop returns), updates the time kept for the final refit, and reports
/// progress.
struct SearchLoop {
    struct Summary {
        let evolver: Evolver
        let stopReason: ResultDocument.StopReason
        let discarded: Int
        /// Wall and CPU seconds of this run's search phase, and the evaluations it made.
        let seconds: Double
        let cpuSeconds: Double
        let evaluationsThisRun: Int
        /// Seconds the local evaluation threads ran work (nil for other evaluators).
        let busySeconds: Double?
    }

    let runner: SearchRunner
    let prepared: SearchPreparation
    let evolver: Evolver
    let budget: TimeBudget
    let log: EvaluationLog?
    let observer: SearchObserver

    var settings: SearchSettings { runner.settings }

    func run(resumedEvaluations: Int) async throws -> Summary {
        let start = ContinuousClock.now
        let cpuStart = ProcessCPU.seconds
        let pool = (evolver.evaluator as? LocalEvaluator)?.pool
        let busyStart = pool?.busySeconds
        var stop: ResultDocument.StopReason?
        var discarded = 0
        let checkpoints = runner.files.checkpoint.map(CheckpointWriter.init)
        while stop == nil {
            stop = stopReason()
            if stop != nil { break }
            let generationStart = ContinuousClock.now
            let outcome = try await evolver.advance(onStart: observer.generationStarted,
                                                    onResult: observer.evaluationFinished)
            switch outcome {
            case .completed(let added):
                try log?.append(added)
                try checkpoints?.submit(Checkpoint(settings: settings, task: prepared.generator.task,
                                                   space: prepared.space, dataFingerprint: prepared.fingerprint,
                                                   state: evolver.state))
                budget.setReserve(reserveEstimate())
                observer.generationFinished(evolver.report(newEvaluations: added.count,
                                                           seconds: generationStart.secondsElapsed))
            case .interrupted(let kept, let count):
                try log?.append(kept)
                discarded = count
                let interrupted = runner.interrupt?.isRequested == true
                stop = interrupted ? .interrupted : .timeLimit
                let why = interrupted ? "interrupted" : "--max-time"
                if evolver.state.generation >= 0 && kept.isEmpty {
                    observer.note("\(why): stopped during generation \(evolver.state.generation + 1); "
                        + "its \(count) finished evaluation\(count == 1 ? "" : "s") are discarded")
                } else {
                    observer.note("\(why): stopped during the initial population; keeping its \(kept.count) "
                        + "finished evaluation\(kept.count == 1 ? "" : "s")")
                }
            }
        }
        try checkpoints?.flush()
        return Summary(evolver: evolver, stopReason: stop ?? .generations, discarded: discarded,
                       seconds: start.secondsElapsed, cpuSeconds: ProcessCPU.seconds - cpuStart,
                       evaluationsThisRun: evolver.evaluationCount - resumedEvaluations,
                       busySeconds: pool.flatMap { pool in busyStart.map { pool.busySeconds - $0 } })
    }

    /// Why the search must stop before the next generation, or nil to go on.
    func stopReason() -> ResultDocument.StopReason? {
        let state = evolver.state
        if state.generation >= 0 {
            if let generations = settings.generations, state.generation >= generations { return .generations }
            if let earlyStop = settings.earlyStop, state.stagnantGenerations >= earlyStop { return .earlyStop }
        }
        if runner.interrupt?.isRequested == true { return .interrupted }
        return budget.isExhausted ? .timeLimit : nil
    }

    /// Seconds to keep for the final refit and output: the best pipeline's refit estimated from its folds (each
    /// fitted on (k-1)/k of the searched rows, which are `subsample` of the training rows), with a margin.
    func reserveEstimate() -> Double {
        guard let best = evolver.best else { return TimeBudget.outputMargin }
        let k = Double(max(settings.cvFolds - 1, 1))
        let refit = best.result.computeSeconds / k / settings.subsample
        return TimeBudget.outputMargin + 1.5 * refit
    }
}
