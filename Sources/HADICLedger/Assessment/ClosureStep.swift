/// One event behind a kept row of a closure (what R-SIG checks and a bundle takes): its leaf
/// index, and where its row is (the lot's ``ClosureLot/slot`` and the row's position in that
/// lot's ``ClosureLot/links``). Plain numbers: gathering and sorting a closure's thousands of
/// steps touches no row object. ``LotClosure/event(of:)`` gives the event.
public struct ClosureStep: Sendable {
    public let index: UInt64
    let slot: Int32
    let row: Int32
}
