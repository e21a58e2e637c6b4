import Foundation

/// A private certificate authority in a folder, made with the `openssl`
/// command, and server certificates it signs: for tests, the demo and the
/// benchmarks, which need HTTPS on 127.0.0.1 without touching the system's
/// trust store. Keys are P-256, unencrypted, mode 0600 (the folder 0700).
public struct LocalCertificateAuthority: Sendable {
    /// A certificate and its key, as PEM files.
    public struct Issued: Sendable {
        public let certificateFile: String
        public let keyFile: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let folder: String
    /// The CA's certificate: what clients pass as `caFile`.
    public var caFile: String { folder + "/ca.pem" }
    private var caKey: String { folder + "/ca.key" }

    /// Creates the folder and a new CA named `name` in it.
    public init(folder: String, name: String = "Tandem Local Test CA") throws {
        self.folder = folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try Data().write(to: URL(fileURLWithPath: folder + "/index.txt"))
        try "01\n".write(toFile: folder + "/serial", atomically: true, encoding: .utf8)
        try Self.config.write(toFile: folder + "/ca.cnf", atomically: true, encoding: .utf8)
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", caKey, "-out", caFile, "-days", "30", "-subj", "/CN=\(name)"])
    }

    /// Issues a server certificate for `hosts` (IP addresses and DNS names).
    /// `validDays` of nil makes one that expired in 2020.
    public func issue(_ name: String, hosts: [String] = ["127.0.0.1", "localhost"], validDays: Int? = 30) throws -> Issued {
        let issued = Issued(certificateFile: folder + "/\(name).pem", keyFile: folder + "/\(name).key")
        let request = folder + "/\(name).csr"
        let extensions = folder + "/\(name).ext"
        let names = hosts.enumerated().map { index, host in
            host.allSatisfy({ $0.isNumber || $0 == "." }) ? "IP.\(index + 1) = \(host)" : "DNS.\(index + 1) = \(host)"
        }
        try ("[server]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature, keyEncipherment\n"
            + "extendedKeyUsage = serverAuth\nsubjectAltName = @alt\n[alt]\n" + names.joined(separator: "\n") + "\n")
            .write(toFile: extensions, atomically: true, encoding: .utf8)
        try openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", issued.keyFile, "-out", request, "-subj", "/CN=\(name)"])
        let validity = validDays.map { ["-days", String($0)] }
            ?? ["-startdate", "20200101000000Z", "-enddate", "20200102000000Z"]
        try openssl(["ca", "-batch", "-config", folder + "/ca.cnf", "-cert", caFile, "-keyfile", caKey, "-in", request,
                     "-out", issued.certificateFile, "-extfile", extensions, "-extensions", "server", "-notext"] + validity)
        return issued
    }

    private func openssl(_ arguments: [String]) throws {
        let executable = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let executable else {
            throw Failure(description: "the openssl command is missing; install it with: sudo apt-get install -y openssl")
        }
        let result = try ChildProcess.run(executable, arguments, currentDirectory: folder)
        guard result.status == 0 else {
            throw Failure(description: "openssl \(arguments.prefix(2).joined(separator: " ")) failed: \(result.stderr.suffix(500))")
        }
    }

    private static let config = """
        [ca]
        default_ca = local
        [local]
        dir = .
        database = index.txt
        new_certs_dir = .
        serial = serial
        default_md = sha256
        policy = any
        unique_subject = no
        copy_extensions = none
        [any]
        commonName = supplied

        """
}
