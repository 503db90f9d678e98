import App
import ArgumentParser
import Foundation
import JSON
import Logging
import Postgres

@main
struct EmbeddedAPI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embedded-api",
        abstract: "The Embedded API server: end users' connections and credentials, stored safely.",
        discussion: "Configuration comes from environment variables; see README.md.",
        subcommands: [Serve.self, Migrate.self, Organisations.self, APIKeys.self, Credentials.self],
        defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations, then serve HTTP (the default).")

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try loadConfiguration(environment)
        bootstrapLogging(level: configuration.logLevel, format: configuration.logFormat)
        try await Application.serve(configuration: configuration, logger: Logger(label: "embedded-api"))
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations without serving.")

    @Flag(help: "Apply nothing; exit 1 when migrations are pending.")
    var check = false

    func run() async throws {
        let pool = try databasePool()
        defer { pool.shutdown() }
        let migrations = try await Migrator.fromDirectory().migrate(pool, dryRun: check)
        for migration in migrations {
            print("\(check ? "pending" : "applied") \(migration.version)_\(migration.name)")
        }
        if migrations.isEmpty { print("up to date") }
        if check && !migrations.isEmpty { throw ExitCode(1) }
    }
}

struct Organisations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage organisations.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an organisation and its first API key; prints {\"organisationId\", \"apiKey\"}.")
        @Option(help: "The organisation's name.") var name: String

        func run() async throws {
            let pool = try databasePool()
            defer { pool.shutdown() }
            printJSON(try await OperatorCommands.createOrganisation(name: name, database: pool))
        }
    }
}

struct APIKeys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-keys", abstract: "Manage API keys.", subcommands: [Create.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an API key; prints {\"apiKeyId\", \"apiKey\", \"scopes\"}.")
        @Option(help: "The organisation id.") var organisation: String
        @Option(help: "A scope for the key (repeatable): organisation (the default) or connections:access.")
        var scope: [String] = []

        func run() async throws {
            let pool = try databasePool()
            defer { pool.shutdown() }
            printJSON(try await OperatorCommands.createAPIKey(organisationID: organisation, scopes: scope, database: pool))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key; it stops working at once.")
        @Option(help: "The API key id.") var id: String

        func run() async throws {
            let pool = try databasePool()
            defer { pool.shutdown() }
            try await OperatorCommands.revokeAPIKey(id: id, database: pool)
            print("revoked \(id)")
        }
    }
}

struct Credentials: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage credential encryption.", subcommands: [GenerateKey.self, Rotate.self])

    struct GenerateKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate-key", abstract: "Print a new random key entry for CREDENTIAL_KEYS.")
        @Option(help: "The key's version label.") var version = "v1"

        func run() throws { print(CredentialCommands.generateKey(version: version)) }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-encrypt every credential and webhook signing secret under the newest key (the first in "
                + "CREDENTIAL_KEYS); resumable.",
            discussion: "Exits 0 only when nothing is left under an older key; otherwise says how many are "
                + "left and exits 1, and no old key may be removed yet.")
        @Option(help: "Rows per transaction.") var batchSize = 500
        @Option(help: "How long to keep retrying credentials other transactions hold locked, in seconds.")
        var lockWaitSeconds = 60

        func run() async throws {
            let configuration = try loadConfiguration(ProcessInfo.processInfo.environment)
            bootstrapLogging(level: configuration.logLevel, format: configuration.logFormat)
            let context = try Application.makeContext(configuration: configuration, logger: Logger(label: "embedded-api"))
            defer { context.database.shutdown() }
            let total = try await CredentialCommands.rotate(
                context: context, batchSize: batchSize, lockWait: .seconds(max(lockWaitSeconds, 0))
            ) { done, remaining in
                print("re-encrypted \(done), \(remaining) remaining")
            }
            print("done: \(total) credentials and webhook secrets re-encrypted; none is left under an older key")
        }
    }
}

func loadConfiguration(_ environment: [String: String]) throws -> AppConfiguration {
    do {
        return try AppConfiguration.fromEnvironment(environment)
    } catch {
        FileHandle.standardError.write(Data("embedded-api: \(error)\n".utf8))
        throw ExitCode(78)  // EX_CONFIG
    }
}

func databasePool() throws -> DatabasePool {
    do {
        return DatabasePool(configuration: try AppConfiguration.databaseOnly(ProcessInfo.processInfo.environment))
    } catch {
        FileHandle.standardError.write(Data("embedded-api: \(error)\n".utf8))
        throw ExitCode(78)
    }
}

func printJSON(_ value: JSONValue) {
    print(String(decoding: value.prettySerialized(), as: UTF8.self))
}

func bootstrapLogging(level: Logger.Level, format: LogFormat) {
    LoggingSystem.bootstrap { label in
        switch format {
        case .json:
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        case .text:
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
