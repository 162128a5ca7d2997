/// An ADS1115 input, measured single-ended against GND (Config register MUX = 100..111).
public enum ADCChannel: Int, Sendable, CaseIterable {
  case ain0, ain1, ain2, ain3
}
