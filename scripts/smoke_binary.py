"""Smoke test of a built Clipset executable (builds nothing).

    python scripts/smoke_binary.py dist/clipset      # the PyInstaller build
    python scripts/smoke_binary.py --from-source     # `python -m clipset`, for comparison

On Linux it first prints the oldest glibc the build starts on (``--max-glibc 2.28`` makes a
newer need fail). Then it runs ``serve`` on a free port in its default data dir (under a
temporary HOME; see smoke_platform.py), waits for /api/health, checks the data dir and the
secret key's permissions, creates the admin, uploads a small clip made with PyAV through
the one-shot ``POST /api/videos`` and waits for it to be ``completed``, turns start at login
on and off from the web app, launches a second copy (which must open the browser on the
running one and exit 0), stops the server (SIGTERM; the web app's Stop on Windows) and
checks it exits 0 and releases its lock. Prints the executable's size, cold start to health,
idle RSS and the second launch's exit time. Exit status 0 = passed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from fractions import Fraction
from pathlib import Path

import smoke_platform as per_os

PASSWORD = "smoke test password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_clip(path: Path) -> None:
    """1 s of 160x120 MPEG-4 Part 2 video with AAC audio: needs a real H.264 transcode."""
    import array
    import math

    import av
    from PIL import Image

    rate, samples = 44100, 1024
    with av.open(str(path), "w") as out:
        video = out.add_stream("mpeg4", rate=25)
        video.width, video.height, video.pix_fmt = 160, 120, "yuv420p"
        audio = out.add_stream("aac", rate=rate)
        for i in range(25):
            image = Image.new("RGB", (160, 120), ((i * 10) % 256, 90, 160))
            for packet in video.encode(av.VideoFrame.from_image(image)):
                out.mux(packet)
        for i in range(rate // samples):
            tone = array.array(
                "h",
                (
                    int(8000 * math.sin(2 * math.pi * 440 * (i * samples + n) / rate))
                    for n in range(samples)
                ),
            )
            frame = av.AudioFrame(format="s16", layout="mono", samples=samples)
            frame.planes[0].update(tone.tobytes())
            frame.sample_rate, frame.pts, frame.time_base = rate, i * samples, Fraction(1, rate)
            for packet in audio.encode(frame):
                out.mux(packet)
        for stream in (video, audio):
            for packet in stream.encode(None):
                out.mux(packet)


def call(
    url: str,
    method: str = "GET",
    body: bytes | None = None,
    token: str | None = None,
    content_type: str = "application/json",
) -> dict:
    request = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return json.loads(raw) if raw else {}
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"{method} {url} -> {exc.code}: {exc.read().decode()[:500]}") from None


def multipart(fields: dict[str, str], file_field: str, file: Path) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{file.name}"\r\nContent-Type: video/mp4\r\n\r\n'.encode()
        + file.read_bytes()
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def tree_rss(pid: int) -> int:
    """RSS of the process and its children (a one-file build runs a bootloader parent)."""
    import psutil

    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])


def kill_tree(proc: subprocess.Popen) -> None:
    import psutil

    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    for p in [*children]:
        p.kill()
    proc.kill()


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise SystemExit(f"{what}: not within {timeout} s")


def wait_healthy(proc, base: str, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/api/health", timeout=1) as r:
                if r.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.02)
    raise SystemExit(f"no health answer within {timeout} s")


def check_start_at_login(base: str, token: str, env: dict, program: str) -> str:
    """Start at login from the web app writes the OS's entry naming this program, and
    turning it off removes it."""
    where = per_os.StartAtLogin(env)
    if where.entry() is not None:
        return f"skipped: {where.where()} already set on this machine"
    url = base + "/api/admin/host/start-at-login"
    call(url, "PATCH", json.dumps({"enabled": True}).encode(), token)
    entry = where.entry()
    if entry is None or program not in entry:
        raise SystemExit(f"start at login wrote {entry!r} at {where.where()}, not {program}")
    call(url, "PATCH", json.dumps({"enabled": False}).encode(), token)
    if where.entry() is not None:
        raise SystemExit(f"start at login stayed at {where.where()} after turning it off")
    return where.where()


def check_second_launch(
    command: list[str],
    data_args: list[str],
    env: dict,
    base: str,
    tmp: Path,
    log_file: Path,
    timeout: float,
) -> float:
    """A second launch (a double-click while Clipset runs) opens the browser on the
    running instance and exits at once with 0."""
    browser, opened = per_os.browser_recorder(tmp)
    started = time.monotonic()
    second = subprocess.run(
        [*command, *data_args],
        env={**env, "BROWSER": browser},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    took = time.monotonic() - started
    if second.returncode != 0:
        raise SystemExit(
            f"second launch exited {second.returncode}: {second.stdout}{second.stderr}"
        )
    url = wait_for(
        lambda: opened.is_file() and opened.read_text().strip(),
        10,
        "the second launch opening the browser",
    )
    if not url.startswith(base):
        raise SystemExit(f"the second launch opened {url}, not the running {base}")
    if "already running" not in log_file.read_text("utf-8"):
        raise SystemExit("the second launch did not log the running instance")
    return took


def stop(proc: subprocess.Popen, base: str, token: str | None, how: str) -> str:
    """SIGTERM, or the web app's Stop Clipset (Windows: a windowed app gets no signals)."""
    if how == "web" and token:
        call(base + "/api/admin/host/stop", "POST", b"", token)
        return "Stop Clipset (web app)"
    proc.send_signal(signal.SIGTERM)
    return "SIGTERM"


def smoke(command: list[str], size: int | None, timeout: float, stop_with: str) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="clipset-smoke-") as tmp_name:
        tmp = Path(tmp_name)
        env, data = per_os.environment(tmp)
        data_args = [] if data else ["--data-dir", str(tmp / "data")]
        data = data or tmp / "data"
        clip = tmp / "clip.mp4"
        make_clip(clip)
        result = {
            "executable_bytes": size,
            "app_metadata": per_os.app_metadata(Path(command[0]))
            if size is not None
            else "none (from source)",
        }
        proc = subprocess.Popen(
            [
                *command,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-browser",
                *data_args,
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        token, how, lock = None, "SIGTERM", data / "clipset.lock"
        try:
            result["cold_start_to_health_s"] = round(wait_healthy(proc, base, timeout), 3)
            if not lock.is_file() or json.loads(lock.read_text())["port"] != port:
                raise SystemExit(f"the running Clipset's lock is not in {data}")
            result["data_dir"] = str(data) + ("" if data_args else " (the default)")
            token = call(
                base + "/api/setup",
                "POST",
                json.dumps({"username": "admin", "password": PASSWORD}).encode(),
            )["access_token"]
            result["secret_key"] = per_os.secret_key_private(data / "secret.key")
            time.sleep(1)
            result["idle_rss_mib"] = round(tree_rss(proc.pid) / 2**20, 1)
            body, ctype = multipart({"title": "Smoke test"}, "file", clip)
            video = call(base + "/api/videos", "POST", body, token, ctype)
            deadline = time.monotonic() + timeout
            while video["processing_status"] not in ("completed", "failed"):
                if time.monotonic() > deadline:
                    raise SystemExit(f"video still {video['processing_status']}")
                time.sleep(0.2)
                video = call(f"{base}/api/videos/{video['id']}", token=token)
            if video["processing_status"] != "completed":
                raise SystemExit(f"processing failed: {video['error_message']}")
            result["processed"] = (
                f"{video['transcode_mode']} to {video['width']}x"
                f"{video['height']} ({video['file_size_bytes']} bytes)"
            )
            docs = urllib.request.urlopen(base + "/api/docs/assets/swagger-ui.css", timeout=5)
            assert docs.status == 200, "Swagger UI assets are missing"
            result["start_at_login"] = check_start_at_login(base, token, env, command[0])
            result["second_launch_exit_s"] = round(
                check_second_launch(
                    command, data_args, env, base, tmp, data / "logs" / "clipset.log", timeout
                ),
                3,
            )
            how = stop(proc, base, token, stop_with)
            output, _ = proc.communicate(timeout=30)
            if proc.returncode != 0:
                raise SystemExit(f"exit status {proc.returncode} after {how}:\n{output[-3000:]}")
            if lock.exists():
                raise SystemExit("the lock file stayed after the stop")
            result["stop"] = f"{how}: exit 0, lock released"
        except BaseException:
            if proc.poll() is None:
                kill_tree(proc)
                print(proc.communicate()[0][-3000:], file=sys.stderr)
            raise
        finally:
            if not data_args and per_os.WINDOWS:
                shutil.rmtree(data, ignore_errors=True)  # the real %LOCALAPPDATA%\Clipset
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("executable", nargs="?", help="the built executable")
    parser.add_argument(
        "--from-source",
        action="store_true",
        help="run `python -m clipset` instead of an executable",
    )
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument(
        "--stop",
        choices=("signal", "web"),
        default="web" if per_os.WINDOWS else "signal",
        help="stop with SIGTERM or the web app's Stop Clipset (the default on Windows)",
    )
    parser.add_argument(
        "--max-glibc",
        help="Linux: fail when a bundled file needs a newer "
        "glibc than this (a release passes 2.28); the floor is always printed",
    )
    args = parser.parse_args()
    if args.from_source:
        command, size = [sys.executable, "-m", "clipset"], None
    elif args.executable and Path(args.executable).is_file():
        command, size = [str(Path(args.executable).resolve())], os.path.getsize(args.executable)
    else:
        parser.error("give the built executable (e.g. dist/clipset) or --from-source")
    floor = None
    if sys.platform.startswith("linux") and not args.from_source:
        import glibc_floor

        floor = glibc_floor.floor(command[0])
        print(f"glibc floor: {json.dumps(floor)}")
        problem = glibc_floor.check(floor, args.max_glibc)
        if problem:
            raise SystemExit(f"glibc floor too high: {problem}")
    result = smoke(command, size, args.timeout, args.stop)
    if floor:
        result["glibc_floor"] = floor["glibc"]
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
