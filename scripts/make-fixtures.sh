#!/usr/bin/env bash
# Regenerates the fixture corpus under fixtures/ by driving the real Notary 0.7.0 binaries (notary, notary-server)
# on a loopback server started here. Keys are random, so contents change on every run; the structure does not.
#
# Usage: bash scripts/make-fixtures.sh   (needs notary, notary-server, openssl, curl, node; no network)
# Writes: fixtures/repos, fixtures/keys, fixtures/legacy, fixtures/manifest.json (fixtures/README.md is by hand).
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "$0")/.." && pwd)"
FIXTURES="$ROOT_DIR/fixtures"
TOOL="$ROOT_DIR/scripts/fixtures-tool.mjs"
PASSPHRASE='notary-ts-fixture-passphrase'

for bin in notary notary-server openssl curl node; do
  command -v "$bin" >/dev/null || { echo "make-fixtures: $bin not found" >&2; exit 1; }
done

export TZ=UTC LC_ALL=C.UTF-8
export NOTARY_ROOT_PASSPHRASE="$PASSPHRASE" NOTARY_TARGETS_PASSPHRASE="$PASSPHRASE"
export NOTARY_SNAPSHOT_PASSPHRASE="$PASSPHRASE" NOTARY_DELEGATION_PASSPHRASE="$PASSPHRASE"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/notary-fixtures.XXXXXX")"
OUT="$WORK/out"
SERVER_PID=''
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
# An isolated HOME so no ~/.notary/config.json is read.
export HOME="$WORK/home"
mkdir -p "$HOME" "$OUT/repos" "$OUT/keys/inputs" "$OUT/legacy"

# --- server ---------------------------------------------------------------------------------------------------
PORT="$(node "$TOOL" port)"
URL="http://127.0.0.1:$PORT"
cat >"$WORK/server.json" <<EOF
{"server":{"http_addr":"127.0.0.1:$PORT"},"trust_service":{"type":"local","key_algorithm":"ecdsa"},
 "logging":{"level":"error"},"storage":{"backend":"memory"}}
EOF
notary-server -config "$WORK/server.json" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 200); do
  curl -fsS "$URL/_notary_server/health" >/dev/null 2>&1 && break
  sleep 0.05
done
curl -fsS "$URL/_notary_server/health" >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
echo "make-fixtures: notary-server on $URL"

# --- helpers --------------------------------------------------------------------------------------------------
# n TRUSTDIR ARGS...: the Go CLI with stdin closed (never a TTY).
n() { local td="$1"; shift; notary -d "$td" -s "$URL" "$@" </dev/null; }

die() { echo "make-fixtures: $*" >&2; exit 1; }

# server_version GUN ROLE: the version of the role the server currently serves.
server_version() { curl -fsS "$URL/v2/$1/_trust/tuf/$2.json" | node "$TOOL" version; }

# payload REPODIR INDEX CONTENT: writes a target payload file and echoes its path.
payload() {
  mkdir -p "$1/payloads"
  printf '%s' "$3" >"$1/payloads/$2.bin"
  echo "$1/payloads/$2.bin"
}

# expect REPODIR NAME PAYLOAD ROLE [CUSTOMFILE]: records an expected target for the manifest.
expect() { printf '%s\t%s\t%s\t%s\n' "$2" "${3#"$1/"}" "$4" "${5:+${5#"$1/"}}" >>"$1/expected.tsv"; }

# download REPODIR GUN ROLE...: the server's exact bytes: current and every N.<role>.json, plus timestamp.key.
download() {
  local dir="$1/server" gun="$2"; shift 2
  mkdir -p "$dir"
  local role v
  for role in "$@"; do
    mkdir -p "$(dirname "$dir/$role.json")"
    curl -fsS -o "$dir/$role.json" "$URL/v2/$gun/_trust/tuf/$role.json"
    # Not every version reaches the server (init signs targets/snapshot v1 locally; the first publish sends v2).
    local current; current="$(node "$TOOL" version <"$dir/$role.json")"
    for ((v = 1; v <= current; v++)); do
      if curl -fsS -o "$dir/tmp.json" "$URL/v2/$gun/_trust/tuf/$v.$role.json" 2>/dev/null; then
        mkdir -p "$(dirname "$dir/$v.$role.json")"
        mv "$dir/tmp.json" "$dir/$v.$role.json"
      fi
    done
    rm -f "$dir/tmp.json"
  done
  curl -fsS -o "$dir/timestamp.key" "$URL/v2/$gun/_trust/tuf/timestamp.key"
}

# cli_outputs REPODIR GUN: expected answers of `notary list` and `notary lookup` for each expected name.
cli_outputs() {
  local repo="$1" gun="$2" td="$1/trust" i=0 name
  mkdir -p "$repo/cli"
  n "$td" list "$gun" >"$repo/cli/list.txt"
  while IFS=$'\t' read -r name _; do
    n "$td" lookup "$gun" "$name" >"$repo/cli/lookup-$i.txt"
    printf '%s\n' "$name" >"$repo/cli/lookup-$i.name"
    i=$((i + 1))
  done < <(cut -f1 "$repo/expected.tsv" | awk '!seen[$0]++')
}

# redact_location: `notary key list` prints (an abbreviated) trust dir path in LOCATION; keep machine paths out.
redact_location() { sed -E 's#[^ ]*/private( *)$#<trust-dir>/private\1#'; }

# delegation_cert WORKDIR NAME: an ECDSA P-256 key (SEC1 PEM, unencrypted) and a self-signed cert for it.
delegation_cert() {
  openssl ecparam -name prime256v1 -genkey -noout -out "$1/$2.key"
  openssl req -new -x509 -key "$1/$2.key" -subj "/CN=$2" -days 3650 -out "$1/$2.crt" 2>/dev/null
}

# --- (a) odd target names, custom data; client in +05:30 -------------------------------------------------------
R="$OUT/repos/odd"; G=example.com/odd; mkdir -p "$R"
TZ=Asia/Kolkata n "$R/trust" init "$G" -p >/dev/null
i=0
for name in 'a&b<c>' '！bang' '😀smile' 'plain' 'v3&<x>'; do
  p="$(payload "$R" "$i" "payload of $name
")"
  TZ=Asia/Kolkata n "$R/trust" add "$G" "$name" "$p" >/dev/null
  expect "$R" "$name" "$p" targets
  i=$((i + 1))
done
p="$(payload "$R" "$i" '{"image":"with custom data"}')"
printf '%s' '{"a":"x","b":1,"nested":{"k":[1,2,"s"],"z":null}}' >"$R/payloads/custom.json"
TZ=Asia/Kolkata n "$R/trust" add "$G" 'custom' "$p" --custom "$R/payloads/custom.json" >/dev/null
expect "$R" custom "$p" targets "$R/payloads/custom.json"
TZ=Asia/Kolkata n "$R/trust" publish "$G" >/dev/null
download "$R" "$G" root targets snapshot timestamp
cli_outputs "$R" "$G"
# Unpublished changes, so the trust dir also holds a real changelist.
p="$(payload "$R" staged 'staged, never published')"
n "$R/trust" add "$G" 'staged&<x>' "$p" >/dev/null
n "$R/trust" remove "$G" plain >/dev/null
n "$R/trust" status "$G" >"$R/cli/status.txt"

# --- (b) delegations: targets/releases, targets/releases/sub (paths sub/), targets/qa ----------------------------
R="$OUT/repos/delegated"; G=example.com/delegated; mkdir -p "$R/certs"
n "$R/trust" init "$G" -p >/dev/null
p="$(payload "$R" 0 'top-level target')"
n "$R/trust" add "$G" top "$p" >/dev/null
expect "$R" top "$p" targets
delegation_cert "$R/certs" releases
delegation_cert "$R/certs" sub
delegation_cert "$R/certs" qa
n "$R/trust" delegation add "$G" targets/releases "$R/certs/releases.crt" --all-paths >/dev/null
n "$R/trust" key import "$R/certs/releases.key" --role targets/releases >/dev/null
n "$R/trust" publish "$G" >/dev/null
p="$(payload "$R" 1 'release v1.0')"
n "$R/trust" add "$G" v1.0 "$p" --roles targets/releases >/dev/null
expect "$R" v1.0 "$p" targets/releases
p="$(payload "$R" 2 'latest, from releases')"
n "$R/trust" add "$G" latest "$p" --roles targets/releases >/dev/null
expect "$R" latest "$p" targets/releases
n "$R/trust" publish "$G" >/dev/null
n "$R/trust" delegation add "$G" targets/releases/sub "$R/certs/sub.crt" --paths sub/ >/dev/null
n "$R/trust" key import "$R/certs/sub.key" --role targets/releases/sub >/dev/null
n "$R/trust" delegation add "$G" targets/qa "$R/certs/qa.crt" --all-paths >/dev/null
n "$R/trust" key import "$R/certs/qa.key" --role targets/qa >/dev/null
n "$R/trust" publish "$G" >/dev/null
p="$(payload "$R" 3 'sub one')"
n "$R/trust" add "$G" sub/one "$p" --roles targets/releases/sub >/dev/null
expect "$R" sub/one "$p" targets/releases/sub
p="$(payload "$R" 4 'latest, from qa (shadowed by releases)')"
n "$R/trust" add "$G" latest "$p" --roles targets/qa >/dev/null
expect "$R" latest "$p" targets/qa
p="$(payload "$R" 5 'qa only')"
n "$R/trust" add "$G" qa-only "$p" --roles targets/qa >/dev/null
expect "$R" qa-only "$p" targets/qa
n "$R/trust" publish "$G" >/dev/null
download "$R" "$G" root targets snapshot timestamp targets/releases targets/releases/sub targets/qa
cli_outputs "$R" "$G"
n "$R/trust" list "$G" --roles targets/releases >"$R/cli/list-releases.txt"
n "$R/trust" list "$G" --roles targets/qa >"$R/cli/list-qa.txt"
n "$R/trust" delegation list "$G" >"$R/cli/delegation-list.txt"
p="$(payload "$R" staged 'staged in releases')"
n "$R/trust" add "$G" staged-rel "$p" --roles targets/releases >/dev/null
n "$R/trust" status "$G" >"$R/cli/status.txt"
# The delegation private keys (unencrypted SEC1, as imported) are key material, not needed here: keys/ has inputs.
rm -f "$R/certs/"*.key

# --- (c) snapshot key rotated to the server --------------------------------------------------------------------
R="$OUT/repos/snapshot-rotated"; G=example.com/snapshot-rotated; mkdir -p "$R"
n "$R/trust" init "$G" -p >/dev/null
p="$(payload "$R" 0 'before snapshot rotation')"
n "$R/trust" add "$G" one "$p" -p >/dev/null
expect "$R" one "$p" targets
n "$R/trust" key rotate "$G" snapshot -r >/dev/null
p="$(payload "$R" 1 'after snapshot rotation')"
n "$R/trust" add "$G" two "$p" -p >/dev/null
expect "$R" two "$p" targets
download "$R" "$G" root targets snapshot timestamp
curl -fsS -o "$R/server/snapshot.key" "$URL/v2/$G/_trust/tuf/snapshot.key"
cli_outputs "$R" "$G"

# --- (d) root rotated three times (root v1..v4) ----------------------------------------------------------------
R="$OUT/repos/root-rotated"; G=example.com/root-rotated; mkdir -p "$R"
n "$R/trust" init "$G" -p >/dev/null
p="$(payload "$R" 0 'signed under root v1')"
n "$R/trust" add "$G" one "$p" -p >/dev/null
expect "$R" one "$p" targets
# A cache that still trusts root v1, to exercise the N.root.json walk.
n "$R/trust" list "$G" >/dev/null
mkdir -p "$R/trust-at-root-v1"
cp -a "$R/trust/tuf" "$R/trust-at-root-v1/"
for want in 2 3 4; do
  # 0.7 asks "Are you sure you want to proceed?  (yes/no)" on stdin; anything but yes prints
  # "Aborting action." and still exits 0, so check the server's root version rather than the status.
  printf 'yes\n' | notary -d "$R/trust" -s "$URL" key rotate "$G" root >/dev/null
  got="$(server_version "$G" root)"
  [[ "$got" == "$want" ]] || die "root rotation: server has root v$got, want v$want"
done
p="$(payload "$R" 1 'signed under root v4')"
n "$R/trust" add "$G" two "$p" -p >/dev/null
expect "$R" two "$p" targets
download "$R" "$G" root targets snapshot timestamp
cli_outputs "$R" "$G"

# --- (e) targets key rotated -----------------------------------------------------------------------------------
R="$OUT/repos/targets-rotated"; G=example.com/targets-rotated; mkdir -p "$R"
n "$R/trust" init "$G" -p >/dev/null
p="$(payload "$R" 0 'signed by the first targets key')"
n "$R/trust" add "$G" one "$p" -p >/dev/null
expect "$R" one "$p" targets
n "$R/trust" key rotate "$G" targets >/dev/null
p="$(payload "$R" 1 'signed by the second targets key')"
n "$R/trust" add "$G" two "$p" -p >/dev/null
expect "$R" two "$p" targets
download "$R" "$G" root targets snapshot timestamp
cli_outputs "$R" "$G"

# --- (f) key files of every kind, imports and export bundles ---------------------------------------------------
K="$OUT/keys"; G=example.com/keys
n "$K/trust" init "$G" >/dev/null
# Inputs to `notary key import`, unencrypted, kept so tests can compare decrypted material with the originals.
openssl ecparam -name prime256v1 -genkey -noout -out "$K/inputs/ecdsa-sec1.pem"
openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$K/inputs/ecdsa-pkcs8.pem"
openssl genrsa -traditional -out "$K/inputs/rsa-pkcs1.pem" 2048 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$K/inputs/rsa-pkcs8.pem" 2>/dev/null
node "$TOOL" ed25519-go-pkcs8 >"$K/inputs/ed25519-go-pkcs8.pem"
n "$K/trust" key import "$K/inputs/ecdsa-sec1.pem" --role targets/releases >/dev/null
n "$K/trust" key import "$K/inputs/ecdsa-pkcs8.pem" --role targets/ecdsa-pkcs8 >/dev/null
n "$K/trust" key import "$K/inputs/rsa-pkcs1.pem" --role targets/rsa >/dev/null
n "$K/trust" key import "$K/inputs/rsa-pkcs8.pem" --role targets/rsa-pkcs8 >/dev/null
n "$K/trust" key import "$K/inputs/ed25519-go-pkcs8.pem" --role targets/ed25519 >/dev/null
n "$K/trust" key list | redact_location >"$K/key-list.txt"
n "$K/trust" key export -o "$K/export-all.pem" >/dev/null
n "$K/trust" key export --gun "$G" -o "$K/export-gun.pem" >/dev/null
ROOT_ID="$(grep -l '^role: root' "$K/trust/private/"*.key | head -1 | xargs basename | sed 's/\.key$//')"
n "$K/trust" key export --key "$ROOT_ID" -o "$K/export-root.pem" >/dev/null
# Round trip: the exported bundle (with path: headers) imports into a fresh trust dir.
n "$WORK/reimport" key import "$K/export-all.pem" >/dev/null
n "$WORK/reimport" key list | redact_location >"$K/key-list-reimported.txt"

# --- (g) legacy 0.1 / 0.3 trust dirs rebuilt from real 0.7 keys ------------------------------------------------
node "$TOOL" legacy "$OUT" "$PASSPHRASE"
for v in 0.1 0.3; do
  L="$OUT/legacy/notary$v"
  case "$v" in 0.1) G=example.com/odd ;; 0.3) G=example.com/delegated ;; esac
  cp -a "$L" "$WORK/migrate-$v"
  # The real client migrates the old layout on open; record what it made of it.
  n "$WORK/migrate-$v" key list | redact_location >"$L.key-list-after-migration.txt"
  n "$WORK/migrate-$v" list "$G" >"$L.list.txt"
  (cd "$WORK/migrate-$v" && find private -type f | sort) >"$L.files-after-migration.txt"
done

# --- manifest and swap into place ------------------------------------------------------------------------------
notary version >"$OUT/notary-version.txt" 2>&1 || true
node "$TOOL" manifest "$OUT" "$PASSPHRASE"
rm -rf "$FIXTURES/repos" "$FIXTURES/keys" "$FIXTURES/legacy" "$FIXTURES/manifest.json" "$FIXTURES/notary-version.txt"
mkdir -p "$FIXTURES"
mv "$OUT/repos" "$OUT/keys" "$OUT/legacy" "$OUT/manifest.json" "$OUT/notary-version.txt" "$FIXTURES/"
echo "make-fixtures: wrote $(du -sh "$FIXTURES" | cut -f1) under fixtures/"
