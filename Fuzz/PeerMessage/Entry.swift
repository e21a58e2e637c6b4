// libFuzzer entry for the peer message decoder: what a node does with the
// body of a signed POST from its peer. The input is parsed as JSON, split
// into messages by `ProtocolVersion.messages(ofBatch:)` and each decoded by
// `PeerMessage(decoding:)`. Every input must end in a value or a
// `ProtocolError`, and a decoded message must survive the store's round trip
// (its `json` decodes to the same message), since the inbox keeps messages
// as JSON. Built by Fuzz/run.sh.
import TandemJSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPeerMessages(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body: JSON
    do { body = try JSON(parsing: Array(UnsafeBufferPointer(start: data, count: size))) } catch { return 0 }
    let messages: [JSON]
    do { messages = try ProtocolVersion.messages(ofBatch: body) } catch {
        _ = error.description
        return 0
    }
    for json in messages {
        let message: PeerMessage
        do { message = try PeerMessage(decoding: json) } catch {
            _ = error.description
            continue
        }
        _ = (message.kind, message.lane, message.inboxSeq)
        do {
            let again = try PeerMessage(decoding: message.json)
            guard again == message else { fatalError("round trip changed the message: \(message) became \(again)") }
        } catch {
            fatalError("a decoded message's own JSON does not decode: \(error) for \(message.json.text)")
        }
    }
    return 0
}
