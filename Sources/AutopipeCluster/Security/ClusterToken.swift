import AutopipeData
import Crypto
import Foundation

/// The shared secret of a cluster (`--token-file`). It never travels: peers prove they know it by an HMAC-SHA256
/// over both sides' fresh nonces (`HandshakeProof`), checked in constant time.
public struct ClusterToken: Sendable {
    private let secret: [UInt8]

    public init(secret: [UInt8]) {
        self.secret = secret
    }

    var key: SymmetricKey { SymmetricKey(data: secret) }

    /// Reads a token file: its content with surrounding whitespace removed; at least 16 bytes. Warns (through
    /// `warn`) when other users may read the file.
    public static func read(path: String, warn: (String) -> Void = { _ in }) throws -> ClusterToken {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileReason.reading(path, failedWith: error)
            throw ClusterError.configuration("cannot read --token-file '\(path)': \(reason)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.utf8.count >= 16 else {
            throw ClusterError.configuration("--token-file '\(path)' holds \(text.utf8.count) bytes; a token needs at "
                + "least 16 (make one with: openssl rand -hex 32 > \(path))")
        }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
           let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            warn("--token-file '\(path)' can be read by other users (mode \(String(mode, radix: 8))); "
                + "chmod 600 it")
        }
        return ClusterToken(secret: Array(text.utf8))
    }
}

/// The challenge-response of the handshake. Each side sends a 32-byte random nonce; the scheduler proves it knows
/// the token with `HMAC(token, "autopipe-cluster scheduler v1" | peer nonce | scheduler nonce)`, the peer with
/// `HMAC(token, "autopipe-cluster peer v1" | role | scheduler nonce | peer nonce)`. A recorded exchange is useless
/// later (fresh nonces), the two proofs cannot be swapped (different labels), and the token is never sent.
public enum HandshakeProof {
    public static func nonce() -> [UInt8] {
        // The system generator reads the kernel's CSPRNG (getrandom); nonces need unpredictability, not a seed.
        var generator = SystemRandomNumberGenerator()
        return (0..<WireFormat.nonceSize).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    public static func scheduler(_ token: ClusterToken, peerNonce: [UInt8], schedulerNonce: [UInt8]) -> [UInt8] {
        mac(token, Array("autopipe-cluster scheduler v1".utf8) + peerNonce + schedulerNonce)
    }

    public static func peer(_ token: ClusterToken, role: PeerRole, schedulerNonce: [UInt8], peerNonce: [UInt8]) -> [UInt8] {
        mac(token, Array("autopipe-cluster peer v1".utf8) + [role.rawValue] + schedulerNonce + peerNonce)
    }

    /// Constant-time check of a proof against the expected message.
    public static func verifyScheduler(_ proof: [UInt8], token: ClusterToken, peerNonce: [UInt8],
                                       schedulerNonce: [UInt8]) -> Bool {
        verify(proof, token, Array("autopipe-cluster scheduler v1".utf8) + peerNonce + schedulerNonce)
    }

    public static func verifyPeer(_ proof: [UInt8], token: ClusterToken, role: PeerRole, schedulerNonce: [UInt8],
                                  peerNonce: [UInt8]) -> Bool {
        verify(proof, token, Array("autopipe-cluster peer v1".utf8) + [role.rawValue] + schedulerNonce + peerNonce)
    }

    static func mac(_ token: ClusterToken, _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: token.key))
    }

    static func verify(_ proof: [UInt8], _ token: ClusterToken, _ message: [UInt8]) -> Bool {
        guard proof.count == WireFormat.proofSize else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(proof, authenticating: message, using: token.key)
    }
}
