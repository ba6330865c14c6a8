import AutopipeData
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// TLS material given on the command line (`--tls-cert`, `--tls-key`, `--tls-ca-file`).
public struct TLSFiles: Sendable, Hashable {
    public var certificate: String?
    public var key: String?
    /// With it, the scheduler requires client certificates signed by this CA (mutual TLS), and peers verify the
    /// scheduler's certificate against it.
    public var caFile: String?

    public init(certificate: String? = nil, key: String? = nil, caFile: String? = nil) {
        self.certificate = certificate
        self.key = key
        self.caFile = caFile
    }

    public var isEnabled: Bool { certificate != nil || key != nil || caFile != nil }

    func loadChain() throws -> ([NIOSSLCertificateSource], NIOSSLPrivateKeySource)? {
        guard certificate != nil || key != nil else { return nil }
        guard let certificate, let key else {
            throw ClusterError.configuration("--tls-cert and --tls-key go together; give both")
        }
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificate) } catch {
            throw Self.unusable(certificate, option: "--tls-cert", expected: "a PEM certificate", error)
        }
        guard !chain.isEmpty else { throw ClusterError.configuration("--tls-cert '\(certificate)' holds no certificate") }
        let privateKey: NIOSSLPrivateKey
        do { privateKey = try NIOSSLPrivateKey(file: key, format: .pem) } catch {
            throw Self.unusable(key, option: "--tls-key", expected: "a PEM private key (unencrypted)", error)
        }
        return (chain.map { .certificate($0) }, .privateKey(privateKey))
    }

    func trustRoots() throws -> NIOSSLTrustRoots? {
        guard let caFile else { return nil }
        do {
            let roots = try NIOSSLCertificate.fromPEMFile(caFile)
            guard !roots.isEmpty else { throw ClusterError.configuration("--tls-ca-file '\(caFile)' holds no certificate") }
            return .certificates(roots)
        } catch let error as ClusterError {
            throw error
        } catch {
            throw Self.unusable(caFile, option: "--tls-ca-file", expected: "PEM certificates", error)
        }
    }

    /// A file NIOSSL could not load: unreadable (missing, a directory, no permission), or not what it should hold.
    static func unusable(_ path: String, option: String, expected: String, _ error: any Error) -> ClusterError {
        if let reason = FileReason.unreadable(path) {
            return .configuration("cannot read \(option) '\(path)': \(reason)")
        }
        return .configuration("\(option) '\(path)' does not hold \(expected) (\(error))")
    }

    /// The scheduler's TLS context: its certificate, and client-certificate verification when a CA is given.
    public func serverContext() throws -> NIOSSLContext? {
        guard isEnabled else { return nil }
        guard let (chain, key) = try loadChain() else {
            throw ClusterError.configuration("the scheduler needs --tls-cert and --tls-key to use TLS")
        }
        var config: TLSConfiguration
        if let roots = try trustRoots() {
            config = .makeServerConfigurationWithMTLS(certificateChain: chain, privateKey: key, trustRoots: roots)
        } else {
            config = .makeServerConfiguration(certificateChain: chain, privateKey: key)
        }
        config.minimumTLSVersion = .tlsv12
        do { return try NIOSSLContext(configuration: config) } catch {
            throw ClusterError.configuration("invalid TLS setup: \(error)")
        }
    }

    /// A worker's or search's TLS context: verifies the scheduler (against the CA when given), and presents a
    /// client certificate when one is given.
    public func clientContext() throws -> NIOSSLContext? {
        guard isEnabled else { return nil }
        var config = TLSConfiguration.makeClientConfiguration()
        config.minimumTLSVersion = .tlsv12
        if let roots = try trustRoots() { config.trustRoots = roots }
        if let (chain, key) = try loadChain() {
            config.certificateChain = chain
            config.privateKey = key
        }
        do { return try NIOSSLContext(configuration: config) } catch {
            throw ClusterError.configuration("invalid TLS setup: \(error)")
        }
    }
}

enum ChannelSetup {
    /// TLS (optional), frame codec and the connection handler, in that order.
    static func configure(_ channel: any Channel, tls: NIOSSLHandlerFactory?,
                          delegate: (ClusterChannelHandler) -> any ClusterConnectionDelegate) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            let sync = channel.pipeline.syncOperations
            if let tls { try sync.addHandler(try tls.make()) }
            let limit = FrameLimit()
            let handler = ClusterChannelHandler(channel: channel, limit: limit)
            handler.delegate = delegate(handler)
            try sync.addHandler(ByteToMessageHandler(ClusterFrameDecoder(limit: limit)))
            try sync.addHandler(MessageToByteHandler(ClusterFrameEncoder()))
            try sync.addHandler(handler)
        }
    }
}

/// Makes the TLS handler for a new channel.
struct NIOSSLHandlerFactory: Sendable {
    let context: NIOSSLContext
    let server: Bool
    let hostname: String?

    func make() throws -> any ChannelHandler {
        if server { return NIOSSLServerHandler(context: context) }
        return try NIOSSLClientHandler(context: context, serverHostname: hostname)
    }
}

/// The scheduler's listening socket.
public final class ClusterServer: Sendable {
    let channel: any Channel
    /// The bound address (with the real port when port 0 was asked).
    public let host: String
    public let port: Int

    init(channel: any Channel, host: String, port: Int) {
        self.channel = channel
        self.host = host
        self.port = port
    }

    public static func start(host: String, port: Int, tls: TLSFiles, acceptor: any ClusterAcceptor,
                             group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> ClusterServer {
        let factory = try tls.serverContext().map { NIOSSLHandlerFactory(context: $0, server: true, hostname: nil) }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
            .childChannelInitializer { channel in
                ChannelSetup.configure(channel, tls: factory) { acceptor.accept($0) }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            let reason = BindFailure.reason(error, port: port, portOption: "--port", hostOption: "--host")
            throw ClusterError.configuration("cannot listen on \(host):\(port): \(reason)")
        }
        return ClusterServer(channel: channel, host: host, port: channel.localAddress?.port ?? port)
    }

    public func close() async {
        try? await channel.close()
    }
}

/// Dials the scheduler over TCP (TLS when configured).
public struct NIODialer: ClusterDialer {
    public let host: String
    public let port: Int
    let tls: NIOSSLHandlerFactory?
    let group: any EventLoopGroup

    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public init(host: String, port: Int, tls: TLSFiles = TLSFiles(),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        self.host = host
        self.port = port
        self.group = group
        // SNI and hostname verification use the name; an IP literal is verified against the certificate's IP SANs.
        let isIP = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        self.tls = try tls.clientContext().map { NIOSSLHandlerFactory(context: $0, server: false, hostname: isIP ? nil : host) }
    }

    public func connect(delegate: any ClusterConnectionDelegate) async throws -> any ClusterConnection {
        let tls = self.tls
        let box = HandlerBox()
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                ChannelSetup.configure(channel, tls: tls) { handler in
                    box.handler = handler
                    return delegate
                }
            }
        do {
            _ = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            throw ClusterError.unreachable(address: address, reason: "\(error)")
        }
        guard let handler = box.handler else {
            throw ClusterError.unreachable(address: address, reason: "the connection could not be set up")
        }
        return handler
    }

    final class HandlerBox: @unchecked Sendable {
        var handler: ClusterChannelHandler?
    }
}

/// `HOST:PORT` as users write it (`[::1]:8786` for IPv6; the port may be left out).
public struct ClusterAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public static func parse(_ text: String, defaultPort: Int, option: String) throws -> ClusterAddress {
        var rest = Substring(text.trimmingCharacters(in: " "))
        if rest.hasPrefix("tcp://") || rest.hasPrefix("tls://") { rest = rest.dropFirst(6) }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw bad(text, option) }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw bad(text, option) }
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        var port = defaultPort
        if let portText {
            guard let p = Int(portText), (0...65535).contains(p) else { throw bad(text, option) }
            port = p
        }
        return ClusterAddress(host: host.isEmpty ? "" : String(host), port: port)
    }

    static func bad(_ text: String, _ option: String) -> ClusterError {
        .configuration("\(option) takes HOST:PORT (e.g. 127.0.0.1:8786 or [::1]:8786); got '\(text)'")
    }

    /// Whether the host only accepts connections from this machine.
    public var isLoopback: Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
        if h.hasPrefix("127.") { return h.split(separator: ".").count == 4 }
        return false
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension String {
    fileprivate func trimmingCharacters(in c: Character) -> String {
        var s = Substring(self)
        while s.first == c { s.removeFirst() }
        while s.last == c { s.removeLast() }
        return String(s)
    }
}
