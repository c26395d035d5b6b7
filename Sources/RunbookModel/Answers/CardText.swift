extension Card {
    /// Text that may mention people and places, independent of any chat's markup. Each chat
    /// renders the spans its own way, the terminal as plain words. Built with string
    /// interpolation: `"\(strong: id) reached by \(mention: who)"`.
    public struct Text: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
        public enum Span: Sendable, Hashable {
            case plain(String)
            case strong(String)
            /// Inline code: a command to type.
            case code(String)
            /// A block of code: a command to copy whole.
            case codeBlock(String)
            case mention(ChatAddress)
            case link(String, url: String)
        }

        public var spans: [Span]

        public init(_ spans: [Span]) {
            self.spans = spans
        }

        public init(_ plain: String) {
            self.spans = plain.isEmpty ? [] : [.plain(plain)]
        }

        public init(stringLiteral value: String) {
            self.init(value)
        }

        public init(stringInterpolation: StringInterpolation) {
            self.spans = stringInterpolation.spans
        }

        public struct StringInterpolation: StringInterpolationProtocol {
            var spans: [Span] = []

            public init(literalCapacity: Int, interpolationCount: Int) {
                spans.reserveCapacity(interpolationCount * 2 + 1)
            }

            public mutating func appendLiteral(_ literal: String) {
                appendPlain(literal)
            }

            public mutating func appendInterpolation(_ value: some CustomStringConvertible) {
                appendPlain(value.description)
            }

            public mutating func appendInterpolation(_ text: Text) {
                for span in text.spans {
                    if case .plain(let plain) = span { appendPlain(plain) } else { spans.append(span) }
                }
            }

            public mutating func appendInterpolation(strong text: String) {
                spans.append(.strong(text))
            }

            public mutating func appendInterpolation(code text: String) {
                spans.append(.code(text))
            }

            public mutating func appendInterpolation(mention address: ChatAddress) {
                spans.append(.mention(address))
            }

            /// Adjacent plain runs are merged so renderers see one span per run of words.
            private mutating func appendPlain(_ text: String) {
                guard !text.isEmpty else { return }
                if case .plain(let previous) = spans.last {
                    spans[spans.count - 1] = .plain(previous + text)
                } else {
                    spans.append(.plain(text))
                }
            }
        }

        public static func + (lhs: Text, rhs: Text) -> Text {
            "\(lhs)\(rhs)"
        }

        /// The words without markup: mentions as their ids or names.
        public var description: String {
            spans.map { span in
                switch span {
                case .plain(let text), .strong(let text), .code(let text), .codeBlock(let text): text
                case .mention(let address): address.description
                case .link(let text, let url): text == url ? url : "\(text) (\(url))"
                }
            }.joined()
        }
    }
}

extension Array where Element == Card.Text {
    public func joined(separator: String) -> Card.Text {
        var result: Card.Text = ""
        for (index, text) in enumerated() {
            result = index == 0 ? text : "\(result)\(separator)\(text)"
        }
        return result
    }
}
