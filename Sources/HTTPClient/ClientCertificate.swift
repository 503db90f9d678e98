/// A TLS client identity for one request (mutual TLS): the certificate chain and its private key in PEM, and the
/// CA certificates trusted for the server besides the system store. Prints without its key.
public struct ClientCertificate: Sendable, Equatable, CustomStringConvertible {
    /// The client certificate first, then any intermediates.
    public var certificatePEM: String
    public var privateKeyPEM: String
    /// Trusted for verifying the server, in addition to the client's usual trust; may be empty.
    public var trustedCAPEM: String

    public init(certificatePEM: String, privateKeyPEM: String, trustedCAPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.trustedCAPEM = trustedCAPEM
    }

    public var description: String { "ClientCertificate(****)" }
}
