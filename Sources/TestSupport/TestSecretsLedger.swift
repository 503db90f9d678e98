import Domain
import Foundation
public import JSON
import Locking

/// Every secret the tests hand to the server (credential secret fields, `grant.clientSecret`, API keys), written
/// to the file named by `TEST_SECRETS_FILE` when it is set, one base64 line per fragment. `scripts/test.sh` reads
/// it after the whole run and searches a `pg_dump` of the test database for each: none may be stored in clear.
///
/// A secret is recorded as its fragments between characters that a dump escapes (quotes, backslashes, control
/// characters), so a PEM key stored as JSON text, `\n` and all, would still be found; fragments under 8
/// characters are left out, being too likely to occur anywhere by chance.
public enum TestSecretsLedger {
    static let minimumFragment = 8
    private static let file = Locked<FileHandle?>(openLedger())

    private static func openLedger() -> FileHandle? {
        guard let path = ProcessInfo.processInfo.environment["TEST_SECRETS_FILE"], !path.isEmpty else { return nil }
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = FileHandle(forWritingAtPath: path)
        handle?.seekToEndOfFile()
        return handle
    }

    /// Records the secrets in a request body about to be sent (any JSON the server might store).
    public static func recordSecrets(inRequestBody body: JSONValue) {
        var found: [String] = []
        collect(body, into: &found)
        record(found)
    }

    /// `recordSecrets(inRequestBody:)` for raw bytes; bodies that are not JSON hold nothing to record.
    public static func recordSecrets(inRequestBody bytes: [UInt8]) {
        guard !bytes.isEmpty, let body = try? JSONValue.parse(bytes) else { return }
        recordSecrets(inRequestBody: body)
    }

    /// Records secrets known some other way (an API key made for a test).
    public static func record(_ secrets: [String]) {
        let fragments = secrets.flatMap(fragments(of:))
        guard !fragments.isEmpty else { return }
        let lines = fragments.map { Data($0.utf8).base64EncodedString() + "\n" }.joined()
        file.withLock { $0?.write(Data(lines.utf8)) }
    }

    static func fragments(of secret: String) -> [String] {
        secret.unicodeScalars.split { $0 == "\"" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }
            .map { String(String.UnicodeScalarView($0)) }
            .filter { $0.unicodeScalars.count >= minimumFragment }
    }

    private static func collect(_ value: JSONValue, into found: inout [String]) {
        switch value {
        case .object(let object):
            if case .string(let typeName)? = object["type"], let type = CredentialType(rawValue: typeName),
               case .object(let data)? = object["data"] {
                for field in type.secretFields { if let secret = data[field] { strings(in: secret, into: &found) } }
            }
            if case .string(let clientSecret)? = object["clientSecret"] { found.append(clientSecret) }
            for (_, member) in object { collect(member, into: &found) }
        case .array(let items):
            for item in items { collect(item, into: &found) }
        default:
            break
        }
    }

    private static func strings(in value: JSONValue, into found: inout [String]) {
        switch value {
        case .string(let text): found.append(text)
        case .array(let items): for item in items { strings(in: item, into: &found) }
        case .object(let object): for (_, member) in object { strings(in: member, into: &found) }
        default: break
        }
    }
}
