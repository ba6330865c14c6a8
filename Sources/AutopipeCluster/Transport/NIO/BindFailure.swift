import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Why a listening socket could not be opened, in words, with what to do about the common causes (instead of
/// NIO's `bind(descriptor:ptr:bytes:): ... (errno: 98)`). The options named are those that chose the port and
/// the host.
enum BindFailure {
    static func reason(_ error: any Error, port: Int, portOption: String, hostOption: String) -> String {
        guard let io = error as? IOError else { return "\(error)" }
        let text = String(cString: strerror(io.errnoCode))
        switch io.errnoCode {
        case EADDRINUSE:
            return "\(text): another process (another scheduler?) is using port \(port); stop it, or choose "
                + "another \(portOption)"
        case EACCES:
            return "\(text): ports below 1024 need privileges; choose another \(portOption)"
        case EADDRNOTAVAIL:
            return "\(text): the address is not one of this machine's; give \(hostOption) one of its addresses, "
                + "or 0.0.0.0 for all"
        default:
            return text
        }
    }
}
