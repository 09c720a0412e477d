/// Where a command reads from or writes to: an object or prefix in B2, a local path, or standard input/output.
public enum Location: Sendable, Hashable, CustomStringConvertible {
    /// A bucket and name (or prefix) in B2.
    case remote(B2Path)
    /// A file or directory on this machine, as written.
    case local(String)
    /// `-`: standard input when reading, standard output when writing.
    case standardStream

    /// Reads a command-line argument: `b2://` and `s3://` paths are remote, `-` is standard input or output, and
    /// anything else is a local path.
    ///
    /// - Parameter argument: the argument as given.
    /// - Returns: the location.
    /// - Throws: `B2Error` with code `.usage` for an empty argument, an invalid remote path, an unknown scheme such
    ///   as `gs://`, or a `b2:`/`s3:` prefix missing its `//`.
    public static func parse(_ argument: String) throws -> Location {
        if argument.isEmpty {
            throw B2Error(.usage, "The path is empty: give a local path, '-', or b2://BUCKET/PATH or s3://BUCKET/PATH")
        }
        if argument == "-" {
            return .standardStream
        }
        if SchemePrefix(argument) != nil {
            return .remote(try B2Path.parse(argument, requireScheme: true))
        }
        if let scheme = SchemePrefix.almost(argument) {
            throw B2Error(
                .usage,
                "'\(argument)' looks like a \(scheme.rawValue):// path without the '//': write "
                    + "\(scheme.rawValue)://BUCKET/PATH, or ./\(argument) for a local file of that name"
            )
        }
        return .local(argument)
    }

    /// The location as it is written on the command line.
    public var description: String {
        switch self {
        case .remote(let path): path.description
        case .local(let path): path
        case .standardStream: "-"
        }
    }
}
