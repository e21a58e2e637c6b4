/// The runtime tag of the Swift toolchain this module was compiled with, such as
/// `swift-6.3.1`.
///
/// Swift has no stable ABI on Linux and `libswiftCore.so` carries no symbol
/// versions, so a plugin built by another toolchain would bind to the node's
/// runtime silently and fail later. Host and plugins both compile this file; the
/// loader refuses a Swift plugin whose tag differs from its own. The value is
/// fixed at compile time by `#if compiler(...)`, never read from the running
/// process (which would always agree with itself).
public let swiftRuntimeTag: String = "swift-\(compilerVersion.major).\(compilerVersion.minor).\(compilerVersion.patch)"

private let compilerVersion: (major: Int, minor: Int, patch: Int) = {
    #if compiler(>=7.0)
    return (7, 0, 0)  // A toolchain newer than this table: extend it.
    #elseif compiler(>=6.4)
    return (6, 4, patchOf64)
    #elseif compiler(>=6.3)
    return (6, 3, patchOf63)
    #elseif compiler(>=6.2)
    return (6, 2, patchOf62)
    #elseif compiler(>=6.1)
    return (6, 1, patchOf61)
    #else
    return (6, 0, patchOf60)
    #endif
}()

#if compiler(>=6.4.3)
private let patchOf64 = 3
#elseif compiler(>=6.4.2)
private let patchOf64 = 2
#elseif compiler(>=6.4.1)
private let patchOf64 = 1
#else
private let patchOf64 = 0
#endif

#if compiler(>=6.3.3)
private let patchOf63 = 3
#elseif compiler(>=6.3.2)
private let patchOf63 = 2
#elseif compiler(>=6.3.1)
private let patchOf63 = 1
#else
private let patchOf63 = 0
#endif

#if compiler(>=6.2.3)
private let patchOf62 = 3
#elseif compiler(>=6.2.2)
private let patchOf62 = 2
#elseif compiler(>=6.2.1)
private let patchOf62 = 1
#else
private let patchOf62 = 0
#endif

#if compiler(>=6.1.3)
private let patchOf61 = 3
#elseif compiler(>=6.1.2)
private let patchOf61 = 2
#elseif compiler(>=6.1.1)
private let patchOf61 = 1
#else
private let patchOf61 = 0
#endif

#if compiler(>=6.0.3)
private let patchOf60 = 3
#elseif compiler(>=6.0.2)
private let patchOf60 = 2
#elseif compiler(>=6.0.1)
private let patchOf60 = 1
#else
private let patchOf60 = 0
#endif
