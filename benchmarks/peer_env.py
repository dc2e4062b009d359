"""Separate virtual environments for peer packages, so their old pins never touch the project's lock."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEERS = ROOT / ".bench"
UV = ROOT / ".tools" / "bin" / "uv"


def peer_python(name: str, requirements: list[str], no_deps: list[str] = ()) -> Path:
    """Create (once) .bench/<name> with the requirements (and `no_deps` without their dependencies, for a
    package that ships data but declares a heavy runtime it does not need here); return its python."""
    venv = PEERS / name
    python = venv / "bin" / "python"
    stamp = venv / ".requirements"
    wanted = "\n".join([*requirements, *no_deps])
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    uv = str(UV) if UV.exists() else "uv"
    subprocess.run([uv, "venv", "--quiet", "--clear", "--python", sys.executable, str(venv)], check=True)
    subprocess.run([uv, "pip", "install", "--quiet", "--python", str(python), *requirements], check=True)
    if no_deps:
        subprocess.run([uv, "pip", "install", "--quiet", "--no-deps", "--python", str(python), *no_deps], check=True)
    stamp.write_text(wanted)
    return python
