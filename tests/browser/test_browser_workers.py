"""The admin's Workers screen in the real browser: make a worker token (shown once, with
the command to run), watch the worker's job and progress, revoke it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from video_rows import make_video

from tests.browser.test_browser_accounts import sign_in
from tests.browser.test_browser_admin import admin_nav, open_admin


@pytest.fixture
def settings_overrides():
    return {"worker_count": 0}  # the server's own pool leaves the job to the worker


def test_create_watch_and_revoke_a_worker(app, admin, new_page, shot):
    page = new_page()
    sign_in(page, "admin")
    open_admin(page, "Workers")
    expect(page.get_by_text("No workers yet")).to_be_visible()
    page.get_by_label("Worker name").fill("Gaming PC")
    page.get_by_role("button", name="Create worker token").click()
    command = page.get_by_test_id("worker-command")
    expect(command).to_contain_text("clipset worker --server http://127.0.0.1:")
    token = re.search(r"--token (\S+)", command.inner_text()).group(1)
    page.get_by_role("button", name="Done").click()
    row = page.get_by_test_id("worker-row")
    expect(row).to_contain_text("Gaming PC")
    expect(row).to_contain_text("never connected")
    expect(row).to_contain_text("Idle")

    # The worker takes a job and reports progress; the list follows it.
    video = make_video(app, admin, title="Long film", status="pending", files=False)
    data = app.extensions["clipset"].data
    data.original_file(video.storage_key).write_bytes(b"\x00" * 1000)
    worker = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    job = worker.post(
        "/api/workers/jobs/claim", json={"wait_seconds": 0, "encoder": "libx264"}, headers=headers
    ).json
    lease = job["lease"]
    r = worker.post(f"/api/workers/jobs/{lease}/heartbeat", json={"percent": 40}, headers=headers)
    assert r.status_code == 200
    expect(row).to_contain_text("Long film")
    expect(row).to_contain_text("40%")
    expect(row).to_contain_text("libx264")
    shot(page, "admin-workers")

    row.get_by_role("button", name="Revoke").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke").click()
    expect(row).to_contain_text("Revoked")
    expect(row.get_by_role("button", name="Revoke")).to_have_count(0)
    again = worker.post("/api/workers/jobs/claim", json={"wait_seconds": 0}, headers=headers)
    assert again.status_code == 401 and again.json["error_code"] == "worker_revoked"
    assert admin.get(f"/api/videos/{video.public_id}").json["processing_status"] == "pending"
    expect(admin_nav(page).get_by_role("link", name="Workers")).to_be_visible()
