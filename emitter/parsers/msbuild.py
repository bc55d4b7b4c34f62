"""MSBuild's canonical diagnostics: `dotnet build`, `msbuild`, and the compilers and tasks they run (csc, vbc,
fsc, MSVC's cl and link, NuGet), all printed in the one documented shape

    origin : [subcategory ]category code : text [project]

    src/Program.cs(12,5): error CS1002: ; expected [/repo/app/app.csproj]
    src/Program.cs(12,5,12,9): warning CS0168: The variable 'x' is declared but never used [/repo/app/app.csproj]
    C:\\src\\main.cpp(7): error C2065: 'y': undeclared identifier
    /repo/app/app.csproj : error NU1101: Unable to find package Foo.Bar. [/repo/app/app.csproj]
    CSC : error CS5001: Program does not contain a static 'Main' method suitable for an entry point

The origin is a file with its position in brackets (`(line)`, `(line,col)`, `(line,col-col)` or
`(line,col,endline,endcol)`), a file alone, or a tool name (`CSC`, `MSBUILD`, `LINK`); the category is
`error` or `warning`, after at most two words of subcategory (MSVC's `fatal error`); the code is letters then
digits, and may be absent where the origin has a position. The project in square
brackets, which MSBuild appends when several projects build, is not part of the message. `dotnet build`
repeats every diagnostic in its closing summary: the merge step folds the repeat. tsc's `file(1,2): error
TS2322:` has the same shape and is tsc's (its parser comes first in the registry).

Hand-checked against the format Microsoft documents ("MSBuild and Visual Studio format for diagnostic
messages"), since no .NET SDK installs here.
"""

from __future__ import annotations

import re

from .base import ERROR, WARN, Context, Hit, Parser, to_int

# The origin runs to the first colon (after a drive letter), so that the many lines with "error" in them
# that are not MSBuild's fail within a few characters; its position, if any, is split off in `start`.
DIAGNOSTIC = re.compile(
    r"^\s*(?P<origin>(?:[A-Za-z]:[\\/])?[^\s:][^:]*): (?:[A-Za-z]+ ){0,2}?(?P<severity>error|warning)"
    r"(?: (?P<rule>[A-Za-z]+\d+))?: (?P<message>.*?)(?: \[(?P<project>[^\[\]]+\.(?:\w+proj|sln))\])?\s*$"
)
PLACE = re.compile(
    r"^(?P<file>.+?)\((?P<line>\d+)(?:-\d+)?"
    r"(?:,(?P<col>\d+)(?:-(?P<col_end>\d+))?(?:,(?P<end_line>\d+),(?P<end_col>\d+))?)?\)$"
)
_TOOL_ORIGIN = re.compile(r"^[A-Z][A-Z0-9]*$")  # CSC, MSBUILD, LINK, VBC
_PATH_ORIGIN = re.compile(r"[\\/]|\.\w+$")  # a path, or a file name with an extension
# C# codes whose problem is the source's syntax, or a type/namespace that cannot be found (a reference)
_SYNTAX_CODES = re.compile(r"^CS1\d{3}$")
_IMPORT_CODES = frozenset({"CS0246", "CS0234", "CS0012"})


def msbuild_kind(rule: str | None) -> str:
    if rule is None:
        return "compile_error"
    if rule in _IMPORT_CODES:
        return "import_error"
    if rule.startswith("NU"):  # NuGet: a package that cannot be found or restored
        return "dependency"
    if _SYNTAX_CODES.match(rule):
        return "syntax_error"
    return "compile_error"


class MSBuild(Parser):
    name = "msbuild"
    tools = ("msbuild",)
    anchors = (ERROR, WARN)
    trigger = DIAGNOSTIC

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        origin = m["origin"].strip()
        place = PLACE.match(origin)
        named = _PATH_ORIGIN.search(origin) is not None or _TOOL_ORIGIN.match(origin) is not None
        if place is None and (m["rule"] is None or not named):
            # without a position only MSBuild's own shapes: a project or a tool (CSC, MSBUILD) with a
            # code; `gcc: error: …` and `Note: error …` are other tools'
            return None
        g = place.groupdict() if place is not None else {}
        file = g.get("file") or (origin if _PATH_ORIGIN.search(origin) else None)
        line_no, col_end = to_int(g.get("line")), g.get("col_end")
        ctx.hit(
            Hit(
                tool="msbuild",
                message=m["message"].strip(),
                type=msbuild_kind(m["rule"]),
                file=file,
                line=line_no,
                column=to_int(g.get("col")),
                end_line=to_int(g.get("end_line")) or (line_no if col_end else None),
                end_column=to_int(g.get("end_col") or col_end),
                severity=m["severity"],
                rule=m["rule"],
            )
        )
        return False


PARSERS: tuple[type[Parser], ...] = (MSBuild,)
