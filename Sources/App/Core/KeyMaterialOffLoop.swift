import Domain

enum KeyMaterialOffLoop {
    /// `decode` on the event loop with the key-material checks deferred (`KeyMaterialDemand`); a body that needs
    /// them is decoded again off the loop (`OffLoopWork`) with the real checks, whose answer stands. Every other
    /// body is decoded once.
    static func decode<Decoded: Sendable>(
        checkingWith keyMaterial: any KeyMaterialChecking,
        _ decode: @escaping @Sendable (any KeyMaterialChecking) throws(APIError) -> Decoded
    ) async throws -> Decoded {
        let demand = KeyMaterialDemand()
        let onLoop = Result { () throws(APIError) in try decode(demand) }
        guard demand.wasAsked else { return try onLoop.get() }
        return try await OffLoopWork.run { try decode(keyMaterial) }
    }
}
