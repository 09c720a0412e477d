import Hummingbird

/// Lets a request through only when its token's role is at least `role`; otherwise a 403 that names the role the
/// call needs.
struct RoleMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let role: Role

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let token = context.token else {
            throw Problem(.unauthorized, "Missing token", "Send Authorization: Bearer TOKEN")
        }
        let held = Role(rawValue: token.role) ?? .viewer
        guard held >= role else {
            throw Problem(
                .forbidden, "Role too low",
                "\(request.method) \(request.uri.path) needs the \(role.rawValue) role; token \(token.id) has "
                    + "\(held.rawValue): ask an admin for a token made with 'b2kit service token create --role "
                    + "\(role.rawValue)'")
        }
        return try await next(request, context)
    }
}

/// The groups routes are added to, one per role they need; each checks the role after the bearer token.
struct RoleGroups {
    /// Reads.
    let viewer: RouterGroup<ServiceRequestContext>
    /// Sync changes and runs.
    let `operator`: RouterGroup<ServiceRequestContext>
    /// Connections and tokens.
    let admin: RouterGroup<ServiceRequestContext>

    init(_ group: RouterGroup<ServiceRequestContext>) {
        viewer = group.group().add(middleware: RoleMiddleware(role: .viewer))
        `operator` = group.group().add(middleware: RoleMiddleware(role: .operator))
        admin = group.group().add(middleware: RoleMiddleware(role: .admin))
    }
}
