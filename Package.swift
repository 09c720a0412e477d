// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "b2kit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "b2kit", targets: ["b2kit"]),
        .library(name: "B2Kit", targets: ["B2Kit"]),
        .library(name: "B2Emulator", targets: ["B2Emulator"]),
        .library(name: "B2Sync", targets: ["B2Sync"]),
        .library(name: "B2Tables", targets: ["B2Tables"]),
        .library(name: "Parquet", targets: ["Parquet"]),
        .library(name: "B2SigV4", targets: ["B2SigV4"]),
        .library(name: "B2JSON", targets: ["B2JSON"]),
        .library(name: "B2Service", targets: ["B2Service"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(name: "B2JSON"),
        .target(
            name: "B2SigV4",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto")
            ]
        ),
        .target(
            name: "B2Kit",
            dependencies: [
                "B2JSON",
                "B2SigV4",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "B2Emulator",
            dependencies: [
                "B2JSON",
                "B2SigV4",
                .target(name: "CMalloc", condition: .when(platforms: [.linux])),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "B2Sync",
            dependencies: [
                "B2Kit",
                "B2SigV4",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "B2Service",
            dependencies: [
                "B2JSON",
                "B2Kit",
                "B2SigV4",
                "B2Sync",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/openapi.yaml")]
        ),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .target(name: "Parquet", dependencies: ["CZlib"]),
        .target(
            name: "B2Tables",
            dependencies: ["B2JSON", "B2Kit", "B2SigV4", "Parquet", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .target(
            name: "B2KitCLI",
            dependencies: [
                "B2JSON",
                "B2Kit",
                "B2Sync",
                "B2Tables",
                "B2SigV4",
                "B2Emulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "b2kit",
            dependencies: [
                "B2Emulator",
                "B2JSON",
                "B2Service",
                "B2Kit",
                "B2Sync",
                "B2Tables",
                "B2KitCLI",
                "B2SigV4",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "MotoSupport",
            dependencies: [
                "B2Kit",
                "B2SigV4",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/MotoSupport"
        ),
        .testTarget(
            name: "B2KitTests",
            dependencies: [
                "B2Kit",
                "B2SigV4",
                "B2Emulator",
                "MotoSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "B2KitCLITests",
            dependencies: [
                "B2KitCLI",
                "B2SigV4",
                "B2Sync",
                "MotoSupport",
                "B2Kit",
                "B2Emulator",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "B2SyncTests",
            dependencies: [
                "B2Sync", "B2Kit", "B2Emulator",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "B2ServiceTests",
            dependencies: [
                "B2Service", "B2Sync", "B2Kit", "B2Emulator",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "ParquetTests",
            dependencies: ["Parquet"]
        ),
        .testTarget(
            name: "B2TablesTests",
            dependencies: [
                "B2Tables", "B2Kit", "B2Emulator", .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "B2JSONTests",
            dependencies: ["B2JSON"]
        ),
        .testTarget(
            name: "B2SigV4Tests",
            dependencies: ["B2SigV4"],
            resources: [.copy("Resources/botocore-vectors.json")]
        ),
        .testTarget(
            name: "B2EmulatorTests",
            dependencies: [
                "B2Emulator",
                "B2JSON",
                "B2SigV4",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)

// Every warning in b2kit's own Swift targets is an error, in scripts/test as everywhere; SwiftPM leaves the warnings of
// dependencies alone.
for target in package.targets where target.type != .system && target.type != .binary {
    target.swiftSettings = (target.swiftSettings ?? []) + [.treatAllWarnings(as: .error)]
}
