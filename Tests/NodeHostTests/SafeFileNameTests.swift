import Testing
@testable import NodeHost

@Suite struct SafeFileNameTests {
    @Test func plainNameIsKept() {
        #expect(SafeFileName("report final.pdf").value == "report final.pdf")
    }

    @Test func unixPathIsReducedToItsBaseName() {
        #expect(SafeFileName("../../etc/passwd").value == "passwd")
    }

    @Test func windowsPathIsReducedToItsBaseName() {
        #expect(SafeFileName("C:\\Users\\x\\..\\evil.exe").value == "evil.exe")
    }

    @Test func dotNamesBecomeTheFallback() {
        #expect(SafeFileName("..").value == "attachment")
        #expect(SafeFileName(".").value == "attachment")
        #expect(SafeFileName("a/..").value == "attachment")
    }

    @Test func trailingSlashLeavesNoEmptyName() {
        #expect(SafeFileName("folder/").value == "attachment")
    }

    @Test func emptyNameBecomesTheFallback() {
        #expect(SafeFileName("").value == "attachment")
        #expect(SafeFileName("   ").value == "attachment")
    }

    @Test func nulAndControlCharactersAreDropped() {
        #expect(SafeFileName("a\u{0}b\r\nc\u{1B}[31m\u{7F}\u{85}.txt").value == "abc[31m.txt")
    }

    @Test func onlyControlCharactersBecomeTheFallback() {
        #expect(SafeFileName("\u{0}\u{1}\t").value == "attachment")
    }

    @Test func longNameIsCappedKeepingItsExtension() {
        let name = SafeFileName(String(repeating: "x", count: 5000) + ".png").value
        #expect(name.utf8.count == SafeFileName.maxBytes)
        #expect(name.hasSuffix(".png"))
    }

    @Test func longMultibyteNameIsCutAtACharacterBoundary() {
        let name = SafeFileName(String(repeating: "é", count: 300)).value
        #expect(name.utf8.count <= SafeFileName.maxBytes)
        #expect(name == String(repeating: "é", count: SafeFileName.maxBytes / 2))
    }

    @Test func resultNeverContainsSeparatorsOrControls() {
        for raw in ["a/b\\c", "..\\..\\x", "/", "\\", "x\u{0}/y", "....", " . . "] {
            let name = SafeFileName(raw).value
            #expect(!name.isEmpty && name != "." && name != "..")
            #expect(!name.contains("/") && !name.contains("\\"))
            #expect(!name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        }
    }
}
