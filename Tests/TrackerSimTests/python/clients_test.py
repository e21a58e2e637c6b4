"""Drives the Jira and ServiceNow simulators with the widely used Python clients.

Usage: python clients_test.py /path/to/tandem

Starts `tandem sim jira` (Data Center and Cloud flavours) and `tandem sim
servicenow` (lenient and strict) on free ports, then uses pycontribs `jira`
(create, read, edit, comment, transition, search, attach, assign; on Cloud the
client's own Cloud paths) and `pysnow` (create, query, update, delete, attach;
ACL-short pages and a journal read denial) and asserts the results. Exits 0 on success; any failed assertion or client error exits non-zero
with a traceback. Both simulators are stopped with SIGTERM and must exit 0.
"""
import os
import signal
import subprocess
import sys
import tempfile


def start(tandem, kind, *extra, user="admin"):
    process = subprocess.Popen(
        [tandem, "sim", kind, "--port", "0", "--user", user, "--password", "secret", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline().strip()
    if not line.startswith("listening on http://127.0.0.1:"):
        process.kill()
        raise SystemExit(f"{kind} simulator did not start: {line!r} {process.stderr.read()}")
    return process, line[len("listening on "):]


def stop(process, kind):
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=10)
    assert code == 0, f"{kind} simulator exited with {code} after SIGTERM"


def check_jira(url):
    from jira import JIRA
    jira = JIRA(server=url, basic_auth=("admin", "secret"), max_retries=0)
    assert jira.server_info()["versionNumbers"][0] == 9

    issue = jira.create_issue(project="SUP", issuetype={"name": "Task"}, summary="Printer on fire",
                              description="Smoke", labels=["hardware"])
    assert issue.key == "SUP-1", issue.key

    again = jira.issue("SUP-1")
    assert again.fields.summary == "Printer on fire"
    assert again.fields.status.name == "To Do"
    assert again.fields.labels == ["hardware"]

    again.update(summary="Printer still on fire", fields={"customfield_10010": "INC0010001"})
    edited = jira.issue("SUP-1")
    assert edited.fields.summary == "Printer still on fire", edited.fields.summary
    assert edited.fields.customfield_10010 == "INC0010001"

    comment = jira.add_comment("SUP-1", "Called the fire brigade")
    assert comment.body == "Called the fire brigade"
    comment.update(body="Fire brigade arrived")
    assert [c.body for c in jira.comments("SUP-1")] == ["Fire brigade arrived"]

    names = [t["name"] for t in jira.transitions("SUP-1")]
    assert names == ["In Progress"], names
    jira.transition_issue("SUP-1", "In Progress")
    jira.transition_issue("SUP-1", "31", comment="Put out")
    done = jira.issue("SUP-1")
    assert done.fields.status.name == "Done", done.fields.status.name
    assert done.fields.resolution.name == "Done"

    for n in range(2, 8):
        jira.create_issue(project="SUP", issuetype={"name": "Bug"}, summary=f"Issue {n}")
    found = jira.search_issues("project = SUP ORDER BY key ASC", maxResults=3)
    assert [i.key for i in found] == ["SUP-1", "SUP-2", "SUP-3"], [i.key for i in found]
    assert found.total == 7, found.total
    everything = jira.search_issues("project = SUP ORDER BY key ASC", maxResults=False)
    assert len(everything) == 7, len(everything)
    done_only = jira.search_issues('status = Done AND labels = hardware')
    assert [i.key for i in done_only] == ["SUP-1"]

    payload = bytes(range(256)) * 40
    with tempfile.NamedTemporaryFile(suffix=".bin") as handle:
        handle.write(payload)
        handle.flush()
        attachment = jira.add_attachment("SUP-2", handle.name, filename="blob.bin")
    assert attachment.size == len(payload)
    assert jira.attachment(attachment.id).get() == payload

    jira.assign_issue("SUP-2", "alice")
    assert jira.issue("SUP-2").fields.assignee.name == "alice"

    jira.issue("SUP-7").delete()
    assert len(jira.search_issues("project = SUP")) == 6


def check_jira_cloud(url):
    """The same client against the Cloud flavour: it switches to /search/jql,
    accountIds and query= user search because serverInfo says Cloud."""
    from jira import JIRA, JIRAError
    jira = JIRA(server=url, basic_auth=("admin@example.com", "secret"), max_retries=0)
    assert jira.deploymentType == "Cloud", jira.deploymentType
    assert jira._is_cloud

    issue = jira.create_issue(project="SUP", issuetype={"name": "Task"}, summary="Cloud printer", labels=["hardware"])
    assert issue.key == "SUP-1", issue.key
    for n in range(2, 8):
        jira.create_issue(project="SUP", issuetype={"name": "Bug"}, summary=f"Cloud issue {n}")

    found = jira.search_issues("project = SUP ORDER BY key ASC", maxResults=3)
    assert [i.key for i in found] == ["SUP-1", "SUP-2", "SUP-3"], [i.key for i in found]
    everything = jira.search_issues("project = SUP ORDER BY key ASC", maxResults=False)
    assert len(everything) == 7, len(everything)
    try:
        jira.search_issues("project = SUP", startAt=3)
        raise AssertionError("startAt > 0 must be refused on Cloud")
    except JIRAError:
        pass

    jira.assign_issue("SUP-2", "alice@example.com")
    assignee = jira.issue("SUP-2").fields.assignee
    assert assignee.accountId.startswith("5b10a"), assignee.accountId
    assert not getattr(assignee, "name", None), "Cloud users have no name"

    internal = jira.add_comment("SUP-1", "agents only", is_internal=True)
    public = jira.add_comment("SUP-1", "hello customer")
    assert internal.jsdPublic is False and public.jsdPublic is True

    payload = bytes(range(256)) * 10
    with tempfile.NamedTemporaryFile(suffix=".bin") as handle:
        handle.write(payload)
        handle.flush()
        attachment = jira.add_attachment("SUP-2", handle.name, filename="blob.bin")
    assert "/attachment/content/" in attachment.content, attachment.content
    assert jira.attachment(attachment.id).get() == payload, "the 303 to the bytes is followed"

    stats = jira._session.get(url + "/_sim/stats").json()
    assert stats["legacySearches"] == 0 and stats["usernameLookups"] == 0, stats


def check_servicenow_strict(url, denied_url):
    """pysnow against a ServiceNow whose ACL hides records after the limit,
    and one whose account may not read the journal."""
    import pysnow
    import requests
    client = pysnow.Client(host=url[len("http://"):], user="admin", password="secret", use_ssl=False)
    incidents = client.resource(api_path="/table/incident")
    for n in range(1, 5):
        text = f"[restricted] secret {n}" if n % 2 == 0 else f"open {n}"
        incidents.create(payload={"short_description": text})
    page = incidents.get(query={}, limit=2, offset=0).all()
    assert [r["number"] for r in page] == ["INC0010001"], page
    rest = incidents.get(query={}, limit=2, offset=2).all()
    assert [r["number"] for r in rest] == ["INC0010003"], rest
    try:
        incidents.get(query={"number": "INC0010002"}).one()
        raise AssertionError("a record hidden by the ACL was returned")
    except pysnow.exceptions.NoResults:
        pass

    denied = pysnow.Client(host=denied_url[len("http://"):], user="admin", password="secret", use_ssl=False)
    try:
        denied.resource(api_path="/table/sys_journal_field").get(query={}).all()
        raise AssertionError("the journal was readable")
    except requests.exceptions.HTTPError as error:
        assert error.response.status_code == 403, error.response.status_code


def check_servicenow(url):
    import pysnow
    client = pysnow.Client(host=url[len("http://"):], user="admin", password="secret", use_ssl=False)
    incidents = client.resource(api_path="/table/incident")

    created = incidents.create(payload={"short_description": "VPN down", "impact": "1", "urgency": "1"})
    record = created.one()
    assert record["number"] == "INC0010001", record["number"]
    assert record["priority"] == "1"
    incidents.create(payload={"short_description": "Mail slow"})

    one = incidents.get(query={"number": "INC0010001"}).one()
    assert one["short_description"] == "VPN down"

    builder = pysnow.QueryBuilder().field("short_description").contains("slow").AND().field("state").equals("1")
    rows = incidents.get(query=builder).all()
    assert [r["number"] for r in rows] == ["INC0010002"], rows

    limited = incidents.get(query={}, limit=1, offset=1).all()
    assert [r["number"] for r in limited] == ["INC0010002"], limited

    updated = incidents.update(query={"number": "INC0010001"}, payload={"state": "2", "comments": "Looking"}).one()
    assert updated["state"] == "2"
    assert updated["sys_mod_count"] == "1"

    journal = client.resource(api_path="/table/sys_journal_field")
    entries = journal.get(query={"element_id": one["sys_id"]}).all()
    assert [e["value"] for e in entries] == ["Looking"], entries

    with tempfile.NamedTemporaryFile(suffix=".txt", mode="wb") as handle:
        handle.write(b"log line\n")
        handle.flush()
        incidents.attachments.upload(sys_id=one["sys_id"], file_path=handle.name)
    listed = incidents.attachments.get(sys_id=one["sys_id"])
    assert len(listed) == 1 and listed[0]["size_bytes"] == "9", listed

    result = incidents.delete(query={"number": "INC0010002"})
    assert result["status"] == "record deleted", result
    remaining = incidents.get(query={}).all()
    assert [r["number"] for r in remaining] == ["INC0010001"], remaining


def main():
    tandem = sys.argv[1]
    jira_process, jira_url = start(tandem, "jira", "--project", "SUP")
    cloud_process, cloud_url = start(tandem, "jira", "--project", "SUP", "--flavor", "cloud", user="admin@example.com")
    snow_process, snow_url = start(tandem, "servicenow")
    strict_process, strict_url = start(tandem, "servicenow", "--acl-hide", "[restricted]")
    denied_process, denied_url = start(tandem, "servicenow", "--deny-journal-read")
    try:
        check_jira(jira_url)
        print("jira client: ok")
        check_jira_cloud(cloud_url)
        print("jira client (cloud): ok")
        check_servicenow(snow_url)
        print("pysnow client: ok")
        check_servicenow_strict(strict_url, denied_url)
        print("pysnow client (strict): ok")
    finally:
        stop(jira_process, "jira")
        stop(cloud_process, "jira cloud")
        stop(snow_process, "servicenow")
        stop(strict_process, "servicenow strict")
        stop(denied_process, "servicenow denied")


if __name__ == "__main__":
    main()
