#if canImport(Glibc)
import Glibc
#endif

/// Strings in Unicode code point order, which is the byte order of their UTF-8: how the vault
/// writer orders names, how Python's `sorted` and `json.dump(sort_keys=True)` order them, and
/// so how every report lists them. (`String`'s own `<` compares canonical equivalents equal
/// and costs several times more.)
public enum CodePointOrder {
    public static func precedes(_ left: String, _ right: String) -> Bool {
        let fast = left.utf8.withContiguousStorageIfAvailable { leftBytes in
            right.utf8.withContiguousStorageIfAvailable { rightBytes -> Bool in
                let common = min(leftBytes.count, rightBytes.count)
                if common > 0, let leftStart = leftBytes.baseAddress, let rightStart = rightBytes.baseAddress {
                    let order = memcmp(leftStart, rightStart, common)
                    if order != 0 { return order < 0 }
                }
                return leftBytes.count < rightBytes.count
            }
        }
        return (fast ?? nil) ?? left.utf8.lexicographicallyPrecedes(right.utf8)
    }
}
