import Simulator
import Units

/// What the simulated operator does at a given moment (`irectl simulate --operator KIND@WHEN`):
/// pause and abort as a console or a signal would, through the timing loop's command ring;
/// resume and acknowledge as the operator at the terminal would, for the pause or the latched
/// fault that stands at that moment (and for no later one). With `--fault`, any scenario the
/// explorer finds can be run again, and kept as a test, from the command line.
public struct OperatorAct: Sendable, Equatable, Hashable, CustomStringConvertible {
  public enum Kind: String, Sendable, CaseIterable, Hashable {
    case pause
    case resume
    case abort
    case acknowledge
  }

  public var kind: Kind
  public var when: FaultSpec.When

  public init(kind: Kind, when: FaultSpec.When) {
    self.kind = kind
    self.when = when
  }

  public struct ParseError: Error, CustomStringConvertible, Equatable {
    public var act: String
    public var problem: String
    public var description: String { "--operator \"\(act)\": \(problem)" }
  }

  public static let syntax =
    "KIND@WHEN, KIND one of \(Kind.allCases.map(\.rawValue).joined(separator: ", ")); WHEN one of "
    + FaultSpec.When.syntax

  /// Reads `KIND@WHEN`, e.g. `pause@t=40.0025`, `abort@pulse=12`, `resume@step=5120`.
  public init(parsing text: String) throws {
    let halves = text.split(separator: "@", maxSplits: 1).map(String.init)
    guard halves.count == 2 else { throw ParseError(act: text, problem: "expected \(OperatorAct.syntax)") }
    guard let kind = Kind(rawValue: halves[0]) else {
      throw ParseError(
        act: text,
        problem:
          "unknown act \"\(halves[0])\" (allowed: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    do {
      self.init(kind: kind, when: try FaultSpec.When(parsing: halves[1]))
    } catch {
      throw ParseError(act: text, problem: error.problem)
    }
  }

  /// The text `init(parsing:)` reads back to this act.
  public var description: String { "\(kind.rawValue)@\(when.text)" }
}
