import HADICCore
import HADICCrypto

/// The handshake's proof of key (docs/PROTOCOL.md, "Handshake"). Each side signs, with the key
/// its hello names, its role on the connection and the hash of both hellos (the dialer's
/// first). The hellos carry the ledger id, both keys and both fresh nonces, so a signature holds
/// for this connection, this ledger and this direction only: it cannot be replayed on another
/// connection, reflected back to its signer, or relayed between two nodes by a third party.
public enum PeerAuthentication {
    public static let domainSeparator = Array("hadic-peer-auth-v1\n".utf8)

    /// Which end of the TCP connection a side is.
    public enum Role: String, Sendable {
        case dialer, listener

        public var other: Role { self == .dialer ? .listener : .dialer }
    }

    /// What the side in `role` signs: `hadic-peer-auth-v1\n` || role || `\n` ||
    /// SHA-256(dialer's hello payload) || SHA-256(listener's hello payload).
    public static func signingInput(role: Role, dialerHello: PeerMessage.Hello, listenerHello: PeerMessage.Hello) -> [UInt8] {
        domainSeparator + Array(role.rawValue.utf8) + [0x0A]
            + SHA256.hash(PeerMessage.hello(dialerHello).payload) + SHA256.hash(PeerMessage.hello(listenerHello).payload)
    }

    /// The auth message of the side in `role` that sent `own` and received `theirs`, signed with `key`.
    public static func auth(role: Role, own: PeerMessage.Hello, theirs: PeerMessage.Hello, key: PrivateKey) throws -> PeerMessage.Auth {
        let (dialer, listener) = role == .dialer ? (own, theirs) : (theirs, own)
        return PeerMessage.Auth(signature: try key.sign(signingInput(role: role, dialerHello: dialer, listenerHello: listener)))
    }

    /// Whether `auth` proves that the other side (the one that sent `theirs`) holds `theirs.nodeKey`,
    /// for the side in `role` that sent `own`.
    public static func verify(_ auth: PeerMessage.Auth, role: Role, own: PeerMessage.Hello, theirs: PeerMessage.Hello) -> Bool {
        let (dialer, listener) = role == .dialer ? (own, theirs) : (theirs, own)
        return theirs.ledgerID == own.ledgerID
            && theirs.nodeKey.isValidSignature(auth.signature, for: signingInput(role: role.other, dialerHello: dialer, listenerHello: listener))
    }
}
