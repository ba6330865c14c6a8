// swift-tools-version:6.0
import PackageDescription

let optimize: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "autopipe",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "autopipe", targets: ["autopipe"]),
        .executable(name: "autopipe-bench", targets: ["AutopipeBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibCSV",
            providers: [.apt(["libcsv-dev"])]
        ),
        .systemLibrary(
            name: "COpenBLAS",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(
            name: "AutopipeData",
            dependencies: ["CLibCSV"],
            swiftSettings: optimize
        ),
        // Numeric kernels in C compiled for AVX2 + FMA, chosen at run time (Swift cannot target AVX2 per function).
        .target(name: "CAutopipeKernels"),
        .target(
            name: "AutopipeOperators",
            dependencies: ["AutopipeData", "COpenBLAS", "CAutopipeKernels"],
            swiftSettings: optimize
        ),
        .target(
            name: "AutopipeSearch",
            dependencies: [
                "AutopipeData", "AutopipeOperators",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: optimize
        ),
        .target(
            name: "AutopipeExport",
            dependencies: ["AutopipeData", "AutopipeOperators", "AutopipeSearch"],
            swiftSettings: optimize
        ),
        // Cluster mode: wire format, transports (in-process and NIO TCP/TLS), scheduler, worker, remote evaluator,
        // dashboard. The only target that imports NIO.
        .target(
            name: "AutopipeCluster",
            dependencies: [
                "AutopipeData", "AutopipeOperators", "AutopipeSearch",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: optimize
        ),
        .executableTarget(
            name: "autopipe",
            dependencies: [
                "AutopipeData", "AutopipeOperators", "AutopipeSearch", "AutopipeExport", "AutopipeCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: optimize
        ),
        .target(
            name: "AutopipeTestSupport",
            dependencies: ["AutopipeData", "AutopipeOperators"],
            path: "Tests/AutopipeTestSupport"
        ),
        .executableTarget(
            name: "AutopipeBench",
            dependencies: ["AutopipeData", "AutopipeOperators", "AutopipeSearch", "AutopipeCluster", "AutopipeTestSupport"],
            swiftSettings: optimize
        ),
        .testTarget(name: "AutopipeDataTests", dependencies: ["AutopipeData", "AutopipeTestSupport"]),
        .testTarget(
            name: "AutopipeOperatorsTests",
            dependencies: ["AutopipeData", "AutopipeOperators", "AutopipeTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "AutopipeSearchTests",
            dependencies: ["AutopipeData", "AutopipeOperators", "AutopipeSearch", "AutopipeTestSupport"]
        ),
        .testTarget(
            name: "AutopipeExportTests",
            dependencies: ["AutopipeData", "AutopipeOperators", "AutopipeSearch", "AutopipeExport", "AutopipeTestSupport"]
        ),
        .testTarget(
            name: "AutopipeClusterTests",
            dependencies: [
                "AutopipeData", "AutopipeOperators", "AutopipeSearch", "AutopipeCluster", "AutopipeTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "CLITests", dependencies: ["autopipe", "AutopipeTestSupport"]),
    ]
)
