/// Several runs of one read statement answered by one execution: each parameter becomes an array holding every
/// run's value, `unnest … WITH ORDINALITY` makes one row of parameters per run, and the statement runs once per
/// row as a LATERAL subquery, its rows tagged with their run's ordinal. PostgreSQL then starts one execution
/// (executor start-up, plan revalidation, one RowDescription) for a batch instead of one per read, which is most
/// of its cost for a read of a few rows (docs/architecture.md, "Pipelined reads").
///
/// Every read of the read pipeline with parameters, all in text, is a candidate: no statement is marked. A
/// parameter now arrives as an element of a `text[]`, so it must be valid as text where it stands or carry its
/// own cast (`$3::boolean`). PostgreSQL infers no other type from text, so a statement where one is not refuses
/// its merged form as SQL (class 42) rather than answering differently; the pipeline then sends that statement
/// run by run (`PipelineStateMachine.unmergeable`). Each run keeps its own parameters, tenancy included.
enum MergedReads {
    /// Whether runs of `sql` may be held for the Sync to be merged: it has parameters, and none is binary (a
    /// bytea value has no place in a `text[]` literal).
    static func mayMerge(_ sql: SQL) -> Bool {
        !sql.binds.isEmpty && !sql.binds.contains { if case .binary = $0 { true } else { false } }
    }

    /// The first column of a merged statement's rows: which run (1-based) the row answers.
    static let ordinalColumn = "pipeline_ordinal"

    /// The merged statement for `sql` (its text and placeholders; not its binds); the same text serves any
    /// number of runs. nil for a statement without parameters.
    static func text(merging sql: SQL) -> String? {
        let parameterCount = sql.pieces.count { $0 == .placeholder }
        guard parameterCount > 0 else { return nil }
        let arrays = (1...parameterCount).map { "$\($0)::text[]" }.joined(separator: ", ")
        let columns = (1...parameterCount).map { "p\($0)" }.joined(separator: ", ")
        return "SELECT pipeline_keys.\(ordinalColumn), pipeline_run.* FROM unnest(\(arrays)) WITH ORDINALITY "
            + "AS pipeline_keys (\(columns), \(ordinalColumn)) CROSS JOIN LATERAL (\(referencingKeys(sql))) AS pipeline_run"
    }

    /// `sql`'s text with each placeholder `$n` replaced by `pipeline_keys.pn`.
    static func referencingKeys(_ sql: SQL) -> String {
        String(decoding: sql.render { number, out in
            out.append(contentsOf: "pipeline_keys.p".utf8)
            SQL.appendDecimal(number, to: &out)
        }, as: UTF8.self)
    }

    /// The merged statement's parameters: for each position, a `text[]` literal of every run's value. nil when
    /// a run has a binary parameter or the runs disagree on the count.
    static func binds(_ runs: [[PostgresBind]]) -> [PostgresBind]? {
        guard let count = runs.first?.count, runs.allSatisfy({ $0.count == count }) else { return nil }
        var literals: [PostgresBind] = []
        literals.reserveCapacity(count)
        // Built as bytes and made a String once: appending to a String costs ~4k instructions per merged read.
        var literal: [UInt8] = []
        for position in 0..<count {
            literal.removeAll(keepingCapacity: true)
            literal.append(UInt8(ascii: "{"))
            for (number, run) in runs.enumerated() {
                if number > 0 { literal.append(UInt8(ascii: ",")) }
                switch run[position] {
                case .null:
                    literal.append(contentsOf: "NULL".utf8)
                case .text(var value):
                    literal.append(UInt8(ascii: "\""))
                    value.withUTF8 { utf8 in
                        // Ids and flags need no escaping: appended whole, not byte by byte.
                        if utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                            for byte in utf8 {
                                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { literal.append(UInt8(ascii: "\\")) }
                                literal.append(byte)
                            }
                        } else {
                            literal.append(contentsOf: utf8)
                        }
                    }
                    literal.append(UInt8(ascii: "\""))
                case .binary:
                    return nil
                }
            }
            literal.append(UInt8(ascii: "}"))
            literals.append(.text(String(decoding: literal, as: UTF8.self)))
        }
        return literals
    }

    /// The merged result cut into one result per run, in order, each row keeping its run's relative order; nil
    /// when a row's ordinal is missing or out of range.
    static func split(_ result: QueryResult, runs: Int) -> [QueryResult]? {
        var parts = [[Row]](repeating: [], count: runs)
        for row in result.rows {
            guard let text = row.values.first ?? nil, let ordinal = Int(text), ordinal >= 1, ordinal <= runs
            else { return nil }
            parts[ordinal - 1].append(row)
        }
        return parts.map { QueryResult(rows: $0, affectedRows: $0.count) }
    }
}
