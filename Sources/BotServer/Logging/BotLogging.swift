import Logging

/// The bot's logging as `serve` sets it up, shared with the benchmark so that what is
/// measured is what runs in production.
public enum BotLogging {
    /// Routes every logger through one `LogWriter` at `level`, so no request waits for the
    /// terminal or a pipe. Close the returned writer before the process exits.
    public static func bootstrap(level: Logger.Level, format: BufferedLogHandler.Format) -> LogWriter {
        let output = LogWriter()
        LoggingSystem.bootstrap { label in
            var handler = BufferedLogHandler(label: label, writer: output, format: format)
            handler.logLevel = level
            return handler
        }
        return output
    }
}
