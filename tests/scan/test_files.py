"""scan.files: which files are read (venvs, caches, .git, .gitignore), and bad files as Unresolved entries."""

from __future__ import annotations

from pathlib import Path

from changelog_tracker.scan.files import python_files, scan_paths

CALL = 'import boto3\nboto3.client("s3").list_buckets()\n'
LATIN1 = "# -*- coding: latin-1 -*-\nimport boto3\nboto3.client('s3').put_object(Key='\xe9')\n"


def tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def names(root: Path, *paths: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in python_files(list(paths or [root]))]


def test_virtualenvs_caches_and_git_are_skipped_and_only_python_is_read(tmp_path: Path) -> None:
    skipped = [".venv", "venv", ".tox", "node_modules", "__pycache__", ".git", "lib/site-packages"]
    tree(tmp_path, {f"{folder}/x.py": CALL for folder in skipped})
    tree(tmp_path, {"env-any-name/pyvenv.cfg": "home = /usr\n", "env-any-name/lib/y.py": CALL})
    tree(tmp_path, {"app/main.py": CALL, "app/notes.txt": CALL, "app/tool.pyi": CALL, "b.py": CALL})
    assert names(tmp_path) == ["app/main.py", "b.py"]
    assert names(tmp_path, tmp_path / ".venv") == [".venv/x.py"]  # named on the command line: read


def test_gitignore_files_nested_and_above_the_scanned_folder(tmp_path: Path) -> None:
    tree(tmp_path, {".git/HEAD": "ref: refs/heads/main\n", ".gitignore": "build/\n*_gen.py\n/top_only.py\n"})
    tree(tmp_path, {"src/.gitignore": "!keep_gen.py\nlocal.py\n", "src/deep/local.py": CALL, "src/deep/ok.py": CALL})
    files = ["build/a.py", "src/build/b.py", "src/x_gen.py", "src/keep_gen.py", "src/local.py", "top_only.py"]
    tree(tmp_path, {name: CALL for name in [*files, "src/top_only.py"]})
    assert names(tmp_path) == ["src/deep/ok.py", "src/keep_gen.py", "src/top_only.py"]
    # scanning a folder inside the repository still honours the .gitignore files above it
    assert names(tmp_path, tmp_path / "src") == ["src/deep/ok.py", "src/keep_gen.py", "src/top_only.py"]
    assert names(tmp_path, tmp_path / "build") == ["build/a.py"]  # named although ignored: read


def test_a_gitignore_outside_any_repository_above_the_scanned_folder_is_not_read(tmp_path: Path) -> None:
    tree(tmp_path, {".gitignore": "*.py\n", "proj/a.py": CALL})
    assert names(tmp_path, tmp_path / "proj") == ["proj/a.py"]


def test_a_file_named_on_the_command_line_is_read_whatever_it_is(tmp_path: Path) -> None:
    tree(tmp_path, {".gitignore": "*.py\n", "script": CALL, "a.py": CALL})
    assert names(tmp_path, tmp_path / "script", tmp_path / "a.py") == ["script", "a.py"]


def test_bad_files_are_unresolved_entries_and_the_scan_goes_on(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "a_bad_encoding.py": b"\xff\xfe\x00 not python",
            "b_syntax.py": "import boto3\ndef (:\n",
            "c_latin1.py": LATIN1.encode("latin-1"),
            "d_ok.py": CALL,
        },
    )
    ticks: list[tuple[int, int, str]] = []
    result = scan_paths([tmp_path, tmp_path / "missing.py"], lambda *tick: ticks.append(tick))
    assert [(Path(u.file).name, u.line, u.reason) for u in result.unresolved] == [
        ("a_bad_encoding.py", 1, "undecodable file"),
        ("b_syntax.py", 2, "syntax error"),
        ("missing.py", 1, "unreadable file"),
    ]
    assert [(Path(c.file).name, c.line, c.method, c.payload) for c in result.calls] == [
        ("c_latin1.py", 3, "put_object", {"Key": "é"}),
        ("d_ok.py", 2, "list_buckets", {}),
    ]
    assert (result.files, result.lines) == (5, 2 + 3 + 2)
    assert ticks == [(n, 5, "scanning files") for n in range(1, 6)]
