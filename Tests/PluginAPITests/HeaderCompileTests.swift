import TestSupport
import XCTest

/// The ABI header compiles cleanly as every language standard a plugin author
/// might use, with all warnings as errors.
final class HeaderCompileTests: XCTestCase {
    private let source = TestPaths.fixture("abi/include_all.c")

    private func compile(_ compiler: String, _ flags: [String]) throws {
        let folder = TemporaryDirectory("header")
        try CCompiler.compile(compiler, flags + ["-Wall", "-Wextra", "-pedantic", "-Werror",
                                                 "-I", TestPaths.pluginHeaders, "-c", source, "-o", folder.file("out.o")])
    }

    func testHeader_CompilesAsC99() throws { try compile("cc", ["-std=c99"]) }
    func testHeader_CompilesAsC11() throws { try compile("cc", ["-std=c11"]) }
    func testHeader_CompilesAsC17() throws { try compile("cc", ["-std=c17"]) }
    func testHeader_CompilesAsCxx17() throws { try compile("c++", ["-std=c++17", "-x", "c++"]) }
}
