internal import Synchronization

/// Whether the plaintext that views borrow from is still there. `withNamespaceViews` ends the
/// lease before it wipes the plaintext, and every read of borrowed bytes checks it, so a view
/// kept past the call stops the program instead of reading wiped or freed memory.
///
/// A lease is a plain value (a slot and a number), so that copying the thousands of views of a
/// large vault costs no reference counting, which was a fifth of reading one. What it points
/// to, a `LeaseSlot`, is never freed: a view that outlives its call always reads a live slot,
/// and finds there either nothing or a later lease's number, never its own.
@usableFromInline
struct PlaintextLease {
    private let slot: Unmanaged<LeaseSlot>
    private let number: UInt64

    /// A new lease, active until `end()`.
    static func begin() -> PlaintextLease {
        let slot = LeaseSlot.idle.withLock { $0.popLast() } ?? LeaseSlot.makeImmortal()
        let number = LeaseSlot.lastNumber.add(1, ordering: .relaxed).newValue
        slot.current.store(number, ordering: .releasing)
        return PlaintextLease(slot: .passUnretained(slot), number: number)
    }

    /// Slots made so far (for the test that failed calls give theirs back).
    static var slotsMade: Int { LeaseSlot.made.load(ordering: .relaxed) }

    var isActive: Bool {
        slot._withUnsafeGuaranteedRef { $0.current.load(ordering: .acquiring) } == number
    }

    /// Ends the lease (a second call does nothing) and gives its slot to the next one.
    func end() {
        let slot = slot.takeUnretainedValue()
        guard slot.current.compareExchange(expected: number, desired: 0, ordering: .acquiringAndReleasing).exchanged else {
            return
        }
        LeaseSlot.idle.withLock { $0.append(slot) }
    }
}

/// Where a lease's number lives while it is active (0 when none is). One per lease that is
/// active at the same time, reused afterwards: a process holds as many as its most concurrent
/// moment needed.
private final class LeaseSlot: Sendable {
    let current = Atomic<UInt64>(0)

    /// Slots free for the next lease.
    static let idle = Mutex<[LeaseSlot]>([])

    /// The last number handed out; numbers are never reused (2^64 leases is out of reach).
    static let lastNumber = Atomic<UInt64>(0)

    /// How many slots were ever made: at most as many as leases were ever active at once.
    static let made = Atomic<Int>(0)

    /// A slot with one reference that is never released.
    static func makeImmortal() -> LeaseSlot {
        made.add(1, ordering: .relaxed)
        return Unmanaged.passRetained(LeaseSlot()).takeUnretainedValue()
    }
}
