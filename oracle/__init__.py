"""Test oracles and page generators: code that tests, benchmarks and scripts use, not the CLI.

Not shipped in the wheel (it holds only changelog_tracker/); importable from the repository root
(pytest sets pythonpath = ["."], scripts run as ``python -m scripts.<name>``).
"""
