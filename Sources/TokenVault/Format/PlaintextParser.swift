internal import Tokens

/// The plaintext document's schema, read in place from the secure buffer it was decrypted
/// into by the Tokens module's `JSONReader` in its strict mode (SECURITY.md section 5): strict
/// JSON, no duplicate member names at any level, and every token set checked with
/// `verify_token_group`'s rules and filed under its own resource server.
enum PlaintextParser {
    /// What went wrong, without a byte of the content. `location` is a dotted member path
    /// made only of showable names (see `PlaintextDocument.displayName`).
    enum Failure: Error {
        case syntax(offset: Int)
        case wrongType(location: String)
        case missing(member: String, location: String)
        case duplicate(location: String)
        case tooDeep
        case version(Int)
        case tokenSet(namespace: String, error: TokenFormatError)
    }

    static var maximumDepth: Int { JSONReader.maximumDepth(.strict) }

    /// Where the reader is in the schema, to word its failures.
    private struct Place {
        /// Where a value of the wrong type or a repeated resource server is.
        var location = "the document"
        var namespace = ""
        /// Set where a repeated name is the schema's own (document members, namespaces).
        var duplicateAt: String?

        func failure(_ error: JSONReader.Failure) -> Failure {
            switch error.kind {
            case .syntax: .syntax(offset: error.offset)
            case .tooDeep: .tooDeep
            // Anywhere else, a repeated name is inside a value: "in a token set".
            case .duplicateMember: .duplicate(location: duplicateAt ?? "a token set")
            case .duplicateResourceServer: .duplicate(location: location)
            case .notAnObject: .wrongType(location: location)
            case .tokens(let tokenError): .tokenSet(namespace: namespace, error: tokenError)
            }
        }
    }

    /// The namespaces of a plaintext document (the JSON without its padding).
    static func namespaces(in bytes: UnsafeRawBufferPointer) throws(Failure) -> [String: TokenMap] {
        try document(in: bytes) { (reader) throws(JSONReader.Failure) in try reader.tokenMap(depth: 2) }
    }

    /// The same, each set's strings left where they lie in `bytes` (see `TokenSetFields`).
    static func lentNamespaces(in bytes: UnsafeRawBufferPointer) throws(Failure) -> [String: LentTokenMap] {
        try document(in: bytes) { (reader) throws(JSONReader.Failure) in try reader.lentTokenMap(depth: 2) }
    }

    /// `readMap` reads one namespace's value, positioned at it.
    private static func document<Map>(
        in bytes: UnsafeRawBufferPointer, _ readMap: (inout JSONReader) throws(JSONReader.Failure) -> Map
    ) throws(Failure) -> [String: Map] {
        var reader = JSONReader(bytes, mode: .strict)
        var place = Place()
        var version: JSONValue?
        var namespaces: [String: Map]?
        var isObject = true
        do throws(JSONReader.Failure) {
            reader.skipWhitespace()
            if reader.peek() == UInt8(ascii: "{") {
                var seen = Set<String>()
                try reader.members(depth: 0) { (reader, key) throws(JSONReader.Failure) in
                    guard seen.insert(key).inserted else {
                        place.duplicateAt = "the document"
                        throw JSONReader.Failure(kind: .duplicateMember, offset: reader.index)
                    }
                    switch key {
                    case "frl_vault": version = try reader.value(depth: 1)
                    case "namespaces": namespaces = try readNamespaces(&reader, &place, readMap)
                    default: _ = try reader.value(depth: 1)  // ignored, as SECURITY.md says
                    }
                }
                try reader.expectEnd()
            } else {
                _ = try reader.value(depth: 0)
                isObject = false
            }
        } catch {
            throw place.failure(error)
        }
        guard isObject else { throw .wrongType(location: "the document") }
        guard let version else { throw .missing(member: "frl_vault", location: "the document") }
        guard case .int(let number) = version else { throw .wrongType(location: "frl_vault") }
        guard number == VaultFormat.plaintextVersion else { throw .version(number) }
        guard let namespaces else { throw .missing(member: "namespaces", location: "the document") }
        return namespaces
    }

    private static func readNamespaces<Map>(
        _ reader: inout JSONReader, _ place: inout Place, _ readMap: (inout JSONReader) throws(JSONReader.Failure) -> Map
    ) throws(JSONReader.Failure) -> [String: Map] {
        reader.skipWhitespace()
        guard reader.peek() == UInt8(ascii: "{") else {
            _ = try reader.value(depth: 1)
            place.location = "namespaces"
            throw JSONReader.Failure(kind: .notAnObject, offset: reader.index)
        }
        var result: [String: Map] = [:]
        try reader.members(depth: 1) { (reader, namespace) throws(JSONReader.Failure) in
            guard result[namespace] == nil else {
                place.duplicateAt = "namespaces"
                throw JSONReader.Failure(kind: .duplicateMember, offset: reader.index)
            }
            place.location = "namespaces." + PlaintextDocument.shownName(namespace)
            place.namespace = namespace
            result[namespace] = try readMap(&reader)
        }
        return result
    }
}
