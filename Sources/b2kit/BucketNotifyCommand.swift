import ArgumentParser
import B2Kit
import B2KitCLI

/// `b2kit bucket notify`: a bucket's event notification rules.
struct BucketNotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify", abstract: "List, add, remove or test a bucket's event notification rules.",
        subcommands: [List.self, Add.self, Remove.self, Test.self])

    /// `b2kit bucket notify list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the bucket's rules (secrets never show).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "b2://BUCKET") var bucket: String

        func validate() throws { _ = try bucketPath(bucket) }

        func run() async throws {
            try await NotificationOperations.list(options.makeContext(), path: try bucketPath(bucket))
        }
    }

    /// `b2kit bucket notify add`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a rule that posts the bucket's events to a webhook (B2 sends a b2:TestEvent first).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "b2://BUCKET") var bucket: String
        @Option(name: .long, help: "The rule's name: 6-63 letters, digits and '-'.") var name: String
        @Option(name: .long, help: "The https:// address to post to (http:// for loopback).") var url: String
        @Option(
            name: .long,
            help: "An event type, e.g. 'b2:ObjectCreated:*' or 'b2:ObjectDeleted:Delete' (repeatable).")
        var event: [String]
        @Option(name: .long, help: "Only objects whose names start with this.") var prefix: String = ""
        @Option(name: .long, help: "32 letters and digits that sign each delivery (HMAC-SHA256).") var secret: String?
        @Option(name: .long, help: ArgumentHelp("A header sent with each delivery (repeatable).", valueName: "K=V"))
        var header: [String] = []
        @Option(name: .long, help: "Events per delivery, 1 to 50.") var batch: Int = 1

        func validate() throws {
            _ = try bucketPath(bucket)
            _ = try rule()
        }

        func run() async throws {
            try await NotificationOperations.add(options.makeContext(), path: try bucketPath(bucket), rule: try rule())
        }

        private func rule() throws -> B2NotificationRule {
            guard !event.isEmpty else { throw ValidationError("Give at least one --event, e.g. 'b2:ObjectCreated:*'") }
            guard (1...50).contains(batch) else { throw ValidationError("--batch must be from 1 to 50, not \(batch)") }
            let headers = try header.map { text -> B2NotificationRule.Header in
                guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                    throw ValidationError("--header takes NAME=VALUE, not \(text)")
                }
                return .init(name: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
            }
            return B2NotificationRule(
                name: name, eventTypes: event, prefix: prefix, url: url, signingSecret: secret, headers: headers,
                maxEventsPerBatch: batch)
        }
    }

    /// `b2kit bucket notify rm`.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a rule by name.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "b2://BUCKET") var bucket: String
        @Option(name: .long, help: "The rule's name.") var name: String

        func validate() throws { _ = try bucketPath(bucket) }

        func run() async throws {
            try await NotificationOperations.remove(options.makeContext(), path: try bucketPath(bucket), name: name)
        }
    }

    /// `b2kit bucket notify test`.
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Post a signed b2:TestEvent to a rule's target from here, to check the receiver.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "b2://BUCKET") var bucket: String
        @Option(name: .long, help: "The rule's name.") var name: String

        func validate() throws { _ = try bucketPath(bucket) }

        func run() async throws {
            try await NotificationOperations.test(options.makeContext(), path: try bucketPath(bucket), name: name)
        }
    }
}

/// A `b2://BUCKET` argument, without a path.
private func bucketPath(_ text: String) throws -> B2Path {
    let path = try remotePath(text)
    guard path.key.isEmpty else {
        throw ValidationError("bucket notify takes a bucket, not a path: b2://\(path.bucket)")
    }
    return path
}
