import AsyncHTTPClient
import NIOCore

/// Reads an object, or a range of it, over as many GETs as it takes: the one resume loop of every download,
/// native and S3.
///
/// A connection dropped mid-body, or a body that ended early, is not an error but the next GET, from the byte where
/// the last one stopped. Each GET is itself sent through `RetryLoop` by the caller's `open`, so refusals, expired
/// tokens, the circuit breaker and a stop act on it as on any other request; between GETs the reader waits as the
/// policy says (at most as after a fourth attempt), under the same stop. The budget is `maximumAttempts * 3` GETs.
struct ResumableRangeReader {
    /// The next byte to read.
    private(set) var offset: Int64
    /// One past the last byte to read, once known.
    private(set) var end: Int64?
    /// Sends the waits between GETs, and gives the policy.
    let loop: RetryLoop
    /// What is read, for messages: `download b2://bucket/name`.
    let operation: String
    let context: B2Error.Context

    /// A reader of `range` (nil: the whole object).
    init(range: ClosedRange<Int64>?, loop: RetryLoop, operation: String, context: B2Error.Context) {
        offset = range?.lowerBound ?? 0
        end = range.map { $0.upperBound + 1 }
        self.loop = loop
        self.operation = operation
        self.context = context
    }

    /// The bytes the next GET asks for: nil for a whole object not yet begun.
    var requested: ClosedRange<Int64>? {
        if let end { return offset...(end - 1) }
        return offset > 0 ? offset...Int64.max : nil
    }

    /// GETs until every byte has been read.
    /// - Parameters:
    ///   - open: sends one GET for `requested`.
    ///   - first: reads the first response's headers; returns the object's total length (used when the reader was
    ///     given no range).
    ///   - body: reads one response's body to its end, handing each chunk on through `deliver` and adding its
    ///     length to the offset it is given.
    /// - Throws: what the receiver threw (never retried), a `B2Error` thrown by `open` or `body`, and `.transport`
    ///   or `.integrity` once the budget is spent.
    mutating func read(
        open: (_ range: ClosedRange<Int64>?) async throws -> HTTPClientResponse,
        first: (HTTPClientResponse) -> Int64?,
        body: (HTTPClientResponse.Body, inout Int64) async throws -> Void
    ) async throws {
        let budget = loop.policy.maximumAttempts * 3
        var gets = 0
        while true {
            if gets > 0, let end, offset >= end { return }
            gets += 1
            let response = try await open(requested)
            if gets == 1, let total = first(response), end == nil { end = total }
            do {
                try await body(response.body, &offset)
            } catch let error as B2Error {
                throw error
            } catch let failure as SinkFailure {
                // The receiver failed (a full disk, a closed pipe): not the network, so never retried.
                throw failure.underlying
            } catch is CancellationError {
                throw B2Error(.cancelled, "Cancelled while trying to \(operation)", context: context)
            } catch {
                guard gets < budget else {
                    throw B2Error(
                        .transport, "Could not \(operation): \(error)", context: context, cause: DescribedError(error))
                }
                loop.logger.debug("Resuming", metadata: ["b2.request": "\(operation)", "b2.offset": "\(offset)"])
                try await loop.wait(loop.policy.delay(afterAttempt: min(gets, 4)), operation)
                continue
            }
            guard let end, offset < end else { return }
            guard gets < budget else {
                throw B2Error(
                    .integrity, "Could not \(operation): it kept ending early at byte \(offset)", context: context)
            }
        }
    }

    /// The `Range` header of a GET of `range`; an upper bound of `Int64.max` means "to the end".
    static func header(for range: ClosedRange<Int64>) -> String {
        let upper = range.upperBound == Int64.max ? "" : String(range.upperBound)
        return "bytes=\(range.lowerBound)-\(upper)"
    }

    /// Hands `chunk` to `sink`, marking what the sink throws so that it is not taken for a network failure.
    static func deliver(_ chunk: ByteBuffer, to sink: (ByteBuffer) async throws -> Void) async throws {
        do {
            try await sink(chunk)
        } catch {
            throw SinkFailure(underlying: error)
        }
    }
}

/// An error thrown by a download's receiver, kept apart from network errors so it is not retried.
struct SinkFailure: Error {
    let underlying: any Error
}
