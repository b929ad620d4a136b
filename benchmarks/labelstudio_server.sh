#!/usr/bin/env bash
# The Label Studio round trip against a real server (tests/interop/test_labelstudio_server.py), the second test
# command of docs/interop.md: too slow for CI (installing Label Studio and its first start take minutes).
# Label Studio gets a virtual environment of its own (its Django stack does not mix with ours), a data folder in
# a temporary directory and a fixed API token; the server is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${LS_VENV:-/tmp/spinscope-labelstudio-venv}
DATA=$(mktemp -d)
PORT=${LS_PORT:-8089}
TOKEN=0123456789abcdef0123456789abcdef01234567
[ -x "$VENV/bin/label-studio" ] || { python -m venv "$VENV" && "$VENV/bin/pip" install -q label-studio "sentry-sdk<3"; }
LABEL_STUDIO_BASE_DATA_DIR=$DATA "$VENV/bin/label-studio" start --no-browser --port "$PORT" \
  --username tester@spinscope.example --password spinscope-test --user-token "$TOKEN" >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
until curl -sf "http://localhost:$PORT/api/version" >/dev/null; do sleep 2; done
# New organisations accept only JWT personal tokens; the test speaks the simpler legacy token.
(cd "$VENV"/lib/python3*/site-packages/label_studio && LABEL_STUDIO_BASE_DATA_DIR=$DATA \
  DJANGO_SETTINGS_MODULE=core.settings.label_studio "$VENV/bin/python" -c \
  "import sys; sys.path.insert(0, '.'); import django; django.setup(); from jwt_auth.models import JWTSettings; JWTSettings.objects.update(legacy_api_tokens_enabled=True)" \
  >/dev/null 2>&1)
SPINSCOPE_LABEL_STUDIO="http://localhost:$PORT $TOKEN" pytest -q -m labelstudio tests/interop
