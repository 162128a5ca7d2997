/// The controller software's version, as the record stores it with every session.
public enum Version {
  public static let current = "0.5.0"
}
