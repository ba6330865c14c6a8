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
        .target(
            name: "AutopipeOperators",
            dependencies: ["AutopipeData", "COpenBLAS"],
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
        .executableTarget(
            name: "autopipe",
            dependencies: [
                "AutopipeData", "AutopipeOperators", "AutopipeSearch", "AutopipeExport",
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
            dependencies: ["AutopipeData", "AutopipeOperators", "AutopipeSearch"],
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
        .testTarget(name: "CLITests", dependencies: ["autopipe", "AutopipeTestSupport"]),
    ]
)
