import Testing
@testable import Cryptography

struct KeyRingSealTests {
    let ring: KeyRing
    let secret = bytes("client-secret: s3cr3t-value")
    let aad = bytes("credential/01JDZ8Q4V7S9W2X3Y4Z5A6B7C8/data.clientSecret")

    init() throws {
        ring = try KeyRing(parsing: "\(entry("v2", fill: 2)),\(entry("v1", fill: 1))")
    }

    @Test func roundTrip() throws {
        for plaintext in [secret, [], SecureRandom.bytes(count: 100_000)] {
            for associatedData in [aad, []] {
                let sealed = try ring.seal(plaintext, associatedData: associatedData)
                #expect(try ring.open(sealed, associatedData: associatedData) == plaintext)
            }
        }
    }

    @Test func blobLayoutIsMagicVersionNonceCiphertextTag() throws {
        let sealed = try ring.seal(secret, associatedData: aad)
        #expect(sealed.count == 1 + 1 + 2 + 12 + secret.count + 16)
        #expect(sealed[0] == 0xA1)
        #expect(sealed[1] == 2)
        #expect(Array(sealed[2..<4]) == bytes("v2"))
        #expect(try KeyRing.version(of: sealed) == "v2")
        #expect(!sealed.split(separator: 0).contains { $0.elementsEqual(secret) })  // ciphertext is not plaintext
    }

    @Test func noncesNeverRepeat() throws {
        var nonces = Set<[UInt8]>()
        for _ in 0..<10_000 {
            let sealed = try ring.seal(secret, associatedData: aad)
            nonces.insert(Array(sealed[4..<16]))
        }
        #expect(nonces.count == 10_000)
    }

    @Test func olderVersionsStillOpen() throws {
        let oldRing = try KeyRing(parsing: entry("v1", fill: 1))
        let sealed = try oldRing.seal(secret, associatedData: aad)
        #expect(try ring.open(sealed, associatedData: aad) == secret)
        #expect(try ring.needsResealing(sealed))
        #expect(try !ring.needsResealing(ring.seal(secret, associatedData: aad)))
    }

    /// Every bit of nonce, ciphertext and tag is covered by the tag.
    @Test func tamperingAnyByteAfterTheHeaderFailsAuthentication() throws {
        let sealed = try ring.seal(secret, associatedData: aad)
        for index in 4..<sealed.count {
            var tampered = sealed
            tampered[index] ^= 0x01
            #expect(openError(tampered, aad) == .authenticationFailed)
        }
    }

    @Test func tamperedHeaderIsRejected() throws {
        let sealed = try ring.seal(secret, associatedData: aad)
        var badMagic = sealed
        badMagic[0] = 0xA2
        #expect(openError(badMagic, aad) == .malformedCiphertext)
        var otherVersion = sealed
        otherVersion[3] = UInt8(ascii: "9")
        #expect(openError(otherVersion, aad) == .unknownKeyVersion("v9"))
    }

    @Test func wrongAssociatedDataFailsAuthentication() throws {
        let sealed = try ring.seal(secret, associatedData: aad)
        for wrong in [[], aad + [0], Array(aad.dropLast()), bytes("credential/other/data.clientSecret")] {
            #expect(openError(sealed, wrong) == .authenticationFailed)
        }
    }

    @Test func unknownVersionIsNamed() throws {
        let foreign = try KeyRing(parsing: entry("v9", fill: 9))
        let sealed = try foreign.seal(secret, associatedData: aad)
        #expect(openError(sealed, aad) == .unknownKeyVersion("v9"))
    }

    /// Both versions hold the same key, so only the version bound into the associated data can catch the relabel.
    @Test func relabelledVersionFailsAuthentication() throws {
        let sameKey = try KeyRing(parsing: "\(entry("a1", fill: 7)),\(entry("b1", fill: 7))")
        let sealed = try sameKey.seal(secret, associatedData: aad)
        #expect(try sameKey.open(sealed, associatedData: aad) == secret)
        var relabelled = sealed
        relabelled[2] = UInt8(ascii: "b")
        #expect(try KeyRing.version(of: relabelled) == "b1")
        #expect(openError(relabelled, aad, ring: sameKey) == .authenticationFailed)
    }

    @Test func malformedBlobs() throws {
        let sealed = try ring.seal([], associatedData: aad)  // the shortest valid blob: 2 + 2 + 12 + 16
        var blobs: [[UInt8]] = [[], [0xA1], [0xA1, 0], [0xA1, 40] + bytes("v1")]
        blobs.append([0xA1, 0] + [UInt8](repeating: 0, count: 40))  // empty version
        blobs += (0..<sealed.count).map { Array(sealed.prefix($0)) }
        blobs.append([0xA1, 2] + bytes("v!") + [UInt8](repeating: 0, count: 28))  // invalid version characters
        blobs.append(bytes("not a sealed blob at all, just some text"))
        for blob in blobs {
            #expect(openError(blob, aad) == .malformedCiphertext)
            #expect(cryptoError { () throws(CryptoError) in try KeyRing.version(of: blob) } == .malformedCiphertext)
        }
    }

    @Test func concurrentUseOfOneRing() async throws {
        let ring = self.ring, secret = self.secret, aad = self.aad
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<500 where try ring.open(ring.seal(secret, associatedData: aad), associatedData: aad) != secret {
                        return false
                    }
                    return true
                }
            }
            for try await succeeded in group { #expect(succeeded) }
        }
    }

    private func openError(_ blob: [UInt8], _ associatedData: [UInt8], ring: KeyRing? = nil) -> CryptoError? {
        let ring = ring ?? self.ring
        return cryptoError { () throws(CryptoError) in try ring.open(blob, associatedData: associatedData) }
    }
}
