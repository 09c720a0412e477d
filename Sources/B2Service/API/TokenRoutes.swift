import Foundation
import Hummingbird

/// `/v1/tokens`, for admins: list (never the tokens themselves), create (the token is shown once), revoke.
struct TokenRoutes: Sendable {
    typealias Context = ServiceRequestContext
    let configuration: ServiceConfiguration

    func add(to groups: RoleGroups) {
        groups.admin.get("tokens", use: list)
        groups.admin.post("tokens", use: create)
        groups.admin.delete("tokens/:id", use: revoke)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.make(JSONResponse.Page(data: try await configuration.store.tokens().map { TokenOutput($0) }))
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let input = try await StrictJSON.decode(TokenInput.self, from: request)
        try Validation.name(input.name)
        let (secret, record) = TokenIssuer.create(
            name: input.name, role: input.role ?? .default, now: configuration.now())
        try await configuration.store.insertToken(record)
        var output = TokenOutput(record)
        output.token = secret
        return try JSONResponse.make(output, status: .created)
    }

    @Sendable func revoke(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await configuration.store.revokeToken(id: id, at: configuration.now()) else {
            throw Problem(
                .notFound, "Not found", "No valid token has the id '\(id)': list them with GET /v1/tokens")
        }
        return Response(status: .noContent)
    }
}

/// The body of `POST /v1/tokens`.
struct TokenInput: Decodable, Sendable {
    var name: String
    var role: Role?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, role
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        if let text = try container.decodeIfPresent(String.self, forKey: .role) {
            guard let role = Role(rawValue: text) else {
                throw Problem.invalid("role", "role must be viewer, operator or admin, not \"\(text)\"")
            }
            self.role = role
        }
    }
}

/// A token as the API shows it: never its hash; the token itself only in the answer that created it.
struct TokenOutput: Encodable, Sendable {
    var id: String
    var name: String
    var role: String
    var createdAt: Date
    var lastUsedAt: Date?
    var revokedAt: Date?
    var token: String?

    enum CodingKeys: String, CodingKey {
        case id, name, role, token
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }

    init(_ record: TokenRecord) {
        id = record.id
        name = record.name
        role = record.role
        createdAt = record.createdAt
        lastUsedAt = record.lastUsedAt
        revokedAt = record.revokedAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(role, forKey: .role)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(lastUsedAt, forKey: .lastUsedAt)
        try container.encode(revokedAt, forKey: .revokedAt)
        try container.encodeIfPresent(token, forKey: .token)
    }
}
