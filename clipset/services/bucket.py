"""The S3-compatible bucket of ``media_store``: putting a file with the store checking its
checksum, presigned GETs, fetching and removing objects, and multipart uploads whose parts
others (remote workers) send through presigned URLs.

Only the plain S3 API that MinIO, Garage and AWS all implement (HeadBucket, PutObject with
Content-MD5, multipart upload, HeadObject, GetObject, DeleteObjects), and none of the newer
default checksums some of them refuse: a part's ETag is the MD5 of its bytes, and a
multipart object's ETag the MD5 of its parts' MD5s with ``-<parts>``. boto3 is imported when a
bucket is first used, so a household without one never loads it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import MediaStoreFailed
from ..settings import BUCKET_URL, Settings

log = logging.getLogger(__name__)

# One PutObject carries at most 5 GiB; larger files go up in parts (checked by size).
SINGLE_PUT_MAX = 5 * 1024**3
# SigV4 presigned URLs live at most seven days.
PRESIGN_MAX_SECONDS = 7 * 24 * 3600
DELETE_BATCH = 1000  # keys per DeleteObjects request
READ_CHUNK = 1024 * 1024
RANGE_READ = 1024 * 1024  # bytes per ranged GET of an object read as a file
# Parts of a presigned multipart upload: S3 takes at most 10,000, each but the last at
# least 5 MiB; 8 MiB parts carry an 80 GB file, larger ones grow by whole MiB.
PART_SIZE = 8 * 1024**2
MAX_PARTS = 10_000


def part_size(size: int) -> int:
    """The size of each part (the last may be shorter) of a ``size``-byte upload."""
    mib = 1024**2
    return max(PART_SIZE, -(-size // MAX_PARTS // mib) * mib)


def part_count(size: int) -> int:
    return max(1, -(-size // part_size(size)))


def multipart_etag(md5s: list[str]) -> str:
    """The ETag a store gives the object completed from parts with these MD5s (hex)."""
    joined = b"".join(bytes.fromhex(m) for m in md5s)
    return f"{hashlib.md5(joined, usedforsecurity=False).hexdigest()}-{len(md5s)}"


class Bucket:
    def __init__(self, url: str, endpoint_url=None, region=None, key_id=None, secret=None):
        match = BUCKET_URL.fullmatch(url)
        if match is None:
            raise ValueError(f"not a bucket URL: {url}")
        self.url = url
        self.name = match[1]
        self.prefix = (match[2] or "").strip("/")
        self._options = {
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "aws_access_key_id": key_id or None,
            "aws_secret_access_key": secret or None,
        }
        self._client = None

    @classmethod
    def from_settings(cls, settings: Settings, url: str | None = None) -> "Bucket | None":
        """``media_store``'s bucket, or the one at ``url`` on the same service and keys."""
        url = url or settings.media_store
        if not url:
            return None
        return cls(
            url,
            settings.s3_endpoint_url,
            settings.s3_region,
            settings.s3_access_key_id,
            settings.s3_secret_access_key,
        )

    @property
    def client(self):
        if self._client is None:
            import boto3
            from botocore.config import Config

            config = Config(
                signature_version="s3v4",
                # A self-hosted store answers on one host: bucket in the path.
                s3={"addressing_style": "path" if self._options["endpoint_url"] else "auto"},
                retries={"max_attempts": 3, "mode": "standard"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                connect_timeout=5,
                read_timeout=60,
            )
            self._client = boto3.client("s3", config=config, **self._options)
        return self._client

    @property
    def origin(self) -> str:
        """Where its presigned URLs point, for the pages' Content-Security-Policy."""
        endpoint = self._options["endpoint_url"]
        if endpoint:
            parts = urlsplit(endpoint)
            return f"{parts.scheme}://{parts.netloc}"
        return "https://*.amazonaws.com"

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def check(self) -> None:
        """That the bucket exists and these keys reach it, else ``MediaStoreFailed``."""
        self._call("reach the bucket", self.client.head_bucket, Bucket=self.name)

    def put(self, path: Path, name: str, content_type: str) -> None:
        """``path`` as object ``name``: the store checks the bytes against their MD5 and
        the object's size is checked afterwards; raises ``MediaStoreFailed``."""
        size = path.stat().st_size
        key = self.key(name)
        if size <= SINGLE_PUT_MAX:
            digest = _md5(path)
            with open(path, "rb") as body:
                self._call(
                    f"store {name}",
                    self.client.put_object,
                    Bucket=self.name,
                    Key=key,
                    Body=body,
                    ContentLength=size,
                    ContentMD5=base64.b64encode(digest).decode(),
                    ContentType=content_type,
                )
        else:
            self._call(
                f"store {name}",
                self.client.upload_file,
                str(path),
                self.name,
                key,
                ExtraArgs={"ContentType": content_type},
            )
        stored = self._call(f"check {name}", self.client.head_object, Bucket=self.name, Key=key)
        if stored.get("ContentLength") != size:
            raise MediaStoreFailed(f"The media store kept {name} incomplete.")

    def head(self, name: str) -> tuple[int, str] | None:
        """The object's size and ETag (unquoted), None when there is no such object."""
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.name, Key=self.key(name))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise _failed(f"check {name}", exc) from exc
        return head["ContentLength"], head["ETag"].strip('"')

    # -- multipart uploads whose parts arrive through presigned URLs --------------------
    def open_upload(self, name: str, content_type: str) -> str:
        """The upload id of object ``name``'s multipart upload in progress, a new one if
        there is none (so an interrupted sender resumes the same one)."""
        return (
            self.upload_in_progress(name)
            or self._call(
                f"start {name}",
                self.client.create_multipart_upload,
                Bucket=self.name,
                Key=self.key(name),
                ContentType=content_type,
            )["UploadId"]
        )

    def upload_in_progress(self, name: str) -> str | None:
        return next(iter(self._uploads(name)), None)

    def _uploads(self, name: str) -> list[str]:
        key = self.key(name)
        answer = self._call(
            f"list uploads of {name}",
            self.client.list_multipart_uploads,
            Bucket=self.name,
            Prefix=key,
        )
        return [u["UploadId"] for u in answer.get("Uploads", ()) if u["Key"] == key]

    def parts(self, name: str, upload_id: str) -> dict[int, tuple[int, str]]:
        """The parts the store holds: number -> (size, ETag unquoted)."""
        held: dict[int, tuple[int, str]] = {}
        marker = 0
        while True:
            answer = self._call(
                f"list the parts of {name}",
                self.client.list_parts,
                Bucket=self.name,
                Key=self.key(name),
                UploadId=upload_id,
                PartNumberMarker=marker,
            )
            for part in answer.get("Parts", ()):
                held[part["PartNumber"]] = (part["Size"], part["ETag"].strip('"'))
            if not answer.get("IsTruncated"):
                return held
            marker = answer["NextPartNumberMarker"]

    def presign_part(self, name: str, upload_id: str, number: int, ttl_seconds: int) -> str:
        """A PUT URL for one part (the sender needs no keys)."""
        params = {
            "Bucket": self.name,
            "Key": self.key(name),
            "UploadId": upload_id,
            "PartNumber": number,
        }
        return self.client.generate_presigned_url(
            "upload_part", Params=params, ExpiresIn=max(1, min(ttl_seconds, PRESIGN_MAX_SECONDS))
        )

    def complete_upload(self, name: str, upload_id: str, etags: list[str]) -> None:
        """Object ``name`` from parts 1..len(etags), which must have these ETags."""
        parts = [{"PartNumber": n, "ETag": f'"{e}"'} for n, e in enumerate(etags, 1)]
        self._call(
            f"complete {name}",
            self.client.complete_multipart_upload,
            Bucket=self.name,
            Key=self.key(name),
            UploadId=upload_id,
            MultipartUpload={"Parts": parts},
        )

    def abort_uploads(self, name: str) -> None:
        """Every upload of ``name`` in progress, and its parts, dropped; never fails the
        caller (a part left behind is logged)."""
        try:
            for upload_id in self._uploads(name):
                self.client.abort_multipart_upload(
                    Bucket=self.name, Key=self.key(name), UploadId=upload_id
                )
        except Exception:
            log.warning("could not abort the uploads of %s in %s", name, self.url, exc_info=True)

    def opened(self, name: str) -> io.BufferedReader:
        """Object ``name`` as a seekable binary file read by byte ranges, as a player
        reads it: a probe takes its index and first frames, not the whole object."""
        stored = self.head(name)
        if stored is None:
            raise MediaStoreFailed(f"The media store has no {name}.")
        return io.BufferedReader(_Ranges(self, name, stored[0]), buffer_size=RANGE_READ)

    def fetch(self, name: str, path: Path) -> None:
        """Object ``name`` into the file ``path``."""
        answer = self._call(
            f"fetch {name}", self.client.get_object, Bucket=self.name, Key=self.key(name)
        )
        with answer["Body"] as body, open(path, "wb") as out:
            for chunk in iter(lambda: body.read(READ_CHUNK), b""):
                out.write(chunk)

    def presign(self, name: str, ttl_seconds: int, download_as: str | None = None) -> str:
        """A GET URL for object ``name`` (byte ranges answered by the store itself)."""
        params = {"Bucket": self.name, "Key": self.key(name)}
        if download_as is not None:
            params["ResponseContentDisposition"] = f'attachment; filename="{download_as}"'
        return self.client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=max(1, min(ttl_seconds, PRESIGN_MAX_SECONDS))
        )

    def remove(self, *names: str) -> dict[str, str]:
        """Never fails the caller: returns each object left behind with the store's reason
        (logged too), for the caller to try again later (services.bucket_deletes)."""
        by_key = {self.key(n): n for n in names}
        keys = [{"Key": k} for k in by_key]
        left: dict[str, str] = {}
        for start in range(0, len(keys), DELETE_BATCH):
            batch = keys[start : start + DELETE_BATCH]
            try:
                answer = self.client.delete_objects(
                    Bucket=self.name, Delete={"Objects": batch, "Quiet": True}
                )
            except Exception as exc:
                log.warning("could not remove %d objects from %s: %s", len(batch), self.url, exc)
                left.update((by_key[k["Key"]], str(exc)) for k in batch)
                continue
            for error in answer.get("Errors", ()):
                log.warning("could not remove %s from %s: %s", error.get("Key"), self.url, error)
                name = by_key.get(error.get("Key"), error.get("Key"))
                left[name] = f"{error.get('Code')}: {error.get('Message')}"
        return left

    def _call(self, doing: str, method, *args, **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return method(*args, **kwargs)
        except (BotoCoreError, ClientError) as exc:
            raise _failed(doing, exc) from exc


class _Ranges(io.RawIOBase):
    """An object's bytes, each read one ranged GetObject."""

    def __init__(self, bucket: Bucket, name: str, size: int):
        self.bucket, self.name, self.size, self.at = bucket, name, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.at

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.at, io.SEEK_END: self.size}[whence]
        self.at = max(0, base + offset)
        return self.at

    def readinto(self, buffer) -> int:
        end = min(self.size, self.at + len(buffer))
        if end <= self.at:
            return 0
        answer = self.bucket._call(
            f"read {self.name}",
            self.bucket.client.get_object,
            Bucket=self.bucket.name,
            Key=self.bucket.key(self.name),
            Range=f"bytes={self.at}-{end - 1}",
        )
        with answer["Body"] as body:
            data = body.read()
        buffer[: len(data)] = data
        self.at += len(data)
        return len(data)


def _failed(doing: str, exc: Exception) -> MediaStoreFailed:
    log.warning("media store: could not %s: %s", doing, exc)
    return MediaStoreFailed(f"The media store could not {doing}: {exc}")


def _md5(path: Path) -> bytes:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(READ_CHUNK), b""):
            digest.update(chunk)
    return digest.digest()
