import Foundation
import HTTPTypes
import Testing
import Yams

@testable import B2Service

/// One operation of the OpenAPI document: its method, path and the role its `security` names (nil when public).
struct DocumentedOperation: Sendable, CustomStringConvertible {
    let method: String
    let path: String
    let role: Role?
    let isPublic: Bool

    var description: String { "\(method.uppercased()) \(path)" }

    /// The path with each `{parameter}` filled with an id that names nothing.
    var concretePath: String {
        path.replacingOccurrences(of: #"\{[a-z]+\}"#, with: "none_x", options: .regularExpression)
    }

    /// Every operation of the service's document; an operation whose `security` names no known role is recorded
    /// as an issue, so a route added without a role fails.
    static func all() throws -> [DocumentedOperation] {
        let text = String(decoding: try ServiceApplication.openAPIDocument(), as: UTF8.self)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        var operations: [DocumentedOperation] = []
        for (path, item) in paths {
            for (method, value) in try #require(item as? [String: Any]) where method != "parameters" {
                let operation = try #require(value as? [String: Any])
                guard let security = operation["security"] as? [[String: [String]]] else {
                    Issue.record("\(method.uppercased()) \(path) has no security: name the role it needs")
                    continue
                }
                if security.isEmpty {
                    operations.append(.init(method: method, path: path, role: nil, isPublic: true))
                    continue
                }
                guard security.count == 1, let names = security[0]["bearer"], names.count == 1,
                    let role = Role(rawValue: names[0])
                else {
                    Issue.record("\(method.uppercased()) \(path) must name one role: security: [{bearer: [ROLE]}]")
                    continue
                }
                operations.append(.init(method: method, path: path, role: role, isPublic: false))
            }
        }
        return operations.sorted { $0.description < $1.description }
    }
}

@Suite("Service: roles on every route, tokens over the API, limits")
struct RoleTests {
    @Test("The document describes exactly the router's routes, each with a role (or public)")
    func documentMatchesRouter() async throws {
        try await ServiceWorld.run { world in
            let documented = Set(try DocumentedOperation.all().map(\.description))
            let router = ServiceApplication.router(
                configuration: world.configuration, worker: RunWorker(configuration: world.configuration))
            let routed = Set(
                router.routes.map { route in
                    let path = route.path.description.split(separator: "/").map { segment in
                        segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
                    }
                    return "\(route.method.rawValue) /" + path.joined(separator: "/")
                })
            #expect(routed == documented, "routes without a documented operation: \(routed.subtracting(documented))")
            #expect(documented.count >= 20)
        }
    }

    @Test("Each role against each documented operation: below its role 403 naming the role, at or above it passes")
    func eachRoleAgainstEachRoute() async throws {
        try await ServiceWorld.run { world in
            let operations = try DocumentedOperation.all()
            for operation in operations {
                let method = HTTPRequest.Method(rawValue: operation.method.uppercased())!
                let body = ["post", "patch"].contains(operation.method) ? "{}" : nil
                if operation.isPublic {
                    let answer = try await world.call(method, operation.concretePath, json: body, token: .some(nil))
                    // The hook route needs no token; for a sync that does not exist it is 404, not 401.
                    let expected = operation.concretePath.hasPrefix("/v1/hooks/") ? 404 : 200
                    #expect(answer.status == expected, "\(operation) without a token: \(answer.body)")
                    continue
                }
                let required = try #require(operation.role)
                let anonymous = try await world.call(method, operation.concretePath, json: body, token: .some(nil))
                #expect(anonymous.status == 401, "\(operation) without a token")
                for role in Role.allCases {
                    let answer = try await world.call(
                        method, operation.concretePath, json: body, token: world.tokens[role])
                    if role < required {
                        #expect(answer.status == 403, "\(operation) as \(role): \(answer.body)")
                        #expect(answer.type == "application/problem+json")
                        #expect(
                            (answer.json["detail"] as? String)?.contains("needs the \(required.rawValue) role")
                                == true, "\(answer.body)")
                    } else {
                        #expect(![401, 403].contains(answer.status), "\(operation) as \(role): \(answer.body)")
                    }
                }
            }
        }
    }

    @Test("Admins create, list and revoke tokens over the API; the token is shown once; last use is recorded")
    func tokensOverTheAPI() async throws {
        try await ServiceWorld.run { world in
            let created = try await world.call(.post, "/v1/tokens", json: #"{"name":"dashboard","role":"viewer"}"#)
            #expect(created.status == 201, "\(created.body)")
            let token = try #require(created.json["token"] as? String)
            let id = try #require(created.json["id"] as? String)
            #expect(created.json["role"] as? String == "viewer")
            #expect(try await world.call(.get, "/v1/syncs", token: token).status == 200)
            #expect(try await world.call(.post, "/v1/tokens", json: #"{"name":"x"}"#, token: token).status == 403)
            let listed = try await world.call(.get, "/v1/tokens")
            let rows = try #require(listed.json["data"] as? [[String: Any]])
            #expect(rows.count == 4)
            let row = try #require(rows.first { $0["id"] as? String == id })
            #expect(row["last_used_at"] is String)
            #expect(row["token"] == nil)
            #expect(!listed.body.contains(token) && !listed.body.contains(TokenIssuer.hash(token)))
            let bad = try await world.call(.post, "/v1/tokens", json: #"{"name":"x","role":"root"}"#)
            #expect(bad.status == 422)
            #expect(bad.json["field"] as? String == "role")
            #expect(try await world.call(.delete, "/v1/tokens/\(id)").status == 204)
            #expect(try await world.call(.get, "/v1/syncs", token: token).status == 401)
            #expect(try await world.call(.delete, "/v1/tokens/\(id)").status == 404)
        }
    }

    @Test("Bad tokens from one address are slowed with 429 and Retry-After; a good token still passes")
    func badTokensSlowed() async throws {
        try await ServiceWorld.run { world in
            for attempt in 1...10 {
                #expect(try await world.call(.get, "/v1/syncs", token: "b2ks_guess\(attempt)").status == 401)
            }
            let slowed = try await world.call(.get, "/v1/syncs", token: "b2ks_guess11")
            #expect(slowed.status == 429)
            #expect(slowed.type == "application/problem+json")
            let headers = try await world.client.execute(
                uri: "/v1/syncs", method: .get, headers: [.authorization: "Bearer b2ks_guess12"], body: nil)
            let wait = try #require(headers.headers[.retryAfter].flatMap(Int.init))
            #expect((1...60).contains(wait))
            #expect(try await world.call(.get, "/v1/syncs", token: world.tokens[.viewer]).status == 200)
            world.clock.advance(by: 61)
            #expect(try await world.call(.get, "/v1/syncs", token: "b2ks_guess13").status == 401)
        }
    }

    @Test("Limits: a body over 1 MiB is 413; past 64 syncs on a connection 409 naming the limit; interval 30 to 86400")
    func limits() async throws {
        try await ServiceWorld.run { world in
            let (connection, _) = try await world.connection()
            let large = #"{"name":""# + String(repeating: "x", count: 1 << 20) + #""}"#
            let tooLarge = try await world.call(.post, "/v1/syncs", json: large)
            #expect(tooLarge.status == 413, "\(tooLarge.body.prefix(200))")
            #expect(tooLarge.type == "application/problem+json")
            for interval in [29, 86_401] {
                let answer = try await world.call(
                    .post, "/v1/syncs",
                    json:
                        #"{"connection_id":"\#(connection)","source_path":"svc-bucket","destination":"a","sync_mode":"scheduled","polling_interval_seconds":\#(interval)}"#
                )
                #expect(answer.status == 422, "\(interval)")
                #expect(answer.json["field"] as? String == "polling_interval_seconds")
            }
            let now = Date()
            for index in 0..<SyncRoutes.maximumPerConnection {
                try await world.store.insertSync(
                    SyncRecord(
                        id: "sync_\(index)", name: "s\(index)", connectionId: connection, sourcePath: "svc-bucket",
                        destination: "a\(index)", syncMode: "scheduled", pollingIntervalSeconds: 86_400,
                        includePatterns: [], excludePatterns: [], modifiedSince: nil, deleteExtraneous: false,
                        paused: true, nextRunAt: nil, createdAt: now, updatedAt: now, createdBy: nil, updatedBy: nil),
                    queueRun: nil)
            }
            let refused = try await world.call(
                .post, "/v1/syncs",
                json:
                    #"{"connection_id":"\#(connection)","source_path":"svc-bucket","destination":"b","sync_mode":"one_time"}"#
            )
            #expect(refused.status == 409, "\(refused.body)")
            #expect((refused.json["detail"] as? String)?.contains("limit of 64 per connection") == true)
            #expect(try await world.store.syncs().count == 64)
        }
    }

    @Test("Connections and syncs record the token that created and last changed them")
    func recordsWho() async throws {
        try await ServiceWorld.run { world in
            let (connection, _) = try await world.connection()
            let ids = Dictionary(uniqueKeysWithValues: try await world.store.tokens().map { ($0.role, $0.id) })
            let stored = try #require(try await world.store.connection(id: connection))
            #expect(stored.createdBy == ids["admin"])
            let created = try await world.call(
                .post, "/v1/syncs",
                json:
                    #"{"connection_id":"\#(connection)","source_path":"svc-bucket","destination":"who","sync_mode":"scheduled","polling_interval_seconds":3600}"#,
                token: world.tokens[.operator])
            #expect(created.status == 201, "\(created.body)")
            #expect(created.json["created_by"] as? String == ids["operator"])
            let sync = try #require(created.json["id"] as? String)
            let paused = try await world.call(.post, "/v1/syncs/\(sync)/pause")
            #expect(paused.json["created_by"] as? String == ids["operator"])
            #expect(paused.json["updated_by"] as? String == ids["admin"])
        }
    }
}
