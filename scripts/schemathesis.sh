#!/usr/bin/env bash
# Fuzzes the REST API against its own OpenAPI document with schemathesis (installed into .venv by
# scripts/setup.sh): a fresh `appreg serve --demo` on a temporary SQLite file, a write-scoped API token
# of a developer and a session of an administrator, real ids for the path parameters, every operation,
# every check. Exit 0 only with 0 server errors and 0 responses that
# violate the document. Part of `make test`.
#   BIN=target/debug/appreg  PORT=18095  ST_MAX_EXAMPLES=20  ST_SEED=1
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/debug/appreg}
PORT=${PORT:-18095}
[ -x "$BIN" ] || cargo build -q -p appreg-server --bin appreg
dir=$(mktemp -d /tmp/appreg-schemathesis.XXXXXX)
mkdir -p "$dir/static"
echo '<!doctype html><title>appreg</title>' >"$dir/static/index.html"
"$BIN" serve --demo --addr "127.0.0.1:$PORT" --database-url "sqlite://$dir/st.db" --static "$dir/static" \
  >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
base="http://127.0.0.1:$PORT"
token=$(python3 - "$base" "$dir/schemathesis.toml" <<'PY'
import json, sys, time, urllib.request
base = sys.argv[1]
for _ in range(100):
    try:
        urllib.request.urlopen(base + "/healthz", timeout=1); break
    except Exception:
        time.sleep(0.1)
def call(method, path, body, cookie=None):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method,
                                 headers={"content-type": "application/json"})
    if cookie:
        req.add_header("cookie", cookie); req.add_header("x-requested-with", "appreg")
    with urllib.request.urlopen(req) as r:
        return r.headers, json.load(r)
h, _ = call("POST", "/api/v1/session", {"email": "dev@demo.test", "password": "demo-password"})
cookie = h["set-cookie"].split(";")[0]
_, tok = call("POST", "/api/v1/tokens", {"name": "schemathesis", "scope": "write"}, cookie)
# Real resources for the path parameters, so the fuzzer reaches past 404.
_, app = call("POST", "/api/v1/partners/demo/applications",
              {"template": "web", "app_type": "custom", "name": "Schemathesis target",
               "redirect_urls": ["https://st.example.com/cb"], "technical_contact": "dev@demo.test"}, cookie)
_, secret = call("POST", f"/api/v1/applications/{app['id']}/secrets", {"environment": "sod"}, cookie)
_, pr = call("POST", f"/api/v1/applications/{app['id']}/publish-requests", {"environment": "stage"}, cookie)
params = {"partner": "demo", "app": app["id"], "secret": secret["id"], "id": pr["id"]}
# App Store information exists only for standard apps: one with a saved draft and an uploaded logo.
_, std = call("POST", "/api/v1/partners/demo/applications",
              {"template": "web", "app_type": "standard", "name": "Schemathesis store",
               "redirect_urls": ["https://st.example.com/cb"], "technical_contact": "dev@demo.test"}, cookie)
import struct, zlib
def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
logo = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 256, 256, 8, 0, 0, 0, 0))
        + png_chunk(b"IDAT", zlib.compress(b"".join(b"\0" + bytes(256) for _ in range(256))))
        + png_chunk(b"IEND", b""))
form = (b'--st\r\nContent-Disposition: form-data; name="kind"\r\n\r\nlogo\r\n'
        b'--st\r\nContent-Disposition: form-data; name="file"; filename="logo.png"\r\n'
        b"Content-Type: image/png\r\n\r\n" + logo + b"\r\n--st--\r\n")
req = urllib.request.Request(base + f"/api/v1/applications/{std['id']}/app-store/images", data=form,
                             method="POST", headers={"content-type": "multipart/form-data; boundary=st",
                                                     "cookie": cookie, "x-requested-with": "appreg"})
with urllib.request.urlopen(req) as r:
    image = json.load(r)
req = urllib.request.Request(base + f"/api/v1/applications/{std['id']}/app-store", method="PUT",
                             data=json.dumps({"listing_name": "Schemathesis store", "short_description": "Fuzzed.",
                                              "long_description": "", "homepage_url": "", "support_url": "",
                                              "privacy_url": "", "terms_url": "", "support_email": "",
                                              "logo": image}).encode(),
                             headers={"content-type": "application/json", "if-match": '"as0"',
                                      "cookie": cookie, "x-requested-with": "appreg"})
urllib.request.urlopen(req).close()
# The publish request's ticket (Messaging Center), with a reply that has an image attached.
req = urllib.request.Request(base + "/api/v1/tickets", headers={"cookie": cookie})
with urllib.request.urlopen(req) as r:
    ticket = json.load(r)[0]
form = (b'--st\r\nContent-Disposition: form-data; name="body"\r\n\r\nA screenshot.\r\n'
        b'--st\r\nContent-Disposition: form-data; name="file"; filename="shot.png"\r\n'
        b"Content-Type: image/png\r\n\r\n" + logo + b"\r\n--st--\r\n")
req = urllib.request.Request(base + f"/api/v1/tickets/{ticket['id']}/messages", data=form, method="POST",
                             headers={"content-type": "multipart/form-data; boundary=st",
                                      "cookie": cookie, "x-requested-with": "appreg"})
with urllib.request.urlopen(req) as r:
    params["ticket"] = ticket["id"]
    params["attachment"] = json.load(r)["attachments"][0]["id"]
with open(sys.argv[2], "w") as f:
    # Business rules (NAME-*, RU-*, ownership, ETags, limits) cannot all live in JSON Schema: a
    # schema-valid request may still be refused with one of the documented problem+json statuses.
    f.write("[checks.positive_data_acceptance]\n"
            'expected-statuses = ["2XX", "401", "403", "404", "409", "412", "422", "428", "429"]\n\n')
    # A missing If-Match is 428 Precondition Required (RFC 6585), the status made for it.
    f.write("[checks.missing_required_header]\n"
            'expected-statuses = ["400", "401", "403", "406", "415", "422", "428"]\n\n')
    f.write("[parameters]\n" + "".join(f'{k} = "{v}"\n' for k, v in params.items()))
    # The list's cursor is opaque: one the server did not issue is refused with 400 by design.
    f.write('\n[[operations]]\ninclude-path = "/api/v1/partners/{partner}/applications"\n'
            'include-method = "GET"\n[operations.checks.positive_data_acceptance]\n'
            'expected-statuses = ["2XX", "400", "401", "403", "404", "409", "412", "422", "428", "429"]\n')
    # An unsubscribe token is signed by the server: one it did not sign is refused with 400 by design.
    for op in ("unsubscribe", "unsubscribe_one_click"):
        f.write(f'\n[[operations]]\ninclude-operation-id = "{op}"\n'
                '[operations.checks.positive_data_acceptance]\n'
                'expected-statuses = ["2XX", "400"]\n')
    # The App Store operations on the standard app and its image.
    f.write('\n[[operations]]\ninclude-path-regex = "/app-store"\n[operations.parameters]\n'
            f'app = "{std["id"]}"\nimage = "{image["id"]}"\n')
    # The document's `bearer` scheme, so the ignored-auth check knows which credential to leave out.
    f.write(f'\n[auth.openapi.bearer]\nbearer = "{tok["token"]}"\n')

# The second run: a session of its own (a second sign-in) for what tokens may not do (sessions,
# tokens, the app manager's queue is still refused to a developer).
h2, _ = call("POST", "/api/v1/session", {"email": "admin@demo.test", "password": "demo-password"})
session = h2["set-cookie"].split(";")[0].split("=", 1)[1]
base_config = open(sys.argv[2]).read().split("\n[auth.openapi.bearer]")[0]
with open(sys.argv[2].replace(".toml", "-session.toml"), "w") as f:
    f.write(base_config + f'\n[auth.openapi.session]\napi_key = "{session}"\n\n[auth.openapi.csrf]\napi_key = "appreg"\n')
print(tok["token"])
PY
)
echo "== schemathesis $(.venv/bin/st --version | awk '{print $NF}') against $base/api/v1/openapi.json =="
# Run from the temporary folder, so schemathesis's replay cache starts empty every time.
st="$PWD/.venv/bin/st"
run() { # CONFIG [ARGS...]
  local config=$1; shift
  (cd "$dir" && "$st" --config-file "$config" run "$base/api/v1/openapi.json" \
    --checks all \
    --max-examples "${ST_MAX_EXAMPLES:-20}" \
    --seed "${ST_SEED:-1}" \
    --workers 1 \
    --rate-limit auto \
    --request-timeout 30 \
    --suppress-health-check all \
    --no-color "$@") 2>&1 | tee -a "$dir/report.txt"
  return "${PIPESTATUS[0]}"
}
status=0
echo "-- with a developer's write-scoped API token: every operation"
run "$dir/schemathesis.toml" || status=1
# Signing out would end the session the rest of this run uses; the token run covers DELETE /session.
echo "-- with an administrator's session (cookie + X-Requested-With): every operation but sign-out"
run "$dir/schemathesis-session.toml" --exclude-operation-id sign_out || status=1
rm -rf "$dir"
exit "$status"
