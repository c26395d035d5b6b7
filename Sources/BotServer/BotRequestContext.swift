import Hummingbird

/// Request context carrying the raw body once its Slack signature has been verified, so
/// handlers never read an unverified body.
struct BotRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Set by `SlackVerificationMiddleware`; nil on routes it does not guard.
    var verifiedSlackBody: ByteBuffer?
    /// The verified request's signature: what a replay of it would carry again.
    var verifiedSignature: String?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.verifiedSlackBody = nil
    }
}
