import Foundation
import TandemJSON
import TandemSQL
import TandemTime
import TandemDigest

/// Who a store is: a random id written when the store is created, and an
/// epoch that a restore from backup advances.
///
/// A node stamps every batch it sends with its identity; the peer remembers
/// the identity it has seen per connection (`PeerStores.swift`), so a store
/// that was lost and begun again (new id) or restored from a backup (new
/// epoch) cannot have its restarted sequence numbers taken for duplicates.
/// The data folder keeps a copy in `store-id` (`StoreMarker`), which is how a
/// node knows an empty or missing `tandem.db` had a predecessor.
public struct StoreIdentity: Sendable, Equatable, CustomStringConvertible {
    public var id: String
    public var epoch: Int64

    public init(id: String, epoch: Int64) {
        self.id = id
        self.epoch = epoch
    }

    public var description: String { "store \(id) epoch \(epoch)" }

    var json: JSON { ["id": .string(id), "epoch": .int(epoch)] }

    init?(json: JSON?) {
        guard let id = json?["id"]?.stringValue, !id.isEmpty, let epoch = json?["epoch"]?.intValue else { return nil }
        self.init(id: id, epoch: Int64(epoch))
    }

    /// A fresh identity: 128 random bits, epoch 1.
    static func random() -> StoreIdentity {
        StoreIdentity(id: Digest.hex(Digest.randomBytes(16)), epoch: 1)
    }
}

extension StoreTransaction {
    /// The store's identity; nil only before `createStoreIdentity`.
    func storeIdentity() throws -> StoreIdentity? {
        try query("SELECT id, epoch FROM store_identity LIMIT 1") { StoreIdentity(id: $0.text(0) ?? "", epoch: $0.int64(1)) }.first
    }

    /// Writes a new random identity (a store has one, from its creation on).
    func createStoreIdentity(now: Int64 = Timestamp.now()) throws -> StoreIdentity {
        let identity = StoreIdentity.random()
        try run("INSERT INTO store_identity (id, epoch, created_at) VALUES (?, ?, ?)",
                [.text(identity.id), .integer(identity.epoch), .integer(now)])
        return identity
    }

    /// Sets the epoch (after a restore: past every epoch the peers have seen).
    func setStoreEpoch(_ epoch: Int64) throws {
        try run("UPDATE store_identity SET epoch = ?", [.integer(epoch)])
    }
}

/// The data folder's record of the store it holds (`store-id`, JSON
/// `{"id": …, "epoch": …}`), written after every start and restore.
public enum StoreMarker {
    public static let fileName = "store-id"

    /// Nil when the folder has no record; a record that cannot be read is an
    /// error, never taken for the absence of one.
    public static func read(dataDir: String) throws(NodeStartError) -> StoreIdentity? {
        let path = dataDir + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NodeStartError("\(path) cannot be read; fix its permissions")
        }
        let json: JSON
        do { json = try JSON(parsing: [UInt8](data)) } catch {
            throw NodeStartError("\(path) is damaged (\(error)): restore the store with `tandem restore --config FILE --from BACKUP`, or remove it, start with --new-store and run `tandem recover`")
        }
        guard let identity = StoreIdentity(json: json) else {
            throw NodeStartError("\(path) is damaged (no store id and epoch): restore the store with `tandem restore --config FILE --from BACKUP`, or remove it, start with --new-store and run `tandem recover`")
        }
        return identity
    }

    public static func write(_ identity: StoreIdentity, dataDir: String) throws {
        try identity.json.text.write(toFile: dataDir + "/" + fileName, atomically: true, encoding: .utf8)
    }
}
