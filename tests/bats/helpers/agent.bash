# The job as the Buildkite agent runs it: its environment, a checkout with a bare origin, the plugin's
# configuration in the agent's two forms, and hooks run through a wrapper that sources them as the agent's
# hook wrapper does (agent internal/job/hook/wrapper.go).

ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
PLUGIN_SOURCE="github.com/org/selfheal-buildkite-plugin#v1.0.0"

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
load "$BATS_TEST_DIRNAME/helpers/stub.bash"

# selfheal for the hooks: the project's virtualenv (`make test` made it), else one already on PATH
selfheal_bin() {
  if [[ -x "$ROOT/.venv/bin/selfheal" ]]; then
    echo "$ROOT/.venv/bin"
  else
    dirname "$(command -v selfheal)"
  fi
}

agent_setup() {
  local name
  for name in "${!BUILDKITE@}" "${!SELFHEAL@}"; do
    unset "$name"
  done
  SELFHEAL_BIN="$(selfheal_bin)"
  TEST_PYTHON="$SELFHEAL_BIN/python"
  export PATH="$SELFHEAL_BIN:$PATH"
  export HOME="$BATS_TEST_TMPDIR/home" XDG_CACHE_HOME="$BATS_TEST_TMPDIR/cache"
  mkdir -p "$HOME"
  export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
  export GIT_AUTHOR_NAME=Dev GIT_AUTHOR_EMAIL=dev@example.com GIT_COMMITTER_NAME=Dev GIT_COMMITTER_EMAIL=dev@example.com
  export BUILDKITE=true
  export BUILDKITE_AGENT_ACCESS_TOKEN="bkagent_planted0123456789abcdef0123456789"
  export BUILDKITE_BUILD_ID="0190d6a4-0000-4c1b-9a55-00000000b111"
  export BUILDKITE_BUILD_URL="https://buildkite.com/org/shop/builds/7"
  export BUILDKITE_JOB_ID="0190d6a4-0000-4c1b-9a55-00000000a001"
  export BUILDKITE_STEP_ID="0190d6a4-0000-4c1b-9a55-00000000c001"
  export BUILDKITE_STEP_KEY="unit"
  export BUILDKITE_LABEL=":pytest: Unit"
  export BUILDKITE_PIPELINE_SLUG="shop"
  export BUILDKITE_PIPELINE_DEFAULT_BRANCH="main"
  export BUILDKITE_SHELL="/bin/bash -e -c"
  export BUILDKITE_PLUGINS_PATH="$BATS_TEST_TMPDIR/plugins"
  export BUILDKITE_STRICT_SINGLE_HOOKS="false"
  plugin_config '{}'
}

# make_checkout: origin.git (bare) and a clone on feature/geo, checked out detached at its tip as the
# agent checks out BUILDKITE_COMMIT; the current directory becomes the checkout.
make_checkout() {
  local tmp="$BATS_TEST_TMPDIR"
  git init -q --bare -b main "$tmp/origin.git"
  git init -q -b main "$tmp/checkout"
  cd "$tmp/checkout" || return 1
  git config core.hooksPath /dev/null
  echo "import os" >app.py
  git add -A && git commit -qm "initial commit"
  git remote add origin "$tmp/origin.git"
  git push -q origin HEAD:refs/heads/main
  git checkout -qb feature/geo
  echo "work" >feature.txt
  git add -A && git commit -qm "start feature"
  export BUILDKITE_BRANCH="feature/geo"
  checkout_pushed
}

# after commits in the checkout: push them and build that commit
checkout_pushed() {
  git push -q origin "HEAD:refs/heads/$BUILDKITE_BRANCH"
  git checkout -q --detach
  BUILDKITE_COMMIT="$(git rev-parse HEAD)"
  export BUILDKITE_COMMIT BUILDKITE_REPO="$BATS_TEST_TMPDIR/origin.git"
  export BUILDKITE_BUILD_CHECKOUT_PATH="$PWD"
}

selfheal_commit() {
  echo "attempt $1" >"heal-$1.txt"
  git add -A
  git commit -qm "selfheal: attempt $1" -m "Selfheal-Attempt: $1"
}

# plugin_config JSON: the configuration as BUILDKITE_PLUGINS, BUILDKITE_PLUGIN_CONFIGURATION and the
# BUILDKITE_PLUGIN_SELFHEAL_* variables (agent/plugin/plugin.go, ConfigurationToEnvironment)
plugin_config() {
  local name
  for name in "${!BUILDKITE_PLUGIN_SELFHEAL_@}"; do
    unset "$name"
  done
  eval "$("$TEST_PYTHON" - "$1" "$PLUGIN_SOURCE" "${2:-}" <<'PY'
import json, re, shlex, sys
config, source, before = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
key = lambda k: re.sub(r"[-\s]", "_", k.upper())
out = {"BUILDKITE_PLUGIN_NAME": "SELFHEAL", "BUILDKITE_PLUGIN_CONFIGURATION": json.dumps(config)}
plugins = [{before: {}}] if before else []
out["BUILDKITE_PLUGINS"] = json.dumps([*plugins, {source: config}])
def walk(prefix, value):
    if isinstance(value, dict):
        for k, v in value.items():
            walk(f"{prefix}_{key(k)}", v)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            walk(f"{prefix}_{i}", v)
    else:
        out[prefix] = json.dumps(value) if isinstance(value, bool) else str(value)
for k, v in config.items():
    walk(f"BUILDKITE_PLUGIN_SELFHEAL_{key(k)}", v)
print("\n".join(f"export {k}={shlex.quote(v)}" for k, v in out.items()))
PY
)"
}

# the agent's wrapper for hooks/NAME of the plugin in $PLUGIN_DIR (default: this repository)
hook_wrapper() {
  local hook="${PLUGIN_DIR:-$ROOT}/hooks/$1" wrapper="$BATS_TEST_TMPDIR/wrapper-$1"
  {
    # shellcheck disable=SC2016 # the wrapper's own variables
    printf '#!/bin/bash\n. %q\nexport BUILDKITE_HOOK_EXIT_STATUS=$?\nenv >%q\nexit $BUILDKITE_HOOK_EXIT_STATUS\n' \
      "$hook" "$BATS_TEST_TMPDIR/after-$1.env"
  } >"$wrapper"
  chmod +x "$wrapper"
  echo "$wrapper"
}

# after_env NAME VAR: VAR as the hook left it for the agent (empty when the hook exited early)
after_env() {
  sed -n "s/^$2=//p" "$BATS_TEST_TMPDIR/after-$1.env" 2>/dev/null
}
