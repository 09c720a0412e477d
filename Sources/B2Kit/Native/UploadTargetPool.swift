/// Upload URLs and their tokens, kept per bucket (or large file) and reused after a success, as B2 recommends.
///
/// A URL takes one upload at a time, so a caller checks one out and returns it only when its upload succeeded;
/// a URL that failed is dropped and the next upload asks B2 for a fresh one.
actor UploadTargetPool {
    struct Target: Sendable {
        let url: String
        let token: String
    }

    private var idle: [String: [Target]] = [:]

    func checkOut(_ scope: String) -> Target? {
        idle[scope]?.popLast()
    }

    func checkIn(_ target: Target, for scope: String) {
        idle[scope, default: []].append(target)
    }

    func forget(_ scope: String) {
        idle[scope] = nil
    }
}
