import Incidents
@testable import PostgresStorage
import Storage
import TestSupport
import Testing

/// The outbox's decoded incidents are reused only for the very record they came from.
struct DecodedIncidentsTests {
    @Test func aRecordThatChangedIsDecodedAgainNeverServedStale() throws {
        let cache = DecodedIncidents()
        var incident = IncidentMachine.declare(Fixtures.declaration(), number: 1, at: Fixtures.start).incident
        let first = try StoredIncident(incident).body
        #expect(cache.incident(number: 1, body: first)?.threadTS == nil)
        incident.threadTS = "1700000000.000100"
        let second = try StoredIncident(incident).body
        #expect(cache.incident(number: 1, body: second)?.threadTS == "1700000000.000100")
        #expect(cache.incident(number: 1, body: first)?.threadTS == nil, "the older record, asked for again, is what it says")
        #expect(cache.incident(number: 1, body: #"{"broken":"#) == nil)
    }

    @Test func itStaysBoundedAndKeepsAnsweringWhenFull() throws {
        let cache = DecodedIncidents()
        for number in 1...(DecodedIncidents.capacity * 2 + 1) {
            let body = try StoredIncident(IncidentMachine.declare(Fixtures.declaration(), number: number, at: Fixtures.start).incident).body
            #expect(cache.incident(number: number, body: body)?.number == number)
        }
        #expect(cache.count <= DecodedIncidents.capacity)
    }
}
