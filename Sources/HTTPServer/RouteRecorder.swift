import Synchronization

/// How a responder tells the server which route template matched, so the access log shows `/hubs/:hub_id`
/// rather than raw paths. The server binds a fresh slot around each `respond(to:)` call.
public enum RouteRecorder {
    @TaskLocal static var slot: RouteSlot?

    /// Records the template for the request being handled by the current task; a no-op outside the server.
    public static func record(_ template: String) {
        slot?.template.withLock { $0 = template }
    }
}

final class RouteSlot: Sendable {
    /// A `Mutex`, not a `Locked`: one is made per request, and it is set and read by that request's task only,
    /// so ThreadSanitizer sees no concurrent access to it (a `Locked` would cost two allocations per request).
    let template = Mutex<String?>(nil)
}
