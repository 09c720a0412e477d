import B2Kit
import B2SigV4
import Foundation

/// `b2kit ls`: buckets, or files under a path.
public enum ListOperation {
    /// Lists buckets (no path) or the files under `path`.
    public static func run(
        _ context: CommandContext,
        path: B2Path?,
        recursive: Bool,
        versions: Bool,
        long: Bool
    ) async throws {
        if let path, path.scheme == .s3 {
            return try await S3Operations.list(
                context, path: path, recursive: recursive, versions: versions, long: long)
        }
        try await ClientProvider.withClient(context) { client, _ in
            guard let path else {
                for bucket in try await client.listBuckets() {
                    if context.json {
                        context.printJSON([
                            "bucketId": bucket.bucketId, "bucketName": bucket.bucketName,
                            "bucketType": bucket.bucketType,
                        ])
                    } else {
                        context.say(
                            long ? "\(bucket.bucketId)  \(bucket.bucketType)  \(bucket.bucketName)" : bucket.bucketName)
                    }
                }
                return
            }
            let bucket = try await client.bucket(named: path.bucket)
            var prefix = path.key
            if !prefix.isEmpty, !prefix.hasSuffix("/") { prefix += "/" }
            let listing = try await client.listFiles(
                in: bucket, prefix: prefix, delimiter: recursive ? nil : "/", versions: versions
            )
            for try await entry in listing {
                if context.json {
                    context.printJSON(
                        ListedFile(
                            action: entry.action, fileName: entry.fileName, size: entry.contentLength,
                            uploadTimestamp: entry.uploadTimestamp, fileId: entry.fileId,
                            contentSha1: entry.contentSha1, contentType: entry.contentType,
                            encryption: entry.encryptionMode,
                            retention: entry.retention.map {
                                ListedFile.Retention(mode: $0.mode.rawValue, retainUntilTimestamp: $0.retainUntilMillis)
                            },
                            legalHold: entry.isLegalHoldOn.map { $0 ? "on" : "off" }))
                } else if long, entry.action != "folder" {
                    let date = Date(timeIntervalSince1970: Double(entry.uploadTimestamp) / 1000)
                    let time = ISO8601Timestamp.string(from: date)
                    let size = String(entry.contentLength).leftPadded(to: 12)
                    context.say(
                        "\(entry.action.leftPadded(to: 6))  \(size)  \(time)  \(Self.protection(entry))  \(entry.fileName)"
                    )
                } else {
                    context.say(entry.fileName)
                }
            }
        }
    }
}

extension ListOperation {
    /// The `ls -l` column of how a version is kept: its encryption (`SSE-B2`, `SSE-C`), its retention
    /// (`governance:` or `compliance:` and the time it ends) and `hold`, comma separated; `-` for none.
    static func protection(_ entry: B2FileVersion) -> String {
        var parts: [String] = []
        if let mode = entry.encryptionMode { parts.append(mode) }
        if let retention = entry.retention {
            let until = Date(timeIntervalSince1970: Double(retention.retainUntilMillis) / 1000)
            parts.append("\(retention.mode.rawValue):\(ISO8601Timestamp.string(from: until))")
        }
        if entry.isLegalHoldOn == true { parts.append("hold") }
        return parts.isEmpty ? "-" : parts.joined(separator: ",")
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
