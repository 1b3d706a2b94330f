#!/usr/bin/env python3
"""Print the code block that editors/README.md marks with
`<!-- editors/test runs this block: NAME -->` (or `checks this block`), so the tests
run exactly the configuration the README documents."""
import pathlib
import re
import sys

readme = pathlib.Path(__file__).resolve().parent.parent / "README.md"
name = sys.argv[1]
text = readme.read_text()
marker = re.search(r"<!-- editors/test (?:runs|checks) this block: " + re.escape(name) + r" -->\n```\w*\n(.*?)\n```", text, re.S)
if not marker:
    sys.exit(f"snippet.py: no block marked {name!r} in {readme}")
print(marker.group(1))
