"""A JUnit failure's text → its message, its repository frames, and where the test broke.

Knows stack traces (Python, pytest, JVM, JS, Ruby, PHP, .NET, Go) and nothing of XML: emitter/junit.py
hands it the failure's attribute and text and the testcase's `file`/`line` attributes.

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
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .hit import Hit
    from .normalize import PathResolver

MAX_LINES = 40
_GENERIC = {"", "failed", "fail", "failure", "error", "errored", "collection failure", "test failed"}
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
class Frame:
    path: str
    line: int
    column: int | None = None
    cls: str | None = None  # the Java class, when the frame names one
    text: str = ""
    index: int = 0  # position in the text


def find_frames(body: str) -> list[Frame]:
    """Frames that lie in the repository, nearest the failure first."""
    frames: list[Frame] = []
    python = False
    for raw in body.splitlines():
        line = raw.rstrip()
        if m := _PY_FRAME.match(line) or _PYTEST_FRAME.match(line):
            python = True
            frame = Frame(m["path"], int(m["line"]))
        elif m := _JAVA_FRAME.match(line):
            if _JAVA_LIB.match(m["cls"]):
                continue
            frame = Frame(m["path"], int(m["line"]), cls=m["cls"])
        elif _JAVA_OTHER.match(line):
            continue
        elif m := _JS_FRAME.match(line) or _OTHER_FRAME.search(line) or _ANY_LOC.search(line):
            g = m.groupdict()
            col = g.get("col")
            number = g.get("line") or g.get("pline") or g.get("nline") or "0"
            frame = Frame(m["path"], int(number), int(col) if col else None)
        else:
            continue
        frame.path = frame.path.removeprefix("file://")
        frame.text, frame.index = line.strip(), len(frames)
        if not _LIBRARY.search(frame.path) and frame.line > 0:
            frames.append(frame)
    return frames[::-1] if python else frames  # Python prints the outermost frame first


def build_message(
    attr: str, body: str, frames: list[Frame], output: bool, tool: str
) -> tuple[str, str | None]:
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
    elif text and flat(summary) in flat(text):
        summary = text  # the text repeats the message with the exception's name in front
    elif text and flat(text) in flat(summary):
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


def append(message: str, extra: str) -> str:
    """The message, and the first line of another verdict when it says something new."""
    first = extra.strip().splitlines()[0] if extra.strip() else ""
    if not first or first.startswith('{"') or flat(first) in flat(message):  # jest-junit's JSON twin
        return message
    return f"{message}\n{first}" if message else first


def clean(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    if len(lines) > 1 and lines[0]:
        # pretty-printers indent every line but the first, which follows the opening tag
        return (lines[0].strip() + "\n" + textwrap.dedent("\n".join(lines[1:]))).strip("\n")
    return textwrap.dedent("\n".join(lines)).strip("\n")


def flat(text: str) -> str:
    return " ".join(text.split())


class Locator:
    """Places hits for one report; caches what it looks up on disk (sources, go.mod, the path resolver)."""

    def __init__(self, tool: str, report: str) -> None:
        self.tool = tool
        self.report = report
        self.go_module = _go_module() if tool == "go" else None
        self._sources: dict[str, str | None] = {}
        self._resolver: PathResolver | None = None

    def place(
        self, hit: Hit, attr_file: str | None, attr_line: int | None, owner: str, frames: list[Frame]
    ) -> None:
        """Set the hit's file/line/column from the testcase's attributes, else its frames, else its owner."""
        if attr_line is not None and self.tool == "pytest":
            attr_line += 1
        if attr_file:
            own = next((f for f in frames if _same_file(f.path, attr_file)), None)
            hit.file = attr_file
            hit.line, hit.column = (own.line, own.column) if own else (attr_line, None)
            return
        testish = (f for f in frames if _TESTISH.search(self.short(f.path)))  # not the checkout's folders
        frame = (
            next((f for f in frames if _in_test(f, owner)), None)
            or next(testish, None)
            or (frames[0] if frames else None)
        )
        if frame is not None:
            hit.file, hit.line, hit.column = self._path(frame, owner), frame.line, frame.column
        elif self.tool == "pytest":
            hit.file = _python_module_path(owner.split("::")[0])

    def short(self, path: str) -> str:
        """The path relative to the checkout, as the report will show it."""
        from .normalize import PathResolver

        if self._resolver is None:
            self._resolver = PathResolver(os.getcwd())
        return self._resolver.resolve(path)

    def _path(self, frame: Frame, owner: str) -> str:
        if frame.cls:
            package = frame.cls.rsplit(".", 1)[0].replace(".", "/") if "." in frame.cls else ""
            rel = f"{package}/{frame.path}" if package else frame.path
            if rel not in self._sources:
                self._sources[rel] = _find_source(rel, self.report)
            return self._sources[rel] or frame.path
        module = self.go_module
        if module and owner.startswith(module + "/") and "/" not in frame.path and frame.path.endswith(".go"):
            # go prints the file name only; the package, less the module, is its folder
            return f"{owner[len(module) + 1 :]}/{frame.path}"
        return frame.path


def _in_test(frame: Frame, owner: str) -> bool:
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
