/// The GS1 standard check digit (GS1 General Specifications 7.9.1) over a string of digits.
public enum GS1CheckDigit {
    /// The check digit for `digits` (weights 3,1,3,... from the right); nil if any byte is not a digit.
    public static func compute(_ digits: some StringProtocol) -> Character? {
        var sum = 0
        var weight = 3
        for c in digits.utf8.reversed() {
            guard c >= 0x30, c <= 0x39 else { return nil }
            sum += Int(c - 0x30) * weight
            weight = 4 - weight
        }
        return Character(String((10 - sum % 10) % 10))
    }

    /// Whether the last digit of `key` is the check digit of the ones before it.
    public static func isValid(_ key: some StringProtocol) -> Bool {
        guard let last = key.last, key.count >= 2 else { return false }
        return compute(key.dropLast()) == last
    }
}
