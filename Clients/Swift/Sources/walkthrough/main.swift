// The README's walk-through through the generated Swift client, against a live server:
//   BASE=http://127.0.0.1:8080 API_KEY=… ORG=… swift run walkthrough
// Makes a connector, a hub, an end user, a connection with an Idempotency-Key and its retry (the same answer),
// reads the 409 of a duplicate name and a 400 with its field path from the typed error body, lists, and deletes.
// Any deviation exits 1 naming the step.
import EmbeddedAPIClient
import Foundation
import OpenAPIRuntime
import OpenAPIURLSession

func fail(_ step: String, _ problem: String) -> Never {
    FileHandle.standardError.write(Data("swift walkthrough: FAILED at \(step): \(problem)\n".utf8))
    exit(1)
}

func environment(_ name: String) -> String {
    guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
        fail("start", "\(name) is not set")
    }
    return value
}

/// Creates a connection with an Idempotency-Key; `replayed` is the answer's Idempotent-Replayed header.
func createConnection(
    _ client: Client,
    _ path: Operations.CreateEndUserConnection.Input.Path,
    _ request: Components.Schemas.EndUserConnectionCreate,
    key: String,
    _ step: String
) async throws -> (connection: Components.Schemas.Connection, replayed: Bool) {
    let answer = try await client.createEndUserConnection(
        path: path, headers: .init(idempotencyKey: key), body: .json(request)
    )
    switch answer {
    case .created(let created): return (try created.body.json, created.headers.idempotentReplayed == ._true)
    case let other: fail(step, "\(other)")
    }
}

/// customer-42's connections' names, checking the page's totalCount against them.
func connectionNames(_ client: Client, hub: String, _ step: String) async throws -> [String] {
    switch try await client.listEndUserConnections(path: .init(hubId: hub, userId: "customer-42")) {
    case .ok(let ok):
        let page = try ok.body.json
        guard page.value1.totalCount == page.value2.connections.count else {
            fail(step, "totalCount \(page.value1.totalCount)")
        }
        return page.value2.connections.map(\.name).sorted()
    case let other: fail(step, "\(other)")
    }
}

guard let serverURL = URL(string: environment("BASE")) else { fail("start", "BASE is not a URL") }
let organisation = environment("ORG")
let client = Client(
    serverURL: serverURL,
    configuration: .embeddedAPI,
    transport: URLSessionTransport(),
    middlewares: [AuthorizationMiddleware(apiKey: environment("API_KEY"))]
)
// Unique per run, so the walk-through can run again against the same server.
let run = UUID().uuidString.prefix(8).lowercased()

// The step under way, named when anything fails (a thrown error included: an answer that does not decode).
var step = "start"
do {
    let scheme = Components.Schemas.AuthSchemeConfig.apiKey(.init(
        value1: .init(id: "crm-key", description: "API key in a header"),
        value2: .init(schemeType: "api-key", name: "X-API-Key", _in: .header)
    ))

    func stringCredential(_ name: String, _ secret: String) -> Components.Schemas.ConnectionCredentialsCreate {
        .init(action: [.init(
            authSchemeConfig: scheme,
            credential: .CredentialCreate(.string(.init(
                value1: .init(name: name),
                value2: .init(_type: "string", data: .init(value: secret))
            )))
        )])
    }

    step = "1. CreateHTTPConnector"
    let connector: Components.Schemas.HTTPConnector
    switch try await client.createHTTPConnector(
        path: .init(organisationId: organisation),
        body: .json(.init(
            name: "Acme CRM \(run)", baseUrl: "https://api.acme-crm.example", authSchemeConfigs: [scheme]
        ))
    ) {
    case .created(let created): connector = try created.body.json
    case let other: fail(step, "\(other)")
    }

    step = "2. CreateHub"
    let hub: Components.Schemas.Hub
    switch try await client.createHub(body: .json(.init(
        organisationId: organisation, name: "Acme hub \(run)", primaryConnectorId: connector.id,
        authSchemeConfig: scheme
    ))) {
    case .created(let created): hub = try created.body.json
    case let other: fail(step, "\(other)")
    }

    step = "3. CreateEndUser"
    switch try await client.createEndUser(
        path: .init(hubId: hub.id),
        body: .json(.init(
            externalId: "customer-42", displayName: "Ada",
            primaryConnection: .init(name: "crm", credentials: stringCredential("Ada CRM key", "crm-secret-1"))
        ))
    ) {
    case .created(let created):
        let user = try created.body.json
        // allOf schemas come as value1, value2, … (here EndUserSummary, then primaryConnection).
        guard user.value1.externalId == "customer-42" else { fail(step, "externalId \(user.value1.externalId)") }
    case let other: fail(step, "\(other)")
    }

    let user = Operations.CreateEndUserConnection.Input.Path(hubId: hub.id, userId: "customer-42")
    let request = Components.Schemas.EndUserConnectionCreate(
        connectorId: connector.id,
        connection: .init(
            name: "sandbox", variables: [.init(name: "region", value: "eu")],
            credentials: stringCredential("Ada sandbox key", "crm-secret-2")
        )
    )

    step = "4. CreateEndUserConnection with an Idempotency-Key"
    let (connection, firstReplayed) = try await createConnection(client, user, request, key: "ada-sandbox-\(run)", step)
    guard !firstReplayed else { fail(step, "the first answer is marked as replayed") }
    guard case .string(let credential) = connection.credentials.action.first?.credential else {
        fail(step, "no string credential in \(connection.credentials)")
    }
    guard credential.value2.data.value == "" else { fail(step, "the secret is not replaced by \"\"") }
    guard connection.variables == [.init(name: "region", value: "eu")] else {
        fail(step, "variables \(connection.variables)")
    }

    step = "4. the same request retried with its Idempotency-Key"
    let (replay, replayed) = try await createConnection(client, user, request, key: "ada-sandbox-\(run)", step)
    guard replay == connection else { fail(step, "the retry's answer differs from the first") }
    guard replayed else { fail(step, "the retry's answer is not marked Idempotent-Replayed") }

    step = "5. ListEndUserConnections"
    guard try await connectionNames(client, hub: hub.id, step) == ["crm", "sandbox"] else {
        fail(step, "not the two connections")
    }

    step = "5. the same name again: 409 with a code that says why"
    switch try await client.createEndUserConnection(path: user, body: .json(.init(
        connectorId: connector.id,
        connection: .init(name: "sandbox", credentials: stringCredential("again", "x"))
    ))) {
    case .conflict(let conflict):
        let error = try conflict.body.json
        guard error.code == "409001", !error.message.isEmpty, error.fields == nil else {
            fail(step, "code \(error.code), message \(error.message), fields \(String(describing: error.fields))")
        }
    case let other: fail(step, "\(other)")
    }

    step = "5. a secret left out: 400 naming its field"
    switch try await client.createEndUserConnection(path: user, body: .json(.init(
        connectorId: connector.id,
        connection: .init(name: "no-secret", credentials: stringCredential("empty", ""))
    ))) {
    case .badRequest(let badRequest):
        let error = try badRequest.body.json
        let fields = error.fields?.map(\.field) ?? []
        guard error.code == "400002", fields == ["connection.credentials.action[0].credential.data.value"] else {
            fail(step, "code \(error.code), fields \(fields)")
        }
    case let other: fail(step, "\(other)")
    }

    step = "6. DeleteEndUserConnection"
    switch try await client.deleteEndUserConnection(
        path: .init(hubId: hub.id, userId: "customer-42", connectionId: connection.id)
    ) {
    case .noContent: break
    case let other: fail(step, "\(other)")
    }
    guard try await connectionNames(client, hub: hub.id, step) == ["crm"] else {
        fail(step, "the connection is still listed")
    }

    step = "6. DeleteEndUser"
    switch try await client.deleteEndUser(path: .init(hubId: hub.id, userId: "customer-42")) {
    case .noContent: break
    case let other: fail(step, "\(other)")
    }
    switch try await client.getEndUser(path: .init(hubId: hub.id, userId: "customer-42")) {
    case .notFound(let notFound):
        let code = try notFound.body.json.code
        guard code == "404002" else { fail(step, "the deleted end user answers \(code)") }
    case let other: fail(step, "\(other)")
    }
    FileHandle.standardError.write(Data("swift walkthrough: ok (hub \(hub.id))\n".utf8))
} catch {
    fail(step, "\(error)")
}
