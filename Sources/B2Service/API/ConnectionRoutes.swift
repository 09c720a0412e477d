import B2Kit
import Foundation
import Hummingbird

/// `/v1/connections`: create (authorizing against B2), list, get, rotate the key, delete.
struct ConnectionRoutes: Sendable {
    typealias Context = ServiceRequestContext
    let configuration: ServiceConfiguration
    /// Capabilities a connection's key must have: a sync lists and reads files.
    static var requiredCapabilities: [String] { ["listBuckets", "listFiles", "readFiles"] }

    func add(to groups: RoleGroups) {
        groups.admin.post("connections", use: create)
        groups.viewer.get("connections", use: list)
        groups.viewer.get("connections/:id", use: get)
        groups.admin.post("connections/:id/rotate", use: rotate)
        groups.admin.delete("connections/:id", use: delete)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let input = try await StrictJSON.decode(ConnectionCreateInput.self, from: request)
        let id = "conn_" + TokenIssuer.randomText(bytes: 12)
        let now = configuration.now()
        let account = try await authorize(input.providerConfig.credentials)
        let record = ConnectionRecord(
            id: id, name: input.name, keyId: input.providerConfig.credentials.keyId,
            sealedKey: try configuration.secrets.seal(input.providerConfig.credentials.applicationKey, for: id),
            accountId: account.accountId, capabilities: account.capabilities,
            allowedBucket: account.allowedBuckets?.first.map { $0.name ?? $0.id }, namePrefix: account.namePrefix,
            createdAt: now, updatedAt: now, createdBy: context.token?.id, updatedBy: context.token?.id)
        try await configuration.store.insertConnection(record)
        return try JSONResponse.make(ConnectionOutput(record), status: .created)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.make(
            JSONResponse.Page(data: try await configuration.store.connections().map(ConnectionOutput.init)))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.make(ConnectionOutput(try await find(context)))
    }

    @Sendable func rotate(_ request: Request, context: Context) async throws -> Response {
        var record = try await find(context)
        let input = try await StrictJSON.decode(ConnectionRotateInput.self, from: request)
        let account = try await authorize(input.providerConfig.credentials)
        guard account.accountId == record.accountId else {
            throw Problem(
                .conflict, "Other account",
                "The new key belongs to account \(account.accountId), not \(record.accountId): create a new "
                    + "connection for another account")
        }
        record.keyId = input.providerConfig.credentials.keyId
        record.sealedKey = try configuration.secrets.seal(
            input.providerConfig.credentials.applicationKey, for: record.id)
        record.capabilities = account.capabilities
        record.allowedBucket = account.allowedBuckets?.first.map { $0.name ?? $0.id }
        record.namePrefix = account.namePrefix
        record.updatedAt = configuration.now()
        record.updatedBy = context.token?.id
        try await configuration.store.updateConnection(record)
        return try JSONResponse.make(ConnectionOutput(record))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let force = try Query.bool(request, "force") ?? false
        switch try await configuration.store.deleteConnection(id: id, force: force) {
        case .deleted: return Response(status: .noContent)
        case .notFound: throw Problem.notFound("connection", id)
        case .inUse(let syncs):
            throw Problem(
                .conflict, "Connection in use",
                "\(syncs) sync(s) use connection \(id): delete them first, or add ?force=true to delete them with it")
        }
    }

    func find(_ context: Context) async throws -> ConnectionRecord {
        let id = try context.parameters.require("id")
        guard let record = try await configuration.store.connection(id: id) else {
            throw Problem.notFound("connection", id)
        }
        return record
    }

    /// Authorizes the key against B2 and checks it may list and read files.
    func authorize(_ credentials: CredentialsInput) async throws -> B2Account {
        let client = B2Client(
            keyId: credentials.keyId, applicationKey: credentials.applicationKey, apiBaseURL: configuration.b2APIURL,
            retryPolicy: RetryPolicy(maximumAttempts: 2), logger: configuration.logger)
        let account: B2Account
        do {
            account = try await client.account()
        } catch let error as B2Error where error.code == .badCredentials {
            throw Problem(
                .unprocessableContent, "Key refused",
                "B2 refused key id \(credentials.keyId) with this application key: check both, or create a new key",
                field: "provider_config.credentials")
        } catch {
            throw Problem(
                .badGateway, "B2 unreachable",
                "Could not authorize with B2 at \(configuration.b2APIURL): retry later; "
                    + ((error as? B2Error)?.code.description ?? "transport error"))
        }
        let missing = Self.requiredCapabilities.filter { !account.has($0) }
        guard missing.isEmpty else {
            throw Problem(
                .unprocessableContent, "Missing capability",
                "Key \(credentials.keyId) lacks the \(missing.joined(separator: ", ")) capabilit"
                    + (missing.count == 1 ? "y" : "ies")
                    + " a sync needs: create a key with listBuckets,listFiles,readFiles (and writeFiles,deleteFiles "
                    + "to sync into B2)",
                field: "provider_config.credentials")
        }
        return account
    }
}

/// Query parameters, checked.
enum Query {
    static func bool(_ request: Request, _ name: String) throws -> Bool? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        switch text {
        case "true", "1": return true
        case "false", "0": return false
        default: throw Problem(.badRequest, "Invalid query", "?\(name)= must be true or false, not '\(text)'")
        }
    }

    static func int(_ request: Request, _ name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw Problem(
                .badRequest, "Invalid query",
                "?\(name)= must be an integer from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }
}
