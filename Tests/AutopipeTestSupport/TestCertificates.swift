import Foundation

/// A throw-away PKI made with the openssl command line for TLS tests: a CA, a server certificate for 127.0.0.1 /
/// localhost, a client certificate signed by the CA, and a client certificate from another CA (a wrong one).
public struct TestCertificates: Sendable {
    public let directory: URL
    public var caCert: String { path("ca.pem") }
    public var serverCert: String { path("server.pem") }
    public var serverKey: String { path("server.key") }
    public var clientCert: String { path("client.pem") }
    public var clientKey: String { path("client.key") }
    public var rogueCert: String { path("rogue-client.pem") }
    public var rogueKey: String { path("rogue-client.key") }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    public static func make() throws -> TestCertificates {
        let dir = try TestSupport.temporaryDirectory("autopipe-pki")
        let certs = TestCertificates(directory: dir)
        let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
        func run(_ args: [String]) throws {
            let r = try TestSupport.run(openssl, args, in: dir)
            guard r.status == 0 else {
                throw NSError(domain: "openssl", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.stderr])
            }
        }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(to: dir.appendingPathComponent("server.ext"),
                                                               atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(to: dir.appendingPathComponent("client.ext"), atomically: true,
                                                  encoding: .utf8)
        for ca in ["ca", "rogue-ca"] {
            try run(["req", "-x509"] + ec + ["-keyout", "\(ca).key", "-out", "\(ca).pem", "-days", "2",
                                             "-subj", "/CN=autopipe test \(ca)"])
        }
        for (name, ca, ext) in [("server", "ca", "server.ext"), ("client", "ca", "client.ext"),
                                ("rogue-client", "rogue-ca", "client.ext")] {
            try run(["req"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"])
            try run(["x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key",
                     "-CAcreateserial", "-out", "\(name).pem", "-days", "2", "-extfile", ext])
        }
        return certs
    }
}
