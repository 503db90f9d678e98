import Testing

@Test func CryptographyTestsPlaceholder() {}
