import HAL

extension GPIOConfiguration {
  /// Reads `gpio:`: the consumer name and one line per role, each role exactly once, no line
  /// playing two roles.
  static func read(_ value: YAMLValue) -> GPIOConfiguration? {
    guard let gpio = value.mapping(keys: ["consumer", "lines"]) else { return nil }
    let consumer = gpio.required("consumer").flatMap { value -> String? in
      guard let text = value.string else { return nil }
      guard !text.isEmpty else {
        value.report("must not be empty", found: value.written)
        return nil
      }
      return text
    }
    let roles = LineRole.allCases.map(\.rawValue)
    guard let linesValue = gpio.required("lines"), let lines = linesValue.mapping(keys: roles) else {
      return nil
    }
    var specs: [LineRole: LineSpec] = [:]
    var complete = true
    var usedBy: [(locator: LineLocator, role: LineRole)] = []
    for entry in lines.entries {
      guard let role = LineRole(rawValue: entry.key), let child = lines[entry.key] else { continue }
      guard let spec = LineSpec.read(child) else {
        complete = false
        continue
      }
      if let other = usedBy.first(where: { $0.locator == spec.locator }) {
        child.report("the same line as \(other.role.rawValue)", found: spec.locator.description)
        complete = false
      }
      usedBy.append((spec.locator, role))
      specs[role] = spec
    }
    let missing = LineRole.allCases.filter { !lines.has($0.rawValue) }
    if !missing.isEmpty {
      linesValue.report(
        "every role needs a line; missing: \(missing.map(\.rawValue).joined(separator: ", "))")
      complete = false
    }
    guard let consumer, complete else { return nil }
    return GPIOConfiguration(consumer: consumer, lines: specs)
  }
}

extension LineSpec {
  /// Reads one line: `{ name: X }` or `{ chip: gpiochip0, offset: 17 }`, with optional
  /// `active_low` (default false) and `bias` (default as_is).
  static func read(_ value: YAMLValue) -> LineSpec? {
    guard let line = value.mapping(keys: ["name", "chip", "offset", "active_low", "bias"]) else {
      return nil
    }
    let locator: LineLocator?
    if line.has("name") {
      for key in ["chip", "offset"] where line.has(key) {
        line.reject(key, "give either name or chip + offset, not both")
      }
      locator = line["name"].flatMap(nonEmptyText).map { .name($0) }
    } else if line.has("chip") || line.has("offset") {
      let chip = line.required("chip").flatMap(nonEmptyText)
      let offset = line.required("offset")?.integer(atLeast: 0)
      locator = chip.flatMap { chip in offset.map { .chip(chip, offset: $0) } }
    } else {
      value.report("missing key: give name, or chip and offset", allowed: "name | chip + offset")
      locator = nil
    }
    let activeLow = line["active_low"].map(\.boolean) ?? false
    let bias = line["bias"].map { $0.choice(LineBias.self) } ?? .asIs
    guard let locator, let activeLow, let bias else { return nil }
    guard line.has("name") ? !(line.has("chip") || line.has("offset")) : true else { return nil }
    return LineSpec(locator: locator, activeLow: activeLow, bias: bias)
  }

  private static func nonEmptyText(_ value: YAMLValue) -> String? {
    guard let text = value.string else { return nil }
    guard !text.isEmpty else {
      value.report("must not be empty", found: value.written)
      return nil
    }
    return text
  }
}
