// swift-tools-version: 6.1
import PackageDescription

// Layers (imports point down only), see docs/architecture.md:
//   irectl -> Controller -> Sequencer, Safety, Protocol -> HAL -> Units
//   Simulator (the reference board and its world in software) and LinuxBackend (libgpiod,
//   libi2c) implement the HAL.
let package = Package(
  name: "irectl",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "irectl", targets: ["irectl"]),
    .executable(name: "board-emulator", targets: ["BoardEmulator"]),
    .executable(name: "explore", targets: ["explore"]),
    .executable(name: "kernel-checks", targets: ["KernelChecks"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/apple/swift-atomics", from: "1.2.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    // Benchmarks only (Benchmarks/): malloc counting needs the interposer trait.
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
  ],
  targets: [
    .target(name: "Units"),
    .target(name: "HAL", dependencies: ["Units"]),
    // Treatment planning: the field of each probe pair and the ablation zone (docs/planning.md).
    // Pure (Units only). Built optimised in every configuration: its solver runs hundreds of
    // thousands of nodes per sweep, which a debug build would make the tests wait minutes for.
    .target(name: "Planning", dependencies: ["Units"], swiftSettings: [.unsafeFlags(["-O"])]),
    .target(name: "Protocol", dependencies: ["Units", "HAL", "Planning", "Yams"]),
    .target(name: "Safety", dependencies: ["Units"]),
    .target(
      name: "Record",
      dependencies: [
        "Units",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    // What Swift's Glibc module leaves out of the timing thread's set-up (GNU extensions).
    .target(name: "CRealtime"),
    .target(
      name: "Sequencer",
      dependencies: [
        "Units", "HAL", "Protocol", "Safety", "CRealtime",
        .product(name: "Atomics", package: "swift-atomics"),
      ]),
    .target(name: "Simulator", dependencies: ["Units", "HAL", "Protocol", "Planning"], path: "Simulator"),
    // The Linux backend: libgpiod and libi2c, wrapped once. CGPIOD is one API over libgpiod 1.x
    // and 2.x, chosen when it is compiled from the installed gpiod.h (Debian's libgpiod-dev).
    .target(name: "CGPIOD", linkerSettings: [.linkedLibrary("gpiod")]),
    .systemLibrary(name: "CI2C", providers: [.apt(["libi2c-dev"])]),
    .target(name: "LinuxBackend", dependencies: ["Units", "HAL", "Protocol", "CGPIOD", "CI2C"]),
    // The telemetry stream's messages and its Unix socket, shared by the controller and the console.
    .target(name: "Telemetry"),
    // `irectl monitor`: the technician's console, a client of the telemetry socket.
    .target(name: "Console", dependencies: ["Telemetry"]),
    .target(
      name: "Controller",
      dependencies: [
        "Units", "HAL", "Protocol", "Planning", "Safety", "Sequencer", "Simulator", "Record", "LinuxBackend",
        "Telemetry",
        .product(name: "Atomics", package: "swift-atomics"),
      ]),
    .executableTarget(
      name: "irectl",
      dependencies: [
        "Controller", "Protocol", "Record", "Console", "Telemetry",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // The safety core tried at every step: one interruption at one step of a simulated run, and
    // every invariant checked after it (scripts/explore).
    .target(
      name: "Exploration",
      dependencies: ["Controller", "Simulator", "Protocol", "Record", "Safety", "Sequencer", "HAL"]),
    .executableTarget(
      name: "explore",
      dependencies: [
        "Exploration", "Controller", "Simulator",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // The kernel's test drivers (gpio-sim, i2c-stub) seen from the board's side, and the
    // reference board behind them: for the kernel-driver tests (scripts/kernel-tests).
    .target(name: "KernelFixtures", dependencies: ["Units", "HAL", "Protocol", "LinuxBackend"]),
    .executableTarget(
      name: "BoardEmulator",
      dependencies: [
        "Units", "HAL", "Protocol", "Simulator", "LinuxBackend", "KernelFixtures",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // swift package --allow-writing-to-package-directory benchmark
    .executableTarget(
      name: "PulseAllocations",
      dependencies: [
        "Controller", "Sequencer", "Simulator", "Protocol", "Safety",
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/PulseAllocations",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    // Runs inside the kernel-driver test VM: the Linux backend against gpio-sim and i2c-stub.
    .executableTarget(
      name: "KernelChecks", dependencies: ["Units", "HAL", "Protocol", "LinuxBackend", "KernelFixtures"],
      path: "Tests/KernelChecks"),
    .testTarget(name: "UnitsTests", dependencies: ["Units"]),
    .testTarget(name: "PlanningTests", dependencies: ["Planning", "Protocol", "Units"]),
    .testTarget(name: "TelemetryTests", dependencies: ["Telemetry"]),
    .testTarget(name: "ConsoleTests", dependencies: ["Console", "Telemetry"]),
    .testTarget(name: "ProtocolTests", dependencies: ["Protocol", "Planning", "Units", "HAL"]),
    .testTarget(name: "HALTests", dependencies: ["HAL", "Simulator"]),
    .testTarget(name: "LinuxBackendTests", dependencies: ["LinuxBackend", "HAL", "Protocol"]),
    .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "HAL"]),
    .testTarget(name: "SafetyTests", dependencies: ["Safety"]),
    .testTarget(
      name: "RecordTests",
      dependencies: ["Record", "Units", .product(name: "GRDB", package: "GRDB.swift")],
      // Records written by earlier versions, as SQL: read by the tests from their path.
      exclude: ["Fixtures"]),
    .testTarget(name: "SequencerTests", dependencies: ["Sequencer", "Protocol", "CRealtime", "Units"]),
    .testTarget(
      name: "ExplorationTests",
      dependencies: ["Exploration", "Controller", "HAL", "Simulator", "Protocol", "Units"]),
    .testTarget(
      name: "ControllerTests",
      dependencies: [
        "Controller", "Simulator", "Protocol", "Safety", "Record", "Telemetry", "LinuxBackend",
        .product(name: "GRDB", package: "GRDB.swift"),
      ]),
  ]
)

// Fuzz targets (Fuzz/, scripts/fuzz): only with IRECTL_FUZZ=1, built by scripts/fuzz with
// libFuzzer and the address sanitizer into .build-fuzz. Without the variable they are not part of
// the package, so `swift build` and `swift test` neither build nor wait for them.
if Context.environment["IRECTL_FUZZ"] == "1" {
  // The benchmark's build plugin would be built with libFuzzer too, whose `main` clashes with its own.
  package.targets.removeAll { $0.name == "PulseAllocations" }
  // The parsers of --rr-file, --operator and --heart-anomalies are Controller's own source files
  // (symlinks), compiled here on their own so that the fuzz build needs neither GRDB nor Crypto.
  package.targets.append(
    .target(
      name: "FuzzControllerParsers", dependencies: ["Simulator", "Units"], path: "Fuzz/ControllerParsers"))
  let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
    ("protocol", ["Protocol"]),
    ("board", ["Protocol"]),
    ("tissues", ["Protocol"]),
    ("telemetry", ["Telemetry"]),
    ("rr-file", ["FuzzControllerParsers"]),
    ("fault", ["Simulator"]),
    ("operator", ["FuzzControllerParsers", "Simulator"]),
    ("heart-anomalies", ["FuzzControllerParsers", "Simulator"]),
  ]
  for target in fuzzTargets {
    package.targets.append(
      .executableTarget(
        name: "fuzz-\(target.name)", dependencies: target.dependencies, path: "Fuzz/Targets/\(target.name)"))
  }
}
