// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "HADIC",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "hadic", targets: ["hadic"]),
        .library(name: "HADICLedger", targets: ["HADICLedger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        // libcrypto from the system's OpenSSL 3 (libssl-dev).
        .systemLibrary(
            name: "CHADICOpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "HADICCrypto", dependencies: ["CHADICOpenSSL"]),
        .target(name: "HADICCore", dependencies: ["HADICCrypto"]),
        .target(name: "HADICLedger", dependencies: ["HADICCore", "HADICCrypto"]),
        .target(
            name: "HADICStore",
            dependencies: ["HADICLedger", "HADICCore", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        // The peer protocol (docs/PROTOCOL.md): frames, messages, the handshake, on SwiftNIO.
        .target(
            name: "HADICPeer",
            dependencies: ["HADICLedger", "HADICCore", "HADICCrypto",
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOExtras", package: "swift-nio-extras")]
        ),
        .executableTarget(
            name: "hadic",
            dependencies: [
                "HADICStore", "HADICLedger", "HADICCore", "HADICCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "hadic-bench",
            dependencies: [
                "HADICStore", "HADICLedger", "HADICCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "HADICCryptoTests", dependencies: ["HADICCrypto"]),
        .testTarget(name: "HADICCoreTests", dependencies: ["HADICCore"]),
        .testTarget(name: "HADICLedgerTests", dependencies: ["HADICLedger"]),
        .testTarget(name: "HADICStoreTests", dependencies: ["HADICStore"]),
        .testTarget(name: "HADICPeerTests", dependencies: ["HADICPeer", .product(name: "NIOEmbedded", package: "swift-nio"),
                                                           .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(name: "HADICCLITests", dependencies: ["HADICCrypto"]),
    ]
)
