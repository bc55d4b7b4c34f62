"""Renders the two Buildkite annotations a user sees into docs/buildkite-annotations.png, for the README.

    .venv/bin/python scripts/annotation_picture.py   # needs Debian's chromium (apt-get install chromium)

Real content, not a mock-up: the demo's sample repository is broken and checked under `selfheal run`, then
fixed by `selfheal fix`; the step's failure annotation comes from that report and the fix step's outcome
annotation from that outcome, rendered by the same code the plugin and the adapter use. The repository is
presented as if it lived on GitHub (links need a forge). The Markdown becomes HTML with markdown-it (as
Buildkite renders CommonMark + GFM), in boxes styled after Buildkite's, and headless Chromium takes the
screenshot.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from markdown_it import MarkdownIt  # noqa: E402

from emitter.outputs.buildkite import render as step_annotation  # noqa: E402
from emitter.redact import Redactor  # noqa: E402
from emitter.report import Report  # noqa: E402
from fixer import demo  # noqa: E402
from fixer.context import Facts  # noqa: E402
from fixer.outcome import Outcome  # noqa: E402
from fixer.render import markdown, marker_for  # noqa: E402

REPO = "git@github.com:acme/shop.git"
CSS = """
body { font: 14px/1.5 -apple-system, 'DejaVu Sans', sans-serif; background: #f4f5f7; margin: 0; padding: 24px; width: 860px; }
h1 { font-size: 15px; color: #555; margin: 0 0 12px; font-weight: 600; }
.box { background: #fff; border: 1px solid #ddd; border-left: 6px solid #d04040; border-radius: 4px;
       padding: 4px 18px 8px; margin-bottom: 18px; }
.box.success { border-left-color: #2b9a50; }
code { background: #f1f1f1; padding: 1px 4px; border-radius: 3px; font-size: 12.5px; }
pre { background: #f7f7f7; padding: 8px; overflow: hidden; font-size: 12px; }
a { color: #2767d1; text-decoration: none; }
h3, h4 { margin: 10px 0 6px; }
details summary { color: #444; cursor: pointer; }
"""


def _run(cmd: list[str], cwd: Path) -> None:
    subprocess.run(cmd, cwd=cwd, env=demo._env(), capture_output=True, check=False)


def annotations(base: Path) -> tuple[str, str]:
    _, work = demo.build_sample(base)
    demo.break_parcel_branch(work)
    check = [
        sys.executable,
        "-m",
        "fixer.cli",
        "run",
        "--no-summary",
        "--task",
        "unit tests",
        "--",
        *demo.CHECK,
    ]
    _run(check, work)
    report = Report.load(str(work / ".selfheal" / "unit-tests.json"))
    report = report.model_copy(
        update={"ci": report.ci.model_copy(update={"repository": REPO, "commit": demo_sha(work)})}
    )
    failure = step_annotation(report, Redactor())
    _run([sys.executable, "-m", "fixer.cli", "fix", "--platform", "local"], work)
    outcome = Outcome.model_validate(json.loads((work / ".selfheal" / "outcome.json").read_text()))
    facts = Facts(
        platform="buildkite", branch="feature/parcel-sizes", commit=outcome.failed_commit, remote_url=REPO
    )
    fixed = markdown(outcome, facts, marker_for("unit-tests"), max_attempts=3)
    # the interpreter's and the sample's paths on this machine say nothing to a reader
    tidy = {sys.executable: "python", str(work) + "/": ""}
    for old, new in tidy.items():
        failure, fixed = failure.replace(old, new), fixed.replace(old, new)
    return failure, fixed


def demo_sha(work: Path) -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=work, capture_output=True, text=True, check=True
    ).stdout.strip()


def page(failure: str, fixed: str) -> str:
    md = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    return (
        f"<html><head><meta charset='utf-8'><style>{CSS}</style></head><body>"
        f"<h1>{html.escape('Annotations of build #812 (feature/parcel-sizes)')}</h1>"
        f"<div class='box'>{md.render(failure)}</div>"
        f"<div class='box success'>{md.render(fixed)}</div></body></html>"
    )


def main() -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.stderr.write("chromium is not installed (apt-get install chromium)\n")
        return 2
    out = ROOT / "docs" / "buildkite-annotations.png"
    out.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="selfheal-picture-") as tmp:
        base = Path(tmp)
        failure, fixed = annotations(base / "demo")
        index = base / "page.html"
        index.write_text(page(failure, fixed))
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={base / 'profile'}",
        ]
        subprocess.run(
            [
                chromium,
                *flags,
                "--hide-scrollbars",
                "--window-size=910,930",
                f"--screenshot={out}",
                index.as_uri(),
            ],
            capture_output=True,
            check=True,
            timeout=120,
        )
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
