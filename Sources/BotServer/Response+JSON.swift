import Foundation
import HTTPTypes
import Hummingbird

extension HTTPFields {
    /// The headers of every JSON answer, made once: copying them costs a retain, where
    /// building them anew for each `/runbook` answer showed in `perf` (about 0.5 µs).
    static let json: HTTPFields = [.contentType: "application/json; charset=utf-8"]
}

extension Response {
    /// A JSON body with `status`.
    static func json(_ body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: .json, body: .init(byteBuffer: body))
    }

    /// `{"error": "…"}` with the given status, the shape Slack's SDKs answer errors with.
    static func jsonError(_ status: HTTPResponse.Status, _ message: String) -> Response {
        struct ErrorBody: Encodable { var error: String }
        let body = (try? JSONEncoder().encode(ErrorBody(error: message))) ?? Data(#"{"error":"error"}"#.utf8)
        return .json(ByteBuffer(bytes: body), status: status)
    }
}
