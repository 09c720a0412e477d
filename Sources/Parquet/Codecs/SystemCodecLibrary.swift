#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#else
    import Darwin
#endif

/// A compression library found at run time (`dlopen`): the system's libzstd, liblz4 and libbrotlidec are runtime
/// libraries without headers on a fresh machine, so b2kit declares the few C functions it calls and looks them up.
struct SystemCodecLibrary: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer

    /// Opens the first of `names` that loads.
    /// - Throws: ``ParquetError`` `.unsupported` naming the library and the package that provides it.
    init(_ names: [String], codec: String, package: String) throws {
        for name in names {
            if let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) {
                self.handle = handle
                return
            }
        }
        throw ParquetError.unsupported(
            "Reading \(codec) needs the system library \(names[0]), which is not installed: "
                + "apt-get install \(package)")
    }

    /// The function `name`, as the C type `T`.
    func function<T>(_ name: String, as type: T.Type) throws -> T {
        guard let symbol = dlsym(handle, name) else {
            throw ParquetError.unsupported("The system's compression library has no \(name): update it")
        }
        return unsafeBitCast(symbol, to: type)
    }
}
