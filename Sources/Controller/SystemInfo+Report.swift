import Foundation

extension SystemInfo {
  /// The report as one JSON object: every field present, `null` where nothing could be read
  /// (a missing file, a limit without bound is the string "unlimited").
  public var json: [String: Any] {
    func value(_ optional: Any?) -> Any { optional ?? NSNull() }
    func limit(_ limit: Limit) -> [String: Any] {
      [
        "soft": limit.soft.map { $0 as Any } ?? "unlimited",
        "hard": limit.hard.map { $0 as Any } ?? "unlimited",
      ]
    }
    return [
      "irectl": ["version": version, "build": build, "compiler": compiler],
      "kernel": [
        "release": value(kernelRelease), "version": value(kernelVersion), "command_line": value(commandLine),
        "preemption": preemption, "realtime": realtimeKernel,
      ],
      "limits": ["rtprio": limit(rtprio), "memlock_bytes": limit(memlock)],
      "libgpiod": libgpiod,
      "gpiochips": gpiochips.map { chip -> [String: Any] in
        [
          "name": chip.name, "device": chip.device, "label": value(chip.label),
          "problem": value(chip.problem),
          "lines": chip.lines.map { ["offset": $0.offset, "name": $0.name, "consumer": $0.consumer] },
        ]
      },
      "i2c_buses": i2cBuses.map { bus -> [String: Any] in
        ["name": bus.name, "adapter": value(bus.adapter), "device": bus.device, "access": bus.access]
      },
      "board": [
        "path": board.path, "exists": board.exists, "sha256": value(board.sha256), "name": value(board.name),
        "backend": value(board.backend), "problem": value(board.problem),
      ],
      "record": [
        "path": record.path, "exists": record.exists, "size_bytes": value(record.sizeBytes),
        "sessions": value(record.sessions), "problem": value(record.problem),
        "last_session": record.last.map { last -> Any in
          [
            "id": last.session, "started_at": last.startedAt, "outcome": last.outcome,
            "simulated": last.simulated,
          ]
        } ?? NSNull(),
      ],
      "selftest": selftest.map { kept -> Any in
        [
          "time": kept.verdict.time, "fit_to_treat": kept.verdict.fitToTreat, "checks": kept.verdict.checks,
          "failed": kept.verdict.failed, "board": kept.verdict.board,
          "board_sha256": value(kept.verdict.boardSHA256), "user": kept.verdict.user, "file": kept.path,
        ]
      } ?? NSNull(),
    ]
  }

  /// The report as a service engineer reads it, one subject a line.
  public var text: String {
    func limit(_ limit: Limit, _ unit: String = "") -> String {
      func show(_ value: UInt64?) -> String { value.map { "\($0)\(unit)" } ?? "unlimited" }
      return "\(show(limit.soft)) (hard \(show(limit.hard)))"
    }
    func row(_ name: String, _ detail: String) -> String {
      name.padding(toLength: 14, withPad: " ", startingAt: 0) + detail
    }
    var lines = [
      row("irectl", "\(version) (\(build) build, \(compiler))"),
      row("kernel", [kernelRelease, kernelVersion].compactMap { $0 }.joined(separator: " ")),
      row("command line", commandLine ?? "unknown"),
      row("preemption", preemption + (realtimeKernel ? " (real-time kernel)" : " (not a real-time kernel)")),
      row("rtprio", limit(rtprio)),
      row("memlock", limit(memlock, " bytes")),
      row("libgpiod", libgpiod),
    ]
    if gpiochips.isEmpty { lines.append(row("gpiochips", "none")) }
    for chip in gpiochips {
      if let problem = chip.problem {
        lines.append(row(chip.name, (chip.label.map { "\($0): " } ?? "") + problem))
        continue
      }
      let named = chip.lines.filter { !$0.name.isEmpty }
      lines.append(
        row(chip.name, "\(chip.label ?? "?"), \(chip.lines.count) lines, \(named.count) named"))
      for line in named {
        lines.append(
          row(
            "", "  \(line.offset) \(line.name)" + (line.consumer.isEmpty ? "" : " (used by \(line.consumer))")
          ))
      }
    }
    if i2cBuses.isEmpty { lines.append(row("i2c buses", "none (is i2c-dev loaded?)")) }
    for bus in i2cBuses {
      lines.append(
        row(bus.name, "\(bus.adapter ?? "?"), \(bus.device) \(bus.access ? "read-write" : "not accessible")"))
    }
    lines.append(
      row(
        "board",
        board.path
          + (!board.exists
            ? " (missing)"
            : " sha256 \(board.sha256 ?? "?")"
              + (board.problem.map { ", invalid: \($0)" }
                ?? " (\(board.name ?? "?"), backend \(board.backend ?? "?"))"))
      ))
    var recordDetail = record.path
    if !record.exists {
      recordDetail += " (none yet)"
    } else if let problem = record.problem {
      recordDetail += ", \(record.sizeBytes ?? 0) bytes: \(problem)"
    } else {
      recordDetail += ", \(record.sizeBytes ?? 0) bytes, \(record.sessions ?? 0) sessions"
      if let last = record.last {
        recordDetail +=
          "; last \(last.session) \(last.startedAt) \(last.outcome)"
          + (last.simulated ? " (simulated)" : "")
      }
    }
    lines.append(row("record", recordDetail))
    if let (path, verdict) = selftest {
      lines.append(
        row(
          "last selftest",
          "\(verdict.time) \(verdict.fitToTreat ? "FIT TO TREAT" : "NOT FIT TO TREAT")"
            + " (\(verdict.checks) checks, \(verdict.failed) failed) by \(verdict.user), board \(verdict.board)"
            + " [\(path)]"))
    } else {
      lines.append(row("last selftest", "none kept"))
    }
    return lines.joined(separator: "\n")
  }
}
