// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "HADIC",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "hadic", targets: ["hadic"]),
        .executable(name: "hadicd", targets: ["hadicd"]),
        .library(name: "HADICLedger", targets: ["HADICLedger"]),
        .library(name: "HADICEPCIS", targets: ["HADICEPCIS"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // libcrypto from the system's OpenSSL 3 (libssl-dev).
        .systemLibrary(
            name: "CHADICOpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // libsodium (libsodium-dev): Ed25519 signature checks, twice OpenSSL 3's rate.
        .systemLibrary(
            name: "CHADICSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .target(name: "HADICCrypto", dependencies: ["CHADICOpenSSL", "CHADICSodium"]),
        .target(name: "HADICCore", dependencies: ["HADICCrypto"]),
        // Thread placement (pinning the signature-checking workers to cores), in C: Swift on
        // Linux cannot reach sched_setaffinity.
        .target(name: "CHADICThreads"),
        .target(name: "HADICLedger", dependencies: ["HADICCore", "HADICCrypto", "HADICEPCIS", "CHADICThreads"]),
        // GS1 EPCIS 2.0 (docs/EPCIS.md): reading JSON-LD documents, identifier normalisation and
        // the CBV 2.0 event hash. Pure, like the core.
        .target(name: "HADICEPCIS", dependencies: ["HADICCore", "HADICCrypto"]),
        .target(
            name: "HADICStore",
            dependencies: ["HADICLedger", "HADICCore", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        // The peer protocol (docs/PROTOCOL.md): frames, messages, the handshake, on SwiftNIO.
        .target(
            name: "HADICPeer",
            dependencies: ["HADICLedger", "HADICCore", "HADICCrypto",
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOExtras", package: "swift-nio-extras")]
        ),
        // Witnessing (docs/WITNESS.md): the witness's state and its HTTP interface, a ledger's
        // stored cosignatures, and the client a sequencer collects them with.
        .target(
            name: "HADICWitness",
            dependencies: ["HADICLedger", "HADICCrypto",
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio")]
        ),
        // The questions a ledger answers (trace, assess), rendered: shared by the CLI and the node.
        .target(name: "HADICQuery", dependencies: ["HADICStore", "HADICLedger", "HADICCore"]),
        // A node: ingest and sealing (sequencer), following and verifying (replica), serving peers.
        .target(
            name: "HADICNode",
            dependencies: ["HADICPeer", "HADICQuery", "HADICStore", "HADICWitness", "HADICLedger", "HADICCore", "HADICCrypto",
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "hadicd",
            dependencies: ["HADICNode", "HADICStore",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),
        .executableTarget(
            name: "hadic",
            dependencies: [
                "HADICStore", "HADICLedger", "HADICCore", "HADICCrypto", "HADICPeer", "HADICQuery", "HADICWitness", "HADICEPCIS",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "hadic-bench",
            dependencies: [
                "HADICStore", "HADICLedger", "HADICCore", "HADICPeer", "HADICQuery",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "HADICCryptoTests", dependencies: ["HADICCrypto", "CHADICSodium"]),
        .testTarget(name: "HADICCoreTests", dependencies: ["HADICCore", "HADICEPCIS"]),
        .testTarget(name: "HADICLedgerTests", dependencies: ["HADICLedger", "CHADICThreads"]),
        .testTarget(name: "HADICEPCISTests", dependencies: ["HADICEPCIS", "HADICCore", "HADICCrypto"]),
        .testTarget(name: "HADICStoreTests", dependencies: ["HADICStore"]),
        .testTarget(name: "HADICPeerTests", dependencies: ["HADICPeer", .product(name: "NIOEmbedded", package: "swift-nio"),
                                                           .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(name: "HADICCLITests", dependencies: ["HADICCrypto", "HADICQuery", "HADICStore", "HADICLedger", "HADICCore"]),
    ]
)
