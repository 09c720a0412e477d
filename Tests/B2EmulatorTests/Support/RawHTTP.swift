import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A bare TCP exchange, for requests an HTTP client will not send (a body shorter than its Content-Length) and for
/// reading exactly what the server wrote before it closed.
enum RawHTTP {
    /// ``exchange(port:request:)`` on a thread of its own, so the blocking socket calls never hold one of the few
    /// cooperative threads the in-process server's handlers need to answer.
    static func exchangeOffPool(port: Int, request: [UInt8]) async -> [UInt8] {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: exchange(port: port, request: request)) }.start()
        }
    }

    /// Connects to 127.0.0.1:`port`, writes `request`, half-closes, and reads until the server closes.
    static func exchange(port: Int, request: [UInt8]) -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        precondition(fd >= 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        precondition(connected == 0)
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, request.count - sent, 0) }
            if n <= 0 { break }
            sent += n
        }
        shutdown(fd, Int32(SHUT_WR))
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        return response
    }

    /// Splits a raw response into its head (as text) and body bytes.
    static func split(_ response: [UInt8]) -> (head: String, body: [UInt8]) {
        let marker: [UInt8] = [13, 10, 13, 10]
        guard let index = (0..<max(0, response.count - 3)).first(where: { Array(response[$0..<$0 + 4]) == marker })
        else { return (String(decoding: response, as: UTF8.self), []) }
        return (String(decoding: response[..<index], as: UTF8.self), Array(response[(index + 4)...]))
    }
}
