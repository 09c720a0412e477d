import B2JSON
import B2SigV4

extension B2Client {
    /// The latest visible version of `name`, or nil when there is none.
    public func fileVersion(in bucket: B2Bucket, named name: String) async throws -> B2FileVersion? {
        try await require("listFiles", to: "look up b2://\(bucket.bucketName)/\(name)")
        let reply: B2Wire.FileNames = try await call(
            "b2_list_file_names",
            ["bucketId": .string(bucket.bucketId), "startFileName": .string(name), "maxFileCount": 1],
            operation: "look up b2://\(bucket.bucketName)/\(name)", context: .init(bucket: bucket.bucketName, key: name)
        )
        return reply.files.first { $0.fileName == name && $0.action == "upload" }
    }

    /// The version with id `fileId` (`b2_get_file_info`): its name, size, SHA-1, content type and file info.
    public func fileInfo(id fileId: String) async throws -> B2FileVersion {
        try await require("readFiles", to: "read the file info of \(fileId)")
        return try await call(
            "b2_get_file_info", ["fileId": .string(fileId)], operation: "read the file info of \(fileId)"
        )
    }

    /// Hides `name`: downloads by name then answer 404, older versions stay.
    @discardableResult
    public func hideFile(in bucket: B2Bucket, named name: String) async throws -> B2FileVersion {
        try await require("writeFiles", to: "hide b2://\(bucket.bucketName)/\(name)")
        return try await call(
            "b2_hide_file", ["bucketId": .string(bucket.bucketId), "fileName": .string(name)],
            operation: "hide b2://\(bucket.bucketName)/\(name)", context: .init(bucket: bucket.bucketName, key: name)
        )
    }

    /// Deletes one version (or cancels an unfinished large file).
    public func deleteFileVersion(_ version: B2FileVersion, in bucket: B2Bucket) async throws {
        guard let fileId = version.fileId else { return }
        try await require("deleteFiles", to: "delete b2://\(bucket.bucketName)/\(version.fileName)")
        let _: B2Wire.DeletedVersion = try await call(
            "b2_delete_file_version", ["fileId": .string(fileId), "fileName": .string(version.fileName)],
            operation: "delete b2://\(bucket.bucketName)/\(version.fileName)",
            context: .init(bucket: bucket.bucketName, key: version.fileName)
        )
    }

    /// Copies a file server-side.
    /// - Parameters:
    ///   - sourceEncryption: the SSE-C key the source is stored with (nil for a source B2 can read by itself).
    ///   - destinationEncryption: how the copy is encrypted (nil: as the destination bucket's default).
    @discardableResult
    public func copyFile(
        _ source: B2FileVersion,
        to destinationName: String,
        in destination: B2Bucket,
        sourceEncryption: B2Encryption? = nil,
        destinationEncryption: B2Encryption? = nil
    ) async throws -> B2FileVersion {
        guard let fileId = source.fileId else {
            throw B2Error(.invalidRequest, "Cannot copy \(source.fileName): it is a folder, not a file")
        }
        try await require("writeFiles", to: "copy to b2://\(destination.bucketName)/\(destinationName)")
        var parameters: [String: JSONValue] = [
            "sourceFileId": .string(fileId), "fileName": .string(destinationName),
            "destinationBucketId": .string(destination.bucketId), "metadataDirective": "COPY",
        ]
        if let sourceEncryption { parameters["sourceServerSideEncryption"] = sourceEncryption.json }
        if let destinationEncryption { parameters["destinationServerSideEncryption"] = destinationEncryption.json }
        return try await call(
            "b2_copy_file",
            parameters,
            operation: "copy to b2://\(destination.bucketName)/\(destinationName)",
            context: .init(bucket: destination.bucketName, key: destinationName)
        )
    }

    /// The friendly download URL of a file: `downloadUrl/file/BUCKET/NAME`, the name percent-encoded.
    public func downloadURL(bucketName: String, fileName: String) async throws -> String {
        let account = try await account()
        return
            "\(account.downloadURL)/file/\(PercentEncoding.b2.encode(bucketName))/\(PercentEncoding.b2.encode(fileName))"
    }
}
