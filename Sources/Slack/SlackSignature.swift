import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Slack's request signing (`v0`): HMAC-SHA256 over `v0:<timestamp>:<raw body>`.
///
/// Works on the exact bytes received; any re-encoding of the body would break it.
public struct SlackSignature: Sendable {
    /// Slack's replay window: requests older or newer than this are refused.
    public static let maximumClockSkew: Int64 = 300

    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case missingHeaders
        case malformedTimestamp
        case stale(skewSeconds: Int64)
        case malformedSignature
        case mismatch

        public var description: String {
            switch self {
            case .missingHeaders: "missing X-Slack-Request-Timestamp or X-Slack-Signature"
            case .malformedTimestamp: "timestamp is not a number"
            case .stale(let skew): "timestamp is \(skew) s away from now (more than \(SlackSignature.maximumClockSkew) s)"
            case .malformedSignature: "signature is not v0=<64 hex digits>"
            case .mismatch: "signature does not match the body"
            }
        }
    }

    private let key: SymmetricKey

    public init(signingSecret: String) {
        self.key = SymmetricKey(data: Array(signingSecret.utf8))
    }

    /// Checks a request's signature headers against its raw body at time `now` (Unix seconds).
    public func verify(
        body: UnsafeRawBufferPointer, timestamp: String?, signature: String?, now: Int64
    ) throws(Failure) {
        guard let timestamp, let signature else { throw .missingHeaders }
        guard timestamp.utf8.count <= 12, let seconds = Int64(timestamp) else { throw .malformedTimestamp }
        let skew = now - seconds
        guard abs(skew) <= Self.maximumClockSkew else { throw .stale(skewSeconds: skew) }
        guard let expected = Self.decodeSignature(signature) else { throw .malformedSignature }
        let actual = mac(timestamp: timestamp, body: body)
        guard Self.constantTimeEqual(actual, expected) else { throw .mismatch }
    }

    public func verify(body: [UInt8], timestamp: String?, signature: String?, now: Int64) throws(Failure) {
        let failure = body.withUnsafeBytes { bytes -> Failure? in
            do throws(SlackSignature.Failure) {
                try verify(body: bytes, timestamp: timestamp, signature: signature, now: now)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// The `X-Slack-Signature` value Slack would send for this body at this timestamp.
    public func signature(timestamp: String, body: [UInt8]) -> String {
        let bytes = body.withUnsafeBytes { mac(timestamp: timestamp, body: $0) }
        return "v0=" + Hex.encode(bytes)
    }

    private func mac(timestamp: String, body: UnsafeRawBufferPointer) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: Array("v0:\(timestamp):".utf8))
        hmac.update(data: body)
        return Array(hmac.finalize())
    }

    /// `v0=` followed by 64 lowercase or uppercase hex digits → 32 bytes.
    static func decodeSignature(_ header: String) -> [UInt8]? {
        let utf8 = Array(header.utf8)
        guard utf8.count == 67, utf8[0] == UInt8(ascii: "v"), utf8[1] == UInt8(ascii: "0"), utf8[2] == UInt8(ascii: "=") else {
            return nil
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        var index = 3
        while index < 67 {
            guard let high = Hex.value(of: utf8[index]), let low = Hex.value(of: utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    /// Compares without an early exit, so timing reveals nothing about where bytes differ.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
