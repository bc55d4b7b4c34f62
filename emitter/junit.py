"""JUnit XML reports → hits: one per failed or errored test, placed in the test's own source.

Dialects: a `<testsuites>` or bare `<testsuite>` root, nested suites, the `status` attribute (Bazel, ctest,
tst: "failed"/"error"/"notrun" fail even without a child element, "disabled" is skipped), Surefire reruns (a
test that passed on a rerun carries only `<flakyFailure>`: no hit; one that failed every run has `<failure>`).
A test reported twice in one suite (pytest: failure in the call, error in teardown) is one hit.

Hostile input: defusedxml refuses any entity declaration before expanding it (XXE, billion laughs), and
no DTD or external resource is ever fetched. A file that cannot be read is a one-line warning, never an
exception.

Message: the failure's `message` attribute, or the text before its stack trace when that says more (pytest:
its `E` lines; a Python traceback: its exception line; ctest and Bazel: the end of the captured output), then
the trace frames that lie in the repository (library frames dropped), so the record says where it broke
without carrying a 200-line trace. At most 40 lines. The full text stays in the report file.

Location: the testcase's `file`/`line` attributes (pytest xunit1, PHPUnit, rspec, jest-junit with
addFileAttribute), the line taken from the trace frame nearest the failure in that file; else that frame in
the test's own file or class, else the first frame in the repository; else the pytest classname. pytest writes
`line` 0-based: it is made 1-based here. A Java frame names a file, not a path: the class's package is looked
up under the usual source roots, else the bare file name is kept.
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .hit import Hit

if TYPE_CHECKING:
    from .normalize import PathResolver

MAX_BYTES = 256 * 1024 * 1024  # a parsed tree takes several times the file: refuse rather than swap
MAX_LINES = 40
MAX_SCAN = 200_000  # characters of one failure text that are looked at; the rest is a dump
_FAILED_STATUS = {"failed", "fail", "failure", "error", "errored", "notrun"}  # ctest counts notrun as failed
_GENERIC = {"", "failed", "fail", "failure", "error", "errored", "collection failure", "test failed"}
_IMPORT = re.compile(
    r"^(?:ModuleNotFoundError|ImportError)\b|ImportError while importing|Cannot find module ['\"]", re.M
)
_LIBRARY = re.compile(
    r"node_modules|site-packages|dist-packages|/lib/python\d|<frozen|^node:|^internal/|/\.pyenv/|/\.rbenv/"
    r"|/gems/|/rubygems/|^/usr/(?:local/)?(?:lib|go|share)/|/_pytest/|/pluggy/|/golang/src/|^<"
)
_JAVA_LIB = re.compile(
    r"^(?:java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|junit|org\.junit|org\.testng|org\.opentest4j"
    r"|org\.apache\.maven|org\.gradle|worker\.org\.gradle|org\.assertj|org\.hamcrest|org\.mockito"
    r"|org\.scalatest|org\.spockframework|org\.codehaus\.groovy|groovy|net\.bytebuddy|com\.intellij)\."
)
_EXC = r"[A-Za-z_][\w.$\\]*(?:Error|Exception|Failure|Failed|Exit|Interrupt)"
_PY_FRAME = re.compile(r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+)')
_PYTEST_FRAME = re.compile(rf"^(?P<path>[^\s:]+\.py):(?P<line>\d+): (?:in \S+|(?P<exc>{_EXC}))?\s*$")
_JVM = r"\.(?:java|kt|kts|scala|groovy)"
_JAVA_FRAME = re.compile(  # at [loader/][module@version/]pkg.Class.method(File.java:12)
    rf"^\s*at (?:\S*/)?(?P<cls>[\w$.]+)\.[\w$<>-]+\((?P<path>[\w$-]+{_JVM}):(?P<line>\d+)\)"
)
_JAVA_OTHER = re.compile(rf"^\s*at [^\s(]+\((?:Native Method|Unknown Source|[^)]*{_JVM}(?::\d+)?)\)")
_JS_FRAME = re.compile(r"^\s*at (?:.*?\()?(?P<path>(?:file://)?[^\s()]+?):(?P<line>\d+):(?P<col>\d+)\)?\s*$")
_OTHER_FRAME = re.compile(  # Ruby `./x.rb:12:in`, PHP `/x.php(12)`, .NET `in C:\x.cs:line 12`
    r"(?:^\s*(?:#\d+ |# )?|\s)(?P<path>(?:[A-Za-z]:)?[^\s:()'\"]+\.\w{1,10})"
    r"(?::(?P<line>\d+):in |\((?P<pline>\d+)\)|:line (?P<nline>\d+))"
)
_ANY_LOC = re.compile(
    r"(?:^|[\s(\[#'\"])(?P<path>(?:[A-Za-z]:)?[\w./\\@+~-]*\w\.[A-Za-z]\w{0,9}):(?P<line>\d+)(?::(?P<col>\d+))?\b"
)
_STACK_LINE = re.compile(
    r'^\s*(?:at |File "|Traceback \(most recent call last\)|#\d+ /)|:\d+:in |^goroutine \d+ \['
)
_LOC_ONLY = re.compile(r"^\s*(?:at\s+)?\S+(?::\d+|\(\d+\))\s*$")
_EXC_LINE = re.compile(rf"^(?P<exc>{_EXC})(?::|$)")
_GO_NOISE = re.compile(r"^\s*(?:=== (?:RUN|PAUSE|CONT|NAME)|--- (?:FAIL|PASS|SKIP):)")
_GO_LOC = re.compile(r"^(\s*)\S+\.go:\d+: ")
_TESTISH = re.compile(
    r"(?:^|/)(?:tests?|spec|__tests__)/|[._-](?:test|spec)\.\w+$|_test\.go$|Tests?\.\w+$|(?:^|/)test_"
)
_SOURCE_ROOTS = (
    "src/test/java", "src/test/kotlin", "src/test/scala", "src/test/groovy", "src/main/java",
    "src/main/kotlin", "src/main/scala", "src/main/groovy", "src", "test", "tests", "",
)  # fmt: skip


@dataclass(slots=True)
class _Frame:
    path: str
    line: int
    column: int | None = None
    cls: str | None = None  # the Java class, when the frame names one
    text: str = ""
    index: int = 0  # position in the text


def read_junit(path: str) -> tuple[list[Hit], str | None]:
    """Hits for every failed or errored test in `path`, and a warning when the file could not be read."""
    try:
        root = _load(path)
        if isinstance(root, str):
            return [], one_line(root)
        return anchor(_Reader(root, path).hits(), path), None
    except Exception as exc:  # a report file must never break the build step it describes
        return [], one_line(f"{path}: JUnit XML not read ({type(exc).__name__}: {str(exc)[:200]})")


def one_line(warning: str) -> str:
    return " ".join(warning.split())


def anchor(hits: list[Hit], report: str) -> list[Hit]:
    """A relative path that is not found from here but is beside the report: the tool ran over there."""
    where = os.path.dirname(report)
    for hit in hits if where else []:
        file = hit.file or ""
        if file and not os.path.isabs(file) and not os.path.exists(file):
            hit.cwd = where if os.path.exists(os.path.join(where, file)) else hit.cwd
    return hits


def _load(path: str) -> Any:
    """The root element, or a warning."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException
    from junitparser import JUnitXml, JUnitXmlError

    try:
        size = os.path.getsize(path)
    except OSError as exc:
        return f"{path}: JUnit XML not read ({exc.strerror or exc})"
    if size == 0:
        return f"{path}: JUnit XML file is empty"
    if size > MAX_BYTES:
        return f"{path}: JUnit XML not read (larger than {MAX_BYTES // 2**20} MiB)"
    try:
        tree = safe_et.parse(path, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        return f"{path}: JUnit XML refused: it declares XML entities, which are not expanded ({exc})"
    except ParseError as exc:
        return f"{path}: JUnit XML is not well-formed ({exc})"
    root: Any = tree.getroot()
    try:
        return JUnitXml.fromroot(root)._elem  # wraps a bare <testsuite>, rejects other roots
    except JUnitXmlError:
        return f"{path}: not a JUnit XML report (root element <{root.tag}>)"


def _walk(root: Any) -> Iterator[tuple[Any, Any]]:
    """(testcase, innermost suite) in document order, without recursion: the file chooses the depth."""
    stack: list[Iterator[Any]] = [iter(root)]
    suites = [root]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            suites.pop()
        elif child.tag in ("testsuite", "testsuites"):
            stack.append(iter(child))
            suites.append(child)
        elif child.tag == "testcase":
            yield child, suites[-1]


class _Reader:
    def __init__(self, root: Any, path: str) -> None:
        self.path = path
        self.cases = list(_walk(root))
        self.tool = _producer(root, self.cases)
        self.go_module = _go_module() if self.tool == "go" else None
        self._sources: dict[str, str | None] = {}
        self._resolver: PathResolver | None = None

    def hits(self) -> list[Hit]:
        from junitparser import Error, Failure, TestCase

        kinds = {"failure": Failure, "error": Error}
        by_test: dict[tuple[int, str], Hit] = {}
        for elem, suite in self.cases:
            results = [_wrap(kinds[child.tag], child) for child in elem if child.tag in kinds]
            if not results:  # every run failed but no final verdict was written: the reruns speak
                results = [_wrap(Error, c) for c in elem if c.tag in ("rerunFailure", "rerunError")]
            status = (elem.get("status") or "").lower()
            if not results and status not in _FAILED_STATUS:
                continue  # passed, skipped, disabled, or flaky (passed on a rerun)
            hit = self._hit(_wrap(TestCase, elem), elem, suite, results, status)
            key = (id(suite), hit.test) if hit.test else (id(elem), "")  # nameless tests are all distinct
            if key in by_test:
                _fold(by_test[key], hit)
            else:
                by_test[key] = hit
        hits = list(by_test.values())
        if self.tool == "go":  # a parent test fails because a subtest did: the subtest tells the story
            failed = [hit.test or "" for hit in hits]
            hits = [h for h in hits if not _parent_only(h, failed)]
        return hits

    def _hit(self, case: Any, elem: Any, suite: Any, results: list[Any], status: str) -> Hit:
        classname, name = (case.classname or "").strip(), (case.name or "").strip()
        test = f"{classname}::{name}" if classname and name and classname != name else name or classname
        first = results[0] if results else None
        skipped = elem.find("skipped")  # ctest's notrun says why there
        reason = skipped.get("message") if skipped is not None else ""
        attr = (first.message if first is not None else reason) or ""
        body = (first.text if first is not None else "") or ""
        if not body.strip() and "\n" in attr.strip():
            body = attr  # the whole trace went into the attribute
        output = not body.strip()
        if output:  # ctest, Bazel: the failure is empty and the story is in the captured output
            body = _captured(elem) or (_captured(suite) if len(suite.findall("testcase")) == 1 else "")
        body = _clean(body[-MAX_SCAN:] if output else body[:MAX_SCAN])
        frames = self._frames(body) or self._frames(attr)
        message, derived = _message(attr, body, frames, output, self.tool)
        for extra in results[1:]:  # several verdicts on one test: say each
            message = _append(message, extra.message or (extra.text or "").strip())
        for frame in frames:  # /builds/agent-3/x/src/a.js → src/a.js: stable text, stable fingerprint
            if os.path.isabs(frame.path) or ":" in frame.path[:3]:
                message = message.replace(frame.path, self._short(frame.path))
        errored = status in ("error", "errored") or (first is not None and first._elem.tag == "error")
        if not message:
            message = (
                "test did not run" if status == "notrun" else "test errored" if errored else "test failed"
            )
        rule = (first.type if first is not None else None) or derived
        imported = rule in ("ImportError", "ModuleNotFoundError") or _IMPORT.search(message)
        kind = "import_error" if imported else "test_failure"
        if name == "[build failed]":  # go-junit-report's stand-in for a package that did not compile
            kind = "compile_error"
        hit = Hit(self.tool, message, kind, rule=rule, test=test)
        hit.source = "junit"
        self._locate(hit, elem, suite, classname or name, frames)
        return hit

    def _frames(self, body: str) -> list[_Frame]:
        """Frames that lie in the repository, nearest the failure first."""
        frames: list[_Frame] = []
        python = False
        for raw in body.splitlines():
            line = raw.rstrip()
            if m := _PY_FRAME.match(line) or _PYTEST_FRAME.match(line):
                python = True
                frame = _Frame(m["path"], int(m["line"]))
            elif m := _JAVA_FRAME.match(line):
                if _JAVA_LIB.match(m["cls"]):
                    continue
                frame = _Frame(m["path"], int(m["line"]), cls=m["cls"])
            elif _JAVA_OTHER.match(line):
                continue
            elif m := _JS_FRAME.match(line) or _OTHER_FRAME.search(line) or _ANY_LOC.search(line):
                g = m.groupdict()
                col = g.get("col")
                number = g.get("line") or g.get("pline") or g.get("nline") or "0"
                frame = _Frame(m["path"], int(number), int(col) if col else None)
            else:
                continue
            frame.path = frame.path.removeprefix("file://")
            frame.text, frame.index = line.strip(), len(frames)
            if not _LIBRARY.search(frame.path) and frame.line > 0:
                frames.append(frame)
        return frames[::-1] if python else frames  # Python prints the outermost frame first

    def _locate(self, hit: Hit, elem: Any, suite: Any, owner: str, frames: list[_Frame]) -> None:
        attr_file = elem.get("file") or suite.get("file")
        attr_line = _int(elem.get("line"))
        if attr_line is not None and self.tool == "pytest":
            attr_line += 1
        if attr_file:
            own = next((f for f in frames if _same_file(f.path, attr_file)), None)
            hit.file = attr_file
            hit.line, hit.column = (own.line, own.column) if own else (attr_line, None)
            return
        testish = (f for f in frames if _TESTISH.search(self._short(f.path)))  # not the checkout's folders
        frame = (
            next((f for f in frames if _in_test(f, owner)), None)
            or next(testish, None)
            or (frames[0] if frames else None)
        )
        if frame is not None:
            hit.file, hit.line, hit.column = self._path(frame, owner), frame.line, frame.column
        elif self.tool == "pytest":
            hit.file = _python_module_path(owner.split("::")[0])

    def _short(self, path: str) -> str:
        from .normalize import PathResolver

        if self._resolver is None:
            self._resolver = PathResolver(os.getcwd())
        return self._resolver.resolve(path)

    def _path(self, frame: _Frame, owner: str) -> str:
        if frame.cls:
            package = frame.cls.rsplit(".", 1)[0].replace(".", "/") if "." in frame.cls else ""
            rel = f"{package}/{frame.path}" if package else frame.path
            if rel not in self._sources:
                self._sources[rel] = _find_source(rel, self.path)
            return self._sources[rel] or frame.path
        module = self.go_module
        if module and owner.startswith(module + "/") and "/" not in frame.path and frame.path.endswith(".go"):
            # go prints the file name only; the package, less the module, is its folder
            return f"{owner[len(module) + 1 :]}/{frame.path}"
        return frame.path


def _message(attr: str, body: str, frames: list[_Frame], output: bool, tool: str) -> tuple[str, str | None]:
    """The message, and the exception's name when the text gives one."""
    lines = body.splitlines()
    if tool == "go":  # go test's own chatter, and the `x_test.go:12: ` the location already says
        lines = [_GO_LOC.sub(r"\1", line) for line in lines if not _GO_NOISE.match(line)]
    elif tool == "phpunit" and lines and re.match(r"^[\w\\]+::\w", lines[0]):
        lines = lines[1:]  # PHPUnit repeats the test's name first
    text = "\n".join(_head(lines, output)).strip()
    summary = attr.strip()
    if summary.lower() in _GENERIC:
        summary = text
    elif text and _flat(summary) in _flat(text):
        summary = text  # the text repeats the message with the exception's name in front
    elif text and _flat(text) in _flat(summary):
        summary = text if len(summary) > 200 or summary.count("\n") > 2 else summary  # a whole trace
    elif text:
        summary = f"{summary}\n{text}"
    rule = next((m["exc"] for line in reversed(lines) if (m := _PYTEST_FRAME.match(line)) and m["exc"]), None)
    if rule is None and (m := _EXC_LINE.match(summary) or _EXC_LINE.match(text)):
        rule = m["exc"]
    trace = [f.text for f in sorted(frames, key=lambda f: f.index) if f.text not in summary]
    if len(frames) > 1 and trace and not output:  # a single frame is the location itself
        summary = summary + "\n" + "\n".join(dict.fromkeys(trace[:8]))
    kept = summary.strip().splitlines()
    if len(kept) > MAX_LINES:
        kept = [*kept[: MAX_LINES - 1], f"… ({len(kept) - MAX_LINES + 1} more lines)"]
    return "\n".join(kept), rule


def _head(lines: list[str], output: bool) -> list[str]:
    """What the failure says before its trace: pytest's `E` lines, a traceback's exception, or the lead-in."""
    e_lines = [line[1:] for line in lines if line.startswith("E ") or line == "E"]
    if e_lines:
        return textwrap.dedent("\n".join(e_lines)).strip().splitlines()
    starts = [i for i, line in enumerate(lines) if line.lstrip().startswith("Traceback (most recent")]
    if starts:
        exception: list[str] = []
        for line in lines[starts[-1] + 1 :]:
            if exception and not line.strip():
                break
            if exception or (line.strip() and not line[:1].isspace()):
                exception.append(line)
        return exception
    head: list[str] = []
    for line in lines:
        if _STACK_LINE.search(line):
            break
        if not _LOC_ONLY.match(line):
            head.append(line)
    return [line for line in head if line.strip()][-12:] if output else head


def _parent_only(hit: Hit, failed: list[str]) -> bool:
    prefix = f"{hit.test}/"
    return hit.message == "test failed" and any(test.startswith(prefix) for test in failed)


def _append(message: str, extra: str) -> str:
    first = extra.strip().splitlines()[0] if extra.strip() else ""
    if not first or first.startswith('{"') or _flat(first) in _flat(message):  # jest-junit's JSON twin
        return message
    return f"{message}\n{first}" if message else first


def _fold(into: Hit, other: Hit) -> None:
    """The same test reported again (teardown after call): one hit that tells both."""
    into.message = _append(into.message, other.message)
    if other.type == "import_error":
        into.type = "import_error"
    for name in ("file", "line", "column", "rule"):
        if getattr(into, name) is None:
            setattr(into, name, getattr(other, name))


def _producer(root: Any, cases: list[tuple[Any, Any]]) -> str:
    """Which tool wrote the file, from the marks each leaves; "junit" when none is recognised."""
    suites = [root, *(suite for _, suite in cases[:200])]
    names = {(s.get("name") or "").lower() for s in suites}
    attrs = {k.rsplit("}", 1)[-1]: v for s in suites for k, v in s.attrib.items()}
    props = {p.get("name") or "" for s in suites for p in s.findall("properties/property")}
    sample = [c for c, _ in cases[:200]]
    statuses = {(c.get("status") or "").lower() for c in sample}
    texts = " ".join((r.text or "")[:4000] for c in sample for r in c if r.tag in ("failure", "error"))
    if names & {"pytest", "pytest tests"}:
        return "pytest"
    if "jest tests" in names or "jest-circus" in texts:
        return "jest"
    if "mocha tests" in names:
        return "mocha"
    if "surefire" in attrs.get("noNamespaceSchemaLocation", "") or any("surefire" in p for p in props):
        return "surefire"
    if "go.version" in props:
        return "go"
    if "rspec" in names or any((c.get("file") or "").endswith(".rb") for c in sample):
        return "rspec"
    if "assertions" in attrs or any(c.get("assertions") is not None for c in sample):
        return "phpunit"
    bare = not root.attrib and len(root) == 1  # junitparser's wrapper of a bare <testsuite>, as ctest writes
    if bare and "disabled" in root[0].attrib and statuses <= {"run", "fail", "notrun", "disabled"}:
        return "ctest"
    if "run" in statuses and (root.get("name") == "AllTests" or any(c.get("result") for c in sample)):
        return "gtest"
    if "org.gradle." in texts:
        return "gradle"
    if "org.apache.maven.surefire" in texts:
        return "surefire"
    if any(n.startswith("//") for n in names):
        return "bazel"
    return "junit"


def _in_test(frame: _Frame, owner: str) -> bool:
    """Whether the frame lies in the test's own class (Java) or module (Python)."""
    owner = owner.split("::")[0]
    if frame.cls:
        return bool(owner) and owner.split("$")[0] == frame.cls.split("$")[0]
    if frame.path.endswith(".py"):
        module = os.path.basename(frame.path.replace("\\", "/")).removesuffix(".py")
        return module in owner.split(".")
    return False


def _find_source(rel: str, report: str) -> str | None:
    """Where a JVM class's source lives: under the usual roots of the module that wrote the report
    (module/target/surefire-reports/, module/build/test-results/test/), here, or a module one folder down."""
    near = []
    folder = os.path.dirname(os.path.abspath(report))
    for _ in range(3):
        folder = os.path.dirname(folder)
        up = os.path.relpath(folder)
        if up != "." and not up.startswith(".."):
            near.append(up)
    try:
        modules = sorted(e.name for e in os.scandir(".") if e.is_dir() and not e.name.startswith("."))
    except OSError:
        modules = []
    for base in dict.fromkeys((*near, "", *modules[:200])):
        for root in _SOURCE_ROOTS:
            candidate = os.path.normpath(os.path.join(base, root, rel))
            if os.path.isfile(candidate):
                return candidate.replace(os.sep, "/")
    return None


def _go_module() -> str | None:
    try:
        with open("go.mod", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("module "):
                    return line.split()[1].strip("\"'")
    except (OSError, IndexError):
        return None
    return None


def _python_module_path(module: str) -> str | None:
    """pytest's classname `tests.test_x.TestY` → tests/test_x.py (the class part starts with a capital)."""
    parts = [p for p in module.split(".") if p]
    while parts and parts[-1][:1].isupper():
        parts.pop()
    return "/".join(parts) + ".py" if parts else None


def _same_file(frame_path: str, attr_file: str) -> bool:
    a = frame_path.replace("\\", "/").removeprefix("./")
    b = attr_file.replace("\\", "/").removeprefix("./")
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


def _captured(elem: Any) -> str:
    texts = (c.text for c in elem if c.tag in ("system-out", "system-err") and c.text)
    return "\n".join(text for text in texts if text.strip())


def _clean(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    if len(lines) > 1 and lines[0]:
        # pretty-printers indent every line but the first, which follows the opening tag
        return (lines[0].strip() + "\n" + textwrap.dedent("\n".join(lines[1:]))).strip("\n")
    return textwrap.dedent("\n".join(lines)).strip("\n")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _wrap(cls: Any, elem: Any) -> Any:
    """junitparser's object over an element (its `fromelem` is untyped)."""
    return cls.fromelem(elem)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
