import HADICCore
import HADICCrypto

/// An administrator named in the genesis block: a party with role `admin` and its key.
public struct GenesisAdmin: Equatable, Sendable {
    public let party: PartyID
    public let publicKey: PublicKey

    public init(party: PartyID, publicKey: PublicKey) {
        self.party = party
        self.publicKey = publicKey
    }
}

/// What the genesis block names: the ledger's origin (its checkpoint and note key name),
/// the sequencer's Ed25519 key, and the admins who may register every other party.
public struct Genesis: Equatable, Sendable {
    public let origin: String
    public let sequencerKey: PublicKey
    public let admins: [GenesisAdmin]

    public init(origin: String, sequencerKey: PublicKey, admins: [GenesisAdmin]) throws(LedgerError) {
        guard Genesis.isValidOrigin(origin) else {
            throw .invalidGenesis("origin must be 1-255 printable ASCII characters without spaces or '+', like example.org/hadic/east-java")
        }
        guard sequencerKey.algorithm == .ed25519 else { throw .invalidGenesis("the sequencer key must be Ed25519") }
        guard !admins.isEmpty else { throw .invalidGenesis("at least one admin key is required") }
        guard Set(admins.map(\.party)).count == admins.count, Set(admins.map(\.publicKey)).count == admins.count else {
            throw .invalidGenesis("admin parties and keys must be distinct")
        }
        self.origin = origin
        self.sequencerKey = sequencerKey
        self.admins = admins
    }

    static func isValidOrigin(_ s: String) -> Bool {
        (1...255).contains(s.utf8.count) && s.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "+") }
    }

    /// The ledger state before any event: the admins, registered by genesis itself.
    public var initialState: LedgerState {
        var state = LedgerState()
        for admin in admins {
            state.setParty(admin.party, PartyRecord(role: .admin, name: admin.party.rawValue, registeredBy: nil, revokedBy: nil))
            state.setKey(admin.publicKey.keyID, KeyRecord(party: admin.party, publicKey: admin.publicKey, addedBy: nil, retiredBy: nil))
        }
        return state
    }
}
