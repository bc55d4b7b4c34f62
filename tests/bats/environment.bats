#!/usr/bin/env bats
# The environment hook: `selfheal` on PATH for the later hooks and the step — the one already there, or
# a virtualenv made once per plugin version in a cache folder. Sourced by the agent: it must never exit,
# and a failure is one clear line and a non-zero status.

load helpers/agent.bash

# PATH without any selfheal (the project's virtualenv included)
path_without_selfheal() {
  local dir kept=()
  IFS=: read -ra dirs <<<"$PATH"
  for dir in "${dirs[@]}"; do
    [[ -n "$dir" && ! -x "$dir/selfheal" ]] && kept+=("$dir")
  done
  (IFS=:; echo "${kept[*]}")
}

setup() {
  agent_setup
  export SELFHEAL_CACHE_DIR="$BATS_TEST_TMPDIR/cache/selfheal"
  export FAKE_PIP_LOG="$BATS_TEST_TMPDIR/pip.log" FAKE_VENV_PYTHON="$BATS_TEST_DIRNAME/helpers/fake-venv-python"
  VERSION="$(git -C "$ROOT" describe --tags --always)"
  export TEST_PYTHON
}

# python3 as a verified stub whose `-m venv DIR` makes a fake virtualenv (helpers/fake-venv-python)
stub_python() {
  PATH="$(path_without_selfheal)"
  stub python3 "-c * : echo py3.99" "$@"
}
MAKE_VENV='-m venv * : mkdir -p "$3/bin" && cp "$FAKE_VENV_PYTHON" "$3/bin/python"'
RENAME='-c import os, sys; os.replace(* : exec "$TEST_PYTHON" "$@"' # publishes the virtualenv

@test "selfheal already on PATH: nothing is installed, PATH is left alone" {
  stub python3 # must not be called
  run "$(hook_wrapper environment)"
  assert_success
  assert_output ""
  assert_equal "$(after_env environment PATH)" "$PATH"
  assert [ ! -e "$SELFHEAL_CACHE_DIR" ]
  unstub python3
}

@test "no python3: one clear line, a non-zero status" {
  mkdir -p "$BATS_TEST_TMPDIR/bare"
  for tool in env dirname git sed cksum cut mv rm; do
    ln -s "$(command -v "$tool")" "$BATS_TEST_TMPDIR/bare/$tool"
  done
  PATH="$BATS_TEST_TMPDIR/bare" run "$(hook_wrapper environment)"
  assert_failure 1
  assert_output "selfheal: python3 not found: the selfheal plugin needs python3 on the agent"
}

@test "installs the CLI once, from the plugin checkout (the emitter only), into a folder keyed by the plugin version" {
  stub_python "$MAKE_VENV" "$RENAME"
  run "$(hook_wrapper environment)"
  assert_success
  assert_output --partial "installing the CLI into $SELFHEAL_CACHE_DIR/$VERSION-py3.99"
  unstub python3
  assert_equal "$(cat "$FAKE_PIP_LOG")" "${ROOT}"
  local venv_bin="$SELFHEAL_CACHE_DIR/$VERSION-py3.99/bin"
  assert_equal "$(after_env environment PATH)" "$venv_bin:$PATH"
  assert [ -L "$SELFHEAL_CACHE_DIR/$VERSION-py3.99" ] # a link to the one virtualenv, nothing else
  assert_equal "$(ls "$SELFHEAL_CACHE_DIR" | wc -l)" 2

  # the next job on this agent finds it
  stub python3 "-c * : echo py3.99"
  run "$(hook_wrapper environment)"
  assert_success
  assert_output ""
  unstub python3
  assert_equal "$(after_env environment PATH)" "$venv_bin:$PATH"
  assert_equal "$(wc -l <"$FAKE_PIP_LOG")" 1
}

@test "a fix step the plugin added gets the fixer's extra, in a folder of its own" {
  export SELFHEAL_FAILED_JOB_ID=job-1
  stub_python "$MAKE_VENV" "$RENAME"
  run "$(hook_wrapper environment)"
  assert_success
  assert_output --partial "installing the CLI into $SELFHEAL_CACHE_DIR/$VERSION-py3.99-fix"
  unstub python3
  assert_equal "$(cat "$FAKE_PIP_LOG")" "${ROOT}[fix]"
  assert_equal "$(after_env environment PATH)" "$SELFHEAL_CACHE_DIR/$VERSION-py3.99-fix/bin:$PATH"
}

@test "the install option is installed instead, into a folder of its own" {
  plugin_config '{"install": "ci-selfheal[buildkite]==1.2.3"}'
  stub_python "$MAKE_VENV" "$RENAME"
  run "$(hook_wrapper environment)"
  assert_success
  unstub python3
  assert_equal "$(cat "$FAKE_PIP_LOG")" "ci-selfheal[buildkite]==1.2.3"
  local folder
  folder="$(find "$SELFHEAL_CACHE_DIR" -maxdepth 1 -type l -printf '%f\n')"
  assert [ "$folder" != "$VERSION-py3.99" ]
  assert_equal "${folder%-*}" "$VERSION-py3.99"
}

@test "a failed install: one clear line, a non-zero status, nothing half-made in the cache" {
  export FAKE_PIP_FAIL=1
  stub_python "$MAKE_VENV"
  run "$(hook_wrapper environment)"
  assert_failure 1
  assert_line "selfheal: could not install the selfheal CLI from ${ROOT} into $SELFHEAL_CACHE_DIR/$VERSION-py3.99 (see above)"
  unstub python3
  assert_equal "$(ls -A "$SELFHEAL_CACHE_DIR")" ""
}

@test "for real: a plugin checkout at a tag installs a working CLI" {
  PLUGIN_DIR="$BATS_TEST_TMPDIR/plugin"
  mkdir -p "$PLUGIN_DIR"
  (cd "$ROOT" && cp -r pyproject.toml README.md plugin.yml hooks emitter fixer "$PLUGIN_DIR/")
  find "$PLUGIN_DIR" -name __pycache__ -prune -exec rm -rf {} +
  git -C "$PLUGIN_DIR" init -q && git -C "$PLUGIN_DIR" add -A && git -C "$PLUGIN_DIR" commit -qm plugin
  git -C "$PLUGIN_DIR" tag v9.9.9
  export PLUGIN_DIR
  PATH="$(path_without_selfheal)"
  run "$(hook_wrapper environment)"
  assert_success
  local venv
  venv="$(find "$SELFHEAL_CACHE_DIR" -maxdepth 1 -type l -name 'v9.9.9-py3.*')"
  assert_equal "$(after_env environment PATH)" "$venv/bin:$PATH"
  run "$venv/bin/selfheal" --version
  assert_success
  assert_output --regexp "^selfheal [0-9]"
}
