#!/usr/bin/env python3
"""Checks a page `engc report` wrote, as Chromium loaded it (`--dump-dom`).

  check_page.py dom DOM.html [--text STRING]... [--no-text STRING]...
      the page's structure (headings, captioned tables, header cells with a scope,
      no script, no link or source that leaves the page) and its text
  check_page.py netlog NETLOG.json
      no http(s) request made for a file:// page (Chromium's own background requests,
      which belong to no page, are not the page's)

Standard library only. Exit 1 with the reasons when a check fails.
"""
import json
import sys
from html.parser import HTMLParser


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = []
        self.tags = {}
        self.problems = []
        self.stack = []
        self.headings = []
        self.in_heading = None
        self.tables = 0
        self.captions = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag in ("script", "iframe", "object", "embed", "link", "img", "base"):
            self.problems.append(f"<{tag}> on the page: {a}")
        for k, v in a.items():
            if k in ("src", "srcset", "action", "formaction", "background", "poster"):
                self.problems.append(f"<{tag} {k}={v!r}>: loads from elsewhere")
            if k in ("href", "xlink:href") and not (v or "").startswith("#"):
                self.problems.append(f"<{tag} {k}={v!r}>: a link that leaves the page")
            if k.startswith("on"):
                self.problems.append(f"<{tag} {k}=...>: an event handler")
            if k == "style" and "url(" in (v or ""):
                self.problems.append(f"<{tag} style>: url() in a style")
        if tag == "th" and "scope" not in a:
            self.problems.append("a <th> without scope")
        if tag == "table":
            self.tables += 1
        if tag == "caption":
            self.captions += 1
        if tag in ("h1", "h2", "h3", "h4"):
            self.in_heading = [tag, ""]
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if self.in_heading and tag == self.in_heading[0]:
            self.headings.append(tuple(self.in_heading))
            self.in_heading = None
        if tag in ("td", "th", "li", "p", "dd", "dt", "tr", "summary", "h1", "h2", "h3", "h4", "title"):
            self.text.append("\n")

    def handle_data(self, data):
        self.text.append(data)
        if self.in_heading:
            self.in_heading[1] += data


def dom(path, want, unwanted):
    p = Page()
    with open(path, encoding="utf-8") as f:
        html = f.read()
    p.feed(html)
    text = "".join(p.text)
    problems = list(p.problems)
    if "url(" in html.split("</style>")[0].split("<style>")[-1] or "@import" in html:
        problems.append("the style sheet loads from elsewhere")
    if p.tables != p.captions:
        problems.append(f"{p.tables} tables but {p.captions} captions")
    levels = [h for h, _ in p.headings]
    if levels[:1] != ["h1"] or levels.count("h1") != 1:
        problems.append(f"the page does not start with its one <h1>: {levels[:3]}")
    for w in want:
        if w not in text:
            problems.append(f"the page does not say {w!r}")
    for u in unwanted:
        if u in text:
            problems.append(f"the page says {u!r}")
    if problems:
        print(f"{path}:", *problems, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print(f"{path}: {len(p.headings)} headings, {p.tables} tables, {len(text)} characters of text")


def netlog(path):
    with open(path, encoding="utf-8") as f:
        log = json.load(f)
    seen = set()
    for e in log.get("events", []):
        params = e.get("params") or {}
        key = params.get("network_isolation_key", "")
        url = params.get("url", "")
        if "file://" in key and url.startswith(("http:", "https:")):
            seen.add(url)
    if seen:
        print(f"{path}: the page requested", *sorted(seen), sep="\n  ", file=sys.stderr)
        sys.exit(1)


def main(argv):
    if len(argv) >= 2 and argv[0] == "netlog":
        return netlog(argv[1])
    if len(argv) < 2 or argv[0] != "dom":
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    want, unwanted = [], []
    args = argv[2:]
    while args:
        flag, value, args = args[0], args[1], args[2:]
        {"--text": want, "--no-text": unwanted}[flag].append(value)
    dom(argv[1], want, unwanted)


if __name__ == "__main__":
    main(sys.argv[1:])
