"""Where cargo puts the engc binary: under target/<host tuple>/<profile>/, as
.cargo/config.toml names the host's tuple as the target (honours CARGO_TARGET_DIR).
Imported by the scripts here and the LSP end-to-end tests."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def engc(profile):
    rustc = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, check=False).stdout
    host = next((l.split(": ", 1)[1] for l in rustc.splitlines() if l.startswith("host: ")), "")
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    return str(target / host / profile / "engc")
