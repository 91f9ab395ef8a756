"""What the WebSocket plumbing (``serve.websocket``), the live endpoint (``api.realtime``)
and the fan-out (``services.fanout``) agree on: close codes and the environ key."""

# Where the app finds its ``Session`` in the environ (to learn of a shutdown).
SESSION_KEY = "clipset.websocket"

# Close codes: RFC 6455's, and ours for an ended sign-in.
GOING_AWAY = 1001
TRY_AGAIN_LATER = 1013
SESSION_ENDED = 4401
