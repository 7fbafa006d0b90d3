import Foundation
import HADICCrypto
import XCTest

final class KeyFileTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
    }

    override func tearDown() {
        directory?.cleanUp()
    }

    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try XCTUnwrap(attributes[.posixPermissions] as? NSNumber).intValue & 0o777
    }

    func testPrivateKeyFileIsMode0600AndNotOverwritten() throws {
        let key = try PrivateKey.generate(.ed25519)
        let path = directory.path("signing.key")
        try key.write(to: path)
        XCTAssertEqual(try mode(path), 0o600)
        XCTAssertEqual(try PrivateKey(contentsOf: path).publicKey, key.publicKey)
        let before = try directory.read("signing.key")

        let other = try PrivateKey.generate(.ed25519)
        assertCryptoError(try other.write(to: path)) { $0 == .fileExists(path: path) }
        XCTAssertEqual(try directory.read("signing.key"), before, "file changed by a refused write")
        assertCryptoError(try other.write(to: path)) { $0.description.contains(path) }
    }

    func testPublicKeyFileIsMode0644AndNotOverwritten() throws {
        let key = try PrivateKey.generate(.p256)
        let path = directory.path("signing.pub")
        try key.publicKey.write(to: path)
        XCTAssertEqual(try mode(path), 0o644)
        XCTAssertEqual(try PublicKey(contentsOf: path), key.publicKey)
        assertCryptoError(try key.publicKey.write(to: path)) { $0 == .fileExists(path: path) }
    }

    func testDoesNotFollowSymlinks() throws {
        let target = directory.path("target")
        let link = directory.path("link")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let key = try PrivateKey.generate(.ed25519)
        assertCryptoError(try key.write(to: link)) { $0 == .fileExists(path: link) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
    }

    func testIOErrorsNameThePath() throws {
        let missing = directory.path("no/such/dir/key.pem")
        let key = try PrivateKey.generate(.ed25519)
        assertCryptoError(try key.write(to: missing)) {
            if case .fileIO(let path, _) = $0 { return path == missing }; return false
        }
        assertCryptoError(try PrivateKey(contentsOf: missing)) {
            if case .fileIO(let path, _) = $0 { return path == missing }; return false
        }
        assertCryptoError(try PublicKey(contentsOf: missing)) {
            if case .fileIO(let path, _) = $0 { return path == missing }; return false
        }
    }
}
