import ArgumentParser
import AutopipeCluster
import AutopipeOperators
import AutopipeSearch
import Foundation
import Logging

/// `search --scheduler HOST:PORT [--tls-* ...] [--token-file F]`: evaluate on a cluster's workers.
struct ClusterClientOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Evaluate pipelines on the workers of the scheduler at HOST:PORT (port 8786 when omitted); the result is the same as a local run. With no worker connected the search waits (and says so); with --jobs N > 0 this machine also evaluates on N threads.",
        valueName: "HOST:PORT"))
    var scheduler: String?

    @OptionGroup var security: ClusterSecurityOptions

    var isEnabled: Bool { scheduler != nil }

    func validate() throws {
        if scheduler == nil && (security.tlsCert != nil || security.tlsKey != nil || security.tlsCAFile != nil
            || security.tokenFile != nil) {
            throw ValidationError("--tls-cert, --tls-key, --tls-ca-file and --token-file only apply with --scheduler.")
        }
    }

    /// The evaluator factory for `SearchRunner.run(makeEvaluator:)`: nil without `--scheduler`.
    /// - Parameters:
    ///   - localJobs: threads of this process that evaluate too.
    ///   - notice: one-line messages for the user (waiting for workers, reconnecting).
    func evaluatorFactory(localJobs: Int, searchName: String,
                          notice: @escaping @Sendable (String) -> Void) throws
        -> ((EvaluationProblem, CancellationToken) -> any Evaluator)?
    {
        guard let scheduler else { return nil }
        let address = try ClusterAddress.parse(scheduler, defaultPort: 8786, option: "--scheduler")
        let token = try security.token { notice("warning: \($0)") }
        let dialer = try NIODialer(host: address.host, port: address.port, tls: security.tls)
        var logger = Logger(label: "autopipe.search")
        logger.logLevel = .error
        let configuration = ClusterClientConfiguration(name: searchName, token: token, localJobs: localJobs)
        return { problem, cancellation in
            RemoteEvaluator(problem: problem, dialer: dialer, configuration: configuration, cancellation: cancellation,
                            logger: logger, notice: notice)
        }
    }
}
