#!/usr/bin/env python3
"""A headless "browser" for Nupub's sign-in tests, set as BROWSER.

    oidc_browser.py URL

It walks oidc-provider's own login and consent pages (and the device-code
pages) with a cookie jar, submitting each page's form the way a person would,
and finally delivers the provider's redirect to Nupub's loopback listener.

Environment:
  NUPUB_TEST_LOGIN   login name (default "alice"; a name ending in "+mfa" stands for a user
                     who used two-step verification, which the ID token does not say)
  NUPUB_TEST_LOGIN_FILE  a file holding the login name, read at each run (wins over
                     NUPUB_TEST_LOGIN), so one app session can sign in as different people
  NUPUB_TEST_TAMPER  what to break on the way, for the tests that prove Nupub refuses it:
                     state      change the state in the redirect back to Nupub
                     drop_pkce  remove code_challenge from the authorization request
                     nonce      replace the nonce in the authorization request
                     client     ask for the code as another client (nupub-other-client)
                     redirect   deliver the answer to Nupub with the code removed
  NUPUB_TEST_BROWSER_LOG  a file to append the visited addresses to (never bodies)
  NUPUB_TEST_COOKIES  a file to keep cookies in between runs, like a real browser that
                      stays signed in (without it every run starts with no session)
Standard library only.
"""
import html.parser
import http.cookiejar
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


class Forms(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []
        self.current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"action": attrs.get("action", ""), "method": attrs.get("method", "get").lower(),
                            "fields": {}}
            self.forms.append(self.current)
        elif tag == "input" and self.current is not None and attrs.get("name"):
            self.current["fields"][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def log(line):
    path = os.environ.get("NUPUB_TEST_BROWSER_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def replace_query(url, change):
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = change(query)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def is_loopback_target(url, provider_origin):
    parts = urllib.parse.urlsplit(url)
    return parts.hostname in ("127.0.0.1", "localhost", "::1") and \
        f"{parts.scheme}://{parts.netloc}" != provider_origin


def main():
    url = sys.argv[1]
    login = os.environ.get("NUPUB_TEST_LOGIN", "alice")
    login_file = os.environ.get("NUPUB_TEST_LOGIN_FILE")
    if login_file and os.path.exists(login_file):
        with open(login_file, encoding="utf-8") as f:
            login = f.read().strip() or login
    tamper = os.environ.get("NUPUB_TEST_TAMPER", "")
    start = urllib.parse.urlsplit(url)
    provider_origin = f"{start.scheme}://{start.netloc}"

    if tamper == "drop_pkce":
        url = replace_query(url, lambda q: [(k, v) for k, v in q if not k.startswith("code_challenge")])
    elif tamper == "nonce":
        url = replace_query(url, lambda q: [(k, "tampered-nonce" if k == "nonce" else v) for k, v in q])
    elif tamper == "client":
        url = replace_query(url, lambda q: [(k, "nupub-other-client" if k == "client_id" else v) for k, v in q])

    cookie_file = os.environ.get("NUPUB_TEST_COOKIES")
    jar = http.cookiejar.MozillaCookieJar(cookie_file) if cookie_file else http.cookiejar.CookieJar()
    if cookie_file and os.path.exists(cookie_file):
        jar.load(ignore_discard=True, ignore_expires=True)
    try:
        return walk(url, login, tamper, provider_origin, jar)
    finally:
        if cookie_file:
            jar.save(ignore_discard=True, ignore_expires=True)


def walk(url, login, tamper, provider_origin, jar):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    method, data = "GET", None
    for _ in range(30):
        if is_loopback_target(url, provider_origin):
            if tamper == "state":
                url = replace_query(url, lambda q: [(k, "forged-state" if k == "state" else v) for k, v in q])
            elif tamper == "redirect":
                url = replace_query(url, lambda q: [(k, v) for k, v in q if k != "code"])
            log("deliver " + urllib.parse.urlsplit(url).path)
            with urllib.request.urlopen(url, timeout=30) as answer:
                answer.read()
            return 0
        log(f"{method} {urllib.parse.urlsplit(url).path}")
        request = urllib.request.Request(url, data=data, method=method)
        try:
            response = opener.open(request, timeout=30)
            status, body, location = response.status, response.read().decode("utf-8", "replace"), None
        except urllib.error.HTTPError as e:
            status, body = e.code, e.read().decode("utf-8", "replace")
            location = e.headers.get("Location")
        if status in (301, 302, 303, 307, 308) and location:
            url, method, data = urllib.parse.urljoin(url, location), "GET", None
            continue
        if status >= 400:
            print(f"oidc_browser: {status} at {url}:\n{body[:2000]}", file=sys.stderr)
            return 1
        parser = Forms()
        parser.feed(body)
        forms = [f for f in parser.forms if "logout" not in f["action"]]
        if not forms:
            # The device flow ends on a page without a form ("Sign-in Success").
            log("done " + ("success" if "Success" in body else "no form"))
            return 0 if "Success" in body else 1
        form = forms[0]
        fields = dict(form["fields"])
        if "login" in fields or "password" in fields:
            fields["login"], fields["password"] = login, "any-password"
        url = urllib.parse.urljoin(url, form["action"] or url)
        method = "POST" if form["method"] == "post" else "GET"
        data = urllib.parse.urlencode(fields).encode() if method == "POST" else None
        if method == "GET":
            url = replace_query(url, lambda q: q + list(fields.items()))
    print("oidc_browser: too many steps", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
