/// Python's `str.replace` and `str.split` work on code points, not on Swift's Characters: to
/// Python a "." followed by a combining accent is still a ".", and the "\n" of "\r\n" is a
/// "\n". The flat keys and INI values written here must be the bytes Python writes, so these
/// helpers match code points too.
extension String {
    /// Every `old` (an ASCII character) replaced by `new`. An ASCII byte never occurs inside
    /// another code point's UTF-8, so replacing bytes is replacing code points.
    func replacingASCII(_ old: StaticString, with new: String) -> String {
        precondition(old.utf8CodeUnitCount == 1 && old.utf8Start.pointee < 0x80, "one ASCII character")
        let target = old.utf8Start.pointee
        guard utf8.contains(target) else { return self }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count + new.utf8.count)
        for byte in utf8 {
            if byte == target {
                bytes.append(contentsOf: new.utf8)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Python's `split(separator)` for an ASCII separator: non-overlapping, left to right,
    /// empty parts kept. An ASCII byte never occurs inside another code point's UTF-8, so
    /// matching bytes is matching code points.
    func splitOnASCII(_ separator: StaticString) -> [String] {
        let bytes = Array(utf8)
        let needle = UnsafeBufferPointer(start: separator.utf8Start, count: separator.utf8CodeUnitCount)
        var parts: [String] = []
        var start = 0
        var index = 0
        while index + needle.count <= bytes.count {
            if bytes[index..<(index + needle.count)].elementsEqual(needle) {
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
                index += needle.count
                start = index
            } else {
                index += 1
            }
        }
        parts.append(String(decoding: bytes[start...], as: UTF8.self))
        return parts
    }
}
