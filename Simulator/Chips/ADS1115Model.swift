import HAL
import Units

/// The TI ADS1115 ADC at register level, words MSB first (datasheet 8.6 "Register Map").
///
/// - 0x00 Conversion register: the last result, signed, clamped to -32768...32767.
/// - 0x01 Config register, default 0x8583. Writing it with OS = 1 and MODE = 1 (single-shot)
///   starts a conversion that completes 1/DR (8, 16, 32, 64, 128, 250, 475, 860 SPS for DR =
///   000..111) plus 10 µs later; meanwhile OS reads 0, then 1. The result is the input of the
///   MUX channel at the moment the conversion *started*, scaled by the PGA full scale (6.144,
///   4.096, 2.048, 1.024, 0.512 V for PGA = 000..100, 0.256 V above). Single-ended MUX =
///   100..111 only; other MUX settings convert to 0. In continuous mode (MODE = 0) the
///   Conversion register reads the input at the time of the read. A write with OS = 1 while a
///   conversion is in progress does not restart it.
/// - 0x02 Lo_thresh (default 0x8000), 0x03 Hi_thresh (default 0x7FFF): stored, not used.
/// Other pointer values read 0. A byte read returns a register's first byte; byte writes are
/// ignored (the chip takes two data bytes).
public final class ADS1115Model: WordRegisterDevice {
  public static let defaultConfig: UInt16 = 0x8583
  static let dataRates = [8.0, 16, 32, 64, 128, 250, 475, 860]
  static let fullScales = [6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256]

  /// The Config register as last written (OS excluded: it is computed).
  public private(set) var config: UInt16 = ADS1115Model.defaultConfig
  /// The Conversion register.
  public private(set) var conversion: Int16 = 0
  /// Conversions started so far (single-shot).
  public private(set) var conversionsStarted = 0

  private let clock: SimulatedClock
  private let input: (Int) -> Volts
  private var pending: (done: Instant, result: Int16)?
  private var loThreshold: UInt16 = 0x8000
  private var hiThreshold: UInt16 = 0x7FFF

  /// `input(n)` is the voltage on AINn (n in 0...3) against GND, now.
  public init(clock: SimulatedClock, input: @escaping (Int) -> Volts) {
    self.clock = clock
    self.input = input
  }

  /// Whether a single-shot conversion is in progress.
  public var isConverting: Bool {
    settle()
    return pending != nil
  }

  public func write(_ value: UInt16, to register: UInt8) {
    switch register {
    case 0x01:
      settle()
      config = value & ~0x8000
      let singleShot = value & 0x0100 != 0
      if value & 0x8000 != 0, singleShot, pending == nil {
        let rate = ADS1115Model.dataRates[Int(value >> 5 & 0b111)]
        let duration = Nanoseconds.seconds(1 / rate) + .microseconds(10)
        pending = (done: clock.now + duration, result: sample(config: value))
        conversionsStarted += 1
      }
    case 0x02: loThreshold = value
    case 0x03: hiThreshold = value
    default: break
    }
  }

  public func word(at register: UInt8) -> UInt16 {
    settle()
    switch register {
    case 0x00:
      if config & 0x0100 == 0 { conversion = sample(config: config) }
      return UInt16(bitPattern: conversion)
    case 0x01: return config | (pending == nil ? 0x8000 : 0)
    case 0x02: return loThreshold
    case 0x03: return hiThreshold
    default: return 0
    }
  }

  /// Completes the pending conversion if its time has come.
  private func settle() {
    guard let pending, clock.now >= pending.done else { return }
    conversion = pending.result
    self.pending = nil
  }

  /// The code for the channel and full scale `config` selects, from the input now.
  private func sample(config: UInt16) -> Int16 {
    let mux = Int(config >> 12 & 0b111)
    guard mux >= 0b100 else { return 0 }
    let fullScale = ADS1115Model.fullScales[Int(config >> 9 & 0b111)]
    let code = (input(mux - 0b100).value / fullScale * 32768).rounded()
    guard code.isFinite else { return code > 0 ? Int16.max : (code < 0 ? Int16.min : 0) }
    return Int16(min(max(code, -32768), 32767))
  }
}
