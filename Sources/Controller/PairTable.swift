import Protocol
import Sequencer
import Units

/// The table `irectl simulate` ends with: one row per pair, what was delivered and how the
/// current behaved over the pair's train.
public enum PairTable {
  public static func render(plan: TreatmentProtocol, pulses: [DeliveredPulse], skipped: [SkippedBeat])
    -> String
  {
    let header = ["pair", "voltage", "test", "therapy", "skipped", "first A", "last A", "mean A", "rise A"]
    var rows: [[String]] = []
    for (index, pair) in plan.pairs.enumerated() {
      let mine = pulses.filter { $0.pair == index }
      let therapy = mine.filter { $0.kind == .therapy }
      // Currents of the measured pulses; a pulse that could not be measured still counts.
      let measuredTherapy = therapy.compactMap { $0.current?.value }
      let currents = therapy.isEmpty ? mine.compactMap { $0.current?.value } : measuredTherapy
      let first = currents.first
      let last = currents.last
      let mean = currents.isEmpty ? nil : currents.reduce(0, +) / Double(currents.count)
      rows.append([
        pair.label, "\(Int(pair.voltage.value.rounded())) V",
        "\(mine.filter { $0.kind == .test }.count)/\(plan.test.pulses)",
        "\(therapy.count)/\(plan.therapy.pulses)",
        "\(skipped.filter { $0.pair == index }.count)",
        amps(first), amps(last), amps(mean), amps(first.flatMap { f in last.map { $0 - f } }),
      ])
    }
    let widths = header.indices.map { column in
      ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { column, cell in
        let pad = String(repeating: " ", count: widths[column] - cell.count)
        return column == 0 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }
    return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line))
      .joined(separator: "\n")
  }

  private static func amps(_ value: Double?) -> String {
    guard let value else { return "-" }
    return String(format: "%.1f", value)
  }
}

#if canImport(Foundation)
  import Foundation
#endif
