"""javac's own diagnostics (alone or under Gradle), and the reading of a Java compiler message that the
Maven compiler plugin's lines share (see maven.py).

javac puts the source line and a caret under the first line of a message, then the rest of the message
(`  symbol:`, `  location:`, `  required:` …) indented by two spaces; the caret gives the column:

    src/A.java:17: error: cannot find symbol
            undefinedCall(n);
            ^
      symbol:   method undefinedCall(int)
      location: class Shapes
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from ..normalize import walk
from .base import LOCATION, Context, Hit, Parser, Status

if TYPE_CHECKING:
    from ..junit_trace import Frame

_LINT = re.compile(r"^\[(?P<rule>[\w-]+)\] (?P<message>.*)$")  # `[rawtypes] found raw type: …`
_JAVA_SYNTAX = re.compile(
    r"expected$|^illegal start of|^class, interface|^reached end of file|^unclosed |^not a statement"
    r"|^illegal character|^orphaned |^'else' without 'if'|^malformed "
)
_JAVA_IMPORT = re.compile(r"^package \S+ does not exist|^cannot access |^static import only")
_JAVA_TYPE = re.compile(r"^incompatible types|cannot be converted to|^bad operand type|lossy conversion")


def java_kind(message: str, severity: str) -> str:
    if severity.lower().startswith("warn"):
        return "lint"
    if _JAVA_SYNTAX.search(message):
        return "syntax_error"
    if _JAVA_IMPORT.search(message):
        return "import_error"
    if _JAVA_TYPE.search(message):
        return "type_error"
    return "compile_error"


def java_hit(tool: str, severity: str, message: str, file: str, line: int, column: int | None) -> Hit:
    lint = _LINT.match(message)
    rule = lint.group("rule") if lint else None
    text = lint.group("message") if lint else message
    return Hit(
        tool=tool,
        message=text.strip(),
        type=java_kind(text, severity),
        file=file,
        line=line,
        column=column,
        severity=severity.lower(),
        rule=rule,
    )


class Javac(Parser):
    name = "javac"
    tools = ("javac",)
    anchors = (LOCATION,)  # `A.java:17:` (errors and warnings alike)
    # The path runs to the first colon (after a drive letter): a failed match stops there, not at the end
    # of the many located lines that are not javac's.
    trigger = re.compile(
        r"^(?P<file>(?:[A-Za-z]:)?[^\s:][^:]*\.java):(?P<line>\d+): (?P<severity>error|warning): (?P<message>.*)$"
    )
    _caret = re.compile(r"^[ \t]*\^$")

    def __init__(self) -> None:
        self._hit: Hit | None = None
        self._seen = 0  # lines after the header: 1 = source line, 2 = caret, then details

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self._flush(ctx)
        g = m.group
        self._hit = java_hit("javac", g("severity"), g("message"), g("file"), int(g("line")), None)
        self._seen = 0
        return True

    def more(self, line: str, ctx: Context) -> Status:
        assert self._hit is not None
        self._seen += 1
        if self.trigger.match(line):
            self._flush(ctx)
            return Status.REJECT
        if self._seen == 1:
            return Status.MORE  # the offending source line
        if self._seen == 2 and self._caret.match(line):
            self._hit.column = line.index("^") + 1  # javac keeps the source's tabs in the caret line
            return Status.MORE
        if self._seen > 2 and line.startswith("  ") and line.strip():
            self._hit.message += "\n" + line[2:].rstrip()
            return Status.MORE
        self._flush(ctx)
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        self._flush(ctx)

    def _flush(self, ctx: Context) -> None:
        if self._hit is not None:
            ctx.hit(self._hit)
            self._hit = None


PARSERS: tuple[type[Parser], ...] = (Javac,)


def simple_name(cls: str) -> str:
    return cls.rsplit(".", 1)[-1]


class ClassNames:
    """The test classes a log named with their package, so that the names it gives without one (Surefire's
    summary: `CalcTest.sum:15`) can be qualified, and a test's name split into class and method."""

    def __init__(self) -> None:
        self._known: dict[str, str | None] = {}  # simple name → qualified; None: two packages have one

    def learn(self, cls: str | None) -> None:
        if not cls or "." not in cls:
            return
        for qualified in dict.fromkeys((cls, cls.split("$")[0])):  # a nested class names its outer one
            simple = simple_name(qualified)
            seen = self._known.get(simple, qualified)
            self._known[simple] = qualified if seen == qualified else None

    def qualify(self, cls: str, near: str = "") -> str:
        """`cls` with its package when the log named it; else in the package of `near` (a test's superclass
        most often shares its package), else as it is."""
        if "." in cls:
            return cls
        if cls in self._known:
            return self._known[cls] or cls
        package = near.rsplit(".", 1)[0] if "." in near else ""
        return f"{package}.{cls}" if package else cls

    def split(self, name: str) -> tuple[str, str | None]:
        """`com.acme.CalcTest.parse(String)[2]` → (`com.acme.CalcTest`, `parse(String)[2]`): the class ends at
        a class the log named, else at the first part that starts with a capital (packages are lower case).
        A class that failed as a whole has no method (Surefire's rerun lists call it `null`)."""
        head, paren, rest = name.partition("(")
        known = (q for q in self._known.values() if q and head.startswith(q + "."))
        cls = max(known, key=len, default=None)
        if cls is not None:
            method = name[len(cls) + 1 :]
        else:
            parts = head.split(".")
            at = next((i for i, part in enumerate(parts) if part[:1].isupper()), max(len(parts) - 2, 0))
            cls, method = ".".join(parts[: at + 1]), ".".join(parts[at + 1 :]) + paren + rest
        return cls, (method if method and method != "null" else None)


class TestSources:
    """Where a failed JVM test lives, for the log parsers (Surefire): the test's class resolved to its source
    file the way emitter/junit.py resolves a report's class names (emitter/junit_trace.py: the trace's frame
    nearest the failure in the test's class, the package's path under the usual source roots of this folder
    and of the modules one folder down), then, for modules deeper down or a class whose package the log did
    not name, a bounded search of the source roots below the working directory. Files are looked up only for
    failed tests, once per class."""

    def __init__(self) -> None:
        self._locator: Any = None
        self._roots: list[str] | None = None
        self._found: dict[str, str | None] = {}

    def place(
        self, hit: Hit, cls: str, trace: str = "", line: int | None = None, method: str | None = None
    ) -> None:
        """Set `hit.file`/`line` for a test of class `cls` (qualified, or a simple name): at the frame of the
        test `method` itself in `trace` (where the test's code called what failed: Surefire's summary says
        that line too), else at the trace's frames in the repository, else the class's own file at `line`."""
        from ..junit_trace import Frame, Locator, find_frames

        if self._locator is None:
            self._locator = Locator("surefire", "")
        own = _own_frame(trace, cls, method) if trace and method else None
        frames = [own] if own is not None else find_frames(trace) if trace else []
        simple = cls.rsplit(".", 1)[-1].split("$")[0]
        given = frames or [Frame(f"{simple}.java", line or 0, cls=cls)]
        self._locator.place(hit, None, None, cls, given)
        if not frames:
            hit.line, hit.column = line, None
        if hit.file and "/" not in hit.file:  # a bare file name: not under the usual roots
            found = next((f for f in given if f.path == hit.file and f.cls), None)
            owner = found.cls if found is not None and found.cls else cls
            # without frames the `.java` was a guess: the class may be Kotlin, Scala or Groovy
            hit.file = self.find(owner, hit.file, guessed=not frames) or (hit.file if frames else None)

    def find(self, cls: str, name: str, guessed: bool = False) -> str | None:
        """`name` (`CalcTest.java`) of class `cls` under a source root below the working directory; with
        `guessed`, a file of that stem in any JVM language."""
        package = cls.rsplit(".", 1)[0].replace(".", "/") if "." in cls else None
        key = f"{package}/{name}/{guessed}"
        if key not in self._found:
            stem = name.rsplit(".", 1)[0]
            names = [name] if package and not guessed else [stem + ext for ext in _SOURCE_EXTS]
            self._found[key] = self._lookup(package, names)
        return self._found[key]

    def _lookup(self, package: str | None, names: list[str]) -> str | None:
        if package is not None:
            for root in self._source_roots():
                for name in names:
                    if os.path.isfile(os.path.join(root, package, name)):
                        return f"{root}/{package}/{name}"
            return None
        matches: list[str] = []  # no package: the one file of that name under a test root
        for root in (r for r in self._source_roots() if "/test/" in f"/{r}/"):
            for folder, _dirs, files in walk(root, _SKIP_DIRS, MAX_FOLDERS):
                matches += [f"{folder}/{n}" for n in names if n in files]
        return matches[0] if len(matches) == 1 else None

    def _source_roots(self) -> list[str]:
        if self._roots is None:
            roots = []
            for folder, dirs, _ in walk(".", _SKIP_DIRS, MAX_FOLDERS):
                if folder.endswith(_ROOT_ENDINGS):
                    roots.append(folder.removeprefix("./"))
                    dirs[:] = []
            self._roots = sorted(roots, key=lambda r: (r.count("/"), r))
        return self._roots


def _own_frame(trace: str, cls: str, method: str) -> Frame | None:
    """The frame `at pkg.Class.method(File.java:12)` of the test method itself, or None."""
    from ..junit_trace import Frame

    owner = re.escape(cls) if "." in cls else rf"(?:[\w$]+\.)*{re.escape(cls)}"
    frame = re.compile(
        rf"^\s*at (?:\S*/)?(?P<cls>{owner})\.{re.escape(method)}\((?P<path>[^():]+):(?P<line>\d+)\)", re.M
    )
    m = frame.search(trace)
    return Frame(m["path"], int(m["line"]), cls=m["cls"]) if m is not None else None


_SOURCE_EXTS = (".java", ".kt", ".scala", ".groovy")
_ROOT_ENDINGS = tuple(
    f"src/{kind}/{lang}" for kind in ("test", "main") for lang in ("java", "kotlin", "scala", "groovy")
)
_SKIP_DIRS = frozenset(
    {"target", "build", "out", "bin", "node_modules", "vendor", "__pycache__", "site-packages"}
)
MAX_FOLDERS = 5000  # folders one search visits
