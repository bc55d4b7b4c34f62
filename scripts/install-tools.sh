#!/usr/bin/env bash
# Installs the real tools the test suite runs (compilers, linters, npm tools) when they are missing.
# Debian packages via apt-get (as root, or through sudo); npm packages into tests/js from its lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A apt_for=(
  [gcc]=gcc [g++]=g++ [clang]=clang [make]=make [go]=golang-go [javac]=default-jdk-headless
  [shellcheck]=shellcheck [bats]=bats [rsync]=rsync [cmake]=cmake [node]=nodejs [npm]=npm [git]=git
  [bwrap]=bubblewrap [ld.lld]=lld [mold]=mold [ctest]=cmake [rubocop]=rubocop [kotlinc]=kotlin
)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
# Another apt run (unattended upgrades, a parallel setup) may hold the locks: wait for it, never fail on it.
# apt-get waits for dpkg's lock given DPkg::Lock::Timeout, but `update` ignores that for its lists lock.
apt_get() {
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"
}
apt_update() {
  local out
  for _ in $(seq 120); do
    if out=$(apt_get update -qq 2>&1); then return 0; fi
    case "$out" in
      *"Could not get lock"*) sleep 5 ;;
      *) break ;;
    esac
  done
  echo "$out" >&2
  return 1
}
# packages of files, not commands: bats' helper libraries, Java libraries, C++ test frameworks
declare -A apt_for_file=(
  [/usr/lib/bats/bats-support/load.bash]=bats-support [/usr/lib/bats/bats-assert/load.bash]=bats-assert
  # Maven fixtures run offline: Surefire 2 and JUnit 4 from Debian's maven-repo, kotlin-maven-plugin's libraries
  [/usr/share/java/common-junit3.jar]=libsurefire-java [/usr/share/java/junit4.jar]=junit4
  [/usr/share/java/kotlinx-coroutines-core.jar]=libkotlinx-coroutines-java
  # ctest fixtures' test frameworks
  [/usr/include/gtest/gtest.h]=libgtest-dev [/usr/include/catch2/catch.hpp]=catch2
)
missing=()
for cmd in "${!apt_for[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${apt_for[$cmd]}")
done
for file in "${!apt_for_file[@]}"; do
  [ -f "$file" ] || missing+=("${apt_for_file[$file]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-tools: apt-get install ${missing[*]}"
  apt_update
  apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v cargo >/dev/null 2>&1 || {
  echo "install-tools: apt-get install cargo"
  apt_get install -y -qq --no-install-recommends cargo >/dev/null
}

# gitlab-ci-local (GitLab pipelines run locally) needs Node 22, which npm installs there too (`node@22`)
if [ ! -x tests/js/node_modules/.bin/tsc ] || [ ! -x tests/js/node_modules/.bin/gitlab-ci-local ] ||
  [ ! -x tests/js/node_modules/node/bin/node ] || [ tests/js/package-lock.json -nt tests/js/node_modules ]; then
  echo "install-tools: npm install (tests/js)"
  # npm install, not npm ci: npm 11 writes lock files that its own `ci` then rejects (platform-only
  # optional packages); with exact versions in package.json and the lock file, install resolves the same tree
  (cd tests/js && npm install --no-audit --no-fund --loglevel=error)
  touch tests/js/node_modules
fi
