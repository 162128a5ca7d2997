/// The keys every configuration file starts with: `format`, `name` and `description`.
struct FileHeader {
  var format: Int
  var name: String
  var description: String?

  /// Reads the header from the top-level mapping; `nil` (with errors reported) if it is unusable.
  /// `supported` are the formats this controller reads for the kind of file.
  init?(_ top: YAMLMapping, supported: [Int] = [1]) {
    let format = top.required("format").flatMap { value -> Int? in
      guard let format = value.integer else { return nil }
      guard supported.contains(format) else {
        value.report(
          "unsupported format", allowed: supported.map(String.init).joined(separator: ", "),
          found: value.written)
        return nil
      }
      return format
    }
    let name = top.required("name")?.identifier
    var description: String?
    if let value = top["description"] {
      guard let text = value.string else { return nil }
      description = text
    }
    guard let format, let name else { return nil }
    self.format = format
    self.name = name
    self.description = description
  }
}
