/// Board files (firmware-config/boards/): which lines and chips make up the pulse-generator
/// board, its limits and interlock thresholds, and which backend drives it.
///
/// A board file may name a `base:` board file (a path relative to itself) and then only say what
/// differs: its name and description, the backend, and the simulator. The hardware sections
/// (`gpio`, `i2c`, `limits`, `interlocks`, `timing`) come from the base, so that the simulated board can
/// never drift from the real one. A base may not have a base of its own; errors in a base file
/// name the base file.
public enum BoardFile {
  static let hardwareKeys = ["gpio", "i2c", "limits", "interlocks", "timing"]
  static let topKeys =
    ["format", "name", "description", "base", "backend", "test_fixture"] + hardwareKeys + ["simulator"]

  /// Reads and validates the board file at `path` (and its base, relative to its directory).
  public static func load(path: String) throws -> BoardDescription {
    let document = try YAMLDocument.load(path: path)
    return try decode(document, baseDirectory: directory(of: path), isBase: false)
  }

  /// Validates a board file given as text; `file` names it in errors, `baseDirectory` is where a
  /// `base:` path is resolved (a `base:` is an error without it).
  public static func decode(
    yaml: String, file: String, baseDirectory: String?
  ) throws -> BoardDescription {
    let document = try YAMLDocument.compose(yaml: yaml, file: file)
    return try decode(document, baseDirectory: baseDirectory, isBase: false)
  }

  static func decode(
    _ document: YAMLDocument, baseDirectory: String?, isBase: Bool
  ) throws(ConfigurationErrors) -> BoardDescription {
    let diagnostics = document.diagnostics
    let root = YAMLValue(node: document.root, path: "", diagnostics: diagnostics)
    guard let top = root.mapping(keys: topKeys) else {
      throw ConfigurationErrors(errors: diagnostics.errors)
    }
    let header = FileHeader(top)
    let backend = top.required("backend")?.choice(Backend.self)
    let hardware: BoardHardware?
    if let base = top["base"] {
      if isBase {
        top.reject("base", "a base file cannot have a base of its own")
        hardware = nil
      } else {
        for key in hardwareKeys where top.has(key) {
          top.reject(key, "not allowed with base: set it in the base file")
        }
        hardware = loadBase(base, directory: baseDirectory)
      }
    } else {
      hardware = BoardHardware.read(top)
    }
    var simulator: SimulatorSettings?
    if backend == .simulator {
      simulator = top.required("simulator").flatMap {
        SimulatorSettings.read($0, relaySettleLimit: hardware?.interlocks.relaySettle)
      }
    } else if backend != nil, top.has("simulator") {
      top.reject("simulator", "only with backend: simulator")
    }
    // `test_fixture: true` marks a Linux board that drives no generator (the kernel-test VM's
    // lines and registers): measurements that fire pulses may run on it. Never from a base file:
    // the board that is a fixture says so itself.
    let testFixture = top["test_fixture"].map(\.boolean) ?? false
    if testFixture == true, backend == .simulator {
      top.reject("test_fixture", "only with backend: linux (a simulator board is never a generator)")
    }
    guard diagnostics.errors.isEmpty, let header, let backend, let hardware,
      backend != .simulator || simulator != nil
    else {
      throw ConfigurationErrors(errors: diagnostics.errors)
    }
    return BoardDescription(
      format: header.format, name: header.name, description: header.description, backend: backend,
      gpio: hardware.gpio, i2c: hardware.i2c, limits: hardware.limits,
      interlocks: hardware.interlocks, timing: hardware.timing, simulator: simulator,
      testFixture: testFixture == true)
  }

  /// Loads the base file named by `base:`; its errors join this file's report.
  private static func loadBase(_ value: YAMLValue, directory: String?) -> BoardHardware? {
    guard let relative = value.string else { return nil }
    guard let directory else {
      value.report("a base file can only be used when the board file is loaded from a path")
      return nil
    }
    let path =
      relative.hasPrefix("/") || directory == "." ? relative : "\(directory)/\(relative)"
    do {
      let document = try YAMLDocument.load(path: path)
      let base = try decode(document, baseDirectory: Self.directory(of: path), isBase: true)
      return BoardHardware(
        gpio: base.gpio, i2c: base.i2c, limits: base.limits, interlocks: base.interlocks, timing: base.timing)
    } catch {
      if error.errors.count == 1, error.errors[0].message == "cannot read the file" {
        value.report("cannot read the base file", found: path)
      } else {
        value.diagnostics.include(error.errors)
      }
      return nil
    }
  }

  /// The directory part of a path ("." for a bare file name).
  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }
}
