/// The C arrays `PQexecParams`/`PQexecPrepared` want, alive only for the duration of one call.
/// Text parameters are NUL-terminated UTF-8 (format 0); bytea goes as raw binary (format 1), no escaping.
struct ParameterBuffers {
    let count: Int32
    let values: UnsafePointer<UnsafePointer<CChar>?>?
    let lengths: UnsafePointer<Int32>?
    let formats: UnsafePointer<Int32>?

    static func withBuffers<R>(
        _ binds: [PostgresBind], _ body: (ParameterBuffers) throws(DatabaseError) -> R
    ) throws(DatabaseError) -> R {
        if binds.isEmpty {
            return try body(ParameterBuffers(count: 0, values: nil, lengths: nil, formats: nil))
        }
        var storage: [UnsafeMutableRawPointer?] = []
        storage.reserveCapacity(binds.count)
        defer { storage.forEach { $0?.deallocate() } }
        var lengths: [Int32] = []
        var formats: [Int32] = []
        lengths.reserveCapacity(binds.count)
        formats.reserveCapacity(binds.count)

        for bind in binds {
            switch bind {
            case .null:
                storage.append(nil)
                lengths.append(0)
                formats.append(0)
            case .text(let string):
                let utf8 = Array(string.utf8CString)
                let pointer = UnsafeMutableRawPointer.allocate(byteCount: utf8.count, alignment: 1)
                utf8.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                storage.append(pointer)
                lengths.append(Int32(utf8.count - 1))
                formats.append(0)
            case .binary(let bytes):
                // Never a null pointer for an empty bytea: libpq would read it as SQL NULL.
                let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
                bytes.withUnsafeBytes { if let base = $0.baseAddress { pointer.copyMemory(from: base, byteCount: $0.count) } }
                storage.append(pointer)
                lengths.append(Int32(bytes.count))
                formats.append(1)
            }
        }
        let values = storage.map { $0.map { UnsafePointer<CChar>($0.assumingMemoryBound(to: CChar.self)) } }
        return try values.withUnsafeBufferPointer { (valuesBuffer) throws(DatabaseError) -> R in
            try lengths.withUnsafeBufferPointer { (lengthsBuffer) throws(DatabaseError) -> R in
                try formats.withUnsafeBufferPointer { (formatsBuffer) throws(DatabaseError) -> R in
                    try body(
                        ParameterBuffers(
                            count: Int32(binds.count), values: valuesBuffer.baseAddress,
                            lengths: lengthsBuffer.baseAddress, formats: formatsBuffer.baseAddress))
                }
            }
        }
    }
}
