/// One part of a multipart/form-data body.
public struct MultipartPart: Sendable {
    /// The `name` of its Content-Disposition.
    public var name: String
    /// The `filename`, when the part is a file upload.
    public var filename: String?
    public var contentType: String?
    public var headers: HTTPHeaders
    /// The exact bytes of the part (binary-safe).
    public var body: [UInt8]

    public init(name: String, filename: String? = nil, contentType: String? = nil, headers: HTTPHeaders = [:], body: [UInt8]) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }
}
