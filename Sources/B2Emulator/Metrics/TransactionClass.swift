import HTTPTypes

/// The class B2 bills a call in: A (uploads, deletes and other writes; free), B (downloads and file info) or C
/// (listings, copies, bucket and key management, authorization), for the native API and the S3 API alike.
enum TransactionClass: String, CaseIterable, Sendable {
    case a = "A"
    case b = "B"
    case c = "C"

    /// Native calls of class A; `download` (by id or by name) and `b2_get_file_info` are B, every other call C.
    static let nativeClassA: Set<String> = [
        "b2_cancel_large_file", "b2_delete_bucket", "b2_delete_file_version", "b2_delete_key",
        "b2_finish_large_file", "b2_get_upload_part_url", "b2_get_upload_url", "b2_hide_file",
        "b2_start_large_file", "b2_update_file_legal_hold", "b2_update_file_retention", "b2_upload_file",
        "b2_upload_part",
    ]

    /// The class of a native call, from ``EmulatorRouter/endpointName(_:)``.
    static func native(endpoint: String) -> TransactionClass {
        if nativeClassA.contains(endpoint) { return .a }
        if endpoint == "download" || endpoint == "b2_get_file_info" { return .b }
        return .c
    }

    /// The class of an S3 request: object reads are B; object writes and deletes, bucket deletes and
    /// DeleteObjects are A; copies, listings and the rest of the bucket calls are C.
    static func s3(method: HTTPRequest.Method, address: S3Address, query: String?, copies: Bool) -> TransactionClass {
        guard address.bucket != nil else { return .c }
        let query = query ?? ""
        guard address.key != nil else {
            if method == .delete || (method == .post && query.hasPrefix("delete")) { return .a }
            return .c
        }
        switch method {
        case .get, .head: return query.contains("uploadId") ? .c : .b
        case .put where copies: return .c
        default: return .a
        }
    }
}
