import App
import HTTPClient
import HTTP1
import HTTPServer
import Postgres
import Testing

@Suite struct AppConfigurationTests {
    let minimal = ["DATABASE_URL": "postgresql:///db", "CREDENTIAL_KEYS": "v1:AAAA"]

    @Test func defaultsApplyWhenOnlyRequiredVariablesAreSet() throws {
        let configuration = try AppConfiguration.fromEnvironment(minimal)
        #expect(configuration.server.host == "127.0.0.1")
        #expect(configuration.server.port == 8080)
        #expect(configuration.database.poolSize == 8)
        #expect(configuration.logFormat == .text)
        #expect(configuration.migrateOnStart)
        #expect(!configuration.outboundAllowPrivateNetworks)
        #expect(configuration.apiKeyCacheSeconds == 60)
        #expect(configuration.requestTimeout == .seconds(30))
    }

    @Test func everyProblemIsReportedNamingItsVariable() {
        let environment = [
            "PORT": "70000", "LOG_LEVEL": "loud", "MIGRATE_ON_START": "maybe", "IDLE_TIMEOUT_MS": "-1",
            "API_KEY_CACHE_SECONDS": "3601", "REQUEST_TIMEOUT_MS": "0",
        ]
        #expect {
            try AppConfiguration.fromEnvironment(environment)
        } throws: { error in
            let problems = (error as? ConfigurationError)?.problems ?? []
            return ["DATABASE_URL", "CREDENTIAL_KEYS", "PORT", "LOG_LEVEL", "MIGRATE_ON_START", "IDLE_TIMEOUT_MS",
                    "API_KEY_CACHE_SECONDS", "REQUEST_TIMEOUT_MS"]
                .allSatisfy { name in problems.contains { $0.hasPrefix(name) } }
        }
    }

    @Test func badValuesAreNeverEchoed() {
        var environment = minimal
        environment["MAX_BODY_BYTES"] = "s3cr3t-looking-value"
        #expect {
            try AppConfiguration.fromEnvironment(environment)
        } throws: { error in
            !"\(error)".contains("s3cr3t-looking-value")
        }
    }

    @Test func theEgressAllowListIsReadAsCIDRNetworks() throws {
        var environment = minimal
        #expect(try AppConfiguration.fromEnvironment(environment).outboundAllowedNetworks == nil)
        environment["OUTBOUND_ALLOWED_NETWORKS"] = "127.0.0.0/8, ::1/128,203.0.113.7"
        let networks = try #require(try AppConfiguration.fromEnvironment(environment).outboundAllowedNetworks)
        #expect(networks.map(\.description) == ["127.0.0.0/8", "::1/128", "203.0.113.7/32"])
        for bad in ["127.0.0.1/8", "127.0.0.0/8,,::1/128", "localhost", "10.0.0.0/33"] {
            environment["OUTBOUND_ALLOWED_NETWORKS"] = bad
            #expect {
                try AppConfiguration.fromEnvironment(environment)
            } throws: { error in
                (error as? ConfigurationError)?.problems.contains { $0.hasPrefix("OUTBOUND_ALLOWED_NETWORKS") } == true
            }
        }
    }

    @Test func thePublicBaseURLIsAnAbsoluteURLWithoutItsTrailingSlash() throws {
        var environment = minimal
        #expect(try AppConfiguration.fromEnvironment(environment).publicBaseURL == nil)
        environment["PUBLIC_BASE_URL"] = "https://api.example.com/embedded//"
        #expect(try AppConfiguration.fromEnvironment(environment).publicBaseURL == "https://api.example.com/embedded")
        for bad in ["api.example.com", "ftp://api.example.com", "https://api.example.com/?a=1", "https://u@h.example"] {
            environment["PUBLIC_BASE_URL"] = bad
            #expect {
                try AppConfiguration.fromEnvironment(environment)
            } throws: { error in
                (error as? ConfigurationError)?.problems.contains { $0.hasPrefix("PUBLIC_BASE_URL") } == true
            }
        }
    }

    @Test func overridesAreRead() throws {
        var environment = minimal
        environment["PORT"] = "0"
        environment["MAX_BODY_BYTES"] = "2048"
        environment["LOG_FORMAT"] = "json"
        environment["OUTBOUND_ALLOW_PRIVATE_NETWORKS"] = "true"
        environment["API_KEY_CACHE_SECONDS"] = "0"
        environment["REQUEST_TIMEOUT_MS"] = "2500"
        let configuration = try AppConfiguration.fromEnvironment(environment)
        #expect(configuration.server.port == 0)
        #expect(configuration.server.limits.maxBodyBytes == 2048)
        #expect(configuration.logFormat == .json)
        #expect(configuration.outboundAllowPrivateNetworks)
        #expect(configuration.apiKeyCacheSeconds == 0)
        #expect(configuration.requestTimeout == .milliseconds(2500))
    }

    @Test func thePoolerAndTheListenURLAreRead() throws {
        let defaults = try AppConfiguration.fromEnvironment(minimal)
        #expect(defaults.database.pooler == .none)
        #expect(defaults.database.listenConnectionString == nil)
        var environment = minimal
        environment["DATABASE_POOLER"] = "pgbouncer-transaction"
        environment["DATABASE_LISTEN_URL"] = "postgresql:///direct"
        let configuration = try AppConfiguration.fromEnvironment(environment)
        #expect(configuration.database.pooler == .pgbouncerTransaction)
        #expect(configuration.database.listenConnectionString == "postgresql:///direct")
        #expect(try AppConfiguration.databaseOnly(environment).pooler == .pgbouncerTransaction)
        environment["DATABASE_POOLER"] = "pgbouncer"
        #expect {
            try AppConfiguration.fromEnvironment(environment)
        } throws: { error in
            (error as? ConfigurationError)?.problems == ["DATABASE_POOLER must be one of none, pgbouncer-transaction"]
        }
    }

    @Test func theBodyBudgetIsReadAndMustHoldTwoLargestBodies() throws {
        #expect(try AppConfiguration.fromEnvironment(minimal).server.bodyBudget.ceiling == 256 * 1024 * 1024)
        var environment = minimal
        environment["MAX_BUFFERED_BODY_BYTES"] = "8388608"
        #expect(try AppConfiguration.fromEnvironment(environment).server.bodyBudget.ceiling == 8_388_608)
        environment["MAX_BODY_BYTES"] = "4194305"
        #expect {
            try AppConfiguration.fromEnvironment(environment)
        } throws: { error in
            ((error as? ConfigurationError)?.problems ?? []).contains { $0.hasPrefix("MAX_BUFFERED_BODY_BYTES") }
        }
    }
}
