import TandemSQL

/// Lets query helpers take plain Swift values as parameters.
protocol SQLValueConvertible {
    var sqlValue: SQLValue { get }
}

extension String: SQLValueConvertible {
    var sqlValue: SQLValue { .text(self) }
}

extension Int64: SQLValueConvertible {
    var sqlValue: SQLValue { .integer(self) }
}

extension Int: SQLValueConvertible {
    var sqlValue: SQLValue { .integer(Int64(self)) }
}
