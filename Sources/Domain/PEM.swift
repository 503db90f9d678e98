/// Structural PEM checks (RFC 7468): labelled blocks with base64 bodies. Cryptographic checks are
/// delegated to `KeyMaterialChecking`.
enum PEM {
    struct Block: Equatable {
        var label: String
        var der: [UInt8]
    }

    /// All blocks in `text`, or nil when any block is malformed or there is text outside the blocks.
    static func blocks(_ text: String) -> [Block]? {
        var blocks: [Block] = []
        var label: String?
        var body = ""
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.trimmingTrailingWhitespace()
            if line.isEmpty { continue }
            if let current = label {
                if line == "-----END \(current)-----" {
                    guard let der = Formats.base64Decoded(body), !der.isEmpty else { return nil }
                    blocks.append(Block(label: current, der: der))
                    label = nil
                    body = ""
                } else {
                    body += line
                }
            } else if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----"), line.count > 16 {
                label = String(line.dropFirst(11).dropLast(5))
            } else {
                return nil
            }
        }
        return label == nil && !blocks.isEmpty ? blocks : nil
    }

    static let privateKeyLabels: Set<String> = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"]

    /// Nil when `text` is one or more CERTIFICATE blocks; else what is wrong.
    static func certificateProblem(_ text: String) -> String? {
        guard let blocks = blocks(text) else { return "must be PEM-encoded" }
        return blocks.allSatisfy({ $0.label == "CERTIFICATE" }) ? nil : "must contain only CERTIFICATE blocks"
    }

    /// Nil when `text` is exactly one unencrypted private key block; else what is wrong.
    static func privateKeyProblem(_ text: String) -> String? {
        guard let blocks = blocks(text) else { return "must be PEM-encoded" }
        guard blocks.count == 1, privateKeyLabels.contains(blocks[0].label) else {
            return "must be a single unencrypted PRIVATE KEY block"
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingTrailingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
