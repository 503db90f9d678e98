import Testing

@Test func HTTP1TestsPlaceholder() {}
