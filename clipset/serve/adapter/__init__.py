"""Everything Clipset needs from waitress beyond ``create_server``: the one place that
touches waitress's internals (its parser, task, channel, buffers and loop), which the
import contract keeps so. ``channel`` holds the connection, ``server`` makes and stops the
server; the rest of Clipset knows only ``WaitressServer``. The rules applied here live in
``serve.limits`` and ``serve.transfers``, which know nothing of waitress.

waitress's own limits are global (``connection_limit``) or slow (idle connections live
``channel_timeout``, 300 s), and it buffers a whole request body, to a temporary file if
large, before the app sees anything. Clipset's channel adds, per connection:

- the address's connection budget, and the body gate asked when the head arrives: a
  refused body is not read, the app answers, and the connection closes after the answer
  (first dropping what the client still sends, up to a bound, so it can read the answer);
- a deadline for the request head: a connection that sends no complete head within
  ``request_head_timeout_seconds`` of connecting, or of its last response, is closed
  (trickling a byte at a time does not extend it). A request whose head has arrived is
  never cut by it: long uploads and downloads are the request's own business;
- WebSocket upgrades: the socket leaves waitress for ``websocket.WebSockets``, whose
  budget is its own (the address's HTTP budget is given back);
- the media lane: its requests run on threads of their own, within its slots, and a
  ``wsgi.file_wrapper`` response goes from the page cache to the socket with
  ``os.sendfile`` from the loop (waitress's own copy loop where the OS or file can't).
"""

from .server import WaitressServer

__all__ = ["WaitressServer"]
