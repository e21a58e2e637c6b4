import Foundation
import TandemJSON
import TestSupport
import XCTest

/// The console at /ui/ in a real headless Chromium, against two real nodes
/// and the two simulators: logging in, the connections, a script error on
/// Errors with its file:line:column, fixed and retried, and an entity's
/// timeline with its conflict. Screenshots of each page go to
/// .build/console-screenshots/ (at 1280×800 and at phone size).
final class ConsoleBrowserTests: XCTestCase {
    private var deployment: SyncDeployment!
    private var browser: WebDriver?
    private let shots = TestPaths.packageRoot + "/.build/console-screenshots"

    override func setUpWithError() throws {
        guard WebDriver.isInstalled else {
            XCTFail("the console tests need Chromium and its driver: run `sudo apt-get install -y chromium chromium-driver` (make test does it as root)")
            throw XCTSkip("no browser")
        }
    }

    override func tearDown() {
        if let deployment, (testRun?.totalFailureCount ?? 0) > 0 {
            print(deployment.logs)
            if let log = browser?.logPath, let text = try? String(contentsOfFile: log, encoding: .utf8) { print(text.suffix(3000)) }
        }
        browser = nil
        deployment?.stop()
    }

    private func start() throws -> WebDriver {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 1)
        options.workers = 2
        deployment = try SyncDeployment.local(options)
        let browser = try WebDriver(logFolder: deployment.folder)
        self.browser = browser
        return browser
    }

    private func console(_ node: String, _ route: String = "#/overview") -> String {
        (node == "blue" ? deployment.blue.url : deployment.green.url) + "/ui/" + route
    }

    private func loggedIn(_ browser: WebDriver, _ node: String, _ route: String) throws {
        try browser.open(console(node, "#token=" + deployment.adminToken))
        _ = try browser.waitFor("#nav:not([hidden])")
        try browser.open(console(node, route))
    }

    func testWithoutAToken_OnlyTheLoginPageShows_AndAWrongTokenShowsNoData() throws {
        let browser = try start()
        try browser.open(console("blue"))
        let field = try browser.waitFor("#token")
        XCTAssertFalse(try browser.pageText().contains(SyncDeployment.connection))
        XCTAssertFalse(try browser.isDisplayed(try browser.waitFor("#nav")), "without a token only the login form shows")
        try browser.type("not-the-admin-token-at-all", into: field)
        try browser.click(try browser.waitFor("#login-form button[type=submit]"))
        XCTAssertTrue(try browser.waitForText("not this node's admin token"), (try? browser.pageText()) ?? "")
        XCTAssertFalse(try browser.pageText().contains(SyncDeployment.connection), "a wrong token shows no data")
        XCTAssertFalse(try browser.isDisplayed(try browser.waitFor("#nav")), "the navigation stays hidden")
        try browser.screenshot(to: shots + "/login-wrong-token.png")

        try browser.type(deployment.adminToken, into: try browser.waitFor("#token"))
        try browser.click(try browser.waitFor("#login-form button[type=submit]"))
        XCTAssertTrue(try browser.waitForText(SyncDeployment.connection))
    }

    func testOverview_ShowsTheConnectionWithItsPeerAndPausesAndResumesIt() throws {
        let browser = try start()
        try loggedIn(browser, "blue", "#/overview")
        XCTAssertTrue(try browser.waitForText(deployment.green.url), "the peer's URL: \((try? browser.pageText()) ?? "")")
        let toggle = try browser.waitFor("article[data-connection='\(SyncDeployment.connection)'] button")
        XCTAssertEqual(try browser.text(toggle), "Pause")
        try browser.click(toggle)
        XCTAssertTrue(try eventually(timeout: 10) { try deployment.status("blue")["paused"] == true })
        XCTAssertTrue(try browser.waitForText("Resume"))
        try browser.screenshot(to: shots + "/overview-paused.png")
        try browser.click(try browser.waitFor("article[data-connection='\(SyncDeployment.connection)'] button.primary"))
        XCTAssertTrue(try eventually(timeout: 10) { try deployment.status("blue")["paused"] == false })
        try browser.screenshot(to: shots + "/overview.png")
        try browser.setWindow(width: 390, height: 844)
        try browser.screenshot(to: shots + "/overview-phone.png")
    }

    func testAScriptErrorShowsOnErrorsWithItsPosition_AndSyncsOnceFixedAndRetried() throws {
        let browser = try start()
        let script = deployment.folder + "/servicenow-incoming.sync"
        let original = try String(contentsOfFile: script, encoding: .utf8)
        // Parses, names nothing unknown, fails at run time for one issue only.
        let broken = "def missing = null\nif (replica.summary == \"Poison pill\") { issue.short_description = missing.name }\n" + original
        XCTAssertEqual(deployment.green.stop(), 0)
        try broken.write(toFile: script, atomically: true, encoding: .utf8)
        try deployment.startNode("green")

        _ = try deployment.jira.createIssue("Poison pill")
        _ = try deployment.jira.createIssue("Healthy neighbour")
        XCTAssertTrue(try eventually(timeout: 20) { try deployment.serviceNow.incident(shortDescription: "Healthy neighbour") != nil })

        try loggedIn(browser, "green", "#/errors")
        let reason = try browser.waitFor(".card.error pre.reason", timeout: 20)
        let text = try browser.text(reason)
        XCTAssertTrue(text.contains("servicenow-incoming.sync:2:"), "file:line:column in \(text)")
        XCTAssertTrue(text.contains("missing.name"), "the source line in \(text)")
        try browser.screenshot(to: shots + "/errors.png")

        XCTAssertEqual(deployment.green.stop(), 0)
        try original.write(toFile: script, atomically: true, encoding: .utf8)
        try deployment.startNode("green")
        try browser.open(console("green", "#/errors"))
        try browser.click(try browser.waitFor(".card.error button.primary", timeout: 20))
        XCTAssertTrue(try browser.waitForText("No parked errors"), (try? browser.pageText()) ?? "")
        XCTAssertTrue(try eventually(timeout: 20) { try deployment.serviceNow.incident(shortDescription: "Poison pill") != nil })
    }

    func testEntityPage_ShowsTheLinkAndATimelineOfCreateEditCommentAndTheConflict() throws {
        let browser = try start()
        let key = try deployment.jira.createIssue("Printer on fire")
        XCTAssertTrue(try eventually(timeout: 20) { try deployment.serviceNow.incident(shortDescription: "Printer on fire") != nil })
        try deployment.jira.editIssue(key, ["summary": "Printer on fire, 3rd floor"])
        XCTAssertTrue(try eventually(timeout: 20) { try deployment.serviceNow.incident(shortDescription: "Printer on fire, 3rd floor") != nil })
        try deployment.jira.commentIssue(key, "Smoke from tray 2")
        let sysID = try XCTUnwrap(try deployment.serviceNow.incident(shortDescription: "Printer on fire, 3rd floor")?["sys_id"]?.stringValue)
        XCTAssertTrue(try eventually(timeout: 20) { try deployment.serviceNow.incidentComments(sysID).contains { $0.contains("Smoke from tray 2") } })
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 20))

        // The deliberate conflict, as in the demo: both connections paused,
        // the summary edited on both sides, both queued, then resumed.
        for node in ["blue", "green"] {
            XCTAssertEqual(try deployment.run(["connections", "pause", SyncDeployment.connection], node: node).status, 0)
        }
        try deployment.serviceNow.updateIncident(sysID, ["short_description": "per ServiceNow"])
        Thread.sleep(forTimeInterval: 1.2)  // ServiceNow keeps whole seconds: the Jira edit is clearly newer
        try deployment.jira.editIssue(key, ["summary": "per Jira"])
        XCTAssertTrue(try eventually(timeout: 20) {
            try ["blue", "green"].allSatisfy { (try deployment.status($0)["outbox"]?.intValue ?? 0) > 0 }
        })
        for node in ["blue", "green"] {
            XCTAssertEqual(try deployment.run(["connections", "resume", SyncDeployment.connection], node: node).status, 0)
        }
        XCTAssertTrue(try eventually(timeout: 20) {
            try deployment.serviceNow.request("GET", "/api/now/table/incident/\(sysID)")["result"]?["short_description"]?.stringValue == "per Jira"
                && deployment.jira.issue(key)["fields"]?["summary"]?.stringValue == "per Jira"
        })
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 20))

        try loggedIn(browser, "blue", "#/entity/" + key)
        _ = try browser.waitFor("ol.timeline li.k-conflict", timeout: 20)
        let page = try browser.pageText()
        for expected in [key, "INC", "noticed", "built", "sent", "acked", "twinned with the peer's INC", "received", "applied",
                         "conflict", "per Jira", "per ServiceNow", "local-wins"] {
            XCTAssertTrue(page.contains(expected), "'\(expected)' on the entity page:\n\(page)")
        }
        try browser.screenshot(to: shots + "/entity.png")
        // Found by the peer's key as well.
        let incident = try XCTUnwrap(try deployment.serviceNow.request("GET", "/api/now/table/incident/\(sysID)")["result"]?["number"]?.stringValue)
        try browser.open(console("blue", "#/entity/" + incident))
        XCTAssertTrue(try browser.waitForText("per ServiceNow"))
        try browser.setWindow(width: 390, height: 844)
        try browser.screenshot(to: shots + "/entity-phone.png")
    }

    func testEntityPage_ShowsATransientRetryWithItsReasonAttemptsAndNextAttempt() throws {
        let browser = try start()
        let key = try deployment.jira.createIssue("Tracker hiccup")
        XCTAssertTrue(try eventually(timeout: 20) { try deployment.serviceNow.incident(shortDescription: "Tracker hiccup") != nil })
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 20))
        try deployment.serviceNow.request("PUT", "/_sim/faults", ["failRate": 1])
        try deployment.jira.editIssue(key, ["summary": "Tracker hiccup, edited"])

        try loggedIn(browser, "green", "#/entity/" + key)
        _ = try browser.waitFor("ol.timeline li.k-retrying", timeout: 30)
        XCTAssertTrue(try browser.waitForText("next attempt"))
        let page = try browser.pageText()
        for expected in ["retrying (incoming) after a transient error", "503", "attempts", "created here for the peer's \(key): twins from now on"] {
            XCTAssertTrue(page.contains(expected), "'\(expected)' on the entity page:\n\(page)")
        }
        try browser.screenshot(to: shots + "/entity-retry.png")
        try deployment.serviceNow.request("PUT", "/_sim/faults", ["failRate": 0])
        XCTAssertTrue(try eventually(timeout: 60) { try deployment.serviceNow.incident(shortDescription: "Tracker hiccup, edited") != nil })
    }

    func testPluginsAndConfiguration_ShowWhatLoadedAndWhatWasRefused_AndMaskEverySecret() throws {
        let browser = try start()
        XCTAssertEqual(deployment.blue.stop(), 0)
        try "not a shared object".write(toFile: deployment.folder + "/plugins/libbroken.so", atomically: true, encoding: .utf8)
        try deployment.startNode("blue")
        try loggedIn(browser, "blue", "#/plugins")
        XCTAssertTrue(try browser.waitForText("jira-like"))
        XCTAssertTrue(try browser.waitForText("libJiraLike.so"))
        XCTAssertTrue(try browser.waitForText("libbroken.so"))
        let refused = try browser.text(try browser.waitFor("tr[data-loaded='false']"))
        XCTAssertTrue(refused.contains("refused"), refused)
        try browser.screenshot(to: shots + "/plugins.png")
        try browser.open(console("blue", "#/config"))
        _ = try browser.waitFor("pre.config")
        let page = try browser.pageText()
        XCTAssertTrue(page.contains("***"), page)
        for secret in [deployment.adminToken, deployment.secret, "jira-pw"] {
            XCTAssertFalse(page.contains(secret), "the configuration page shows a secret")
        }
        try browser.screenshot(to: shots + "/config.png")
    }
}
