extension FuzzTarget {
    /// Every decoder of outside input, in the order reports list them.
    public static func all(_ samples: FuzzSamples) -> [FuzzTarget] {
        [
            .formBody, .interaction, .eventsAPI, .socketMode, runbookYAML(samples), botYAML(samples), query(samples),
            .retryAfter, .webAPI,
        ]
    }
}
