/// Seconds as a `Double`, for timings, reports and limits: one conversion instead of a private helper per module.
extension Duration {
    /// This duration in seconds.
    public var inSeconds: Double { self / .seconds(1) }
}

extension ContinuousClock.Instant {
    /// Seconds from this instant to now.
    public var secondsElapsed: Double { (ContinuousClock.now - self).inSeconds }
}
