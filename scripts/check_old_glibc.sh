#!/usr/bin/env bash
# Runs a built Linux Clipset on Debian 11 "bullseye" (glibc 2.31) in a chroot: `--version`,
# then `serve` until /api/health answers, then SIGTERM and a clean exit. A manual check of
# the glibc floor, not part of `make test`: it needs root, debootstrap
# (`apt-get install debootstrap`) and the Debian archive.
#
#   sudo scripts/check_old_glibc.sh dist/clipset [ROOTFS]
#
# ROOTFS keeps the chroot for the next run (made there when empty); without it a
# temporary one is made and removed.
set -euo pipefail

binary=$(realpath "${1:?usage: check_old_glibc.sh EXECUTABLE [ROOTFS]}")
suite=${SUITE:-bullseye}
root=${2:-}
keep=1
if [ -z "$root" ]; then
    root=$(mktemp -d -t clipset-glibc-XXXXXX)
    keep=0
fi
root=$(realpath "$root")

cleanup() {
    [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
    umount "$root/dev" 2>/dev/null || true
    umount "$root/proc" 2>/dev/null || true
    rm -f "$root/clipset"
    [ "$keep" = 1 ] || rm -rf --one-file-system "$root"
}
trap cleanup EXIT

if [ ! -x "$root/bin/sh" ]; then
    echo "debootstrap $suite into $root ..."
    debootstrap --variant=minbase "$suite" "$root" >/dev/null
fi
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
cp "$binary" "$root/clipset"

echo "glibc in the chroot: $(chroot "$root" ldd --version | head -1)"
chroot "$root" /clipset --version || { echo "failed: it does not start on $suite" >&2; exit 1; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
chroot "$root" env HOME=/root /clipset serve --host 127.0.0.1 --port "$port" --no-browser \
    --data-dir /tmp/clipset-data > "$root/tmp/clipset-serve.log" 2>&1 &
server=$!
python3 - "$port" "$server" <<'EOF'
import os, sys, time, urllib.request

port, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)  # the server (a child of the shell, not of this Python) still runs
    except ProcessLookupError:
        sys.exit("the server exited before answering /api/health")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1) as r:
            print("health:", r.status, r.read().decode()[:200])
            sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("no /api/health answer within 120 s")
EOF
kill -TERM "$server"
status=0
wait "$server" || status=$?
server=
if [ "$status" != 0 ]; then
    cat "$root/tmp/clipset-serve.log"
    echo "serve exited with $status after SIGTERM" >&2
    exit 1
fi
echo "passed: Clipset ran on $suite and stopped cleanly"
