#!/usr/bin/env python3
"""A scripted person with a browser, for `BROWSER=... shopterm login` tests.

shopterm runs this as $BROWSER with the authorization URL as the last argument. It fetches the
page, fills in the sign-in form (e-mail and password from the environment), answers the consent
form, and follows the redirect to shopterm's loopback callback, as a browser would. Standard
library only.

Environment:
  SHOPTERM_TEST_EMAIL, SHOPTERM_TEST_PASSWORD   the account to sign in with
  SHOPTERM_TEST_PASSWORD_FILE  if set, the password is read from this file at each sign-in
  SHOPTERM_TEST_BROWSER_MODE   normal | deny | tamper_state | twice | late:SECONDS | print
                               (print: write the final redirect address to stdout instead of
                               visiting it, as for a person who copies it from the address bar)
  SHOPTERM_TEST_BROWSER_LOG    a file to which one JSON line per event is appended
  SHOPTERM_TEST_CA             a CA certificate (PEM) to trust, for a shop with a private CA
"""

import html.parser
import http.cookiejar
import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


LOG = os.environ.get("SHOPTERM_TEST_BROWSER_LOG")


def log(event, **fields):
    if LOG:
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps({"event": event, **fields}) + "\n")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Forms(html.parser.HTMLParser):
    """Collects forms: action, method, named inputs, and submit buttons."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": [], "submits": []})
        elif tag == "input" and self.forms:
            name = attrs.get("name")
            kind = (attrs.get("type") or "text").lower()
            if kind == "submit":
                if name:
                    self.forms[-1]["submits"].append((name, attrs.get("value", "")))
            elif name:
                self.forms[-1]["fields"].append((name, attrs.get("value", "")))


def open_url(opener, url, data=None):
    """Returns (status, location, body) without following redirects."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers.get("Location"), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location"), error.read().decode("utf-8", "replace")


def only_form(page):
    parser = Forms()
    parser.feed(page)
    if not parser.forms:
        raise SystemExit("no form on the page")
    return parser.forms[0]


def main():
    url = sys.argv[-1]
    mode = os.environ.get("SHOPTERM_TEST_BROWSER_MODE", "normal")
    email = os.environ.get("SHOPTERM_TEST_EMAIL", "")
    password = os.environ.get("SHOPTERM_TEST_PASSWORD", "")
    password_file = os.environ.get("SHOPTERM_TEST_PASSWORD_FILE")
    if password_file:
        # A test that changes the password mid-run says the current one through this file.
        with open(password_file, encoding="utf-8") as f:
            password = f.read().strip()
    jar = http.cookiejar.CookieJar()
    handlers = [urllib.request.HTTPCookieProcessor(jar), NoRedirect()]
    if os.environ.get("SHOPTERM_TEST_CA"):
        context = ssl.create_default_context(cafile=os.environ["SHOPTERM_TEST_CA"])
        handlers.append(urllib.request.HTTPSHandler(context=context))
    opener = urllib.request.build_opener(*handlers)
    log("start", mode=mode)

    status, _, page = open_url(opener, url)
    if status != 200:
        log("authorize-failed", status=status)
        return 1
    form = only_form(page)
    action = urllib.parse.urljoin(url, form["action"])
    fields = dict(form["fields"])
    fields["email"] = email
    fields["password"] = password
    status, location, page = open_url(opener, action, fields)
    if status == 200 and 'name="password"' in page:
        log("sign-in-refused")
        return 1
    if status != 200:
        log("sign-in-failed", status=status)
        return 1

    consent = only_form(page)
    fields = dict(consent["fields"])
    decision = "Deny" if mode == "deny" else "Allow"
    for name, value in consent["submits"]:
        if value == decision:
            fields[name] = value
    status, location, _ = open_url(opener, urllib.parse.urljoin(url, consent["action"]), fields)
    if status not in (302, 303) or not location:
        log("consent-failed", status=status)
        return 1
    callback = urllib.parse.urljoin(url, location)
    if mode == "tamper_state":
        parts = urllib.parse.urlsplit(callback)
        query = [(k, "forged" if k == "state" else v) for k, v in urllib.parse.parse_qsl(parts.query)]
        callback = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
    if mode == "print":
        print(callback, flush=True)
        log("printed")
        return 0
    if mode.startswith("late:"):
        time.sleep(float(mode.split(":", 1)[1]))

    rounds = 2 if mode == "twice" else 1
    for n in range(rounds):
        try:
            status, _, page = open_url(opener, callback)
            text = " ".join(html.unescape(page).split())
            log("callback", round=n, status=status, page=text)
        except (urllib.error.URLError, ConnectionError, OSError) as error:
            log("callback-unreachable", round=n, error=str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
