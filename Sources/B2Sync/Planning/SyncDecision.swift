/// What a sync does with one name.
public enum SyncDecision: Sendable, Equatable {
    /// Why an object is copied.
    public enum Reason: String, Sendable, Hashable {
        /// The destination does not have it.
        case new
        /// The destination has a different version.
        case changed
    }

    /// Copy the source object to the destination.
    case copy(SyncObject, Reason)
    /// The destination already holds the same object.
    case skip(SyncObject)
    /// The destination holds an object the source does not (acted on only with `--delete`).
    case delete(SyncObject)
    /// The source object is older than `--modified-since`: left alone on both sides.
    case tooOld(SyncObject)

    /// The name the decision is about.
    public var name: String {
        switch self {
        case .copy(let object, _), .skip(let object), .delete(let object), .tooOld(let object): object.name
        }
    }
}
