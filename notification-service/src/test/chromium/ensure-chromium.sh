#!/usr/bin/env bash
# Installs Debian's Chromium for DashboardPageTest (headless, driven over the DevTools protocol) when it is
# missing. Idempotent and quiet: silent when Chromium is there, one line when it installs, apt's output only
# on failure. Needs root, as CI and the dev machines run.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
echo "ensure-chromium: installing Debian's chromium"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-liberation; } >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
command -v chromium >/dev/null
