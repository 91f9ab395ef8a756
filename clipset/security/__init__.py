"""Secrets and abuse limits: signed tokens, the secret keys, password hashes, rate limits."""
