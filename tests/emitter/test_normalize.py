"""Paths: repo-relative and POSIX, never outside the repository.

The build-directory case runs the real gcc; the subdirectory Go case is tests/fixtures/go-subdir/
(tests/emitter/parsers/test_go.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from emitter.normalize import GO_PACKAGE, PathResolver
from tests.helpers.fixtures import parse_log


def tree(root: Path, *names: str) -> Path:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x\n")
    return root


def test_plain_dot_and_uri_paths(tmp_path: Path) -> None:
    tree(tmp_path, "src/a.py")
    paths = PathResolver(str(tmp_path), str(tmp_path))
    for raw in ("src/a.py", "./src/a.py", "src//a.py", f"{tmp_path}/src/a.py", f"file://{tmp_path}/src/a.py"):
        assert paths.locate(raw) == "src/a.py", raw
    assert paths.locate("src\\a.py") == "src/a.py"
    # what SARIF may hold instead of a file: a URL, a UNC share
    assert paths.locate("https://example.com/src/a.py") is None
    assert paths.locate("//server/share/src/a.py") == "src/a.py"
    assert paths.locate("//server/share/b.py") is None


def test_a_path_that_exists_nowhere_is_kept_as_given_when_it_lies_inside(tmp_path: Path) -> None:
    paths = PathResolver(str(tmp_path), str(tmp_path))
    assert paths.locate("gen/zz_generated.go") == "gen/zz_generated.go"
    assert paths.locate("../elsewhere/x.c") is None


def test_make_directory_and_build_directory_parents(tmp_path: Path) -> None:
    tree(tmp_path, "lib/x.h")
    paths = PathResolver(str(tmp_path), str(tmp_path))
    assert paths.locate("../../lib/x.h", "build/sub") == "lib/x.h"  # make -C build/sub
    assert paths.locate("../../lib/x.h", f"{tmp_path}/build/sub") == "lib/x.h"  # make's absolute form
    assert paths.locate("../../lib/x.h") == "lib/x.h"  # ninja in build/sub: the directory is not printed
    assert paths.locate("../../lib/missing.h") is None


def test_the_real_gcc_in_a_build_directory(tmp_path: Path) -> None:
    if shutil.which("gcc") is None:
        pytest.skip("gcc is not installed")
    repo, outside = tmp_path / "repo", tmp_path / "sdk"
    (repo / "lib").mkdir(parents=True)
    (repo / "src").mkdir()
    (repo / "build" / "sub").mkdir(parents=True)
    outside.mkdir()
    (repo / "lib" / "x.h").write_text("static int twice(int x) {\n    return x * y;\n}\n")
    (outside / "sdk.h").write_text("static int outside(void) { return z; }\n")
    (repo / "src" / "main.c").write_text(
        '#include "x.h"\n#include "sdk.h"\nint main(void) { return twice(2); }\n'
    )
    (repo / "build" / "sub" / "Makefile").write_text(
        f"all:\n\tgcc -c -I../../lib -I{outside} ../../src/main.c\n"
    )
    for argv, cwd in ((["make", "-C", "build/sub"], repo), (["make"], repo / "build" / "sub")):
        proc = subprocess.run(argv, cwd=cwd, capture_output=True, check=False, timeout=60)
        assert proc.returncode != 0
        got = [
            (r.file, r.raw_file, r.line)
            for r in parse_log(proc.stdout + proc.stderr, repo)
            if r.tool == "gcc"
        ]
        assert got == [("lib/x.h", "../../lib/x.h", 2), (None, f"{outside}/sdk.h", 1)], argv


def test_absolute_paths_outside_the_root(tmp_path: Path) -> None:
    tree(tmp_path, "src/app/main.py", "stdio.h", "models.py")
    paths = PathResolver(str(tmp_path), str(tmp_path))
    assert paths.locate("/app/src/app/main.py") == "src/app/main.py"  # a container's checkout
    assert paths.locate("C:\\agent\\_work\\1\\s\\src\\app\\main.py") == "src/app/main.py"  # a Windows agent's
    assert paths.locate("/home/ci/other/thing.py") is None
    assert paths.locate("D:/a/thing.cs") is None
    # a library's file is never the repository's, whatever its tail
    assert paths.locate("/usr/include/stdio.h") is None
    assert paths.locate("/usr/lib/python3/dist-packages/requests/models.py") is None
    assert paths.locate("/home/ci/.venv/lib/python3.11/site-packages/x/models.py") is None
    assert paths.locate("/root/go/pkg/mod/example.com/y@v1.0.0/models.py") is None
    # resolve() still shows them, cleaned
    assert paths.resolve("/usr/include\\stdio.h") == "/usr/include/stdio.h"


def test_a_step_that_cd_ed_into_a_folder(tmp_path: Path) -> None:
    tree(tmp_path, "web/src/app.ts", "api/src/main.rs", "api/src/lib.rs", "cli/src/lib.rs")
    paths = PathResolver(str(tmp_path), str(tmp_path))
    assert paths.locate("src/app.ts") == "web/src/app.ts"  # cd web && tsc
    assert paths.locate("src/main.rs") == "api/src/main.rs"
    assert paths.locate("src/lib.rs") == "src/lib.rs"  # two folders hold it: left as printed
    tree(tmp_path, "src/app.ts")
    assert PathResolver(str(tmp_path), str(tmp_path)).locate("src/app.ts") == "src/app.ts"  # the root's own


def test_selfheal_started_in_a_subfolder(tmp_path: Path) -> None:
    tree(tmp_path, "svc/a.py")
    paths = PathResolver(str(tmp_path), str(tmp_path / "svc"))
    assert paths.locate("a.py") == "svc/a.py"
    assert paths.locate("../svc/a.py") == "svc/a.py"


def test_symlinks_inside_and_out(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "elsewhere"
    tree(repo, "real/a.py")
    tree(outside, "b.py")
    os.symlink(repo / "real", repo / "alias")
    os.symlink(outside, repo / "linked")
    paths = PathResolver(str(repo), str(repo))
    assert paths.locate("alias/a.py") == "real/a.py"
    assert paths.locate("linked/b.py") == "linked/b.py"  # reached through the repository: its name there


def test_go_packages_map_through_go_mod_files(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "go.mod").write_text('module "example.com/svc"\n\ngo 1.19\n')
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "go.mod").write_text("module example.com/svc/pkg\n")
    tree(tmp_path, "svc/pkg/calc.go", "svc/main.go")
    paths = PathResolver(str(tmp_path), str(tmp_path))
    assert paths.locate("pkg/calc.go", GO_PACKAGE + "example.com/svc/pkg") == "svc/pkg/calc.go"
    assert paths.locate("../../pkg/calc.go", GO_PACKAGE + "example.com/svc/pkg") == "svc/pkg/calc.go"
    assert paths.locate("./main.go", GO_PACKAGE + "example.com/svc") == "svc/main.go"
    # an unknown package, or a file its folder lacks: the path as printed
    assert paths.locate("x/y.go", GO_PACKAGE + "example.org/other") == "x/y.go"
    assert paths.locate("pkg/gen.go", GO_PACKAGE + "example.com/svc/pkg") == "pkg/gen.go"
    # no go.mod that knows it (GOPATH mode, a log read on another machine): the folder ending like the package
    tree(tmp_path, "pkg/calc/calc_test.go")
    paths = PathResolver(str(tmp_path), str(tmp_path))
    assert paths.locate("calc_test.go", GO_PACKAGE + "example.com/t/pkg/calc") == "pkg/calc/calc_test.go"
