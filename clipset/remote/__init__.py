"""``clipset worker``: a computer lent to transcoding. It speaks only HTTP to a Clipset
server (never its database): long-polls for a job, fetches the original, runs the same
``media.process`` the server's pool runs, and delivers the outputs resumably."""

from .loop import run

__all__ = ["run"]
