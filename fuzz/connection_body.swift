// libFuzzer target: JSON parsing and the request bodies of the Domain (CreateEndUserConnection first),
// compiled together with Sources/Domain by fuzz/build.sh (module JSON is built separately and imported).
// Oracles: a parsed document serialises and re-parses to the same value; decoding either succeeds or
// reports issues, each with a message, none quoting a string given under a secret-named field.
import JSON

/// Key checks are OpenSSL's job in App; here every certificate and key is taken as fine.
private struct AcceptingKeyMaterial: KeyMaterialChecking {
    func certificateProblem(certificatePEM: String, privateKeyPEM: String, caPEM: String) -> String? { nil }
    func rsaPrivateKeyProblem(_ bytes: [UInt8]) -> String? { nil }
}

private func checkRoundTrip(_ value: JSONValue) {
    let compact = value.serialized()
    let again = try? JSONValue.parse(compact, maxDepth: 1000)
    check(again != nil, "serialised document does not parse: \(String(decoding: compact, as: UTF8.self))")
    check(again == value, "round trip changed the value: \(String(decoding: compact, as: UTF8.self))")
    let pretty = value.prettySerialized()
    check((try? JSONValue.parse(pretty, maxDepth: 1000)) == value, "pretty round trip changed the value")
}

/// Names of credential data fields that hold secrets (CONTRACT.md); their values must never be echoed.
private let secretKeys: Set<String> = [
    "value", "valueBase64", "password", "clientSecret", "code", "refreshToken", "accessToken", "key", "secret", "data",
]

/// Strings given directly under a secret-named key. Short ones and plain vocabulary-like words (only a-z, '-'
/// and '_', such as "jwt-bearer") are skipped: messages may rightly list allowed values that look like them.
private func secretStrings(in value: JSONValue, underSecret: Bool = false, into found: inout [String]) {
    switch value {
    case .string(let text) where underSecret && text.utf8.count >= 8:
        if !text.utf8.allSatisfy({ $0 >= 97 && $0 <= 122 || $0 == 45 || $0 == 95 }) { found.append(text) }
    case .array(let items): for item in items { secretStrings(in: item, underSecret: underSecret, into: &found) }
    case .object(let object):
        for (key, member) in object {
            secretStrings(in: member, underSecret: secretKeys.contains(key), into: &found)
        }
    default: break
    }
}

/// Every object key anywhere in the input.
private func keyNames(in value: JSONValue, into found: inout [String]) {
    switch value {
    case .array(let items): for item in items { keyNames(in: item, into: &found) }
    case .object(let object):
        for (key, member) in object {
            found.append(key)
            keyNames(in: member, into: &found)
        }
    default: break
    }
}

/// Whether `text` shows `secret`: a secret that is one word (letters, digits, '-', '_') must stand as a whole
/// word, so one that is merely part of a field name the message or path rightly uses is not counted (found by
/// the fuzzer: "authSche" in "authSchemeConfig", "authSchemeConfiga" in the input's own key
/// "credentiauthSchemeConfigal"); any other secret counts wherever it appears.
private func shows(_ text: String, _ secret: String) -> Bool {
    guard text.contains(secret) else { return false }
    let isWordCharacter = { (c: Character) in c.isLetter || c.isNumber || c == "-" || c == "_" }
    guard secret.allSatisfy(isWordCharacter) else { return true }
    return text.split(whereSeparator: { !isWordCharacter($0) }).contains { $0 == secret }
}

/// `value` with every string equal to `secret` replaced by one as long that no schema spells.
private func replacing(_ secret: String, in value: JSONValue) -> JSONValue {
    switch value {
    case .string(let text) where text == secret: .string(String(repeating: "Q", count: secret.count))
    case .array(let items): .array(items.map { replacing(secret, in: $0) })
    case .object(let object): .object(JSONObject(object.map { ($0, replacing(secret, in: $1)) }))
    default: value
    }
}

/// `decodeWithout(secret)` decodes the input again with that secret replaced: an issue that shows a secret is
/// a leak only if it changes with it. One that comes back the same spells a schema's own name that the secret
/// happens to equal (found by the fuzzer: an accessToken "authSchemeConfigs", and a connector's path
/// `authSchemeConfigs`).
private func checkIssues(
    _ failure: ValidationFailure, secrets: [String], decodeWithout: (String) -> ValidationFailure?
) {
    check(!failure.issues.isEmpty, "a ValidationFailure without issues")
    for issue in failure.issues {
        check(!issue.message.isEmpty, "an issue without a message for \(issue.field)")
        for secret in secrets where shows(issue.message, secret) || shows(issue.field, secret) {
            check(decodeWithout(secret)?.issues.contains(issue) == true,
                  "an issue at \(issue.field) quotes a value given under a secret field")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func connectionBodyFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    checkRoundTrip(value)
    let keyMaterial = AcceptingKeyMaterial()
    var secrets: [String] = []
    secretStrings(in: value, into: &secrets)
    // Paths and messages rightly name the input's own keys: a secret that is also part of a key name cannot be
    // told apart from it (found by the fuzzer three times: "authSche" beside a mutated "authSche[eConfig" key).
    var keys: [String] = []
    keyNames(in: value, into: &keys)
    secrets.removeAll { secret in keys.contains { $0.contains(secret) } }
    let decoders: [(JSONValue) -> ValidationFailure?] = [
        { value in
            do throws(ValidationFailure) {
                let request = try CreateEndUserConnectionRequest.decode(value, keyMaterial: keyMaterial)
                check(!request.connection.name.isEmpty, "accepted an empty connection name")
                return nil
            } catch { return error }
        },
        { value in do throws(ValidationFailure) { _ = try EndUserCreate.decode(value, keyMaterial: keyMaterial); return nil } catch { return error } },
        { value in do throws(ValidationFailure) { _ = try ConnectorCreate.decode(value); return nil } catch { return error } },
        { value in do throws(ValidationFailure) { _ = try HubCreate.decode(value); return nil } catch { return error } },
        { value in do throws(ValidationFailure) { _ = try HubUpdate.decode(value); return nil } catch { return error } },
    ]
    for decode in decoders {
        guard let failure = decode(value) else { continue }
        checkIssues(failure, secrets: secrets) { secret in decode(replacing(secret, in: value)) }
    }
    return 0
}
