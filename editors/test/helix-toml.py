#!/usr/bin/env python3
"""The Helix block in editors/README.md, as far as this machine can check it without
Helix (Debian 12 does not package it): valid TOML, with the engc server defined
under [language-server.engc] and used by an `eng` language for `.eng` files."""
import pathlib
import subprocess
import sys

try:
    import tomllib
except ImportError:  # Python < 3.11
    print("helix-toml: no tomllib (Python 3.11+): skipped")
    sys.exit(0)

here = pathlib.Path(__file__).resolve().parent
block = subprocess.run([sys.executable, str(here / "snippet.py"), "helix"],
                       check=True, capture_output=True, text=True).stdout
config = tomllib.loads(block)
server = config["language-server"]["engc"]
assert server["command"] == "engc" and server["args"] == ["lsp"], server
assert server["config"] == {"set": {}}, server  # sent as initializationOptions
(lang,) = config["language"]
assert lang["name"] == "eng" and lang["file-types"] == ["eng"], lang
assert lang["language-servers"] == ["engc"], lang
assert lang["comment-token"] == "//", lang
print("helix-toml: 1 passed, 0 failed")
