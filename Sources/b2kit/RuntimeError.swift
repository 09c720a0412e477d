/// A failure at run time (exit 1), with a message that says what to do.
struct RuntimeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
