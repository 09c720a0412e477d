/// What a token may do. Each role may do what the roles below it may.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    /// Reads: every `GET`.
    case viewer
    /// Also creates, changes, pauses, resumes, triggers and deletes syncs.
    case `operator`
    /// Also manages connections (their keys) and tokens.
    case admin

    /// The role of a token created without `--role`.
    public static let `default` = Role.operator

    var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    /// Orders roles by what they may do.
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}
