# Stubs that verify their calls (Buildkite's plugin-tester style, written here: bats-mock is not packaged).
#
#   stub NAME ['ARGS-GLOB : SHELL' ...]   NAME on PATH; each argument plans one call, in order: the call's
#                                         arguments (joined by spaces) must match ARGS-GLOB, then SHELL runs
#                                         (its stdin is the call's stdin; no ` : SHELL` means `exit 0`).
#                                         No plan at all: NAME must not be called.
#   unstub NAME                           fails the test if a call was not planned, did not match its plan,
#                                         or a planned call did not happen.
#   stub_args NAME N / stub_stdin NAME N / stub_cwd NAME N   what call N got.

_stub_state() {
  printf '%s/stubs/%s.d' "$BATS_TEST_TMPDIR" "$1"
}

stub() {
  local name="$1" state bin
  shift
  state="$(_stub_state "$name")"
  bin="$BATS_TEST_TMPDIR/stubs/bin"
  mkdir -p "$state" "$bin"
  : >"$state/plan"
  local line
  for line in "$@"; do
    printf '%s\n' "$line" >>"$state/plan"
  done
  echo 0 >"$state/count"
  printf '#!/bin/bash\nexec %q %q "$@"\n' "$BATS_TEST_DIRNAME/helpers/stub-call" "$state" >"$bin/$name"
  chmod +x "$bin/$name"
  case ":$PATH:" in
    *":$bin:"*) ;;
    *) export PATH="$bin:$PATH" ;;
  esac
}

unstub() {
  local state planned called
  state="$(_stub_state "$1")"
  planned="$(grep -c '' "$state/plan" || true)"
  called="$(cat "$state/count")"
  if [[ -s "$state/errors" ]]; then
    echo "stub $1:" >&2
    cat "$state/errors" >&2
    return 1
  fi
  if ((called != planned)); then
    echo "stub $1: $planned call(s) planned, $called made" >&2
    return 1
  fi
}

stub_args() {
  cat "$(_stub_state "$1")/args.$2"
}

stub_stdin() {
  cat "$(_stub_state "$1")/stdin.$2"
}

stub_cwd() {
  cat "$(_stub_state "$1")/cwd.$2"
}
