"""A stand-in for Firebase Authentication's Identity Toolkit REST API, the part a web app
signs in with (accounts:signInWithPassword?key=API_KEY): it checks the API key, the email
and password against its accounts, and answers with an ID token signed by a key the test
minted (served by google_stand_ins.KeyServer), in the documented response shape; errors in
Identity Toolkit's shape (EMAIL_NOT_FOUND, INVALID_PASSWORD, API key not valid). Browsers
call it from another origin: it answers CORS preflights as Google's endpoint does.

As a process (for the browser tests): `python3 identity_toolkit_stand_in.py API_KEY
EMAIL:PASSWORD...` prints `<identity URL> <key server URL> <project>` and serves until its
stdin closes."""
import json
import sys
from urllib.parse import parse_qs, urlparse

import google_stand_ins as google


class IdentityToolkit(google._Server):
    def __init__(self, key, api_key, accounts):
        self.key = key              # signs the ID tokens (kid-1)
        self.api_key = api_key
        self.accounts = dict(accounts)  # email -> password
        self.sign_ins = 0
        super().__init__(_Handler)


class _Handler(google.JsonHandler):
    def cors(self):
        return [("Access-Control-Allow-Origin", self.headers.get("Origin", "*")),
                ("Access-Control-Allow-Headers", "content-type"),
                ("Access-Control-Allow-Methods", "POST"),
                ("Vary", "Origin")]

    def do_OPTIONS(self):
        self.reply(204, b"", self.cors())

    def error(self, status, message):
        self.reply(status, {"error": {"code": status, "message": message,
                                      "errors": [{"message": message, "domain": "global",
                                                  "reason": "invalid"}]}}, self.cors())

    def do_POST(self):
        stand_in = self.server.stand_in
        url = urlparse(self.path)
        if url.path != "/v1/accounts:signInWithPassword":
            return self.error(404, "NOT_FOUND")
        if parse_qs(url.query).get("key", [""])[0] != stand_in.api_key:
            return self.error(400, "API key not valid. Please pass a valid API key.")
        try:
            body = json.loads(self.body())
        except ValueError:
            return self.error(400, "INVALID_JSON")
        email = str(body.get("email", "")).lower()
        if email not in stand_in.accounts:
            return self.error(400, "EMAIL_NOT_FOUND")
        if stand_in.accounts[email] != body.get("password"):
            return self.error(400, "INVALID_PASSWORD")
        stand_in.sign_ins += 1
        uid = "uid-" + email.split("@")[0]
        token = google.id_token(stand_in.key, sub=uid, email=email, email_verified=True)
        self.reply(200, {"kind": "identitytoolkit#VerifyPasswordResponse", "localId": uid,
                         "email": email, "displayName": "", "idToken": token,
                         "registered": True, "refreshToken": "refresh-" + uid,
                         "expiresIn": "3600"}, self.cors())


def main():
    api_key = sys.argv[1]
    accounts = dict(item.split(":", 1) for item in sys.argv[2:])
    keys = google.Keys()
    key = keys.mint("kid-1")
    key_server = google.KeyServer({"kid-1": key})
    toolkit = IdentityToolkit(key, api_key, accounts)
    print(toolkit.url(), key_server.url("/certs"), google.PROJECT, flush=True)
    sys.stdin.read()
    toolkit.stop()
    key_server.stop()
    keys.cleanup()


if __name__ == "__main__":
    main()
