import Domain
import Synchronization

/// Stands in for the real key-material checks in a first decode on the event loop: answers that all is well and
/// notes whether the body asked for any check. Only a body that did (one holding a certificate or an RSA key) is
/// decoded again, off the loop, with the real checks (`KeyMaterialOffLoop`); every other body is decoded once.
final class KeyMaterialDemand: KeyMaterialChecking {
    private let asked = Atomic<Bool>(false)

    var wasAsked: Bool { asked.load(ordering: .relaxed) }

    func certificateProblem(certificatePEM: String, privateKeyPEM: String, caPEM: String) -> String? {
        asked.store(true, ordering: .relaxed)
        return nil
    }

    func rsaPrivateKeyProblem(_ bytes: [UInt8]) -> String? {
        asked.store(true, ordering: .relaxed)
        return nil
    }
}
