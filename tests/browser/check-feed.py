"""Reads a site's Atom feed as feed readers do, with feedparser.

    .venv/bin/python tests/browser/check-feed.py SITE_DIR BASE_URL COUNT

Checks that the feed parses without a problem (bozo == 0), that it is Atom 1.0, and that it
has COUNT entries, each with a title, an absolute link under BASE_URL, a published date and
HTML content. Prints a line per check; exits 1 on any failure.
"""

import sys

import feedparser

site, base, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(f"{site}/atom.xml", "rb") as f:
    feed = feedparser.parse(f.read())
failures = 0


def check(name, ok, detail=""):
    global failures
    print(f"{'PASS' if ok else 'FAIL'} {name}{'' if ok else ': ' + str(detail)}")
    failures += 0 if ok else 1


check("feed parses without problems (bozo 0)", feed.bozo == 0, feed.get("bozo_exception"))
check("feed is Atom 1.0", feed.version == "atom10", feed.version)
check(f"feed has {count} entries", len(feed.entries) == count, len(feed.entries))
for entry in feed.entries:
    link = entry.get("link", "")
    check(f"entry {link}: title, link, dates, HTML content",
          bool(entry.get("title")) and link.startswith(base) and entry.get("published_parsed") is not None
          and entry.content[0].type == "text/html" and len(entry.content[0].value) > 0, entry)
print(f"feed checks: {'all passed' if failures == 0 else f'{failures} failed'}")
sys.exit(1 if failures else 0)
