import HADICCrypto
import XCTest

final class Base64Tests: XCTestCase {
    func testRFC4648Vectors() {
        let vectors = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                       ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base64.encode(Array(plain.utf8)), encoded)
            XCTAssertEqual(Base64.decode(encoded), Array(plain.utf8))
        }
        let all = (0...255).map { UInt8($0) }
        XCTAssertEqual(Base64.decode(Base64.encode(all)), all)
        XCTAssertEqual(Base64.encode([0xfb, 0xff]), "+/8=")
    }

    func testRejectsNonCanonicalOrMalformed() {
        for bad in ["Zg", "Zg=", "Zh==", "Zm9=", "Zg==Zg==", "=Zg=", " Zg==", "Zg==\n", "Zg-_", "Z===", "Zm9v!A==", "===="] {
            XCTAssertNil(Base64.decode(bad), "accepted \(bad.debugDescription)")
        }
    }
}
