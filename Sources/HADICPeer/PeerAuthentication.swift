import HADICCore
import HADICCrypto

/// The handshake's proof of key (docs/PROTOCOL.md, "Handshake"). Each side signs, with the key
/// its hello names, the ledger id and both nonces, the other side's first: a signature made for
/// one connection cannot be replayed on another (the nonces differ) or to another ledger.
public enum PeerAuthentication {
    public static let domainSeparator = Array("hadic-peer-auth-v1\n".utf8)

    /// What the sender of `own` signs after receiving `theirs`:
    /// `hadic-peer-auth-v1\n` || ledger id (64 ASCII hex digits) || their nonce || own nonce.
    public static func signingInput(ledgerID: String, theirNonce: [UInt8], ownNonce: [UInt8]) -> [UInt8] {
        domainSeparator + Array(ledgerID.utf8) + theirNonce + ownNonce
    }

    /// The auth message answering `theirs`, signed with `key` (the key named in `own`).
    public static func auth(answering theirs: PeerMessage.Hello, own: PeerMessage.Hello, key: PrivateKey) throws -> PeerMessage.Auth {
        PeerMessage.Auth(signature: try key.sign(signingInput(ledgerID: own.ledgerID, theirNonce: theirs.nonce, ownNonce: own.nonce)))
    }

    /// Whether `auth`, received from the sender of `theirs`, proves it holds `theirs.nodeKey`,
    /// for the hello `own` this side sent.
    public static func verify(_ auth: PeerMessage.Auth, from theirs: PeerMessage.Hello, answering own: PeerMessage.Hello) -> Bool {
        theirs.ledgerID == own.ledgerID
            && theirs.nodeKey.isValidSignature(auth.signature, for: signingInput(ledgerID: own.ledgerID, theirNonce: own.nonce, ownNonce: theirs.nonce))
    }
}
