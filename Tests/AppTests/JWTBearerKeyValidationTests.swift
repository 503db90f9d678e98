@testable import App
import Cryptography
import Domain
import JSON
import Logging
import Postgres
import Testing

/// An RS* jwt-bearer secret taken through CreateEndUserConnection's decoding with the server's OpenSSL checks:
/// each way a key can be unusable gets its own message at the secret's field path. No database needed.
@Suite struct JWTBearerKeyValidationTests {
    static let secretField = "connection.credentials.action[0].credential.data.secret"

    /// `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 | openssl pkey -outform DER | base64 -w0`
    static let rsa1024DERBase64 =
        "MIICXAIBAAKBgQDUXnCrgeLnwLzYXNpHoxQ5+WWgnq2jVvb5Xg99PZ/Gy2qGk/QkB07hd93Yy8LqpzfNxz3OJrzUfTciObvQJTm0dkmYX780tHOpCGu+Cnr2yAe8O4OBSAO1XfOncFBX9fKEIUsVwQa/gVk2I6J9MIFG+MoJCjYDtWQapSPX/TX1awIDAQABAoGAfpdVHkcslO1FJMwkqbNCaVSLCfXMl6NNUVSKcyN6zKuQ8mvbimZ41Nn4+jRsGihXkWiFJQ/eW+PQK6yykd6+yAgAOobMLtTaBluo9mqiG4eB2JWmof01GatinlZBdPcG1ToWAz6lULdaQ1YRUrHAUcyb62AzW2rEPk2RCG06IyECQQDsl0vFNymE9PSbnJSrcr2D6bg3W/v2YybtUPNmf+DMEF5K5inOWVz8xoaXeypHuDKzsPmwn+CVmT3uiM9oKAcpAkEA5cpzPyAW0SA94hLDEXecWaQ1KshwXQWz9ZgkQm8G/GgkY8l5uYFQPmJBI+C0H25SqV+6Td1pB+pcrolhN3KOcwJABF4+veNo1tWW9pCLhibWLOtRxWPjYQcvns4R0GCoC9x5gTSCrRalSt13erCBdVWHSh4IXiR1hw2PQSoxeiDTEQJAQ9/e1sCFvNPHM6XTFK+98QR959s4xWFP3LVJ0I23BItGZGs4l0DJEQQ4tX5D9hzCMeFiyGkkAwCIy80seBJQXQJBANovJHH9s7TPm9aSxMM9X6AOovT+UN2q0lsZthhWddtl9BbHMqrrhI8xI7j5BcS83kTJy5wWRGFf7xvNUPGdMJ8="
    /// `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 | openssl pkey -outform DER | base64 -w0`
    static let ecP256DERBase64 =
        "MHcCAQEEIAot7fYm/9b4R9yOnaqtdqB4KAVb6a2Cgv6+2ErcpvnFoAoGCCqGSM49AwEHoUQDQgAEhsyZxDptFzV+jlV5vP6mfsH3qhGQ52GyRM8KDhkROq9vwFvJERNMeoFCwNPoBBhIRtQaN4Dr4AsD/QtHTyIQ3Q=="

    /// The benchmark's RSA-2048 PKCS#8 key with one bit of its private exponent d flipped (d spans bytes 303–558).
    static var corruptedRSA2048DERBase64: String {
        var key = Base64.decode(BenchmarkKeyMaterial.clientKeyDERBase64)!
        key[400] ^= 0x01
        return Base64.encode(key)
    }

    @Test func aUsableRSA2048KeyPasses() async throws {
        #expect(try await refusal(secret: BenchmarkKeyMaterial.clientKeyDERBase64) == nil)
    }

    @Test(arguments: [
        (rsa1024DERBase64, "must be an RSA key of 2048 to 4096 bits; this one has 1024"),
        (ecP256DERBase64, "must be an RSA private key; this is another kind of key"),
        (corruptedRSA2048DERBase64, "must be a consistent RSA private key; its parts do not belong together"),
        ("c2VjcmV0", "must be a base64-encoded, unencrypted RSA private key (PEM or DER)"),
    ])
    func anUnusableKeyIsRefusedWithItsReason(secret: String, message: String) async throws {
        let error = try #require(try await refusal(secret: secret))
        #expect(error.code == .validationFailed)
        #expect(error.fields == [APIError.Field(field: Self.secretField, message: message)])
    }

    /// The APIError CreateEndUserConnection answers for a body whose RS256 jwt-bearer credential has `secret`.
    private func refusal(secret: String) async throws -> APIError? {
        var data = try #require(BenchmarkBodies.data(.jwtBearer).objectValue)
        data["secret"] = .string(secret)
        let credential: JSONValue = ["name": "jwt", "type": "jwt-bearer", "data": .object(data)]
        let body: JSONValue = [
            "connectorId": "01JDQ8Z7M4V3X2W1T0S9R8Q7P6",
            "connection": Bodies.connection(
                name: "primary", action: [Bodies.entry(BenchmarkBodies.scheme(for: .jwtBearer), credential)]),
        ]
        // The server's own context, so its own `OpenSSLKeyMaterial`; the pool connects lazily, so never here.
        let context = try Application.makeContext(
            configuration: AppConfiguration(
                databaseURL: "postgresql:///unused?host=/nonexistent",
                credentialKeys: KeyRing.generateKeySpecification(version: "test")),
            logger: Logger(label: "test"))
        defer { context.database.shutdown() }
        let object = try #require(body.objectValue)
        do {
            _ = try await KeyMaterialOffLoop.decode(checkingWith: context.keyMaterial) { keyMaterial throws(APIError) in
                try APIError.decoding { () throws(ValidationFailure) in
                    try CreateEndUserConnectionRequest.decode(.object(object), keyMaterial: keyMaterial)
                }
            }
            return nil
        } catch let error as APIError {
            return error
        }
    }
}
