public import Cryptography
public import JSON
public import Postgres

/// Seals a credential's secret fields for storage and opens them again. The associated data binds each blob to
/// its organisation and credential id, so a blob copied onto another row (or another tenant's row) fails to open;
/// the key version is bound by `KeyRing` itself.
public struct CredentialVault: Sendable {
    public let keyRing: KeyRing

    public init(keyRing: KeyRing) { self.keyRing = keyRing }

    /// `credential:v1|<organisationId>|<credentialId>`.
    public static func associatedData(organisationID: String, credentialID: String) -> [UInt8] {
        Array("credential:v1|\(organisationID)|\(credentialID)".utf8)
    }

    /// The secret fields as compact JSON, sealed under the newest key.
    public func seal(_ secretData: JSONObject, organisationID: String, credentialID: String) throws -> SealedSecrets {
        let plaintext = JSONValue.object(secretData).serialized()
        let bytes = try keyRing.seal(
            plaintext, associatedData: Self.associatedData(organisationID: organisationID, credentialID: credentialID))
        return SealedSecrets(bytes: bytes, keyVersion: keyRing.currentVersion)
    }

    /// The secret fields of a stored credential. Only rotation and the uses of a credential need this
    /// (`UsableConnectionStore`: `/access`, which hands them to a `connections:access` key and audits it, and the
    /// proxy); every other response shows secrets as `""`.
    public func open(_ sealed: [UInt8], organisationID: String, credentialID: String) throws -> JSONObject {
        let plaintext = try keyRing.open(
            sealed, associatedData: Self.associatedData(organisationID: organisationID, credentialID: credentialID))
        guard case .object(let object) = try JSONValue.parse(plaintext) else { throw VaultError.notAnObject }
        return object
    }

    /// Opens a blob under whichever key sealed it and seals it again under the newest key.
    public func reseal(_ sealed: [UInt8], organisationID: String, credentialID: String) throws -> SealedSecrets {
        let secrets = try open(sealed, organisationID: organisationID, credentialID: credentialID)
        return try seal(secrets, organisationID: organisationID, credentialID: credentialID)
    }
}

/// A sealed blob and the key version that sealed it (stored in `credentials.key_version` for rotation).
public struct SealedSecrets: Sendable, Equatable, CustomStringConvertible {
    public var bytes: [UInt8]
    public var keyVersion: String
    public var description: String { "SealedSecrets(\(keyVersion), \(bytes.count) bytes)" }
}

public enum VaultError: Error, Sendable, CustomStringConvertible {
    case notAnObject
    public var description: String { "the opened credential secrets are not a JSON object" }
}

extension CredentialVault {
    /// The secret fields of a `credentials` row read with its `id`, `organisation_id` and `sealed_secrets` columns.
    public func open(_ row: Row) throws -> JSONObject {
        try open(try row.bytes("sealed_secrets"), organisationID: try row.string("organisation_id"), credentialID: try row.string("id"))
    }
}
