extension TimingSettings {
  /// Reads `timing:`: how the timing thread is scheduled on this board.
  static func read(_ value: YAMLValue) -> TimingSettings? {
    guard let timing = value.mapping(keys: ["priority", "lock_memory", "require_realtime"]) else {
      return nil
    }
    let priority = timing.required("priority")?.integer(in: 1...99)
    let lock = timing.required("lock_memory")?.boolean
    let require = timing.required("require_realtime")?.boolean
    guard let priority, let lock, let require else { return nil }
    return TimingSettings(priority: priority, lockMemory: lock, requireRealtime: require)
  }
}
