import B2JSON
import B2Kit
import B2SigV4
import Foundation
import NIOCore

/// `ls`, `mb`, `rb`, `cp`, `cat` and `rm` for `s3://` paths, through the account's S3-compatible endpoint; the
/// output matches the `b2://` forms line for line.
enum S3Operations {
    static func list(_ context: CommandContext, path: B2Path, recursive: Bool, versions: Bool, long: Bool)
        async throws
    {
        guard !versions else {
            throw B2Error(.usage, "--versions lists B2 file versions: use b2://\(path.bucket)/\(path.key) for that")
        }
        try await ClientProvider.withS3Client(context) { s3 in
            var prefix = path.key
            if !prefix.isEmpty, !prefix.hasSuffix("/") { prefix += "/" }
            for try await entry in s3.listObjects(bucket: path.bucket, prefix: prefix, delimiter: recursive ? nil : "/")
            {
                let action = entry.isCommonPrefix ? "folder" : "upload"
                let millis = Int64((entry.lastModified?.timeIntervalSince1970 ?? 0) * 1000)
                if context.json {
                    context.printJSON(
                        ListedFile(
                            action: action, fileName: entry.key, size: entry.size, uploadTimestamp: millis,
                            eTag: entry.eTag))
                } else if long, !entry.isCommonPrefix {
                    let time = entry.lastModified.map { ISO8601Timestamp.string(from: $0) } ?? ""
                    let size = String(entry.size).leftPadded(to: 12)
                    // The same columns as b2:// listings; S3 listings do not say how objects are kept ("-").
                    context.say("\(action.leftPadded(to: 6))  \(size)  \(time)  -  \(entry.key)")
                } else {
                    context.say(entry.key)
                }
            }
        }
    }

    static func make(_ context: CommandContext, path: B2Path, isPublic: Bool) async throws {
        guard !isPublic else {
            throw B2Error(
                .usage, "S3 creates private buckets only here: create it with b2://\(path.bucket) to make it public")
        }
        try await ClientProvider.withS3Client(context) { s3 in
            try await s3.createBucket(path.bucket)
            if context.json {
                context.printJSON(["bucketName": path.bucket, "bucketType": "allPrivate"])
            } else {
                context.say("created s3://\(path.bucket) (allPrivate)")
            }
        }
    }

    static func remove(_ context: CommandContext, path: B2Path) async throws {
        try await ClientProvider.withS3Client(context) { s3 in
            try await s3.deleteBucket(path.bucket)
            if context.json { context.printJSON(["deleted": "s3://\(path.bucket)"]) }
            context.say("deleted s3://\(path.bucket)")
        }
    }

    static func upload(_ context: CommandContext, file: String, to path: B2Path, partSize: Int64?) async throws {
        let name =
            path.key.isEmpty || path.key.hasSuffix("/") ? path.key + (file as NSString).lastPathComponent : path.key
        let size = try TransferOperations.localSize(file)
        try await ClientProvider.withS3Client(context) { s3 in
            let eTag = try await s3.uploadFile(
                file, bucket: path.bucket, key: name, partSize: partSize ?? 16 << 20,
                progress: context.progress(label: name, total: size))
            report(context, action: "uploaded", name: "s3://\(path.bucket)/\(name)", size: size, eTag: eTag)
        }
    }

    static func download(_ context: CommandContext, from path: B2Path, to file: String) async throws {
        try TransferOperations.requireFileName(path)
        try await ClientProvider.withS3Client(context) { s3 in
            guard let head = try await s3.headObject(bucket: path.bucket, key: path.key) else {
                throw B2Error(
                    .notFound, "No object named \(path.key) in bucket \(path.bucket)",
                    context: .init(bucket: path.bucket, key: path.key))
            }
            try await s3.download(
                bucket: path.bucket, key: path.key, to: file,
                progress: context.progress(label: path.key, total: head.contentLength))
            if context.json {
                context.printJSON(
                    ["downloaded": .string(path.description), "to": .string(file), "size": .int(head.contentLength)]
                        as JSONValue)
            } else {
                context.say("downloaded \(path) to \(file) (\(head.contentLength) bytes)")
            }
        }
    }

    static func copy(_ context: CommandContext, from source: B2Path, to destination: B2Path) async throws {
        try TransferOperations.requireFileName(source)
        let name =
            destination.key.isEmpty || destination.key.hasSuffix("/")
            ? destination.key + (source.key.split(separator: "/").last.map(String.init) ?? source.key) : destination.key
        try await ClientProvider.withS3Client(context) { s3 in
            guard let head = try await s3.headObject(bucket: source.bucket, key: source.key) else {
                throw B2Error(
                    .notFound, "No object named \(source.key) in bucket \(source.bucket)",
                    context: .init(bucket: source.bucket, key: source.key))
            }
            let eTag = try await s3.copyObject(
                sourceBucket: source.bucket, sourceKey: source.key, bucket: destination.bucket, key: name)
            report(
                context, action: "copied", name: "s3://\(destination.bucket)/\(name)", size: head.contentLength,
                eTag: eTag)
        }
    }

    static func cat(_ context: CommandContext, path: B2Path) async throws {
        try TransferOperations.requireFileName(path)
        try await ClientProvider.withS3Client(context) { s3 in
            do {
                try await s3.getObject(bucket: path.bucket, key: path.key) { chunk in
                    try context.standardOutputBytes(chunk)
                }
            } catch is OutputClosed {
                return
            }
        }
    }

    static func remove(_ context: CommandContext, path: B2Path, versions: Bool, recursive: Bool) async throws {
        guard !versions else {
            throw B2Error(.usage, "--versions deletes B2 file versions: use b2://\(path.bucket)/\(path.key) for that")
        }
        try await ClientProvider.withS3Client(context) { s3 in
            var deleted = 0
            if recursive {
                let prefix = path.key.isEmpty || path.key.hasSuffix("/") ? path.key : path.key + "/"
                var batch: [String] = []
                func flush() async throws {
                    let failures = try await s3.deleteObjects(bucket: path.bucket, keys: batch)
                    if let failure = failures.first {
                        throw B2Error(
                            .restricted,
                            "Could not delete \(failures.count) of \(batch.count) objects, first \(failure.key): "
                                + "\(failure.code) \(failure.message)",
                            context: .init(s3Code: failure.code, bucket: path.bucket, key: failure.key))
                    }
                    for key in batch { context.say("deleted \(key)") }
                    deleted += batch.count
                    batch.removeAll(keepingCapacity: true)
                }
                for try await entry in s3.listObjects(bucket: path.bucket, prefix: prefix) {
                    batch.append(entry.key)
                    if batch.count == 1000 { try await flush() }
                }
                if !batch.isEmpty { try await flush() }
            } else {
                try TransferOperations.requireFileName(path)
                // S3 answers a delete of a missing key with success, so look first to report it as b2:// does.
                guard try await s3.headObject(bucket: path.bucket, key: path.key) != nil else {
                    throw B2Error(
                        .notFound, "No object named \(path.key) in bucket \(path.bucket)",
                        context: .init(bucket: path.bucket, key: path.key))
                }
                try await s3.deleteObject(bucket: path.bucket, key: path.key)
                deleted = 1
                context.say("deleted \(path.key)")
            }
            if context.json { context.printJSON(["deleted": deleted]) }
        }
    }

    private static func report(_ context: CommandContext, action: String, name: String, size: Int64, eTag: String?) {
        if context.json {
            context.printJSON(
                JSONValue.object(omittingNils: [
                    (action, .string(name)), ("size", .int(size)), ("eTag", eTag.map(JSONValue.string)),
                ]))
        } else {
            context.say("\(action) \(name) (\(size) bytes, etag \(eTag ?? "unknown"))")
        }
    }
}
