/// The regular files of a local folder as sync objects, in B2's order.
///
/// Temporary files of downloads that never finished (`.NAME.b2kit-UUID`) are not objects: they are handed to
/// `onTemporary`, so a sync can remove what an interrupted run left behind. The sync's own state database at the
/// root (`.b2kit-sync.db` and its journal files) is not an object either.
public struct LocalListing: AsyncSequence, Sendable {
    /// A file of the folder.
    public typealias Element = SyncObject

    let tree: LocalTree
    let onTemporary: @Sendable (String) -> Void

    /// Lists the files under `root`.
    public init(
        root: String,
        onSkip: @escaping @Sendable (LocalTree.Skipped) -> Void = { _ in },
        onTemporary: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        tree = LocalTree(root: root, onSkip: onSkip)
        self.onTemporary = onTemporary
    }

    /// Starts the walk.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: tree.makeAsyncIterator(), onTemporary: onTemporary)
    }

    /// Walks the folder.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: LocalTree.Iterator
        let onTemporary: @Sendable (String) -> Void

        /// The next file.
        public mutating func next() async throws -> SyncObject? {
            while let entry = try await base.next() {
                if entry.name.hasPrefix(SyncState.fileName), !entry.name.contains("/") { continue }
                if LocalName.isTemporaryDownload(entry.name) {
                    onTemporary(entry.name)
                    continue
                }
                return SyncObject(
                    name: entry.name, size: entry.size, modifiedMillis: entry.modifiedMillis, inode: entry.inode
                )
            }
            return nil
        }
    }
}
