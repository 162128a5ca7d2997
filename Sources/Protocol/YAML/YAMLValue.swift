import Yams

/// A node of the document with the key path that leads to it: the typed reader the decoders use.
///
/// Every accessor checks the type strictly (a quoted `"90"` is text, not a number; `.nan`,
/// `.inf` and numbers too large to represent are refused), reports what is wrong at the node's
/// line and column, and returns `nil` so that the decoder carries on with the rest of the file.
struct YAMLValue {
  let node: Node
  let path: String
  let diagnostics: Diagnostics

  var position: TextPosition { TextPosition(node.mark) }

  /// Reports a problem with this value.
  func report(_ message: String, allowed: String? = nil, found: String? = nil) {
    diagnostics.report(at: position, path, message, allowed: allowed, found: found)
  }

  /// The value as written, for the `found:` part of an error.
  var written: String {
    switch node {
    case .scalar(let scalar):
      switch scalar.style {
      case .singleQuoted: return "'\(scalar.string)'"
      case .doubleQuoted: return "\"\(scalar.string)\""
      default: return isNull ? "nothing" : scalar.string
      }
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
  }

  private var plainScalar: Node.Scalar? {
    guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else {
      return nil
    }
    return scalar
  }

  private var isQuoted: Bool {
    if case .scalar(let scalar) = node { return scalar.style != .plain && scalar.style != .any }
    return false
  }

  var isNull: Bool {
    guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else {
      return false
    }
    return node.tag.rawValue == Tag.Name.null.rawValue
  }

  private func wrongType(_ expected: String) {
    if isQuoted {
      report("must be \(expected), not text in quotes", found: written)
    } else {
      report("must be \(expected)", found: written)
    }
  }

  /// A finite number (integer or decimal).
  var number: Double? {
    guard let scalar = plainScalar else {
      wrongType("a number")
      return nil
    }
    let tag = node.tag.rawValue
    let value: Double?
    if tag == Tag.Name.int.rawValue {
      value = Int.construct(from: scalar).map(Double.init) ?? Double.construct(from: scalar)
    } else if tag == Tag.Name.float.rawValue {
      value = Double.construct(from: scalar)
    } else {
      value = nil
    }
    guard let value else {
      wrongType("a number")
      return nil
    }
    guard value.isFinite else {
      report("must be a finite number", found: written)
      return nil
    }
    return value
  }

  /// A whole number; `90.0` is accepted as 90, `90.5` is not.
  var integer: Int? {
    guard let value = number else { return nil }
    guard value.rounded() == value, Swift.abs(value) < 1e15 else {
      report("must be a whole number", found: written)
      return nil
    }
    return Int(value)
  }

  /// Text: a quoted scalar, or a plain one that YAML does not read as a number, boolean or null.
  var string: String? {
    guard case .scalar(let scalar) = node,
      isQuoted || node.tag.rawValue == Tag.Name.str.rawValue
    else {
      report(isNull ? "must be text, not empty" : "must be text (put it in quotes)", found: written)
      return nil
    }
    return scalar.string
  }

  /// `true` or `false`, written exactly so (YAML's `yes`/`on` are refused as ambiguous).
  var boolean: Bool? {
    guard let scalar = plainScalar, scalar.string == "true" || scalar.string == "false" else {
      report("must be true or false", allowed: "true, false", found: written)
      return nil
    }
    return scalar.string == "true"
  }

  /// A list, with each element's key path (`pairs[0]`, `pairs[1]`, …).
  var list: [YAMLValue]? {
    guard case .sequence(let sequence) = node else {
      report("must be a list", found: written)
      return nil
    }
    return sequence.enumerated().map {
      YAMLValue(node: $0.element, path: "\(path)[\($0.offset)]", diagnostics: diagnostics)
    }
  }

  /// A mapping whose keys must be among `keys` (each at most once).
  func mapping(keys: [String]) -> YAMLMapping? {
    guard case .mapping(let mapping) = node else {
      report("must be a mapping", found: written)
      return nil
    }
    return YAMLMapping(mapping, of: self, allowedKeys: keys)
  }

  /// The value at `key` of this mapping, without checking the mapping again (for a rule that
  /// spans sections and is checked after every section was read).
  func lookup(_ key: String) -> YAMLValue? {
    guard case .mapping(let mapping) = node, let value = mapping[key] else { return nil }
    return child(value, key: key)
  }

  /// The child value at `key`, for key paths.
  func child(_ node: Node, key: String) -> YAMLValue {
    YAMLValue(node: node, path: path.isEmpty ? key : "\(path).\(key)", diagnostics: diagnostics)
  }
}
