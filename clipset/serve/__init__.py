"""Serving the app: the server, its waitress adapter, the limits and media lane it applies,
and the WebSocket plumbing."""
