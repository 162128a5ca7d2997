/// The keys every configuration file starts with: `format`, `name` and `description`.
struct FileHeader {
  /// The only format this controller reads.
  static let supportedFormat = 1

  var format: Int
  var name: String
  var description: String?

  /// Reads the header from the top-level mapping; `nil` (with errors reported) if it is unusable.
  init?(_ top: YAMLMapping) {
    let format = top.required("format").flatMap { value -> Int? in
      guard let format = value.integer else { return nil }
      guard format == Self.supportedFormat else {
        value.report("unsupported format", allowed: "\(Self.supportedFormat)", found: value.written)
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
