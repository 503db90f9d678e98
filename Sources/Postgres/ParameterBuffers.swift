/// The C arrays `PQexecParams`/`PQexecPrepared` want, alive only for the duration of one call.
/// Text parameters are NUL-terminated UTF-8 (format 0); bytea goes as raw binary (format 1), no escaping.
struct ParameterBuffers {
    let count: Int32
    let values: UnsafePointer<UnsafePointer<CChar>?>?
    let lengths: UnsafePointer<Int32>?
    let formats: UnsafePointer<Int32>?

    /// Every value goes into one block and the three arrays into temporary storage (the stack, when small):
    /// a copy and an allocation per value, plus four arrays, would be about a dozen allocations per statement.
    static func withBuffers<R>(
        _ binds: [PostgresBind], _ body: (ParameterBuffers) throws(DatabaseError) -> R
    ) throws(DatabaseError) -> R {
        if binds.isEmpty {
            return try body(ParameterBuffers(count: 0, values: nil, lengths: nil, formats: nil))
        }
        var total = 0
        for bind in binds {
            switch bind {
            case .null: break
            case .text(let string): total += string.utf8.count + 1
            // Never a null pointer for an empty bytea: libpq would read it as SQL NULL.
            case .binary(let bytes): total += max(bytes.count, 1)
            }
        }
        let count = binds.count
        let outcome = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(total, 1)) { block in
            withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: count) { values in
                // Lengths, then formats.
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * count) { numbers in
                    let base = block.baseAddress!
                    var offset = 0
                    for (index, bind) in binds.enumerated() {
                        switch bind {
                        case .null:
                            values[index] = nil
                            numbers[index] = 0
                            numbers[count + index] = 0
                        case .text(var string):
                            let length = string.withUTF8 { utf8 in
                                if let source = utf8.baseAddress { (base + offset).update(from: source, count: utf8.count) }
                                return utf8.count
                            }
                            base[offset + length] = 0
                            values[index] = UnsafeRawPointer(base + offset).assumingMemoryBound(to: CChar.self)
                            numbers[index] = Int32(length)
                            numbers[count + index] = 0
                            offset += length + 1
                        case .binary(let bytes):
                            bytes.withUnsafeBufferPointer { bytes in
                                if let source = bytes.baseAddress { (base + offset).update(from: source, count: bytes.count) }
                            }
                            values[index] = UnsafeRawPointer(base + offset).assumingMemoryBound(to: CChar.self)
                            numbers[index] = Int32(bytes.count)
                            numbers[count + index] = 1
                            offset += max(bytes.count, 1)
                        }
                    }
                    return Result { () throws(DatabaseError) -> R in
                        try body(ParameterBuffers(
                            count: Int32(count), values: UnsafePointer(values.baseAddress),
                            lengths: UnsafePointer(numbers.baseAddress), formats: UnsafePointer(numbers.baseAddress! + count)))
                    }
                }
            }
        }
        return try outcome.get()
    }
}
