/// Holds the current authorization and renews it once for all concurrent callers (single flight).
actor AuthorizationSession {
    private let authorize: @Sendable () async throws -> B2Account
    private var account: B2Account?
    private var pending: Task<B2Account, any Error>?

    init(authorize: @escaping @Sendable () async throws -> B2Account) {
        self.authorize = authorize
    }

    /// The current authorization, authorizing first if there is none.
    func current() async throws -> B2Account {
        if let account { return account }
        return try await renew(replacing: nil)
    }

    /// Renews the authorization after `staleToken` was refused; callers that raced on the same stale token share
    /// one `b2_authorize_account`, and a caller whose token was already replaced gets the new one at once.
    func renew(replacing staleToken: String?) async throws -> B2Account {
        if let account, let staleToken, account.authorizationToken != staleToken { return account }
        if let pending { return try await pending.value }
        let task = Task { try await authorize() }
        pending = task
        defer { pending = nil }
        let fresh = try await task.value
        account = fresh
        return fresh
    }
}
