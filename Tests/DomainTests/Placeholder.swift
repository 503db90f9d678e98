import Testing

@Test func DomainTestsPlaceholder() {}
