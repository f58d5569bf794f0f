#!/usr/bin/env bash
# Installs the two renderers the deployment tests run, from Debian, when they are missing:
#   docker-compose  (Compose v1.29, Debian package docker-compose; `config` needs no Docker engine)
#   kubectl         with `kubectl kustomize` (Debian package kubernetes-client 1.20 has it)
# Idempotent and quiet: does nothing when both are on the PATH. Run as root (CI is).
set -euo pipefail

missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
if ! command -v kubectl >/dev/null 2>&1; then
  missing+=(kubernetes-client)
elif ! kubectl kustomize --help >/dev/null 2>&1; then
  echo "ensure-tools: the kubectl on the PATH has no 'kustomize' subcommand" >&2
  exit 1
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-tools: missing ${missing[*]} and no apt-get to install them" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "ensure-tools: could not install ${missing[*]}" >&2
  exit 1
fi
rm -f "$log"
command -v docker-compose >/dev/null && command -v kubectl >/dev/null
# The overlays use kustomize v4+ fields (labels, patches with targets, inline transformers): Debian's
# kubernetes-client 1.20 embeds kustomize v2, too old; kubectl >= 1.24 is needed then.
kubectl kustomize --help >/dev/null 2>&1 || { echo "ensure-tools: kubectl has no 'kustomize' subcommand" >&2; exit 1; }
