import Testing

@Test func JSONTestsPlaceholder() {}
