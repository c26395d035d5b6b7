import Hummingbird

/// Request context carrying the raw body once its Slack signature has been verified, so
/// handlers never read an unverified body.
struct BotRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Set by `SlackVerificationMiddleware`; nil on routes it does not guard.
    var verifiedSlackBody: ByteBuffer?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.verifiedSlackBody = nil
    }
}
