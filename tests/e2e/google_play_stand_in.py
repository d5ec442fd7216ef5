"""A local stand-in for Google Play's Android Publisher API (v3) — no Google server can run
here — on the OAuth stand-in of google_stand_ins.py (the service account's JWT-bearer grant,
scope androidpublisher): purchases.products.get / :acknowledge / :consume,
purchases.subscriptionsv2.get and purchases.subscriptions:acknowledge, in the API's JSON
shapes, for purchases the test scripts; it counts acknowledgements and consumptions and can
fail the next ones with a 500."""
import re
import threading
import time
from datetime import datetime, timezone

from google_stand_ins import GoogleApis, _GoogleHandler

SCOPE = "https://www.googleapis.com/auth/androidpublisher"
PACKAGE = "app.mindme.android"
PREFIX = "/androidpublisher/v3/applications/"


def rfc3339(seconds_from_now):
    moment = datetime.fromtimestamp(time.time() + seconds_from_now, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


class GooglePlayStandIn(GoogleApis):
    def __init__(self, account_key):
        self.products = {}       # (product id, token) -> ProductPurchase
        self.subscriptions = {}  # token -> SubscriptionPurchaseV2
        self.acknowledged = []   # (kind, token) of each acknowledgement or consumption
        self.fail_next = 0       # acknowledgements to answer with 500 first
        self.play_lock = threading.Lock()
        super().__init__(account_key, client_email="play@mindme-test.iam.gserviceaccount.com",
                         scope=SCOPE, handler_class=_PlayHandler)

    def product(self, product_id, token, account_token, state=0, acknowledged=0):
        with self.play_lock:
            self.products[(product_id, token)] = {
                "kind": "androidpublisher#productPurchase", "purchaseTimeMillis":
                str(int(time.time() * 1000)), "purchaseState": state, "consumptionState": 0,
                "acknowledgementState": acknowledged, "orderId": "GPA.0000-" + token[:8],
                "purchaseType": 0, "regionCode": "US",
                "obfuscatedExternalAccountId": account_token}

    def subscription(self, product_id, token, account_token, state="SUBSCRIPTION_STATE_ACTIVE",
                     expires_in=30 * 86400):
        with self.play_lock:
            self.subscriptions[token] = {
                "kind": "androidpublisher#subscriptionPurchaseV2", "regionCode": "US",
                "startTime": rfc3339(0), "subscriptionState": state,
                "latestOrderId": "GPA.1111-" + token[:8],
                "acknowledgementState": "ACKNOWLEDGEMENT_STATE_PENDING",
                "externalAccountIdentifiers": {"obfuscatedExternalAccountId": account_token},
                "lineItems": [{"productId": product_id, "expiryTime": rfc3339(expires_in),
                               "autoRenewingPlan": {"autoRenewEnabled": True}}]}

    def acknowledgements(self, token):
        with self.play_lock:
            return [kind for kind, t in self.acknowledged if t == token]


class _PlayHandler(_GoogleHandler):
    def authorised(self, play):
        auth = self.headers.get("Authorization", "")
        with play._lock:
            return auth.startswith("Bearer ") and auth[7:] in play.tokens

    def not_found(self):
        self.reply(404, {"error": {"code": 404, "status": "NOT_FOUND",
                                   "message": "The purchase token was not found."}})

    def route(self, play):
        """(kind, key) of an Android Publisher path for this package, or None."""
        if not self.path.startswith(PREFIX + PACKAGE + "/"):
            return None
        rest = self.path[len(PREFIX + PACKAGE):]
        for kind, pattern in [("product", r"/purchases/products/([^/]+)/tokens/([^/:]+)"),
                              ("product_ack", r"/purchases/products/([^/]+)/tokens/([^/:]+):acknowledge"),
                              ("product_consume", r"/purchases/products/([^/]+)/tokens/([^/:]+):consume"),
                              ("subscription", r"/purchases/subscriptionsv2/tokens/([^/:]+)"),
                              ("subscription_ack",
                               r"/purchases/subscriptions/([^/]+)/tokens/([^/:]+):acknowledge")]:
            match = re.fullmatch(pattern, rest)
            if match:
                return kind, match.groups()
        return None

    def do_GET(self):
        play = self.server.stand_in
        found = self.route(play)
        if not found or not self.authorised(play):
            return self.reply(401 if found else 404, {"error": {"code": 401}})
        kind, key = found
        with play.play_lock:
            if kind == "product":
                purchase = play.products.get(key)
            elif kind == "subscription":
                purchase = play.subscriptions.get(key[0])
            else:
                purchase = None
            purchase = dict(purchase) if purchase else None
        if purchase is None:
            return self.not_found()
        self.reply(200, purchase)

    def do_POST(self):
        play = self.server.stand_in
        found = self.route(play)
        if not found:
            return super().do_POST()  # the OAuth token endpoint
        if not self.authorised(play):
            return self.reply(401, {"error": {"code": 401}})
        self.body()
        kind, key = found
        with play.play_lock:
            if play.fail_next > 0:
                play.fail_next -= 1
                failing = True
            else:
                failing = False
                if kind in ("product_ack", "product_consume"):
                    purchase = play.products.get(key)
                else:
                    purchase = play.subscriptions.get(key[1])
                if purchase is not None:
                    if kind == "subscription_ack":
                        purchase["acknowledgementState"] = "ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED"
                    else:
                        purchase["acknowledgementState"] = 1
                    if kind == "product_consume":
                        purchase["consumptionState"] = 1
                    play.acknowledged.append((kind, key[1]))
        if failing:
            return self.reply(500, {"error": {"code": 500, "status": "INTERNAL",
                                              "message": "Internal error."}})
        if purchase is None:
            return self.not_found()
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()
