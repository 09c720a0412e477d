/// The common decimal spellings parsed without a `String`: what `Double(String)` gives for them, exactly.
enum DecimalParsing {
    /// 10^0 ... 10^22, each exactly representable as a Double.
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var power = 1.0
        for _ in 0..<exponent { power *= 10 }
        return power
    }

    /// `-?digits(.digits)?` with at most 15 digits in all, as a Double; nil for any other spelling (exponents,
    /// spaces, a plus sign, more digits), which the caller parses the general way.
    ///
    /// A mantissa of at most 15 digits is exact in a Double, and so is a power of ten up to 10^22; one IEEE
    /// division of two exact values rounds correctly, so the result is the correctly rounded value of the text, as
    /// `Double(String)` returns.
    static func exactDouble(_ cell: UnsafeBufferPointer<UInt8>) -> Double? {
        let count = cell.count
        var index = 0
        var negative = false
        if count > 0, cell[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        }
        var mantissa: UInt64 = 0
        let integerStart = index
        while index < count {
            let digit = cell[index] &- 48
            if digit > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(digit)
            index += 1
        }
        let integerDigits = index - integerStart
        guard integerDigits > 0 else { return nil }
        var fractionDigits = 0
        if index < count {
            guard cell[index] == UInt8(ascii: ".") else { return nil }
            index += 1
            let fractionStart = index
            while index < count {
                let digit = cell[index] &- 48
                if digit > 9 { return nil }
                mantissa = mantissa &* 10 &+ UInt64(digit)
                index += 1
            }
            fractionDigits = index - fractionStart
            guard fractionDigits > 0 else { return nil }
        }
        guard integerDigits + fractionDigits <= 15 else { return nil }
        let value = Double(mantissa) / powersOfTen[fractionDigits]
        return negative ? -value : value
    }
}
