"""The one table that maps each tool's own severity words to error / warning / note.

Keys are `(tool, word)` with the word lower-cased; `("*", word)` rows apply to every tool that has no row
of its own. A word nobody knows counts as an error: a step failed, and hiding that is worse than noise.

| tool          | error                       | warning                      | note                      |
|---------------|-----------------------------|------------------------------|---------------------------|
| every tool    | error, fatal, failure, E, F | warning, warn, W             | note, info, hint, help, I |
| pylint        | error, fatal, E, F          | warning, W                   | convention, refactor, C, R, information |
| flake8/ruff   | E, F (pyflakes)             | W, C (mccabe), N, D, B, I…    |                           |
| shellcheck    | error                       | warning                      | info, style               |
| hadolint      | error                       | warning                      | info, style               |
| bandit        | HIGH                        | MEDIUM                       | LOW                       |
| prettier      | error, warn (from --check)  |                              |                           |
| SARIF         | error                       | warning                      | note, none                |
| mypy          | error                       | warning                      | note                      |
| yamllint      | error                       | warning                      |                           |
| github        | error                       | warning                      | notice                    |
| rubocop       | E, F                        | W                            | C, R (as pylint's), I     |
| hlint         | Error                       | Warning                      | Suggestion, Ignore        |
"""

from __future__ import annotations

ERROR, WARNING, NOTE = "error", "warning", "note"

TABLE: dict[tuple[str, str], str] = {
    ("*", "error"): ERROR,
    ("*", "fatal"): ERROR,
    ("*", "fatal error"): ERROR,
    ("*", "failure"): ERROR,
    ("*", "failed"): ERROR,
    ("*", "fail"): ERROR,
    ("*", "critical"): ERROR,
    ("*", "e"): ERROR,
    ("*", "f"): ERROR,
    ("*", "warning"): WARNING,
    ("*", "warn"): WARNING,
    ("*", "w"): WARNING,
    ("*", "note"): NOTE,
    ("*", "info"): NOTE,
    ("*", "information"): NOTE,
    ("*", "hint"): NOTE,
    ("*", "help"): NOTE,
    ("*", "i"): NOTE,
    ("*", "none"): NOTE,
    ("*", "style"): NOTE,
    ("pylint", "convention"): NOTE,
    ("pylint", "refactor"): NOTE,
    ("pylint", "c"): NOTE,
    ("pylint", "r"): NOTE,
    ("flake8", "c"): WARNING,
    ("flake8", "n"): WARNING,
    ("flake8", "d"): WARNING,
    ("flake8", "b"): WARNING,
    ("flake8", "i"): WARNING,  # the rule letter of an import-order code, not "info"
    ("ruff", "c"): WARNING,
    ("ruff", "n"): WARNING,
    ("ruff", "d"): WARNING,
    ("ruff", "b"): WARNING,
    ("ruff", "i"): WARNING,
    ("shellcheck", "info"): NOTE,
    ("shellcheck", "style"): NOTE,
    ("hadolint", "info"): NOTE,
    ("hadolint", "style"): NOTE,
    ("bandit", "high"): ERROR,
    ("bandit", "medium"): WARNING,
    ("bandit", "low"): NOTE,
    ("github", "notice"): NOTE,
    ("prettier", "warn"): ERROR,  # `[warn] src/a.js` from --check is what fails the build
    ("rubocop", "c"): NOTE,  # convention
    ("rubocop", "r"): NOTE,  # refactor
    ("hlint", "suggestion"): NOTE,
    ("hlint", "ignore"): NOTE,
}


def severity(tool: str, word: str | None) -> str:
    if not word:
        return ERROR
    key = word.strip().lower()
    return TABLE.get((tool, key)) or TABLE.get(("*", key)) or ERROR
