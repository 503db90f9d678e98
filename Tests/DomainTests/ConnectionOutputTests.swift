import Domain
import JSON
import Testing

struct ConnectionOutputTests {
    @Test func connectionSerialisesInTheReferenceShapeWithoutSecrets() throws {
        let validated = try ValidatedCredential.validate(
            name: "key", type: .string, data: ["value": "api-key-secret"], keyMaterial: StubKeyMaterial())
        let id = ULID("01JDQ8Z7M4V3X2W1T0S9R8Q7P6")!
        let time = Timestamp(rfc3339: "2026-11-29T03:35:06.123456Z")!
        let credential = Credential(id: id, organisationId: id, name: validated.name, type: validated.type,
            publicData: validated.publicData)
        let scheme = try AuthSchemeConfig.decode(Fixtures.scheme("api-key"))
        let connection = Connection(id: id, name: "primary", variables: [ConnectionVariable(name: "a", value: "b")],
            action: [ConnectionCredential(id: id, authSchemeConfig: scheme, credential: credential)], trigger: [],
            createdAt: time, updatedAt: time)
        let text = String(decoding: connection.jsonValue.serialized(), as: UTF8.self)
        let u = "01JDQ8Z7M4V3X2W1T0S9R8Q7P6"
        #expect(text == #"{"id":"\#(u)","name":"primary","credentials":{"action":[{"id":"\#(u)","authSchemeConfig":"#
            + #"{"id":"s1","description":"test","schemeType":"api-key","name":"X-Key","in":"header","validationMessages":[]},"#
            + #""credential":{"id":"\#(u)","organisationId":"\#(u)","name":"key","type":"string","data":{"value":""},"errors":[]}}],"#
            + #""trigger":[]},"variables":[{"name":"a","value":"b"}],"createdAt":"2026-11-29T03:35:06.123456Z","#
            + #""updatedAt":"2026-11-29T03:35:06.123456Z"}"#)
        #expect(!text.contains("api-key-secret"))
    }
}
