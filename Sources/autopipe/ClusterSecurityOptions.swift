import ArgumentParser
import AutopipeCluster
import Logging

/// TLS and token flags shared by `scheduler`, `worker` and `search --scheduler`.
struct ClusterSecurityOptions: ParsableArguments {
    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("PEM certificate (chain) this side presents.", valueName: "file"))
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("PEM private key of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Option(name: .customLong("tls-ca-file"), help: ArgumentHelp(
        "PEM CA certificate(s): the scheduler then requires client certificates signed by it (mutual TLS); workers and searches verify the scheduler against it.",
        valueName: "file"))
    var tlsCAFile: String?

    @Option(name: .customLong("token-file"), help: ArgumentHelp(
        "File holding the cluster's shared secret (at least 16 bytes; e.g. openssl rand -hex 32). Peers prove they know it by HMAC challenge-response; it is never sent.",
        valueName: "file"))
    var tokenFile: String?

    var tls: TLSFiles { TLSFiles(certificate: tlsCert, key: tlsKey, caFile: tlsCAFile) }

    func token(warn: (String) -> Void) throws -> ClusterToken? {
        try tokenFile.map { try ClusterToken.read(path: $0, warn: warn) }
    }
}

enum ClusterLogging {
    /// Log lines on stderr, once per process.
    static func bootstrap(level: String) throws -> Logger.Level {
        guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical; got '\(level)'.")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = parsed
            return handler
        }
        return parsed
    }
}
