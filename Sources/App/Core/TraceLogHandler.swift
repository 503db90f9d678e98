public import Logging
import TraceContext

/// Puts the trace of the work under way (`RequestTrace.current`) into every log line the App writes as
/// `trace.id` and `span.id`, whatever handler the logger was made with, so a handler, the token refresher or the
/// webhook worker need not pass it along. The server's access log adds the same fields itself.
public struct TraceLogHandler: LogHandler {
    public var wrapped: any LogHandler

    /// `logger` with its handler wrapped.
    public static func tracing(_ logger: Logger) -> Logger {
        var logger = logger
        if !(logger.handler is TraceLogHandler) { logger.handler = TraceLogHandler(wrapped: logger.handler) }
        return logger
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        guard let trace = RequestTrace.current else { return wrapped.log(event: event) }
        var event = event
        var metadata = event.metadata ?? [:]
        if metadata["trace.id"] == nil {
            metadata["trace.id"] = "\(trace.traceIDHex)"
            metadata["span.id"] = "\(trace.spanIDHex)"
        }
        event.metadata = metadata
        wrapped.log(event: event)
    }
}
