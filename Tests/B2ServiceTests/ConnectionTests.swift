import Foundation
import Testing

@testable import B2Service

@Suite("Service: /v1/connections")
struct ConnectionTests {
    @Test("Create authorizes against B2 and records capabilities; list, get, rotate; the key is never shown")
    func lifecycle() async throws {
        try await ServiceWorld.run { world in
            let key = try await world.key(ServiceWorld.fullCapabilities)
            let created = try await world.call(
                .post, "/v1/connections", json: ServiceWorld.connectionJSON(keyId: key.id, secret: key.secret))
            #expect(created.status == 201)
            let id = try #require(created.json["id"] as? String)
            #expect((created.json["capabilities"] as? [String])?.contains("readFiles") == true)
            #expect(created.json["provider_type"] as? String == "backblaze")
            #expect(!created.body.contains(key.secret))
            let list = try await world.call(.get, "/v1/connections")
            #expect((list.json["data"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            let got = try await world.call(.get, "/v1/connections/\(id)")
            #expect(got.json["name"] as? String == "b2")
            let credentials = (got.json["provider_config"] as? [String: Any])?["credentials"] as? [String: Any]
            #expect(credentials?["key_id"] as? String == key.id)
            #expect(credentials?["application_key"] == nil)

            let newKey = try await world.key(ServiceWorld.fullCapabilities)
            let rotated = try await world.call(
                .post, "/v1/connections/\(id)/rotate",
                json:
                    #"{"provider_config": {"credentials": {"type": "application_key", "key_id": "\#(newKey.id)", "application_key": "\#(newKey.secret)"}}}"#
            )
            #expect(rotated.status == 200, "\(rotated.body)")
            let stored = try #require(try await world.store.connection(id: id))
            #expect(stored.keyId == newKey.id)
            #expect(!String(decoding: stored.sealedKey, as: UTF8.self).contains(newKey.secret))

            #expect(try await world.call(.delete, "/v1/connections/\(id)").status == 204)
            #expect(try await world.call(.get, "/v1/connections/\(id)").status == 404)
            try await SecretCheck.assertAbsent([key.secret, newKey.secret], world: world)
        }
    }

    @Test("A key that cannot read files is refused, naming the capability; a wrong key is refused; nothing stored")
    func refusedKeys() async throws {
        try await ServiceWorld.run { world in
            let listOnly = try await world.key(["listBuckets", "listFiles"])
            let refused = try await world.call(
                .post, "/v1/connections", json: ServiceWorld.connectionJSON(keyId: listOnly.id, secret: listOnly.secret)
            )
            #expect(refused.status == 422)
            #expect(refused.type == "application/problem+json")
            #expect((refused.json["detail"] as? String)?.contains("readFiles") == true)
            let wrong = try await world.call(
                .post, "/v1/connections",
                json: ServiceWorld.connectionJSON(keyId: listOnly.id, secret: "K000wrongsecret"))
            #expect(wrong.status == 422)
            #expect((wrong.json["detail"] as? String)?.contains("refused") == true)
            #expect(try await world.store.connections().isEmpty)
            try await SecretCheck.assertAbsent([listOnly.secret], world: world)
        }
    }

    static let badBodies: [(String, String)] = [
        ("not JSON", "{"),
        ("an array", "[]"),
        (
            "unknown top-level field",
            #"{"name":"a","provider_type":"backblaze","extra":1,"provider_config":{"credentials":{"type":"application_key","key_id":"k1","application_key":"s"}}}"#
        ),
        (
            "unknown nested field",
            #"{"name":"a","provider_type":"backblaze","provider_config":{"credentials":{"type":"application_key","key_id":"k1","application_key":"s","endpoint":"x"}}}"#
        ),
        (
            "name of the wrong type",
            #"{"name":5,"provider_type":"backblaze","provider_config":{"credentials":{"type":"application_key","key_id":"k1","application_key":"s"}}}"#
        ),
        (
            "credentials of the wrong type",
            #"{"name":"a","provider_type":"backblaze","provider_config":{"credentials":"k1:s"}}"#
        ),
        ("missing credentials", #"{"name":"a","provider_type":"backblaze","provider_config":{}}"#),
        (
            "another provider",
            #"{"name":"a","provider_type":"s3","provider_config":{"credentials":{"type":"application_key","key_id":"k1","application_key":"s"}}}"#
        ),
        (
            "another credential type",
            #"{"name":"a","provider_type":"backblaze","provider_config":{"credentials":{"type":"oauth","key_id":"k1","application_key":"s"}}}"#
        ),
        (
            "empty name",
            #"{"name":"","provider_type":"backblaze","provider_config":{"credentials":{"type":"application_key","key_id":"k1","application_key":"s"}}}"#
        ),
    ]

    @Test("Bad connection bodies are 4xx problem+json naming what to fix, and store nothing", arguments: badBodies)
    func badInput(_ label: String, _ body: String) async throws {
        try await ServiceWorld.run { world in
            let answer = try await world.call(.post, "/v1/connections", json: body)
            #expect((400...422).contains(answer.status), "\(label): \(answer.status)")
            #expect(answer.type == "application/problem+json", "\(label)")
            #expect(!(answer.json["detail"] as? String ?? "").isEmpty, "\(label)")
            #expect(try await world.store.connections().isEmpty, "\(label)")
        }
    }

    @Test("Unknown connection ids are 404 problem+json on get, rotate and delete")
    func unknownIds() async throws {
        try await ServiceWorld.run { world in
            #expect(try await world.call(.get, "/v1/connections/conn_none").status == 404)
            #expect(try await world.call(.delete, "/v1/connections/conn_none").status == 404)
            let rotate = try await world.call(
                .post, "/v1/connections/conn_none/rotate",
                json:
                    #"{"provider_config":{"credentials":{"type":"application_key","key_id":"k1","application_key":"s"}}}"#
            )
            #expect(rotate.status == 404)
            #expect(rotate.type == "application/problem+json")
        }
    }
}

/// Proves secrets appear in no response, no log line, and no byte of the service's database (its files, or a `pg_dump` of it).
enum SecretCheck {
    static func assertAbsent(_ secrets: [String], world: ServiceWorld) async throws {
        let bodies = world.bodies.texts.withLock { $0 }
        let logs = world.logs.lines.withLock { $0 }
        let databaseBytes = try world.storedBytes()
        #expect(!databaseBytes.isEmpty && databaseBytes.allSatisfy { !$0.isEmpty })
        for secret in secrets {
            #expect(!bodies.contains { $0.contains(secret) })
            #expect(!logs.contains { $0.contains(secret) })
            for bytes in databaseBytes { #expect(bytes.range(of: Data(secret.utf8)) == nil) }
        }
    }
}
