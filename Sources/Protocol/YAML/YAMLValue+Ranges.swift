import Units

/// Range checks, reported with the accepted range in the `allowed:` part.
extension YAMLValue {
  func integer(in range: ClosedRange<Int>, step: Int = 1) -> Int? {
    guard let value = integer else { return nil }
    let bounds = "\(range.lowerBound)..\(range.upperBound)"
    let allowed = step == 1 ? bounds : "\(bounds) in steps of \(step)"
    guard range.contains(value) else {
      report("out of range", allowed: allowed, found: written)
      return nil
    }
    guard value % step == 0 else {
      report("must be a multiple of \(step)", allowed: allowed, found: written)
      return nil
    }
    return value
  }

  func integer(atLeast minimum: Int) -> Int? {
    guard let value = integer else { return nil }
    guard value >= minimum else {
      report("out of range", allowed: ">= \(minimum)", found: written)
      return nil
    }
    return value
  }

  func number(in range: ClosedRange<Double>, allowed: String? = nil) -> Double? {
    guard let value = number else { return nil }
    guard range.contains(value) else {
      let text = allowed ?? "\(formatted(range.lowerBound))..\(formatted(range.upperBound))"
      report("out of range", allowed: text, found: written)
      return nil
    }
    return value
  }

  /// A number greater than `minimum` and at most `maximum`.
  func number(above minimum: Double, upTo maximum: Double) -> Double? {
    guard let value = number else { return nil }
    guard value > minimum, value <= maximum else {
      let text = "> \(formatted(minimum)) and <= \(formatted(maximum))"
      report("out of range", allowed: text, found: written)
      return nil
    }
    return value
  }

  /// One of the raw values of `type`.
  func choice<Choice: RawRepresentable & CaseIterable>(_ type: Choice.Type) -> Choice?
  where Choice.RawValue == String {
    guard let text = string else { return nil }
    guard let choice = Choice(rawValue: text) else {
      report(
        "unknown value", allowed: Choice.allCases.map(\.rawValue).joined(separator: ", "),
        found: text)
      return nil
    }
    return choice
  }

  /// An identifier as names are written: lowercase letters, digits and '-'.
  var identifier: String? {
    guard let text = string else { return nil }
    let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
    guard !text.isEmpty, text.allSatisfy({ allowed.contains($0) }) else {
      report("must use only lowercase letters, digits and '-'", allowed: "[a-z0-9-]+", found: written)
      return nil
    }
    return text
  }
}
