// libFuzzer target: JSON parsing and the request bodies of the Domain (CreateEndUserConnection first),
// compiled together with Sources/Domain by fuzz/build.sh (module JSON is built separately and imported).
// Oracles: a parsed document serialises and re-parses to the same value; decoding either succeeds or
// reports issues that each name a field and never quote a secret-bearing input verbatim.
import JSON

/// Key checks are OpenSSL's job in App; here every certificate and key is taken as fine.
private struct AcceptingKeyMaterial: KeyMaterialChecking {
    func certificateProblem(certificatePEM: String, privateKeyPEM: String, caPEM: String) -> String? { nil }
    func isUsableRSAPrivateKey(_ bytes: [UInt8]) -> Bool { true }
}

private func checkRoundTrip(_ value: JSONValue) {
    let compact = value.serialized()
    let again = try? JSONValue.parse(compact, maxDepth: 1000)
    check(again != nil, "serialised document does not parse: \(String(decoding: compact, as: UTF8.self))")
    check(again == value, "round trip changed the value: \(String(decoding: compact, as: UTF8.self))")
    let pretty = value.prettySerialized()
    check((try? JSONValue.parse(pretty, maxDepth: 1000)) == value, "pretty round trip changed the value")
}

private func checkIssues(_ failure: ValidationFailure) {
    check(!failure.issues.isEmpty, "a ValidationFailure without issues")
    for issue in failure.issues {
        check(!issue.message.isEmpty, "an issue without a message for \(issue.field)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func connectionBodyFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    checkRoundTrip(value)
    let keys = AcceptingKeyMaterial()
    do {
        let request = try CreateEndUserConnectionRequest.decode(value, keyMaterial: keys)
        check(!request.connection.name.isEmpty, "accepted an empty connection name")
    } catch {
        checkIssues(error)
    }
    do { _ = try EndUserCreate.decode(value, keyMaterial: keys) } catch { checkIssues(error) }
    do { _ = try ConnectorCreate.decode(value) } catch { checkIssues(error) }
    do { _ = try HubCreate.decode(value) } catch { checkIssues(error) }
    do { _ = try HubUpdate.decode(value) } catch { checkIssues(error) }
    return 0
}
