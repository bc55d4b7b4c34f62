#!/usr/bin/env bats
# The post-command hook: exits 0 on every path; uploads the reports on any outcome; annotates a failed
# step; adds its fix step once per step and never past the attempt cap; with `wrap: false`, reads the
# configured report files. Each test plans the exact `buildkite-agent` calls it expects.

load helpers/agent.bash

setup() {
  agent_setup
  make_checkout
}

# the command hook, as the agent runs it before post-command
run_step() {
  export BUILDKITE_COMMAND="$1"
  local code=0
  "$(hook_wrapper command)" >/dev/null 2>&1 || code=$?
  export BUILDKITE_COMMAND_EXIT_STATUS="$code"
}

FAILING='echo "app.py:1:8: F401 [*] \`os\` imported but unused"; exit 1'
CONTEXT="selfheal-unit-*" # annotation_context(): the task "Unit", slugged, plus a hash

@test "success: the reports are uploaded, nothing is annotated, exit 0" {
  plugin_config '{"fix": {"enabled": true}}'
  run_step 'echo fine'
  stub buildkite-agent "artifact upload .selfheal/**/* : exit 0"
  run "$(hook_wrapper post-command)"
  assert_success
  unstub buildkite-agent
  assert_equal "$(stub_cwd buildkite-agent 1)" "$PWD"
}

@test "failure: the annotation (style error, one context per step) and the reports" {
  run_step "$FAILING"
  stub buildkite-agent \
    "annotate --style error --context $CONTEXT : exit 0" \
    "artifact upload .selfheal/**/* : exit 0"
  run "$(hook_wrapper post-command)"
  assert_success
  unstub buildkite-agent
  run stub_stdin buildkite-agent 1
  assert_output --partial "F401"
  assert_output --partial "app.py"
}

@test "the fix step is uploaded once per step, and not again when meta-data says it was" {
  plugin_config '{"fix": {"enabled": true, "agents": {"queue": "fixers"}}}'
  run_step "$FAILING"
  stub buildkite-agent \
    "meta-data exists selfheal:fix-step:unit : exit 100" \
    "annotate --style error --context $CONTEXT : exit 0" \
    "artifact upload .selfheal/**/* : exit 0" \
    "pipeline upload --no-interpolation : exit 0" \
    "meta-data set selfheal:fix-step:unit : exit 0"
  run "$(hook_wrapper post-command)"
  assert_success
  assert_output --partial "added the fix step selfheal-fix-unit"
  unstub buildkite-agent
  run stub_stdin buildkite-agent 4
  assert_line "  key: selfheal-fix-unit"
  assert_line "  command: selfheal fix --platform buildkite"
  assert_line "    queue: fixers"
  refute_output --partial "$BUILDKITE_AGENT_ACCESS_TOKEN"
  assert_equal "$(stub_stdin buildkite-agent 5)" "selfheal-fix-unit"

  # an automatic retry of the step: a new job id, the same build meta-data
  export BUILDKITE_JOB_ID="0190d6a4-0000-4c1b-9a55-00000000a002"
  stub buildkite-agent \
    "meta-data exists selfheal:fix-step:unit : exit 0" \
    "annotate --style error --context $CONTEXT : exit 0" \
    "artifact upload .selfheal/**/* : exit 0"
  run "$(hook_wrapper post-command)"
  assert_success
  unstub buildkite-agent
}

@test "never past the attempt cap: three selfheal commits at the tip, no fix step, the annotation says so" {
  selfheal_commit 1
  selfheal_commit 2
  selfheal_commit 3
  checkout_pushed
  plugin_config '{"fix": {"enabled": true}}'
  run_step "$FAILING"
  stub buildkite-agent \
    "meta-data exists selfheal:fix-step:unit : exit 100" \
    "annotate --style error --context $CONTEXT : exit 0" \
    "artifact upload .selfheal/**/* : exit 0"
  run "$(hook_wrapper post-command)"
  assert_success
  unstub buildkite-agent
  run stub_stdin buildkite-agent 2
  assert_output --partial 'No fix step was added: attempt 4 would exceed max\_attempts \(3\)'
}

@test "exit 0 when every agent call fails" {
  plugin_config '{"fix": {"enabled": true}}'
  run_step "$FAILING"
  stub buildkite-agent \
    "meta-data exists * : echo 'fatal: 503' >&2; exit 1" \
    "annotate * : echo 'fatal: 503' >&2; exit 1" \
    "artifact upload * : echo 'fatal: 503' >&2; exit 1"
  run "$(hook_wrapper post-command)"
  assert_success
  assert_line --partial "selfheal: warning: annotation: AgentError: buildkite-agent annotate failed (1): fatal: 503"
  unstub buildkite-agent
}

@test "exit 0 when selfheal is not on PATH" {
  run_step "$FAILING"
  stub buildkite-agent
  PATH="$(dirname "$(command -v git)"):/bin" run "$(hook_wrapper post-command)"
  assert_success
  assert_output "selfheal: warning: selfheal is not on PATH: no reports, annotation or fix step for this step"
  unstub buildkite-agent
}

@test "exit 0 when selfheal itself fails" {
  run_step "$FAILING"
  stub buildkite-agent
  stub selfheal "buildkite post-command : echo 'Traceback: boom' >&2; exit 3"
  run "$(hook_wrapper post-command)"
  assert_success
  assert_line "selfheal: warning: the post-command hook failed (exit 3)"
  unstub selfheal
  unstub buildkite-agent
}

@test "wrap: false composes: post-command reads the configured JUnit file" {
  plugin_config '{"wrap": false, "junit": "reports/*.xml"}'
  run_step 'mkdir -p reports; printf "%s" "<testsuite tests=\"2\" failures=\"1\"><testcase classname=\"tests.test_geo\" name=\"test_area\" file=\"tests/test_geo.py\" line=\"7\"><failure message=\"assert 3 == 4\"/></testcase><testcase classname=\"tests.test_geo\" name=\"test_ok\"/></testsuite>" > reports/unit.xml; exit 1'
  assert_equal "$BUILDKITE_COMMAND_EXIT_STATUS" 1
  assert [ ! -e .selfheal ] # the command hook stood aside
  stub buildkite-agent \
    "annotate --style error --context $CONTEXT : exit 0" \
    "artifact upload .selfheal/**/* : exit 0"
  run "$(hook_wrapper post-command)"
  assert_success
  unstub buildkite-agent
  run "$TEST_PYTHON" -c 'import json; d = json.load(open(".selfheal/unit.json")); print(d["status"], d["exit_code"], [(r["source"], r["test"]) for r in d["records"]])'
  assert_output "failed 1 [('junit', 'tests.test_geo::test_area')]"
  run stub_stdin buildkite-agent 1
  assert_output --partial "test_area"
}

@test "wrap: false, a passing step: nothing to upload, nothing to say" {
  plugin_config '{"wrap": false, "junit": "reports/*.xml"}'
  run_step 'true'
  stub buildkite-agent
  run "$(hook_wrapper post-command)"
  assert_success
  assert_output ""
  unstub buildkite-agent
}
