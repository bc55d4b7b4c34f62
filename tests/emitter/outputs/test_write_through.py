"""Writing reports and outputs: a device, a FIFO or a symbolic link is written through, never replaced;
a regular file or a missing path is replaced atomically; one file mode for the report, every output and
the fixer's files (and the `--log-file`), whatever the umask; a report that cannot be written costs one
warning line, never the command's exit code.

Everything here runs without root. /dev/null is written for real: a regression would replace it (as root it
would succeed), so a fixture puts a character device back if a test ever left something else there.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from emitter.files import FILE_MODE, write_text
from emitter.outputs import OUTPUTS, json_report, write_outputs
from emitter.redact import Redactor
from emitter.report import Report
from fixer import safe_write
from tests.emitter.outputs.sample import record, report

ROOT = Path(__file__).resolve().parents[3]
DEV_NULL = "/dev/null"
FILE_OUTPUTS = ("json", "buildkite", "codequality", "sarif", "github", "summary")


def _is_char_device(path: str) -> bool:
    return stat.S_ISCHR(os.lstat(path).st_mode)


def _dev_temp_files() -> set[str]:
    return {name for name in os.listdir("/dev") if name.startswith(".null")}


@pytest.fixture
def dev_null() -> Iterator[str]:
    """/dev/null, checked before and after; put back as a device if a regression replaced it."""
    assert _is_char_device(DEV_NULL)
    before = os.stat(DEV_NULL).st_rdev
    temps = _dev_temp_files()
    try:
        yield DEV_NULL
    finally:
        if not _is_char_device(DEV_NULL) and os.geteuid() == 0:  # only root could have replaced it
            os.unlink(DEV_NULL)
            os.mknod(DEV_NULL, stat.S_IFCHR | 0o666, before)
            os.chmod(DEV_NULL, 0o666)
    assert _is_char_device(DEV_NULL), "/dev/null was replaced"
    assert os.stat(DEV_NULL).st_rdev == before
    assert _dev_temp_files() == temps, "a temp file was left in /dev"


class FifoReader:
    """A named pipe in `where` with a reader thread that collects everything written to it."""

    def __init__(self, where: Path) -> None:
        self.path = where / "pipe"
        os.mkfifo(self.path)
        self.data = b""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with open(self.path, "rb") as fh:  # waits for the writer, as a collector would
            self.data = fh.read()

    def received(self, timeout: float = 20) -> bytes:
        self.thread.join(timeout)
        if self.thread.is_alive():  # nobody opened the pipe: let the reader go before failing
            fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK) if self.path.is_fifo() else None
            if fd is not None:
                os.close(fd)
            pytest.fail("the pipe was never written")
        assert self.path.is_fifo(), "the pipe was replaced"
        return self.data


# --- write_text, the one writer ----------------------------------------------------------------------------


def test_dev_null_is_written_through_and_stays_a_device(dev_null: str) -> None:
    write_text(dev_null, '{"report": 1}\n')
    json_report.write(report(record(file="a.py", line=1)), dev_null, Redactor())


@pytest.mark.parametrize("name", FILE_OUTPUTS)
def test_every_output_can_go_to_dev_null(name: str, dev_null: str, tmp_path: Path) -> None:
    rep = report(record(file="a.py", line=1, message="m"))
    assert write_outputs(rep, [f"{name}={dev_null}"], str(tmp_path / "r.json"), Redactor()) == []


def test_a_fifo_is_written_through_to_its_reader(tmp_path: Path) -> None:
    reader = FifoReader(tmp_path)
    write_text(str(reader.path), "line one\nline two\n")
    assert reader.received() == b"line one\nline two\n"
    assert os.listdir(tmp_path) == ["pipe"]


def test_a_symlink_is_followed_and_kept_its_target_replaced_atomically(tmp_path: Path) -> None:
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    target = artifacts / "x.json"
    target.write_text("old")
    target.chmod(0o600)
    link = tmp_path / "report.json"
    link.symlink_to(target)
    with open(target) as reader:  # keeps the old file: the target is replaced, never rewritten in place
        write_text(str(link), "new\n")
        assert reader.read() == "old"
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == FILE_MODE
    assert os.listdir(artifacts) == ["x.json"]
    assert sorted(os.listdir(tmp_path)) == ["artifacts", "report.json"]


def test_a_relative_symlink_to_nothing_yet_creates_its_target(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    link = tmp_path / "out" / "report.json"
    link.symlink_to("../artifacts/x.json")
    write_text(str(link), "new\n")
    assert link.is_symlink()
    assert (tmp_path / "artifacts" / "x.json").read_text() == "new\n"


def test_a_symlink_to_dev_null_writes_the_device(tmp_path: Path, dev_null: str) -> None:
    link = tmp_path / "report.json"
    link.symlink_to(dev_null)
    write_text(str(link), "x\n")
    assert link.is_symlink() and os.readlink(link) == dev_null


def test_a_regular_file_is_replaced_atomically(tmp_path: Path) -> None:
    dest = tmp_path / "r.json"
    dest.write_text("old")
    with open(dest) as reader:
        write_text(str(dest), "new\n")
        assert reader.read() == "old"  # a new file took the name: nobody ever sees half of one
    assert dest.read_text() == "new\n"
    assert stat.S_IMODE(dest.stat().st_mode) == FILE_MODE
    assert os.listdir(tmp_path) == ["r.json"]


def test_a_directory_is_an_error_and_stays(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="is a directory"):
        write_text(str(tmp_path), "x")
    assert tmp_path.is_dir()


# --- one file mode ------------------------------------------------------------------------------------------


def test_report_outputs_and_the_fixers_files_share_one_mode(tmp_path: Path) -> None:
    assert vars(safe_write)["FILE_MODE"] is FILE_MODE and not hasattr(safe_write, "MODE")  # the same one
    rep = report(record(file="a.py", line=1, message="m"))
    specs = [f"{name}={tmp_path / name}" for name in FILE_OUTPUTS]
    assert write_outputs(rep, specs, str(tmp_path / "r.json"), Redactor()) == []
    safe_write.write_file(tmp_path / "outcome.json", "{}")
    for name in (*FILE_OUTPUTS, "outcome.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == FILE_MODE, name
    assert set(OUTPUTS) == set(FILE_OUTPUTS)


# --- end to end: `selfheal run --report …` --------------------------------------------------------------------


def selfheal_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BUILDKITE", "GITLAB", "CI"))}
    env["PYTHONPATH"] = str(ROOT)
    return env


def selfheal(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fixer.cli", *args],
        cwd=cwd,
        env=selfheal_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


def test_run_report_to_dev_null(repo: Path, dev_null: str) -> None:
    done = selfheal(repo, "run", "--report", dev_null, "--", "sh", "-c", "echo out; exit 3")
    assert (done.returncode, done.stdout, done.stderr) == (3, "out\n", "")


@pytest.mark.parametrize("command", ["exit 3", "exit 0"], ids=["failed", "passed"])
def test_run_report_through_a_fifo(repo: Path, command: str) -> None:
    reader = FifoReader(repo)
    done = selfheal(repo, "run", "--task", "t", "--report", str(reader.path), "--", "sh", "-c", command)
    assert (done.returncode, done.stderr) == (int(command[-1]), "")
    assert Report.model_validate_json(reader.received()).task == "t"


@pytest.mark.parametrize("command", ["exit 3", "exit 0"], ids=["failed", "passed"])
def test_run_report_through_a_symlink(repo: Path, command: str) -> None:
    artifacts = repo / "artifacts"
    artifacts.mkdir()
    link = repo / "report.json"
    link.symlink_to(artifacts / "x.json")
    done = selfheal(repo, "run", "--task", "t", "--report", str(link), "--", "sh", "-c", command)
    assert (done.returncode, done.stderr) == (int(command[-1]), "")
    assert link.is_symlink()
    assert Report.load(str(artifacts / "x.json")).exit_code == int(command[-1])
    assert stat.S_IMODE((artifacts / "x.json").stat().st_mode) == FILE_MODE


@pytest.mark.parametrize("command", ["echo out; exit 3", "echo out"], ids=["failed", "passed"])
@pytest.mark.parametrize("where", ["under a file", "a directory"])
def test_an_unwritable_report_is_one_warning_and_the_exit_code_stays(
    repo: Path, command: str, where: str
) -> None:
    """Unwritable for root too: a path below a regular file (ENOTDIR), or a directory."""
    (repo / "plain").write_text("")
    (repo / "dir").mkdir()
    path = repo / "plain" / "r.json" if where == "under a file" else repo / "dir"
    done = selfheal(repo, "run", "--report", str(path), "--", "sh", "-c", command)
    assert (done.returncode, done.stdout) == (3 if "exit 3" in command else 0, "out\n")
    [line] = done.stderr.splitlines()
    assert line.startswith("selfheal: warning: "), done.stderr
    assert str(path.parent if where == "under a file" else path) in line, done.stderr
    assert (repo / "plain").read_text() == "" and (repo / "dir").is_dir()
    assert sorted(os.listdir(repo)) == [".git", "dir", "plain"] and os.listdir(repo / "dir") == []


def test_outputs_through_dev_stdout_and_a_fifo(repo: Path, dev_null: str) -> None:
    """`--format github=/dev/stdout` (a pipe here, as in CI) and `--format sarif=<fifo>`: written through."""
    reader = FifoReader(repo)
    script = "echo 'src/a.c:1:2: error: x undeclared' >&2; exit 1"
    done = selfheal(
        repo, "run", "--no-summary", "--report", dev_null, "--format", "github=/dev/stdout",
        "--format", f"sarif={reader.path}", "--", "sh", "-c", script,
    )  # fmt: skip
    assert done.returncode == 1 and done.stderr == "src/a.c:1:2: error: x undeclared\n"
    assert done.stdout.startswith("::error file=src/a.c,line=1,col=2")
    assert json.loads(reader.received())["runs"][0]["results"][0]["locations"]
    assert sorted(os.listdir(repo)) == [".git", "pipe"]


def test_one_mode_for_report_outputs_log_and_outcome_whatever_the_umask(tmp_path: Path) -> None:
    """Under a CI's umask 077, and over files left 0600: every file selfheal writes is FILE_MODE."""
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "start"], check=True)
    outputs = {name: f"out/{name}.txt" for name in FILE_OUTPUTS if name != "json"}
    (repo / "out").mkdir()
    for old in ("out/summary.txt", "log.txt"):
        (repo / old).write_text("old")
        (repo / old).chmod(0o600)
    formats = [arg for name, path in outputs.items() for arg in ("--format", f"{name}={path}")]
    script = "echo 'src/a.c:1:2: error: x undeclared'; exit 1"
    run = ["run", "--report", "reports/r.json", "--log-file", "log.txt", *formats, "--", "sh", "-c", script]
    fix = ["fix", "--platform", "local", "--outcome", "fixer/outcome.json"]  # on main: skipped at once
    for args in (run, fix):
        done = subprocess.run(
            [sys.executable, "-m", "fixer.cli", *args], cwd=repo, capture_output=True, text=True, timeout=120,
            env={**selfheal_env(), "SELFHEAL_ROOT": str(repo)}, preexec_fn=lambda: os.umask(0o077),
        )  # fmt: skip
        assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    written = ["reports/r.json", "log.txt", "fixer/outcome.json", *outputs.values()]
    assert {path: stat.S_IMODE((repo / path).stat().st_mode) for path in written} == dict.fromkeys(
        written, FILE_MODE
    )
