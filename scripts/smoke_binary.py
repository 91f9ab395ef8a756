"""Smoke test of a built Clipset executable (builds nothing).

    python scripts/smoke_binary.py dist/clipset      # the PyInstaller build
    python scripts/smoke_binary.py --from-source     # `python -m clipset`, for comparison

Runs ``serve`` on a free port with a temporary data dir, waits for /api/health, creates
the admin, uploads a small clip made with PyAV through the one-shot ``POST /api/videos``,
waits for it to be ``completed``, stops the server with SIGTERM and checks it exits 0.
Prints the executable's size, cold start to health, and idle RSS. Exit status 0 = passed.
"""
from __future__ import annotations

import argparse
import json
import os
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
            tone = array.array("h", (int(8000 * math.sin(2 * math.pi * 440 * (i * samples + n)
                                                         / rate)) for n in range(samples)))
            frame = av.AudioFrame(format="s16", layout="mono", samples=samples)
            frame.planes[0].update(tone.tobytes())
            frame.sample_rate, frame.pts, frame.time_base = rate, i * samples, Fraction(1, rate)
            for packet in audio.encode(frame):
                out.mux(packet)
        for stream in (video, audio):
            for packet in stream.encode(None):
                out.mux(packet)


def call(url: str, method: str = "GET", body: bytes | None = None, token: str | None = None,
         content_type: str = "application/json") -> dict:
    request = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"{method} {url} -> {exc.code}: {exc.read().decode()[:500]}") from None


def multipart(fields: dict[str, str], file_field: str, file: Path) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
                 f'filename="{file.name}"\r\nContent-Type: video/mp4\r\n\r\n'.encode()
                 + file.read_bytes() + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def tree_rss(pid: int) -> int:
    """RSS of the process and its children (a one-file build runs a bootloader parent)."""
    import psutil

    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])


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


def smoke(command: list[str], size: int | None, timeout: float) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="clipset-smoke-") as tmp:
        data = Path(tmp) / "data"
        clip = Path(tmp) / "clip.mp4"
        make_clip(clip)
        started = time.monotonic()
        proc = subprocess.Popen([*command, "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--data-dir", str(data), "--no-browser"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            cold = wait_healthy(proc, base, timeout)
            token = call(base + "/api/setup", "POST", json.dumps(
                {"username": "admin", "password": PASSWORD}).encode())["access_token"]
            time.sleep(1)
            idle_rss = tree_rss(proc.pid)
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
            docs = urllib.request.urlopen(base + "/api/docs/assets/swagger-ui.css", timeout=5)
            assert docs.status == 200, "Swagger UI assets are missing"
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                output, _ = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                output, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"exit status {proc.returncode} after SIGTERM:\n{output[-3000:]}")
        return {"executable_bytes": size, "cold_start_to_health_s": round(cold, 3),
                "idle_rss_mib": round(idle_rss / 2**20, 1),
                "processed": f"{video['transcode_mode']} to {video['width']}x{video['height']}"
                             f" ({video['file_size_bytes']} bytes)"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("executable", nargs="?", help="the built executable")
    parser.add_argument("--from-source", action="store_true",
                        help="run `python -m clipset` instead of an executable")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    if args.from_source:
        command, size = [sys.executable, "-m", "clipset"], None
    elif args.executable and Path(args.executable).is_file():
        command, size = [str(Path(args.executable).resolve())], os.path.getsize(args.executable)
    else:
        parser.error("give the built executable (e.g. dist/clipset) or --from-source")
    result = smoke(command, size, args.timeout)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
