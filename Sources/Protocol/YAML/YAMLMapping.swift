import Yams

/// A mapping of the document whose keys have been checked: unknown keys and repeated keys are
/// reported once, when the mapping is opened, and are then ignored.
struct YAMLMapping {
  let value: YAMLValue
  let allowedKeys: [String]
  /// Each known key once, in the order written, with its key node and value node.
  let entries: [(key: String, keyNode: Node, value: Node)]

  init(_ mapping: Node.Mapping, of value: YAMLValue, allowedKeys: [String]) {
    self.value = value
    self.allowedKeys = allowedKeys
    var entries: [(key: String, keyNode: Node, value: Node)] = []
    for (keyNode, child) in mapping {
      let keyPosition = TextPosition(keyNode.mark)
      let name = keyNode.string ?? ""
      let keyValue = value.child(keyNode, key: name)
      if let repeated = value.diagnostics.duplicateKeys[keyPosition] {
        let path = value.path.isEmpty ? repeated.name : "\(value.path).\(repeated.name)"
        value.diagnostics.report(
          at: keyPosition, path, "duplicated key (first given on line \(repeated.firstLine))")
      } else if case .scalar = keyNode, allowedKeys.contains(name) {
        entries.append((name, keyNode, child))
      } else {
        keyValue.report("unknown key", allowed: allowedKeys.joined(separator: ", "), found: name)
      }
    }
    self.entries = entries
  }

  var path: String { value.path }
  var position: TextPosition { value.position }

  /// The keys given (known ones only).
  var keys: [String] { entries.map(\.key) }

  func has(_ key: String) -> Bool { entries.contains { $0.key == key } }

  /// The value at `key`, if given.
  subscript(_ key: String) -> YAMLValue? {
    entries.first { $0.key == key }.map { value.child($0.value, key: key) }
  }

  /// The key node at `key`, for errors about the key itself (a key not allowed in this context).
  func keyValue(_ key: String) -> YAMLValue? {
    entries.first { $0.key == key }.map { value.child($0.keyNode, key: key) }
  }

  /// The value at `key`; a missing key is reported at the mapping.
  func required(_ key: String) -> YAMLValue? {
    guard let child = self[key] else {
      let path = value.path.isEmpty ? key : "\(value.path).\(key)"
      value.diagnostics.report(at: value.position, path, "missing key")
      return nil
    }
    return child
  }

  /// Reports, at the key, that it may not appear here; `reason` says why.
  func reject(_ key: String, _ reason: String) {
    keyValue(key)?.report(reason)
  }
}
