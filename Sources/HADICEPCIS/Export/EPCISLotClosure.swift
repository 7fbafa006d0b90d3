import HADICCore

/// Which lots a `--closure` export covers: the lot and what fed it (docs/EPCIS.md, "Export").
///
/// Guarantees: the result holds the lot; the inputs of every transformation that produced a
/// lot in it, recursively; the contents packed into a container in it, recursively; and each
/// container a lot in it was packed into (whose own events show where and with whom that lot
/// was held), without following such a container's other contents (they did not feed the
/// lot). It is computed from ``LotLink``s alone, so it is the same for a data directory and
/// for a node's downloaded copy.
public enum EPCISLotClosure {
    /// The lots of `lot`'s closure, given every lot's links.
    public static func lots(of lot: LotID, links: [LotID: [LotLink]], linksAt: [UInt64: [LotLink]]) -> Set<LotID> {
        var followed: Set<LotID> = [lot]
        var holders: Set<LotID> = []
        var queue = [lot]
        func follow(_ next: LotID) {
            if followed.insert(next).inserted { queue.append(next) }
        }
        while let current = queue.popLast() {
            for link in links[current] ?? [] {
                let atEvent = linksAt[link.leafIndex] ?? []
                switch link.role {
                case .produced:
                    atEvent.filter { $0.role == .consumed }.forEach { follow($0.lot) }
                case .container:
                    atEvent.filter { $0.role == .packed }.forEach { follow($0.lot) }
                case .packed:
                    atEvent.filter { $0.role == .container }.forEach { holders.insert($0.lot) }
                default:
                    break
                }
            }
        }
        return followed.union(holders)
    }
}
