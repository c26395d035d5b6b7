/// How bad an incident is. `critical` is the runbook's critical path: customer-facing or
/// financial impact, everything at once.
public enum IncidentSeverity: String, Codable, CaseIterable, Sendable, Comparable {
    case critical, sev1, sev2, sev3, sev4

    /// The severity a failure mode's runbook severity implies.
    public init(_ severity: Severity) {
        switch severity {
        case .critical: self = .critical
        case .high: self = .sev2
        case .medium: self = .sev3
        case .low: self = .sev4
        }
    }

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}
