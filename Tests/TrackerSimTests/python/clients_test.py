"""Drives the Jira and ServiceNow simulators with the widely used Python clients.

Usage: python clients_test.py /path/to/tandem

Starts `tandem sim jira` and `tandem sim servicenow` on free ports, then uses
pycontribs `jira` (create, read, edit, comment, transition, search, attach,
assign) and `pysnow` (create, query, update, delete, attach) and asserts the
results. Exits 0 on success; any failed assertion or client error exits non-zero
with a traceback. Both simulators are stopped with SIGTERM and must exit 0.
"""
import os
import signal
import subprocess
import sys
import tempfile


def start(tandem, kind, *extra):
    process = subprocess.Popen(
        [tandem, "sim", kind, "--port", "0", "--user", "admin", "--password", "secret", *extra],
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
    snow_process, snow_url = start(tandem, "servicenow")
    try:
        check_jira(jira_url)
        print("jira client: ok")
        check_servicenow(snow_url)
        print("pysnow client: ok")
    finally:
        stop(jira_process, "jira")
        stop(snow_process, "servicenow")


if __name__ == "__main__":
    main()
