import B2JSON

extension B2Client {
    /// The bucket's event notification rules.
    public func notificationRules(in bucket: B2Bucket) async throws -> [B2NotificationRule] {
        try await require("readBucketNotifications", to: "read the notification rules of \(bucket.bucketName)")
        let reply: NotificationRules = try await call(
            "b2_get_bucket_notification_rules", ["bucketId": .string(bucket.bucketId)],
            operation: "read the notification rules of \(bucket.bucketName)", context: .init(bucket: bucket.bucketName))
        return reply.eventNotificationRules
    }

    /// Replaces all of the bucket's event notification rules with `rules` (`[]` removes them); answers them as
    /// B2 stored them.
    @discardableResult
    public func setNotificationRules(_ rules: [B2NotificationRule], in bucket: B2Bucket) async throws
        -> [B2NotificationRule]
    {
        try await require("writeBucketNotifications", to: "set the notification rules of \(bucket.bucketName)")
        let reply: NotificationRules = try await call(
            "b2_set_bucket_notification_rules",
            ["bucketId": .string(bucket.bucketId), "eventNotificationRules": .array(rules.map(\.json))],
            operation: "set the notification rules of \(bucket.bucketName)", context: .init(bucket: bucket.bucketName))
        return reply.eventNotificationRules
    }

    private struct NotificationRules: Decodable {
        var eventNotificationRules: [B2NotificationRule]
    }
}
