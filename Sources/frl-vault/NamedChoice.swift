internal import ArgumentParser

/// An option whose values are an enum's String raw values (`--format`, `--kdf`). The library's
/// default implementations reach those names by interpolating a generic value, whose run-time
/// type checks cost more than the rest of a verb's argument parsing; these read them directly.
/// (Same values, same help: the descriptions equal the names, which the library then omits.)
protocol NamedChoice: ExpressibleByArgument, CaseIterable, RawRepresentable where RawValue == String {}

extension NamedChoice {
    static var allValueStrings: [String] { allCases.map(\.rawValue) }
    static var allValueDescriptions: [String: String] { [:] }
    var defaultValueDescription: String { rawValue }
}
