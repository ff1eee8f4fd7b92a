internal import TokenVault

extension Array where Element == TokenSetView {
    /// Calls `body` with each set where it lies in the array. A view is a dozen words with
    /// strings that need reference counting, so a `for` loop's copy of each one (and its
    /// release) cost more than printing the set; reports over a thousand sets read them here.
    func forEachInPlace(_ body: (UnsafePointer<TokenSetView>) throws -> Void) rethrows {
        try withUnsafeBufferPointer { sets in
            guard let first = sets.baseAddress else { return }
            for index in sets.indices {
                try body(first + index)
            }
        }
    }
}
