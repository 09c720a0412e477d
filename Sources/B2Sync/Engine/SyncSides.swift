import B2Kit

/// The two sides of a sync, resolved (buckets looked up, the destination folder made), and the transfer between
/// them.
struct SyncSides: Sendable {
    let source: any SyncSide
    let destination: any SyncSide
    let transfer: SyncTransfer

    /// Resolves both sides, refusing pairs a sync cannot join before any request.
    init(
        client: B2Client?, s3: S3Client?, source: SyncEndpoint, destination: SyncEndpoint, dryRun: Bool,
        s3PieceSize: Int64 = 32 << 20, confinement: LocalConfinement? = nil,
        encryption: (source: B2Encryption?, destination: B2Encryption?) = (nil, nil)
    ) async throws {
        if case .folder = source, case .folder = destination { throw Self.bothFolders }
        if let from = source.scheme, let to = destination.scheme, from != to {
            throw Self.mixedAPIs(source, destination)
        }
        try Self.checkEncryption(encryption, source: source, destination: destination)
        var s3 = s3
        func resolve(_ endpoint: SyncEndpoint, isDestination: Bool) async throws -> any SyncSide {
            switch endpoint {
            case .bucket(let path) where path.scheme == .s3:
                if s3 == nil {
                    guard let client else {
                        throw B2Error(.configuration, "No S3 client for \(path): give SyncEngine an S3Client")
                    }
                    s3 = try await client.s3Client()
                }
                return S3Side(endpoint: endpoint, s3: s3!, bucket: path.bucket, pieceSize: s3PieceSize)
            case .bucket(let path):
                guard let client else {
                    throw B2Error(.configuration, "No B2 client for \(path): give SyncEngine a B2Client")
                }
                return try await NativeSide(
                    endpoint, path: path, client: client,
                    encryption: isDestination ? encryption.destination : encryption.source)
            case .folder(let root):
                return try LocalSide(
                    endpoint, root: root, isDestination: isDestination, dryRun: dryRun, confinement: confinement)
            }
        }
        self.source = try await resolve(source, isDestination: false)
        self.destination = try await resolve(destination, isDestination: true)
        transfer = try SyncTransfer(from: self.source, to: self.destination)
    }

    /// Refuses encryption options that would do nothing: they apply to `b2://` sides, the source's only as an
    /// SSE-C key.
    static func checkEncryption(
        _ encryption: (source: B2Encryption?, destination: B2Encryption?), source: SyncEndpoint,
        destination: SyncEndpoint
    ) throws {
        if let key = encryption.source {
            guard source.scheme == .b2 else {
                throw B2Error(.usage, "A source SSE-C key is for a b2:// source, and \(source) is not one")
            }
            guard case .sseC = key else {
                throw B2Error(.usage, "A source is read with its SSE-C key: SSE-B2 needs no key to read")
            }
        }
        if encryption.destination != nil, destination.scheme != .b2 {
            throw B2Error(
                .usage,
                "Encryption of what a sync writes works on a b2:// destination, and \(destination) is not one")
        }
    }

    static var bothFolders: B2Error {
        B2Error(.usage, "Both sides are local folders: one side of a sync must be b2://BUCKET/PREFIX")
    }

    /// The error for two buckets of one account named through two APIs.
    static func mixedAPIs(_ source: SyncEndpoint, _ destination: SyncEndpoint) -> B2Error {
        B2Error(
            .usage,
            "\(source) and \(destination) are buckets of the same account through two APIs: write both as b2:// "
                + "(server-side copy through the native API) or both as s3:// (through the S3 API)")
    }
}
