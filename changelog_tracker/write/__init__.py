"""The write side: collect pages, read, place, encode, store (ingest); pin a baseline."""
