import HADICCrypto

/// The GS1 CBV 2.0 event hash algorithm (CBV 2.0 section 8.9, "EPCIS Event Hash ID"): the
/// event's pre-hash string, and its SHA-256 as an ``EPCISEventHash``. docs/EPCIS.md specifies it
/// byte for byte.
///
/// Guarantees: the pre-hash string depends only on the event's content, never on member order,
/// list order, identifier spelling (EPC URN or Digital Link, any host), bare word or full URI,
/// time zone, or number spelling; it leaves out `eventID`, `recordTime`, `errorDeclaration` and
/// `certificationInfo`; every other field, extensions included, changes it.
public enum EPCISEventHasher {
    /// The pre-hash string of `event`; `namespaces` (prefix -> IRI, usually the document's
    /// ``EPCISDocument/namespaces``) resolve extension names and CURIEs.
    public static func preHashString(_ event: EPCISEvent, namespaces: [String: String]) throws(EPCISError) -> String {
        try PreHashBuilder(event: event, namespaces: namespaces).build()
    }

    /// The event hash: SHA-256 of the UTF-8 pre-hash string.
    public static func hash(_ event: EPCISEvent, namespaces: [String: String]) throws(EPCISError) -> EPCISEventHash {
        let preHash = try preHashString(event, namespaces: namespaces)
        return hash(preHashString: preHash)
    }

    /// The event hash of a given pre-hash string.
    public static func hash(preHashString: String) -> EPCISEventHash {
        let digest = SHA256.hash(Array(preHashString.utf8))
        // 32 bytes always give 64 hex digits.
        guard let hash = EPCISEventHash(hex: Hex.encode(digest)) else {
            preconditionFailure("SHA-256 did not give 32 bytes")
        }
        return hash
    }
}
