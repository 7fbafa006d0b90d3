import ArgumentParser
import HADICCrypto

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Make and inspect signing keys.",
        subcommands: [Generate.self, ID.self]
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a key pair: FILE (PKCS#8 PEM, mode 0600) and FILE.pub (SPKI PEM).",
            discussion: "Prints the key id: the lowercase hex SHA-256 of the DER public key. The private key never leaves this machine; give others only FILE.pub."
        )

        @Option(help: ArgumentHelp("Where to write the private key; the public key goes to FILE.pub.", valueName: "FILE"))
        var out: String

        @Option(help: "ed25519 (default) or p256 (ECDSA P-256 with SHA-256).")
        var algorithm: String = "ed25519"

        func validate() throws {
            guard SignatureAlgorithm(rawValue: algorithm) != nil else {
                throw ValidationError("--algorithm must be ed25519 or p256")
            }
        }

        func run() throws {
            try reportingFailures {
                let key = try PrivateKey.generate(SignatureAlgorithm(rawValue: algorithm) ?? .ed25519)
                try key.write(to: out)
                try key.publicKey.write(to: out + ".pub")
                print(key.publicKey.keyID)
            }
        }
    }

    struct ID: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the key id of a private or public key file.")

        @Argument(help: ArgumentHelp("A PEM private key or public key.", valueName: "FILE"))
        var file: String

        func run() throws {
            try reportingFailures {
                if let pub = try? PublicKey(contentsOf: file) {
                    print(pub.keyID)
                } else {
                    print(try PrivateKey(contentsOf: file).publicKey.keyID)
                }
            }
        }
    }
}
