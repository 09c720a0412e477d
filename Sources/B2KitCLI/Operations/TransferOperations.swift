import B2JSON
import B2Kit
import Foundation
import NIOCore

/// `b2kit cp`, `cat`, `rm` and `url`.
public enum TransferOperations {
    /// Copies one object: local to B2, B2 to local (or `-` for standard output), or B2 to B2 server-side.
    /// `options` give an upload its encryption, retention and legal hold, a download its SSE-C key, and a
    /// server-side copy the copy's encryption; `sourceKey` is the SSE-C key of a server-side copy's source.
    public static func copy(
        _ context: CommandContext,
        from source: Location,
        to destination: Location,
        partSize: Int64? = nil,
        options: B2FileOptions = B2FileOptions(),
        sourceKey: B2Encryption? = nil
    ) async throws {
        if options != B2FileOptions() || sourceKey != nil {
            try checkOptions(options, sourceKey: sourceKey, from: source, to: destination)
        }
        switch (source, destination) {
        case (.local(let file), .remote(let path)) where path.scheme == .s3:
            try await S3Operations.upload(context, file: file, to: path, partSize: partSize)
        case (.remote(let path), .local(let file)) where path.scheme == .s3:
            try await S3Operations.download(context, from: path, to: file)
        case (.remote(let from), .remote(let to)) where from.scheme != to.scheme:
            throw B2Error(
                .usage,
                "cp copies within one API: give both paths as b2:// or both as s3:// (they reach the same account)")
        case (.remote(let from), .remote(let to)) where from.scheme == .s3:
            try await S3Operations.copy(context, from: from, to: to)
        case (.local(let file), .remote(let path)):
            let name =
                path.key.isEmpty || path.key.hasSuffix("/")
                ? path.key + (file as NSString).lastPathComponent : path.key
            let size = try localSize(file)
            try await ClientProvider.withClient(context) { client, _ in
                let bucket = try await client.bucket(named: path.bucket)
                let version = try await client.upload(
                    .file(file), to: bucket, as: name, partSize: partSize, options: options,
                    progress: context.progress(label: name, total: size)
                )
                report(context, action: "uploaded", name: "b2://\(path.bucket)/\(name)", version: version)
            }
        case (.remote(let path), .local(let file)):
            try requireFileName(path)
            try await ClientProvider.withClient(context) { client, _ in
                let bucket = try await client.bucket(named: path.bucket)
                guard let version = try await client.fileVersion(in: bucket, named: path.key) else {
                    throw B2Error(
                        .notFound, "No file named \(path.key) in bucket \(path.bucket)",
                        context: .init(bucket: path.bucket, key: path.key))
                }
                if version.encryptionMode == "SSE-C", options.encryption == nil {
                    throw B2Error(
                        .usage, "\(path) is encrypted with SSE-C: give its key with --sse C --sse-c-key-file FILE",
                        context: .init(bucket: path.bucket, key: path.key))
                }
                let result = try await client.download(
                    bucketName: path.bucket, name: path.key, to: file, encryption: options.encryption,
                    progress: context.progress(label: path.key, total: version.contentLength)
                )
                if context.json {
                    context.printJSON(
                        [
                            "downloaded": .string(path.description), "to": .string(file), "size": .int(result.length),
                            "sha1": .optional(result.sha1),
                        ] as JSONValue)
                } else {
                    context.say("downloaded \(path) to \(file) (\(result.length) bytes)")
                }
            }
        case (.remote(let path), .standardStream):
            try await cat(context, path: path)
        case (.remote(let from), .remote(let to)):
            try requireFileName(from)
            try await ClientProvider.withClient(context) { client, _ in
                let sourceBucket = try await client.bucket(named: from.bucket)
                let targetBucket = from.bucket == to.bucket ? sourceBucket : try await client.bucket(named: to.bucket)
                guard let version = try await client.fileVersion(in: sourceBucket, named: from.key) else {
                    throw B2Error(
                        .notFound, "No file named \(from.key) in bucket \(from.bucket)",
                        context: .init(bucket: from.bucket, key: from.key))
                }
                if version.encryptionMode == "SSE-C", sourceKey == nil {
                    throw B2Error(
                        .usage, "\(from) is encrypted with SSE-C: give its key with --source-sse-c-key-file FILE",
                        context: .init(bucket: from.bucket, key: from.key))
                }
                let name =
                    to.key.isEmpty || to.key.hasSuffix("/")
                    ? to.key + (from.key.split(separator: "/").last.map(String.init) ?? from.key) : to.key
                let copy = try await client.copyFile(
                    version, to: name, in: targetBucket, sourceEncryption: sourceKey,
                    destinationEncryption: options.encryption)
                report(context, action: "copied", name: "b2://\(to.bucket)/\(name)", version: copy)
            }
        case (.local, .local):
            throw B2Error(.usage, "Both paths are local: one side of cp must be b2://BUCKET/PATH")
        case (.standardStream, _), (.local, .standardStream):
            throw B2Error(
                .usage, "cp reads from a local file or b2://: to upload standard input, save it to a file first")
        }
    }

    /// Refuses options where they do nothing: they work on b2:// uploads, the SSE-C key on b2:// downloads, and
    /// encryption (with the source's key) on b2:// server-side copies.
    private static func checkOptions(
        _ options: B2FileOptions, sourceKey: B2Encryption?, from source: Location, to destination: Location
    ) throws {
        if sourceKey != nil {
            guard case .remote(let from) = source, from.scheme == .b2, case .remote(let to) = destination,
                to.scheme == .b2
            else {
                throw B2Error(
                    .usage,
                    "--source-sse-c-key-file is for server-side copies between b2:// paths (a download takes the "
                        + "key with --sse C --sse-c-key-file)")
            }
        }
        switch (source, destination) {
        case (.local, .remote(let path)) where path.scheme == .b2:
            return
        case (.remote(let from), .remote(let to)) where from.scheme == .b2 && to.scheme == .b2:
            guard options.retention == nil, options.legalHold == nil else {
                throw B2Error(
                    .usage,
                    "A server-side copy takes --sse and --source-sse-c-key-file; --retention and --legal-hold "
                        + "are for uploads")
            }
        case (.remote(let path), .local) where path.scheme == .b2:
            guard case .sseC? = options.encryption, options.retention == nil, options.legalHold == nil else {
                throw B2Error(
                    .usage,
                    "A download takes only --sse C --sse-c-key-file (the key of a file stored with SSE-C); "
                        + "--sse B2, --retention and --legal-hold are for uploads")
            }
        default:
            throw B2Error(
                .usage,
                "--sse, --retention and --legal-hold work on uploads to b2:// (and the SSE-C key on downloads from "
                    + "b2://, --sse on server-side copies within b2://), not on s3:// paths yet")
        }
    }

    /// Streams an object to standard output.
    public static func cat(_ context: CommandContext, path: B2Path) async throws {
        if path.scheme == .s3 { return try await S3Operations.cat(context, path: path) }
        try requireFileName(path)
        try await ClientProvider.withClient(context) { client, _ in
            let bucket = try await client.bucket(named: path.bucket)
            // The size decides how the bytes come (a large file reads on a connection of its own). A key that may
            // read but not list, or a name that is not there, is left to the download to answer.
            let size = (try? await client.fileVersion(in: bucket, named: path.key))??.contentLength
            do {
                try await client.download(bucketName: path.bucket, name: path.key, expectedSize: size) { chunk in
                    try context.standardOutputBytes(chunk)
                }
            } catch is OutputClosed {
                // The reader went away (cat FILE | head): stop quietly, as cat does.
                return
            }
        }
    }

    /// Deletes the latest version of a file, every version with `versions`, or everything under a prefix with
    /// `recursive`.
    public static func remove(_ context: CommandContext, path: B2Path, versions: Bool, recursive: Bool) async throws {
        if path.scheme == .s3 {
            return try await S3Operations.remove(context, path: path, versions: versions, recursive: recursive)
        }
        try await ClientProvider.withClient(context) { client, _ in
            let bucket = try await client.bucket(named: path.bucket)
            var deleted = 0
            if recursive {
                // A path names a folder here, as in ls: b2://b/tree covers tree/..., never tree.txt or treehouse/.
                let prefix = path.key.isEmpty || path.key.hasSuffix("/") ? path.key : path.key + "/"
                for try await version in try await client.listFiles(in: bucket, prefix: prefix, versions: versions) {
                    try await client.deleteFileVersion(version, in: bucket)
                    deleted += 1
                    context.say("deleted \(version.fileName)\(versions ? " (\(version.fileId ?? ""))" : "")")
                }
            } else {
                try requireFileName(path)
                let listing = try await client.listFiles(in: bucket, prefix: path.key, versions: true)
                for try await version in listing where version.fileName == path.key {
                    try await client.deleteFileVersion(version, in: bucket)
                    deleted += 1
                    context.say("deleted \(version.fileName) (\(version.fileId ?? ""))")
                    if !versions { break }
                }
                if deleted == 0 {
                    throw B2Error(
                        .notFound, "No file named \(path.key) in bucket \(path.bucket)",
                        context: .init(bucket: path.bucket, key: path.key))
                }
            }
            if context.json { context.printJSON(["deleted": deleted]) }
        }
    }

    /// Prints the friendly download URL of a file.
    public static func url(_ context: CommandContext, path: B2Path) async throws {
        try BucketOperations.requireNative(path, for: "url")
        try requireFileName(path)
        try await ClientProvider.withClient(context) { client, _ in
            let url = try await client.downloadURL(bucketName: path.bucket, fileName: path.key)
            if context.json { context.printJSON(["url": url]) } else { context.standardOutput(url + "\n") }
        }
    }

    static func requireFileName(_ path: B2Path) throws {
        guard !path.key.isEmpty, !path.key.hasSuffix("/") else {
            throw B2Error(
                .usage,
                "\(path) names a bucket or folder: give a file, e.g. \(path.scheme.rawValue)://\(path.bucket)/NAME")
        }
    }

    static func localSize(_ file: String) throws -> Int64 {
        try LocalFile(checking: file).size
    }

    static func report(_ context: CommandContext, action: String, name: String, version: B2FileVersion) {
        if context.json {
            context.printJSON(
                JSONValue.object(omittingNils: [
                    (action, .string(name)), ("size", .int(version.contentLength)),
                    ("fileId", version.fileId.map(JSONValue.string)), ("sha1", version.knownSHA1.map(JSONValue.string)),
                ]))
        } else {
            context.say("\(action) \(name) (\(version.contentLength) bytes, sha1 \(version.knownSHA1 ?? "unknown"))")
        }
    }
}

/// Standard output's reader went away (EPIPE): `cat FILE | head` and the like.
public struct OutputClosed: Error {
    /// Creates the error.
    public init() {}
}
