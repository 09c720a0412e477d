import AsyncHTTPClient
import B2JSON
import B2Kit
import B2SigV4
import Foundation
import NIOCore

/// `b2kit bucket notify list|add|rm|test`: a bucket's event notification rules, the view the official CLI's
/// `bucket notification-rule` gives (secrets shown only as `signed`).
public enum NotificationOperations {
    /// Lists the bucket's rules.
    public static func list(_ context: CommandContext, path: B2Path) async throws {
        try BucketOperations.requireNative(path, for: "bucket notify")
        try await ClientProvider.withClient(context) { client, _ in
            let rules = try await client.notificationRules(in: try await client.bucket(named: path.bucket))
            report(rules, bucket: path.bucket, context: context)
        }
    }

    /// Adds `rule`, keeping the bucket's other rules.
    /// - Throws: `B2Error` `.usage` when the bucket has a rule of that name.
    public static func add(_ context: CommandContext, path: B2Path, rule: B2NotificationRule) async throws {
        try BucketOperations.requireNative(path, for: "bucket notify")
        try await ClientProvider.withClient(context) { client, _ in
            let bucket = try await client.bucket(named: path.bucket)
            let rules = try await client.notificationRules(in: bucket)
            guard !rules.contains(where: { $0.name == rule.name }) else {
                throw B2Error(
                    .usage,
                    "b2://\(path.bucket) already has a notification rule named \(rule.name): remove it first "
                        + "(b2kit bucket notify rm b2://\(path.bucket) --name \(rule.name)) or pick another name")
            }
            report(
                try await client.setNotificationRules(rules + [rule], in: bucket), bucket: path.bucket, context: context
            )
        }
    }

    /// Removes the rule named `name`.
    /// - Throws: `B2Error` `.notFound` when there is none.
    public static func remove(_ context: CommandContext, path: B2Path, name: String) async throws {
        try BucketOperations.requireNative(path, for: "bucket notify")
        try await ClientProvider.withClient(context) { client, _ in
            let bucket = try await client.bucket(named: path.bucket)
            let rules = try await client.notificationRules(in: bucket)
            guard rules.contains(where: { $0.name == name }) else {
                throw B2Error(
                    .notFound,
                    "b2://\(path.bucket) has no notification rule named \(name); it has "
                        + (rules.isEmpty ? "none" : rules.map(\.name).joined(separator: ", ")))
            }
            report(
                try await client.setNotificationRules(rules.filter { $0.name != name }, in: bucket),
                bucket: path.bucket, context: context)
        }
    }

    /// Posts a signed `b2:TestEvent`, as B2 would, to the target of the rule named `name`, and reports the answer:
    /// a check of the user's receiver from here.
    /// - Throws: `B2Error` `.notFound` for no such rule, `.unreachable` when the target cannot be reached, and
    ///   `.server` when it answers other than 2xx.
    public static func test(_ context: CommandContext, path: B2Path, name: String) async throws {
        try BucketOperations.requireNative(path, for: "bucket notify")
        try await ClientProvider.withClient(context) { client, _ in
            let bucket = try await client.bucket(named: path.bucket)
            guard let rule = try await client.notificationRules(in: bucket).first(where: { $0.name == name }) else {
                throw B2Error(.notFound, "b2://\(path.bucket) has no notification rule named \(name)")
            }
            let account = try await client.account()
            let event: JSONValue = [
                "accountId": .string(account.accountId), "bucketId": .string(bucket.bucketId),
                "bucketName": .string(bucket.bucketName), "eventId": .string(UUID().uuidString.lowercased()),
                "eventTimestamp": .int(Int64(Date().timeIntervalSince1970 * 1000)), "eventType": "b2:TestEvent",
                "eventVersion": 1, "matchedRuleName": .string(rule.name),
            ]
            let body = Array(JSONValue.object([("events", [event])]).serialized().utf8)
            var request = HTTPClientRequest(url: rule.targetConfiguration.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            for header in rule.targetConfiguration.customHeaders ?? [] {
                request.headers.add(name: header.name, value: header.value)
            }
            if let secret = rule.targetConfiguration.hmacSha256SigningSecret {
                request.headers.add(
                    name: EventNotification.signatureHeader,
                    value: EventNotification.signature(body: body, secret: secret))
            }
            request.body = .bytes(ByteBuffer(bytes: body))
            let started = Date()
            let status: UInt
            do {
                let response = try await HTTPClient.shared.execute(request, deadline: .now() + .seconds(3))
                _ = try? await response.body.collect(upTo: 1 << 16)
                status = response.status.code
            } catch {
                throw B2Error(
                    .unreachable,
                    "Could not deliver a test event to \(rule.targetConfiguration.url) within 3 s (B2's limit): "
                        + "\(error)")
            }
            let milliseconds = Int(Date().timeIntervalSince(started) * 1000)
            guard (200..<300).contains(status) else {
                throw B2Error(
                    .server,
                    "\(rule.targetConfiguration.url) answered the test event with HTTP \(status): B2 retries "
                        + "anything but 2xx and suspends the rule after repeated failures")
            }
            if context.json {
                context.printJSON(
                    ["rule": rule.name, "url": rule.targetConfiguration.url, "status": status, "ms": milliseconds]
                        as [String: Any])
            } else {
                context.say("\(rule.targetConfiguration.url) took the test event: HTTP \(status) in \(milliseconds) ms")
            }
        }
    }

    private static func report(_ rules: [B2NotificationRule], bucket: String, context: CommandContext) {
        if context.json {
            context.printJSON(rules.map(json))
            return
        }
        guard !rules.isEmpty else { return context.say("No notification rules for b2://\(bucket)") }
        context.say("Notification rules for b2://\(bucket):")
        for rule in rules { context.say("  \(rule)") }
    }

    /// A rule for `--json`, its secret shown only as present.
    private static func json(_ rule: B2NotificationRule) -> [String: Any] {
        var target: [String: Any] = [
            "targetType": rule.targetConfiguration.targetType, "url": rule.targetConfiguration.url,
            "signed": rule.targetConfiguration.hmacSha256SigningSecret != nil,
        ]
        if let headers = rule.targetConfiguration.customHeaders {
            target["customHeaders"] = headers.map { ["name": $0.name, "value": $0.value] }
        }
        return [
            "name": rule.name, "eventTypes": rule.eventTypes, "objectNamePrefix": rule.objectNamePrefix,
            "isEnabled": rule.isEnabled, "maxEventsPerBatch": rule.maxEventsPerBatch,
            "isSuspended": rule.isSuspended ?? false, "suspensionReason": rule.suspensionReason ?? "",
            "targetConfiguration": target,
        ]
    }
}
