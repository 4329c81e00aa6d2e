#!/usr/bin/env python3
"""A scripted person paying with a saved payment form, for `BROWSER=...` tests.

shopterm runs this as $BROWSER with the form's address (`file:///…/payment-….html`) as the last
argument. Like a browser without JavaScript, it reads the file, takes its first form (action,
method, named inputs) and submits it with the button, then writes what the provider answered to
the log. Standard library only.

Environment:
  SHOPTERM_TEST_PAY_LOG   a file to which one JSON line per event is appended
                          (opened: path and file mode; paid: status and the page's text)
"""

import html
import html.parser
import json
import os
import stat
import sys
import urllib.error
import urllib.parse
import urllib.request

LOG = os.environ.get("SHOPTERM_TEST_PAY_LOG")


def log(event, **fields):
    if LOG:
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps({"event": event, **fields}) + "\n")


class Forms(html.parser.HTMLParser):
    """Collects forms: action, method and named inputs (a named submit button counts)."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({
                "action": attrs.get("action", ""),
                "method": (attrs.get("method") or "get").lower(),
                "fields": [],
            })
        elif tag in ("input", "button") and self.forms and attrs.get("name"):
            self.forms[-1]["fields"].append((attrs["name"], attrs.get("value", "")))


def main():
    target = sys.argv[-1]
    path = urllib.parse.unquote(urllib.parse.urlsplit(target).path) if target.startswith("file:") else target
    mode = stat.S_IMODE(os.stat(path).st_mode)
    log("opened", path=path, mode=oct(mode))
    with open(path, encoding="utf-8") as f:
        parser = Forms()
        parser.feed(f.read())
    if not parser.forms:
        log("no-form")
        return 1
    form = parser.forms[0]
    data = urllib.parse.urlencode(form["fields"]).encode()
    if form["method"] == "post":
        request = urllib.request.Request(form["action"], data=data)
    else:
        request = urllib.request.Request(form["action"] + "?" + data.decode())
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, page = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        status, page = error.code, error.read().decode("utf-8", "replace")
    text = " ".join(html.unescape(page).split())
    log("paid", status=status, page=text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
