"""Serving the app: the server, its waitress adapter and the WebSocket plumbing."""
