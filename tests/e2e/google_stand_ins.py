"""Local stand-ins for the Google services MindMe's Firebase integration calls, speaking
their documented protocols on 127.0.0.1 (no Google server can run here):

- KeyServer: the Firebase ID-token key server (GET -> {kid: PEM certificate}, with
  Cache-Control max-age), with key rotation, 500s and a slow mode.
- GoogleApis: the OAuth 2.0 token endpoint (RFC 7523 JWT-bearer grant: the assertion's
  RS256 signature, kid, iss, aud, scope, iat and exp checked against the service
  account's key) and FCM HTTP v1's messages:send (the bearer token one it granted, the
  message schema), with scripted outcomes per device token in FCM's error shape.

Keys and certificates are minted by the tests with openssl (never checked in).
"""
import base64
import json
import os
import re
import secrets
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

PROJECT = "mindme-test"
SCOPE = "https://www.googleapis.com/auth/firebase.messaging"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SigningKey:
    """An RSA key and a self-signed certificate of it, minted with openssl."""

    def __init__(self, directory, name):
        key = os.path.join(directory, name + ".key")
        cert = os.path.join(directory, name + ".pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=" + name, "-keyout", key, "-out", cert],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        with open(key, "rb") as f:
            self.private_pem = f.read()
        with open(cert) as f:
            self.certificate = f.read()
        self._key = serialization.load_pem_private_key(self.private_pem, password=None)
        self.public_key = self._key.public_key()

    def sign(self, data):
        return self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())

    def jwt(self, header, claims):
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode()))
        return signing_input + "." + b64url(self.sign(signing_input.encode()))


def verify_rs256(public_key, token):
    """The (header, claims) of an RS256 JWT that `public_key` signed, else None."""
    try:
        head, body, sig = token.split(".")
        public_key.verify(b64url_decode(sig), (head + "." + body).encode(), padding.PKCS1v15(),
                          hashes.SHA256())
        return json.loads(b64url_decode(head)), json.loads(b64url_decode(body))
    except (ValueError, InvalidSignature):
        return None


class _Server:
    """A ThreadingHTTPServer on 127.0.0.1 that can be stopped and started again on the
    same port (an outage)."""

    def __init__(self, handler_class):
        self._handler_class = handler_class
        self.port = None
        self._httpd = None
        self.start()

    def start(self):
        httpd = ThreadingHTTPServer(("127.0.0.1", self.port or 0), self._handler_class)
        httpd.daemon_threads = True
        httpd.stand_in = self
        self.port = httpd.server_address[1]
        self._httpd = httpd
        threading.Thread(target=httpd.serve_forever, daemon=True).start()

    def stop(self):
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def url(self, path=""):
        return "http://127.0.0.1:%d%s" % (self.port, path)


class JsonHandler(BaseHTTPRequestHandler):
    """A quiet handler that answers JSON (shared by the stand-ins of tests/e2e)."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))


class KeyServer(_Server):
    def __init__(self, keys, max_age=3600):
        self.keys = dict(keys)  # kid -> SigningKey
        self.max_age = max_age
        self.failing = False
        self.delay = 0.0
        # Slow mode: fetches wait (at most 30 s) until release() — a key server that hangs.
        self.held = threading.Event()
        self.held.set()
        self.waiting = 0
        self.fetches = 0
        self._lock = threading.Lock()
        super().__init__(_KeyHandler)

    def rotate(self, keys):
        with self._lock:
            self.keys = dict(keys)

    def hold(self):
        self.held.clear()

    def release(self):
        self.held.set()


class _KeyHandler(JsonHandler):
    def do_GET(self):
        server = self.server.stand_in
        with server._lock:
            server.fetches += 1
            keys = dict(server.keys)
        if server.delay:
            time.sleep(server.delay)
        if not server.held.is_set():
            with server._lock:
                server.waiting += 1
            server.held.wait(30)
            with server._lock:
                server.waiting -= 1
        if server.failing:
            return self.reply(500, {"error": "internal"})
        self.reply(200, {kid: key.certificate for kid, key in keys.items()},
                   [("Cache-Control", "public, max-age=%d, must-revalidate, no-transform"
                     % server.max_age)])


def id_token(key, kid="kid-1", project=PROJECT, **claims):
    """A Firebase ID token as Google's securetoken service issues them."""
    now = int(time.time())
    payload = {"iss": "https://securetoken.google.com/" + project, "aud": project,
               "sub": "firebase-user-1", "iat": now - 10, "exp": now + 3590,
               "auth_time": now - 10, "email": "fb@example.com", "email_verified": True}
    payload.update(claims)
    for name in [n for n, v in payload.items() if v is None]:
        del payload[name]
    header = {"alg": "RS256", "typ": "JWT"}
    if kid:
        header["kid"] = kid
    return key.jwt(header, payload)


def unsigned_token(header, claims, signature=b""):
    return (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode()) +
            "." + b64url(signature))


class GoogleApis(_Server):
    """The OAuth token endpoint (/token) and FCM (/v1/projects/<p>/messages:send)."""

    def __init__(self, account_key, client_email="push@mindme-test.iam.gserviceaccount.com",
                 key_id="sa-key-1", scope=SCOPE, handler_class=None):
        self.account_key = account_key
        self.scope = scope  # the one scope grants are made for
        self.client_email = client_email
        self.key_id = key_id
        self.tokens = set()    # access tokens granted and valid
        self.grants = 0
        self.refused_grants = []   # why each refused grant was refused
        self.messages = []     # accepted messages
        self.refused = []      # (status, why) of each refused send
        self.outcomes = {}     # device token -> list of scripted outcomes, used in order
        self._lock = threading.Lock()
        super().__init__(handler_class or _GoogleHandler)

    def service_account_file(self, directory):
        """A service account key file whose token_uri is this stand-in."""
        path = os.path.join(directory, "service-account.json")
        with open(path, "w") as f:
            json.dump({"type": "service_account", "project_id": PROJECT,
                       "private_key_id": self.key_id,
                       "private_key": self.account_key.private_pem.decode(),
                       "client_email": self.client_email, "client_id": "1",
                       "token_uri": self.url("/token")}, f)
        return path

    def script(self, device_token, *outcomes):
        with self._lock:
            self.outcomes[device_token] = list(outcomes)

    def messages_to(self, device_token):
        with self._lock:
            return [m for m in self.messages if m["token"] == device_token]


def fcm_error(status, code, rpc_status, message, extra=()):
    details = [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                "errorCode": code}] + list(extra)
    return {"error": {"code": status, "message": message, "status": rpc_status,
                      "details": details}}


SCRIPTED = {
    "unregistered": (404, fcm_error(404, "UNREGISTERED", "NOT_FOUND",
                                    "Requested entity was not found."), ()),
    "invalid_token": (400, fcm_error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT",
                                     "The registration token is not a valid FCM registration "
                                     "token"), ()),
    "quota": (429, fcm_error(429, "QUOTA_EXCEEDED", "RESOURCE_EXHAUSTED",
                             "Quota exceeded for quota metric"), (("Retry-After", "1"),)),
    "unavailable": (503, fcm_error(503, "UNAVAILABLE", "UNAVAILABLE", "The service is "
                                   "currently unavailable."), (("Retry-After", "1"),)),
    "sender_mismatch": (403, fcm_error(403, "SENDER_ID_MISMATCH", "PERMISSION_DENIED",
                                       "SenderId mismatch"), ()),
}

MESSAGE_KEYS = {"token", "topic", "condition", "notification", "data", "android", "apns",
                "webpush", "fcm_options", "name"}


def message_problem(message):
    """Why FCM would refuse `message` as INVALID_ARGUMENT, or None (the v1 schema)."""
    if not isinstance(message, dict):
        return "message must be an object"
    unknown = set(message) - MESSAGE_KEYS
    if unknown:
        return "Invalid JSON payload received. Unknown name %s" % sorted(unknown)[0]
    targets = [k for k in ("token", "topic", "condition") if k in message]
    if len(targets) != 1:
        return "exactly one of token, topic or condition must be specified"
    for key, value in message.get("data", {}).items():
        if not isinstance(value, str):
            return "Invalid value at 'message.data[%s].value' (TYPE_STRING)" % key
    for key, value in message.get("notification", {}).items():
        if key not in ("title", "body", "image") or not isinstance(value, str):
            return "Invalid notification field %s" % key
    android = message.get("android", {})
    if android.get("priority", "high") not in ("normal", "high"):
        return "Invalid android priority"
    if "ttl" in android and not re.fullmatch(r"\d+(\.\d+)?s", android["ttl"]):
        return "Invalid android ttl"
    return None


class _GoogleHandler(JsonHandler):
    def do_POST(self):
        apis = self.server.stand_in
        if self.path == "/token":
            return self.token(apis)
        match = re.fullmatch(r"/v1/projects/([^/]+)/messages:send", self.path)
        if match:
            return self.send_message(apis, match.group(1))
        self.reply(404, {"error": {"code": 404, "status": "NOT_FOUND"}})

    def token(self, apis):
        form = {k: v[0] for k, v in parse_qs(self.body().decode()).items()}
        why = None
        if self.headers.get("Content-Type") != "application/x-www-form-urlencoded":
            why = "content type"
        elif form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            why = "grant_type"
        else:
            verified = verify_rs256(apis.account_key.public_key, form.get("assertion", ""))
            if not verified:
                why = "Invalid JWT Signature."
            else:
                header, claims = verified
                now = time.time()
                if header.get("alg") != "RS256" or header.get("kid") != apis.key_id:
                    why = "header"
                elif claims.get("iss") != apis.client_email:
                    why = "iss"
                elif claims.get("aud") != apis.url("/token"):
                    why = "aud"
                elif claims.get("scope") != apis.scope:
                    why = "scope"
                elif not (claims["iat"] - 300 <= now <= claims["exp"] + 300 and
                          claims["exp"] - claims["iat"] <= 3600):
                    why = ("Invalid JWT: Token must be a short-lived token (60 minutes) and in "
                           "a reasonable timeframe.")
        with apis._lock:
            if why:
                apis.refused_grants.append(why)
            else:
                apis.grants += 1
                token = "ya29." + secrets.token_urlsafe(24)
                apis.tokens.add(token)
        if why:
            return self.reply(400, {"error": "invalid_grant", "error_description": why})
        self.reply(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    def send_message(self, apis, project):
        auth = self.headers.get("Authorization", "")
        raw = self.body()
        with apis._lock:
            known = auth.startswith("Bearer ") and auth[7:] in apis.tokens
        if not known:
            apis.refused.append((401, "bearer"))
            return self.reply(401, {"error": {"code": 401, "status": "UNAUTHENTICATED",
                                              "message": "Request had invalid authentication "
                                                         "credentials."}})
        try:
            message = json.loads(raw)["message"]
        except (ValueError, KeyError, TypeError):
            message = None
        problem = "project" if project != PROJECT else message_problem(message)
        if problem:
            with apis._lock:
                apis.refused.append((400, problem))
            return self.reply(400, fcm_error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", problem))
        with apis._lock:
            scripted = apis.outcomes.get(message["token"], [])
            outcome = scripted.pop(0) if scripted else "ok"
            if outcome == "ok":
                apis.messages.append(message)
        if outcome != "ok":
            status, body, headers = SCRIPTED[outcome]
            return self.reply(status, body, headers)
        self.reply(200, {"name": "projects/%s/messages/%s" % (project, secrets.token_hex(8))})


class Keys:
    """A temporary directory of keys minted for one test class."""

    def __init__(self):
        self._dir = tempfile.TemporaryDirectory(prefix="mindme-google-")
        self.dir = self._dir.name

    def mint(self, name):
        return SigningKey(self.dir, name)

    def cleanup(self):
        self._dir.cleanup()
