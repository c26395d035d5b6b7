import Slack

/// The largest input each decoder can be handed in production: the fuzzer's repetitions
/// go up to these and no further, since a larger input never reaches the decoder.
/// `FuzzTests` checks the ones it can read from the product, so they cannot drift apart.
public enum FuzzLimits {
    /// `BotConfiguration.maxBodySize`: slash commands, interactions and Events API bodies.
    public static let httpBody = 64 * 1024
    /// `SocketModeService` reads messages of at most `SocketModeEnvelope.maximumMessageSize`.
    public static let socketModeMessage = SocketModeEnvelope.maximumMessageSize
    /// `SlackWebAPI` reads an answer of at most `SlackWebAPI.maximumAnswerSize`.
    public static let webAPIAnswer = SlackWebAPI.maximumAnswerSize
    /// NIOHTTP1's parser refuses a header block over 80 KiB, so no header value is longer.
    public static let headerValue = 80 * 1024
    /// Runbooks and `bot.yaml` are files the operator writes, read once at start, with no
    /// limit of their own; the sample runbook is 18 KiB. Loading costs the same per byte at
    /// any size (about 3 µs in a debug build), so 128 KiB, seven times the sample, shows
    /// anything worse than linear without making every large input slow.
    public static let configFile = 128 * 1024
    /// Slack's "very long single word" worst case: 60,000 letters fit in one signed body.
    public static let longWord = 60_000
}
