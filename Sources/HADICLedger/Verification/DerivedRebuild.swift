import HADICCore

/// Rebuilds every derived table (state, Merkle nodes, provenance index) from the events alone (what `hadic reindex` writes).
///
/// Events are applied in ledger order without re-checking signatures (that is `verify --full`'s
/// job); an event that no longer parses stops the rebuild, naming it.
public enum DerivedRebuild {
    public static func rebuild(from store: any LedgerStore) throws -> (state: LedgerState, nodes: [MerkleNode], links: [LotLink]) {
        guard let genesisBlock = try store.block(at: 0), let genesis = genesisBlock.header.genesis,
              let latest = try store.latestBlock() else {
            throw LedgerError.notInitialized("no genesis block")
        }
        var state = genesis.initialState
        var frontier = MerkleFrontier()
        var nodes: [MerkleNode] = []
        var links: [LotLink] = []
        let batch: UInt64 = 4096
        var start: UInt64 = 0
        while start < latest.header.treeSize {
            let end = min(latest.header.treeSize, start + batch)
            for e in try store.events(in: start..<end) {
                let envelope: EventEnvelope
                do {
                    envelope = try EventEnvelope.parse(e.leafBytes)
                } catch {
                    throw LedgerError.corrupt("event \(e.id) (index \(e.index)) does not parse: \(error)")
                }
                Admission.apply(envelope, to: &state)
                nodes.append(contentsOf: frontier.append(leafHash: MerkleHash.leaf(e.leafBytes)))
                links.append(contentsOf: LotLink.links(of: envelope, at: e.index))
            }
            start = end
        }
        guard frontier.root == latest.header.treeRoot else {
            throw LedgerError.corrupt("events do not reproduce the root signed in block \(latest.height); run `hadic verify`")
        }
        state.clearTouched()
        return (state, nodes, links)
    }
}
