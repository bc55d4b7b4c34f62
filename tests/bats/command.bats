#!/usr/bin/env bats
# shellcheck disable=SC2154 # $stderr: set by bats' `run --separate-stderr`
# The command hook: the step's command runs as without the plugin (output, exit status, cancellation),
# under `selfheal run` when wrapped; with `wrap: false` as the agent's default command phase would run it.

load helpers/agent.bash

setup() {
  agent_setup
  make_checkout
  stub buildkite-agent # the command hook never talks to the agent
}

teardown() {
  unstub buildkite-agent
}

# the agent's default command phase, for comparison: BUILDKITE_SHELL + BUILDKITE_COMMAND
plain() {
  /bin/bash -e -c "$BUILDKITE_COMMAND"
}

@test "wrapped: the command's stdout, stderr and exit status are untouched" {
  export BUILDKITE_COMMAND=$'printf "out 1\\nno newline"; printf "err \\xff\\n" >&2; echo "app.py:1:8: F401 [*] \\`os\\` imported but unused"; exit 3'
  run --separate-stderr plain
  local expected_out="$output" expected_err="$stderr"
  assert_equal "$status" 3

  run --separate-stderr "$(hook_wrapper command)"
  assert_equal "$status" 3
  assert_equal "$output" "$expected_out"
  assert_equal "$stderr" "$expected_err"
  # and the report is there for post-command
  run "$TEST_PYTHON" -c 'import json; d = json.load(open(".selfheal/unit.json")); print(d["exit_code"], d["records"][0]["rule"])'
  assert_output "3 F401"
}

@test "wrapped: a passing command passes, with its output" {
  export BUILDKITE_COMMAND='echo all good'
  run --separate-stderr "$(hook_wrapper command)"
  assert_success
  assert_output "all good"
  assert_equal "$stderr" ""
  assert [ -f .selfheal/unit.json ]
}

@test "wrapped: the configured junit glob and artifact-dir are used" {
  plugin_config '{"junit": "reports/*.xml", "artifact-dir": "out/selfheal", "task": "unit tests"}'
  export BUILDKITE_COMMAND='mkdir -p reports; printf "<testsuite tests=\"1\" failures=\"1\"><testcase classname=\"t\" name=\"test_x\" file=\"app.py\" line=\"1\"><failure message=\"boom\"/></testcase></testsuite>" > reports/unit.xml; exit 1'
  run "$(hook_wrapper command)"
  assert_failure 1
  run "$TEST_PYTHON" -c 'import json; d = json.load(open("out/selfheal/unit-tests.json")); print(d["task"], [s["kind"] for s in d["sources"]], d["records"][0]["source"])'
  assert_output "unit tests ['log', 'junit'] junit"
}

@test "wrapped: SIGTERM (a cancelled job) reaches the command, and its exit status is kept" {
  export MARK="$BATS_TEST_TMPDIR/terminated" STARTED="$BATS_TEST_TMPDIR/started"
  # 77, not 143: a hook killed by the signal itself would also end with 143
  export BUILDKITE_COMMAND='trap "echo got TERM > \"\$MARK\"; exit 77" TERM; echo up > "$STARTED"; sleep 300 & wait'
  "$(hook_wrapper command)" &
  local hook=$!
  for _ in $(seq 600); do
    [[ -f "$STARTED" ]] && break
    sleep 0.1
  done
  assert [ -f "$STARTED" ]
  kill -TERM "$hook"
  local code=0
  wait "$hook" || code=$?
  assert_equal "$code" 77
  assert_equal "$(cat "$MARK")" "got TERM"
}

@test "a command that names a script of the checkout runs as the agent runs it" {
  mkdir -p ci
  printf '#!/bin/bash\necho "script ran in $PWD"\nexit 4\n' >ci/test.sh # not executable: the agent makes it so
  export BUILDKITE_COMMAND="ci/test.sh"
  run "$(hook_wrapper command)"
  assert_failure 4
  assert_output "script ran in $PWD"
}

@test "wrap: false runs BUILDKITE_COMMAND untouched, in the hook's own process" {
  plugin_config '{"wrap": false}'
  export BUILDKITE_COMMAND='echo $$ > pid; echo "unwrapped"; echo "to stderr" >&2; exit 6'
  run --separate-stderr plain
  local expected_out="$output" expected_err="$stderr"
  run --separate-stderr "$(hook_wrapper command)"
  assert_equal "$status" 6
  assert_equal "$output" "$expected_out"
  assert_equal "$stderr" "$expected_err"
  assert [ ! -e .selfheal ]

  "$(hook_wrapper command)" >/dev/null 2>&1 &
  local hook=$!
  wait "$hook" || true
  assert_equal "$(cat pid)" "$hook" # nothing of selfheal's stays between the agent and the command
}

@test "wrap: false after docker-compose's command hook does not run the command again" {
  local compose="github.com/buildkite-plugins/docker-compose-buildkite-plugin#v5.0.0"
  mkdir -p "$BUILDKITE_PLUGINS_PATH/github-com-buildkite-plugins-docker-compose-buildkite-plugin-v5-0-0/hooks"
  touch "$BUILDKITE_PLUGINS_PATH/github-com-buildkite-plugins-docker-compose-buildkite-plugin-v5-0-0/hooks/command"
  plugin_config '{"wrap": false, "junit": "reports/*.xml"}' "$compose"
  export BUILDKITE_COMMAND='touch ran-on-the-host'
  run "$(hook_wrapper command)"
  assert_success
  assert [ ! -e ran-on-the-host ]
}

@test "no command at all fails as the agent would" {
  export BUILDKITE_COMMAND=""
  run "$(hook_wrapper command)"
  assert_failure 1
  assert_output "selfheal: the command phase has no \`command\` to execute"
}
