"""Hostile XML report files through `selfheal run`: checkstyle XML and JUnit (a linter's and a test runner's)
are read hardened alike. No entity is expanded, no DTD, entity or include is fetched from a file or the
network, and whatever such a file tries, the wrapped command's output and exit code come through, with at
most one warning line for the file.

The files are hand-written: an attack is what no tool writes. Network fetches are caught by a loopback HTTP
server that counts the requests it gets; file reads by a secret in a file the attacks point at, which must
appear nowhere in the report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from emitter.report import Report

SELFHEAL = [sys.executable, "-m", "fixer.cli"]
SECRET = "s3cr3t-marker-0f-the-host"
LEAK_DTD = '<!ENTITY leak SYSTEM "file://{secret}">\n'

# the body of each kind, with {message} where an attack puts its entity reference
BODIES = {
    "checkstyle": '<checkstyle version="4.3"><file name="a.js"><error line="1" column="2" severity="error" '
    'message="m {message}" source="eslint.rules.semi"/></file></checkstyle>',
    "lint-junit": '<testsuites><testsuite package="org.eslint" name="a.js" tests="1"><testcase '
    'name="org.eslint.semi" classname="a"><failure message="m {message}">line 1, col 2, Error - m '
    "(semi)</failure></testcase></testsuite></testsuites>",
    "junit": '<testsuite name="s" tests="1"><testcase classname="tests.test_a" name="test_x">'
    '<failure message="m {message}">assert 0</failure></testcase></testsuite>',
}
OPTION = {"checkstyle": ("--input", "checkstyle=lint.xml"), "lint-junit": ("--junit", "lint.xml")}
OPTION["junit"] = OPTION["lint-junit"]

# (name, DOCTYPE, the reference in the message, refused): a refused file gives no records and one warning;
# one that is read gives its record, without anything the DTD would have brought in
ATTACKS = [
    (
        "billion-laughs",
        '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
        "&d;",
        True,
    ),
    ("external-entity-file", '<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>', "&x;", True),
    ("external-entity-http", '<!DOCTYPE r [<!ENTITY x SYSTEM "{url}/entity">]>', "&x;", True),
    ("parameter-entity", '<!DOCTYPE r [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>', "", True),
    ("external-dtd-http", '<!DOCTYPE r SYSTEM "{url}/leak.dtd">', "&leak;", False),
    ("external-dtd-file", '<!DOCTYPE r SYSTEM "leak.dtd">', "&leak;", False),
    ("public-dtd", '<!DOCTYPE r PUBLIC "-//selfheal//attack//EN" "{url}/public.dtd">', "", False),
]


class Counting(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Counting.requests.append(self.path)
        body = LEAK_DTD.format(secret=self.server.secret).encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A loopback HTTP server that would serve a DTD defining `leak` as the secret file; its URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    httpd.secret = str(tmp_path / "secret.txt")  # type: ignore[attr-defined]
    Counting.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def selfheal(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BUILDKITE", "GITLAB", "CI"))}
    env["SELFHEAL_ROOT"] = str(cwd)
    return subprocess.run(
        [*SELFHEAL, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("kind", list(BODIES))
@pytest.mark.parametrize(
    ("name", "doctype", "reference", "refused"), ATTACKS, ids=[attack[0] for attack in ATTACKS]
)
def test_an_attack_is_neither_expanded_nor_fetched_and_the_run_keeps_its_exit_code(
    tmp_path: Path, server: str, kind: str, name: str, doctype: str, reference: str, refused: bool
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    (tmp_path / "leak.dtd").write_text(LEAK_DTD.format(secret=secret))
    prolog = doctype.format(secret=secret, url=server)
    document = '<?xml version="1.0"?>' + prolog + BODIES[kind].format(message=reference)
    (tmp_path / "attack.src").write_text(document)
    proc = selfheal(
        tmp_path, "run", "--report", "r.json", "--no-summary", *OPTION[kind], "--",
        "sh", "-c", "cp attack.src lint.xml; echo built; exit 5",
    )  # fmt: skip
    assert (proc.returncode, proc.stdout) == (5, "built\n")
    assert Counting.requests == []
    report_text = (tmp_path / "r.json").read_text()
    assert SECRET not in report_text and "aaaaaaaaaa" not in report_text
    report = Report.model_validate(json.loads(report_text))
    assert report.exit_code == 5
    [source] = [s for s in report.sources if s.path == "lint.xml"]
    if refused:
        [line] = proc.stderr.splitlines()
        assert line.startswith("selfheal: warning: lint.xml: ") and "refused" in line, line
        assert source.records == 0 and source.error and report.partial
    else:
        assert proc.stderr == ""
        assert source.records == 1 and source.error is None
        [record] = [r for r in report.records if r.source != "log"]
        assert record.message.split("\n")[0] in ("m", "m assert 0")


def test_an_include_is_not_followed(tmp_path: Path) -> None:
    """XInclude is an element like any other to the readers: nothing is included."""
    (tmp_path / "secret.txt").write_text(SECRET)
    include = '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="secret.txt" parse="text"/>'
    body = BODIES["checkstyle"].format(message="").replace("/></file>", f">{include}</error></file>")
    (tmp_path / "attack.src").write_text(body)
    proc = selfheal(
        tmp_path, "run", "--report", "r.json", "--no-summary", *OPTION["checkstyle"], "--",
        "sh", "-c", "cp attack.src lint.xml; exit 3",
    )  # fmt: skip
    assert (proc.returncode, proc.stderr) == (3, "")
    report = Report.load(str(tmp_path / "r.json"))
    assert [(r.tool, r.rule, r.message) for r in report.records] == [("eslint", "semi", "m")]
    assert SECRET not in (tmp_path / "r.json").read_text()
