"""Several app instances on one PostgreSQL database: two real waitress servers sharing a
data dir, events from one reaching WebSockets on the other (LISTEN/NOTIFY), the login
limit counted across both, scheduled tasks run once, and the listener reconnecting."""

from __future__ import annotations

import json
import shutil
import threading
import urllib.error
import urllib.request

import media_factory
import pytest
from support import PASSWORD, make_settings
from test_realtime import connect, receive, subscribe
from test_websocket import wait_until

from clipset.app import create_app
from clipset.serve.server import Server
from clipset.store.db import database
from clipset.store.models import Trim, User, Video

# These bring their own database (postgres_url), so one pass is enough.
pytestmark = pytest.mark.sqlite_only


class Http:
    """JSON over real HTTP to one server."""

    def __init__(self, server: Server, token: str | None = None, user: dict | None = None):
        self.server, self.token, self.user = server, token, user

    def call(self, method: str, path: str, body=None, headers=None) -> tuple[int, dict]:
        request = urllib.request.Request(
            self.server.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else {}
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def as_user(self, server: Server) -> "Http":
        return Http(server, self.token, self.user)


def login(server: Server, username: str, password: str) -> tuple[int, dict]:
    return Http(server).call(
        "POST", "/api/auth/login", {"username": username, "password": password}
    )


@pytest.fixture
def instance_settings():
    """Override in a test module to change both instances' settings."""
    return {"login_attempts": 2}


@pytest.fixture
def instances(postgres_url, tmp_path, instance_settings):
    """Two apps on one database and one shared data dir (secret key and media), each
    served by its own waitress server."""
    shared = tmp_path / "shared"
    apps = [
        create_app(
            make_settings(
                tmp_path, database_url=postgres_url, data_dir=str(shared), **instance_settings
            )
        )
        for _ in range(2)
    ]
    servers = [Server(app, host="127.0.0.1", port=0).start() for app in apps]
    yield servers
    for server in servers:
        server.stop()
    database.close()


@pytest.fixture
def admin_a(instances):
    status, body = Http(instances[0]).call(
        "POST", "/api/setup", {"username": "admin", "password": PASSWORD}
    )
    assert status == 201, body
    return Http(instances[0], body["access_token"], body["user"])


def public_video(owner: Http) -> Video:
    with database.connection_context():
        return Video.create(
            uploader=owner.user["id"],
            title="clip",
            privacy="public",
            processing_status="completed",
        )


def services(server: Server):
    return server.app.extensions["clipset"]


def test_a_like_and_a_comment_through_one_reach_sockets_on_both(instances, admin_a):
    a, b = instances
    video = public_video(admin_a)
    on_b = connect(b, admin_a)
    on_a = connect(a, admin_a)
    for ws in (on_a, on_b):
        subscribe(ws, video.public_id)

    status, body = admin_a.call("POST", f"/api/videos/{video.public_id}/like")
    assert status == 200 and body["like_count"] == 1
    liked = {"type": "like.updated", "video_id": video.public_id, "like_count": 1}
    assert receive(on_b) == liked
    assert receive(on_a) == liked

    # Larger than one NOTIFY can carry (2000 emoji are 24 kB of JSON): sent by its id.
    body_text = "🎬" * 2000
    status, comment = admin_a.call(
        "POST", f"/api/videos/{video.public_id}/comment", {"body": body_text}
    )
    assert status == 201, comment
    with database.connection_context():
        parked = database.execute_sql('SELECT count(*) FROM "relayed_event"').fetchone()[0]
    assert parked == 1
    for ws in (on_b, on_a):
        message = receive(ws)
        assert message["type"] == "comment.created", message
        assert (
            message["comment"]["body"] == body_text and message["comment"]["id"] == comment["id"]
        )

    # Instance A heard its own events once (locally), not again through the database.
    status, _ = admin_a.as_user(b).call("DELETE", f"/api/videos/{video.public_id}/unlike")
    assert status == 200
    unliked = {"type": "like.updated", "video_id": video.public_id, "like_count": 0}
    assert receive(on_a) == unliked
    assert receive(on_b) == unliked
    for ws in (on_a, on_b):
        ws.close()


def test_job_progress_reaches_the_uploader_on_the_other_instance(instances, admin_a):
    a, b = instances
    with database.connection_context():
        video = Video.create(
            uploader=admin_a.user["id"],
            title="clip",
            privacy="public",
            processing_status="processing",
        )
    on_b = connect(b, admin_a)  # the uploader follows nothing: processing events find them
    outcomes = services(a).jobs.outcomes
    with database.connection_context():
        outcomes.reporter(video)(42.0)
        outcomes.fail(video, "The file is not a video.")
    assert receive(on_b) == {
        "type": "video.progress",
        "video_id": video.public_id,
        "percent": 42.0,
    }
    failed = receive(on_b)
    assert failed["type"] == "video.failed" and failed["error"] == "The file is not a video."
    on_b.close()


def test_a_job_processed_on_one_instance_reports_to_the_uploader_on_the_other(
    instances, admin_a, tmp_path
):
    a, b = instances
    services(b).jobs.pause()  # only A's worker takes the job
    clip = media_factory.make_clip(tmp_path / "in.mp4", duration=2.0, vcodec="mpeg4")
    on_b = connect(b, admin_a)
    with database.connection_context():
        video = Video.create(
            uploader=admin_a.user["id"],
            title="trip",
            source_size_bytes=1,
            processing_status="pending",
        )
    shutil.copyfile(clip, services(a).data.original_file(video.storage_key))
    services(a).jobs.wake()
    heard = []
    while not heard or heard[-1]["type"] not in ("video.ready", "video.failed"):
        message = receive(on_b)
        if message.get("video_id") == video.public_id:
            heard.append(message)
    assert heard[-1]["type"] == "video.ready", heard
    assert heard[-1]["processing_status"] == "completed"
    progress = [m["percent"] for m in heard if m["type"] == "video.progress"]
    assert progress and progress == sorted(progress), heard
    on_b.close()


def test_the_login_limit_holds_across_both(instances, admin_a):
    a, b = instances
    for server in (a, b):  # one failure on each: the limit (2) is reached across them
        status, body = login(server, "admin", "wrong-password!")
        assert status == 401, body
    for server in (b, a):
        status, body = login(server, "admin", PASSWORD)
        assert status == 429 and body["error_code"] == "rate_limited", body
    # Another account from the same client is not shut by it.
    assert login(b, "nobody", "wrong-password!")[0] == 401


def test_a_scheduled_task_runs_once_when_both_tick(postgres_url, tmp_path, monkeypatch):
    apps = [
        create_app(make_settings(tmp_path / name, database_url=postgres_url))
        for name in ("a", "b")
    ]
    schedules = [app.extensions["clipset"].schedules for app in apps]
    ran: list[str] = []
    b_tried = threading.Event()

    def cleanup_on(name, real):
        def counted():
            ran.append(name)
            if name == "a":  # still running when B's turn comes
                assert b_tried.wait(10)
            return real()

        return counted

    for name, app in zip("ab", apps):
        uploads = app.extensions["clipset"].uploads
        monkeypatch.setattr(
            uploads, "remove_abandoned", cleanup_on(name, uploads.remove_abandoned)
        )
    results: dict[str, bool] = {}
    first = threading.Thread(target=lambda: results.update(a=schedules[0].run("cleanup")))
    first.start()
    assert wait_until(lambda: ran == ["a"])
    results["b"] = schedules[1].run("cleanup")  # A holds the task's lock
    b_tried.set()
    first.join(10)
    assert results == {"a": True, "b": False} and ran == ["a"]
    # Later in the same hour, neither runs it again.
    assert not schedules[1].run("cleanup") and not schedules[0].run("cleanup")
    assert ran == ["a"]
    database.close()


def test_the_listener_reconnects_after_its_connection_is_killed(instances, admin_a):
    a, b = instances
    relay = services(b).relay
    assert relay.listening.is_set() and relay.connections == 1
    video = public_video(admin_a)
    on_b = connect(b, admin_a)
    subscribe(on_b, video.public_id)
    with database.connection_context():
        database.execute_sql("SELECT pg_terminate_backend(%s)", (relay.backend_pid,))
    assert wait_until(lambda: relay.connections == 2 and relay.listening.is_set())
    # What A sent meanwhile never reached B: B's pages are told to fetch again.
    assert receive(on_b) == {"type": "events.missed"}
    assert admin_a.call("POST", f"/api/videos/{video.public_id}/like")[0] == 200
    assert receive(on_b) == {"type": "like.updated", "video_id": video.public_id, "like_count": 1}
    on_b.close()


def test_only_an_instance_that_starts_alone_recovers_interrupted_jobs(postgres_url, tmp_path):
    """A job another running instance is processing is not requeued by a second start."""
    settings = make_settings(tmp_path, database_url=postgres_url, worker_count=0)
    first = Server(create_app(settings), host="127.0.0.1", port=0).start()
    try:
        with database.connection_context():
            status, body = Http(first).call(
                "POST", "/api/setup", {"username": "admin", "password": PASSWORD}
            )
            assert status == 201
            video = Video.create(
                uploader=body["user"]["id"], title="clip", processing_status="processing"
            )
        second = Server(create_app(settings), host="127.0.0.1", port=0).start()
        second.stop()
        with database.connection_context():
            assert Video.get_by_id(video.id).processing_status == "processing"
    finally:
        first.stop()
        database.close()


def test_the_work_of_a_stopped_instance_is_recovered_beside_a_running_one(postgres_url, tmp_path):
    """Jobs and trims name the instance running them: a second start requeues (or fails)
    those of an instance that stopped without finishing them, and leaves a running one's."""
    settings = make_settings(tmp_path, database_url=postgres_url, worker_count=0)
    first = Server(create_app(settings), host="127.0.0.1", port=0).start()
    second = None
    try:
        live, gone = services(first).relay.instance_id, "0" * 32
        tmp = services(first).data.tmp
        status, body = Http(first).call(
            "POST", "/api/setup", {"username": "admin", "password": PASSWORD}
        )
        assert status == 201
        with database.connection_context():
            admin = User.get_by_id(body["user"]["id"])

            def job(owner, attempts=1):
                video = Video.create(
                    uploader=admin,
                    title="clip",
                    processing_status="processing",
                    attempts=attempts,
                    claimed_by=owner,
                )
                (tmp / f"{video.storage_key}.0badc0de.mp4").write_bytes(b"half")
                return video

            def trimmed(owner):
                video = Video.create(uploader=admin, title="cut", processing_status="completed")
                Trim.create(video=video, state="running", instance=owner)
                return video

            running, orphan, last_try = job(live), job(gone), job(gone, attempts=2)
            running_trim, orphan_trim = trimmed(live), trimmed(gone)
        second = Server(create_app(settings), host="127.0.0.1", port=0).start()
        with database.connection_context():
            # Found stopped by two checks in a row (the pool's claims make one every 30 s).
            assert Trim.get_by_id(orphan_trim.id).state == "failed"
            assert services(second).jobs.recover_stopped() == 0
            assert Video.get_by_id(orphan.id).processing_status == "processing"
            assert services(second).jobs.recover_stopped() == 2
            assert Video.get_by_id(running.id).processing_status == "processing"
            assert Video.get_by_id(orphan.id).processing_status == "pending"
            assert Video.get_by_id(last_try.id).processing_status == "failed"
            assert Trim.get_by_id(running_trim.id).state == "running"
            assert Trim.get_by_id(orphan_trim.id).state == "failed"
        assert [p.name.split(".")[0] for p in tmp.iterdir()] == [running.storage_key]

        # The second instance dies with a job and a trim of its own: PostgreSQL lets its
        # locks go with its sessions, and the first instance tells that on its own.
        with database.connection_context():
            Video.update(
                processing_status="processing", claimed_by=services(second).relay.instance_id
            ).where(Video.id == orphan.id).execute()
            Trim.update(state="running", instance=services(second).relay.instance_id).where(
                Trim.video == orphan_trim.id
            ).execute()
            assert services(first).jobs.recover_stopped() == 0
            assert services(first).jobs.recover_stopped() == 0  # running: never counted
            second.stop()
            second = None
            assert services(first).jobs.recover_stopped() == 0
            assert services(first).jobs.recover_stopped() == 1
            assert Video.get_by_id(orphan.id).processing_status == "pending"
            # A trim whose instance is gone answers failed, so the video can be trimmed again.
            state = services(first).edits.trim_state(admin, orphan_trim.public_id)
            assert state["state"] == "failed"
            assert Video.get_by_id(running.id).processing_status == "processing"
    finally:
        if second is not None:
            second.stop()
        first.stop()
        database.close()


def test_the_shared_limiter_slides_its_window_like_the_local_one(postgres_url):
    from clipset.security.ratelimit import SharedRateLimiter
    from clipset.store import migrations
    from clipset.store.db import bind_url

    db = bind_url(postgres_url)
    clock = [1000.0]
    with db.connection_context():
        migrations.migrate(db)
        limiter = SharedRateLimiter("test", 2, 60, clock=lambda: clock[0])
        other = SharedRateLimiter("other", 2, 60, clock=lambda: clock[0])
        limiter.hit("k")
        clock[0] += 10
        limiter.hit("k")
        assert other.retry_after("k") == 0  # buckets don't mix
        clock[0] += 10
        assert limiter.retry_after("k") == pytest.approx(40)  # the first hit ages out then
        clock[0] += 41
        assert limiter.retry_after("k") == 0
        limiter.hit("k")
        assert limiter.retry_after("k") == pytest.approx(9)
        limiter.reset("k")
        assert limiter.retry_after("k") == 0
        # Expired hits go with the next hit in their bucket.
        clock[0] += 120
        limiter.hit("j")
        rows = db.execute_sql('SELECT "key" FROM "rate_hit" WHERE "bucket" = %s', ("test",))
        assert [key for (key,) in rows.fetchall()] == ["j"]
    database.close()
