#!/usr/bin/env bash
# Reports a deploy to Restart Watch, signed with the pipeline's HMAC secret (curl + openssl only).
#
# Required: RESTARTWATCH_URL, RESTARTWATCH_PIPELINE, RESTARTWATCH_SECRET,
#           RESTARTWATCH_APPLICATION, RESTARTWATCH_DEPLOY_ID
# Optional: RESTARTWATCH_STATUS (completed | failed | started; default completed),
#           RESTARTWATCH_ENVIRONMENT, RESTARTWATCH_COMMIT, RESTARTWATCH_DEPLOY_URL
# Values must be plain ids, commit ids and URLs (no quotes or spaces): the service rejects anything else.
set -euo pipefail

: "${RESTARTWATCH_URL:?}" "${RESTARTWATCH_PIPELINE:?}" "${RESTARTWATCH_SECRET:?}"
: "${RESTARTWATCH_APPLICATION:?}" "${RESTARTWATCH_DEPLOY_ID:?}"

field() { [ -n "$2" ] && printf ',"%s":"%s"' "$1" "$2" || true; }
body="{\"applicationId\":\"${RESTARTWATCH_APPLICATION}\",\"deployId\":\"${RESTARTWATCH_DEPLOY_ID}\",\"status\":\"${RESTARTWATCH_STATUS:-completed}\"$(field environment "${RESTARTWATCH_ENVIRONMENT:-}")$(field commit "${RESTARTWATCH_COMMIT:-}")$(field url "${RESTARTWATCH_DEPLOY_URL:-}")}"
timestamp=$(date +%s)
# The secret reaches openssl as an argument: on a shared machine, other users' `ps` could see it briefly.
signature=$(printf '%s.%s' "$timestamp" "$body" | openssl dgst -sha256 -hmac "$RESTARTWATCH_SECRET" -r | cut -d' ' -f1)

# No curl --retry: a resent request carries a used signature and is refused as a replay; rerun the script.
curl --silent --show-error --fail-with-body --max-time 30 \
  -X POST "${RESTARTWATCH_URL%/}/api/deploys" \
  -H 'Content-Type: application/json' \
  -H "X-RestartWatch-Pipeline: ${RESTARTWATCH_PIPELINE}" \
  -H "X-RestartWatch-Timestamp: ${timestamp}" \
  -H "X-RestartWatch-Signature: sha256=${signature}" \
  --data-binary "$body"
echo
