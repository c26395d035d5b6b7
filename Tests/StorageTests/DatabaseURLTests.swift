import PostgresStorage
import Testing

@Suite struct DatabaseURLTests {
    @Test func aURLGivesEveryPartAndItsDescriptionHidesThePassword() throws {
        let url = try DatabaseURL(parsing: "postgres://bot:s3cr%40t@db.internal:6543/incidents")
        #expect(url == DatabaseURL(host: "db.internal", port: 6543, username: "bot", password: "s3cr@t", database: "incidents"))
        #expect(url.description == "postgres://bot:***@db.internal:6543/incidents")
        #expect(!"\(url)".contains("s3cr"))
        let plain = try DatabaseURL(parsing: "postgresql://bot@localhost/incidents?sslmode=disable")
        #expect(plain.port == 5432 && plain.password == nil && plain.requiresNoTLS)
    }

    @Test(arguments: [
        ("mysql://bot:pw@host/db", "the scheme is 'mysql'"),
        ("postgres://bot:pw@/db", "the host is missing"),
        ("postgres://:pw@host/db", "the user name is missing"),
        ("postgres://bot:pw@host", "the database name is missing"),
        ("postgres://bot:pw@host/db?application=x", "unknown parameter 'application'"),
        ("not a url at all", "not a URL"),
    ])
    func aBadURLIsRefusedWithAReasonAndNeverThePassword(text: String, reason: String) {
        #expect {
            _ = try DatabaseURL(parsing: text)
        } throws: { error in
            "\(error)".contains(reason) && !"\(error)".contains("pw")
        }
    }
}
