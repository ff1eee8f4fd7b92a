internal import TokenVault

extension Array where Element == TokenSetView {
    /// Calls `body` with each set where it lies in the array. Copying a view out goes through
    /// its out-of-line copy and destroy (it may hold a reference), and reading a field of a
    /// `for` loop's element copied the whole view each time: reports over a thousand sets
    /// read them here instead.
    func forEachInPlace(_ body: (UnsafePointer<TokenSetView>) throws -> Void) rethrows {
        try withUnsafeBufferPointer { sets in
            guard let first = sets.baseAddress else { return }
            for index in sets.indices {
                try body(first + index)
            }
        }
    }
}
