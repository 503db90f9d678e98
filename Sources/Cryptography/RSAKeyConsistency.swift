import COpenSSL

/// The arithmetic relations between the parts of a two-prime RSA private key: what `EVP_PKEY_pairwise_check`
/// verifies, minus its Miller–Rabin tests of p and q (~40 ms for RSA-2048 on OpenSSL 3.0); these take
/// microseconds. A test signature alone would miss a corrupted d, p or CRT exponent: OpenSSL signs with the CRT
/// parts and, when that result fails its own check, silently recomputes it with d.
enum RSAKeyConsistency {
    /// True when n = p·q, e·d ≡ 1 mod (p−1) and mod (q−1), dP = d mod (p−1), dQ = d mod (q−1) and
    /// qInv·q ≡ 1 mod p. False for a key without CRT parts or with more than two primes.
    static func holds(for key: OpaquePointer) -> Bool {
        var numbers: [OpaquePointer] = []
        defer { numbers.forEach { BN_clear_free($0) } }
        // OSSL_PKEY_PARAM_RSA_*; the numbered names are macro concatenations, which Swift does not import.
        for name in ["n", "e", "d", "rsa-factor1", "rsa-factor2", "rsa-exponent1", "rsa-exponent2", "rsa-coefficient1"] {
            guard let number = parameter(key, name) else { return false }
            numbers.append(number)
        }
        if let third = parameter(key, "rsa-factor3") {
            BN_clear_free(third)
            return false
        }
        return holds(n: numbers[0], e: numbers[1], d: numbers[2], p: numbers[3], q: numbers[4],
                     dP: numbers[5], dQ: numbers[6], qInv: numbers[7])
    }

    private static func holds(
        n: OpaquePointer, e: OpaquePointer, d: OpaquePointer, p: OpaquePointer, q: OpaquePointer,
        dP: OpaquePointer, dQ: OpaquePointer, qInv: OpaquePointer
    ) -> Bool {
        guard BN_cmp(p, BN_value_one()) > 0, BN_cmp(q, BN_value_one()) > 0,
            let context = BN_CTX_secure_new()
        else { return false }
        defer { BN_CTX_free(context) }
        BN_CTX_start(context)
        defer { BN_CTX_end(context) }
        guard let pMinus1 = BN_CTX_get(context), let qMinus1 = BN_CTX_get(context), let result = BN_CTX_get(context),
            BN_sub(pMinus1, p, BN_value_one()) == 1, BN_sub(qMinus1, q, BN_value_one()) == 1
        else { return false }
        // Each step computes into `result`; a failed BN call counts as a mismatch.
        func isOne(_ status: Int32) -> Bool { status == 1 && BN_is_one(result) == 1 }
        func equals(_ status: Int32, _ expected: OpaquePointer) -> Bool { status == 1 && BN_cmp(result, expected) == 0 }
        return equals(BN_mul(result, p, q, context), n)
            && isOne(BN_mod_mul(result, e, d, pMinus1, context))
            && isOne(BN_mod_mul(result, e, d, qMinus1, context))
            && equals(BN_nnmod(result, d, pMinus1, context), dP)
            && equals(BN_nnmod(result, d, qMinus1, context), dQ)
            && isOne(BN_mod_mul(result, qInv, q, p, context))
    }

    /// A copy of one of the key's numbers (caller: BN_clear_free), or nil when the key has no such part.
    private static func parameter(_ key: OpaquePointer, _ name: String) -> OpaquePointer? {
        var number: OpaquePointer?
        guard EVP_PKEY_get_bn_param(key, name, &number) == 1 else { return nil }
        return number
    }
}
