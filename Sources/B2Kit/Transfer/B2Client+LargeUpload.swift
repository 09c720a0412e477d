import B2JSON
import B2SigV4
import Crypto
import Foundation
import NIOCore
import _NIOFileSystem

extension B2Client {
    /// Uploads a file as a large file: parts in parallel (at most `concurrency` in flight, each streamed from disk),
    /// resuming an unfinished upload of the same name and content when there is one.
    func uploadLarge(
        path: String,
        size: Int64,
        bucket: B2Bucket,
        name: String,
        contentType: String,
        info: [String: String],
        partSize: Int64,
        concurrency: Int,
        options: B2FileOptions,
        meter: ProgressMeter
    ) async throws -> B2FileVersion {
        let context = B2Error.Context(bucket: bucket.bucketName, key: name)
        let operation = "upload b2://\(bucket.bucketName)/\(name)"
        var info = info
        let wholeSHA1 = try await Self.sha1(ofFile: path, range: 0..<size)
        info["large_file_sha1"] = wholeSHA1
        let partCount = Int((size + partSize - 1) / partSize)
        let ranges = (0..<partCount).map { Int64($0) * partSize..<min(size, Int64($0 + 1) * partSize) }

        var done: [Int: String] = [:]
        let fileId: String
        if let unfinished = try await findUnfinished(bucket: bucket, name: name, sha1: wholeSHA1) {
            fileId = unfinished
            let parts = try await listParts(fileId: unfinished, context: context)
            for part in parts where part.partNumber <= partCount {
                let range = ranges[part.partNumber - 1]
                guard part.contentLength == range.upperBound - range.lowerBound,
                    try await Self.sha1(ofFile: path, range: range) == part.contentSha1
                else { continue }
                done[part.partNumber] = part.contentSha1
                meter.add(part.contentLength)
            }
            logger.info("Resuming large upload", metadata: ["b2.file": "\(name)", "b2.parts.done": "\(done.count)"])
        } else {
            var parameters = options.startParameters
            parameters["bucketId"] = .string(bucket.bucketId)
            parameters["fileName"] = .string(name)
            parameters["contentType"] = .string(contentType)
            parameters["fileInfo"] = .object(info.map { ($0.key, .string($0.value)) })
            let started: B2FileVersion = try await call(
                "b2_start_large_file", parameters, operation: operation, context: context
            )
            guard let id = started.fileId else { throw B2Error(.server, "B2 started a large file without an id") }
            fileId = id
        }

        let pending = (1...partCount).filter { done[$0] == nil }
        let uploaded = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var results: [Int: String] = [:]
            var iterator = pending.makeIterator()
            func addNext() {
                guard let number = iterator.next() else { return }
                group.addTask {
                    let range = ranges[number - 1]
                    let part: B2Wire.Part = try await sendUpload(
                        scope: fileId,
                        operation: "\(operation) (part \(number) of \(partCount))",
                        context: context,
                        fetchTarget: {
                            try await call(
                                "b2_get_upload_part_url", ["fileId": .string(fileId)],
                                operation: "get a part upload URL", context: context, as: B2Wire.UploadTarget.self
                            )
                        },
                        headers: [("X-Bz-Part-Number", String(number))] + (options.encryption?.readHeaders ?? []),
                        source: .file(path),
                        range: range,
                        meter: meter
                    )
                    return (number, part.contentSha1)
                }
            }
            for _ in 0..<concurrency { addNext() }
            while let (number, sha1) = try await group.next() {
                results[number] = sha1
                addNext()
            }
            return results
        }
        done.merge(uploaded) { $1 }
        return try await call(
            "b2_finish_large_file",
            ["fileId": .string(fileId), "partSha1Array": .strings((1...partCount).map { done[$0] ?? "" })],
            operation: operation, context: context
        )
    }

    private func findUnfinished(bucket: B2Bucket, name: String, sha1: String) async throws -> String? {
        let reply: B2Wire.UnfinishedFiles = try await call(
            "b2_list_unfinished_large_files",
            ["bucketId": .string(bucket.bucketId), "namePrefix": .string(name), "maxFileCount": 100],
            operation: "look for an unfinished upload of \(name)", context: .init(bucket: bucket.bucketName, key: name)
        )
        return reply.files.first { $0.fileName == name && $0.fileInfo?["large_file_sha1"] == sha1 }?.fileId
    }

    private func listParts(fileId: String, context: B2Error.Context) async throws -> [B2Wire.Part] {
        var parts: [B2Wire.Part] = []
        var start = 1
        while true {
            let reply: B2Wire.Parts = try await call(
                "b2_list_parts",
                ["fileId": .string(fileId), "startPartNumber": .int(Int64(start)), "maxPartCount": 1000],
                operation: "list uploaded parts", context: context
            )
            parts += reply.parts
            guard let next = reply.nextPartNumber else { return parts }
            start = next
        }
    }

    /// The hex SHA-1 of a byte range of a file, read in chunks.
    static func sha1(ofFile path: String, range: Range<Int64>) async throws -> String {
        do {
            return try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
                var hasher = Insecure.SHA1()
                for try await chunk in handle.readChunks(in: range, chunkLength: .mebibytes(1)) {
                    chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                }
                return Hex.string(hasher.finalize())
            }
        } catch {
            throw B2Error(.localFile, "Cannot read \(path): \(error)", cause: DescribedError(error))
        }
    }
}
