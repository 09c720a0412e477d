import B2SigV4

extension CivilDate {
    /// `YYYY-MM-DD HH:MM:SS[.fraction]` of a timestamp, the fraction only when not zero (as pandas prints).
    /// - Parameters:
    ///   - ticks: The time since 1970 in `unit`s.
    ///   - unit: What one tick is.
    public static func text(ticks: Int64, unit: TimeUnit) -> String {
        let perSecond = unit.perSecond
        var seconds = ticks / perSecond
        var fraction = ticks % perSecond
        if fraction < 0 {
            fraction += perSecond
            seconds -= 1
        }
        let (days, secondOfDay) = split(seconds: seconds)
        var text = "\(Self.text(days: days)) \(time(secondOfDay: secondOfDay))"
        if fraction != 0 {
            let digits = String(perSecond).count - 1
            text += "." + padded(fraction, digits)
        }
        return text
    }
}
