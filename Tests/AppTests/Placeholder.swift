import Testing

@Test func AppTestsPlaceholder() {}
