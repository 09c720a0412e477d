import Crypto
import Foundation
import GRDB
import Testing

@testable import B2Service

@Suite("Service: health, tokens and problems")
struct AuthTests {
    @Test("/healthz and /openapi.yaml answer without a token; every other route needs a valid, unrevoked token")
    func tokens() async throws {
        try await ServiceWorld.run { world in
            let health = try await world.call(.get, "/healthz", token: .some(nil))
            #expect(health.status == 200)
            #expect(health.json["status"] as? String == "ok")
            let document = try await world.call(.get, "/openapi.yaml", token: .some(nil))
            #expect(document.status == 200)
            #expect(document.body.hasPrefix("openapi: 3.1"))
            for uri in ["/v1/connections", "/v1/syncs", "/metrics", "/v1/tokens", "/v1/syncs/sync_x/runs"] {
                let missing = try await world.call(.get, uri, token: .some(nil))
                #expect(missing.status == 401)
                #expect(missing.type == "application/problem+json")
                #expect((missing.json["detail"] as? String)?.contains("b2kit service token create") == true)
                let wrong = try await world.call(.get, uri, token: "b2ks_wrong")
                #expect(wrong.status == 401)
                #expect(wrong.json["title"] as? String == "Invalid token")
            }
            #expect(try await world.call(.get, "/v1/connections").status == 200)
            if world.postgresURL == nil {
                let mode = try FileManager.default.attributesOfItem(atPath: world.folder + "/db/service.db")[
                    .posixPermissions]
                #expect(mode as? Int == 0o600)
            }
            let listed = try await world.store.tokens()
            #expect(listed.count == 3)
            let admin = try #require(listed.first { $0.role == "admin" })
            #expect(admin.hash == TokenIssuer.hash(world.token))
            #expect(admin.hash != world.token)
            #expect(try await world.store.revokeToken(id: admin.id, at: Date()))
            #expect(try await world.call(.get, "/v1/connections").status == 401)
            #expect(try await world.store.revokeToken(id: admin.id, at: Date()) == false)
        }
    }

    @Test("A database from before roles keeps its tokens, as operators, and gains the who-changed columns")
    func rolesMigration() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("b2service-old-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/service.db"
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteServiceStore.migrator.migrate(queue, upTo: "v1")
            try await queue.write { db in
                try db.execute(
                    sql: "INSERT INTO tokens (id, name, hash, createdAt) VALUES ('tok_old', 'old', 'abc', ?)",
                    arguments: [Date()])
            }
        }
        let store = try SQLiteServiceStore(path: path)
        let token = try #require(try await store.validToken(hash: "abc"))
        #expect(token.role == "operator")
        #expect(token.lastUsedAt == nil)
    }

    @Test("Unknown routes and methods are problem+json that point at /openapi.yaml")
    func unknownRoutes() async throws {
        try await ServiceWorld.run { world in
            let unknown = try await world.call(.get, "/v1/nothing")
            #expect(unknown.status == 404)
            #expect(unknown.type == "application/problem+json")
            let document = try await world.call(.get, "/openapi.yaml")
            #expect(document.status == 200)
            #expect(document.body.hasPrefix("openapi: 3.1"))
        }
    }

    @Test("The master key comes from B2KIT_MASTER_KEY or a key file created 0600; malformed keys are refused")
    func masterKey() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("b2service-key-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/master.key"
        let first = try MasterKey.load(environment: [:], file: file)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try MasterKey.load(environment: [:], file: file)
        #expect(first.withUnsafeBytes { Data($0) } == again.withUnsafeBytes { Data($0) })
        let sealed = try SecretBox(key: first).seal("s3cr3t", for: "conn_a")
        #expect(try SecretBox(key: again).open(sealed, for: "conn_a") == "s3cr3t")
        #expect(throws: (any Error).self) { try SecretBox(key: again).open(sealed, for: "conn_b") }
        let fromEnvironment = Data(repeating: 7, count: 32).base64EncodedString()
        #expect(throws: Never.self) {
            try MasterKey.load(environment: ["B2KIT_MASTER_KEY": fromEnvironment], file: file)
        }
        #expect(throws: (any Error).self) { try MasterKey.load(environment: ["B2KIT_MASTER_KEY": "short"], file: file) }
    }
}
