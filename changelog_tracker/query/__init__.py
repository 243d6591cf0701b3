"""The read side: what the store says at a date (show, log, as_of) and release notes over it."""
