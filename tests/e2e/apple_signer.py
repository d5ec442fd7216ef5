"""The App Store's side of a purchase, for the end-to-end tests: a certificate authority
shaped like Apple's (a P-256 root, an intermediate with the WWDR OID
1.2.840.113635.100.6.2.1, a signing certificate with the receipt OID
1.2.840.113635.100.6.11.1), minted here with python3-cryptography, and transactions signed
as StoreKit 2 signs them: a compact JWS, alg ES256, x5c [leaf, intermediate, root]."""
import base64
import datetime
import json
import os
import tempfile
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

WWDR_OID = x509.ObjectIdentifier("1.2.840.113635.100.6.2.1")
RECEIPT_OID = x509.ObjectIdentifier("1.2.840.113635.100.6.11.1")
ASN1_NULL = b"\x05\x00"


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _certificate(subject, key, issuer, issuer_key, ca, oid=None):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(hours=1))
               .not_valid_after(now + datetime.timedelta(days=2))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=not ca, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False,
                                            key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   issuer_key.public_key()), critical=False))
    if oid:
        builder = builder.add_extension(x509.UnrecognizedExtension(oid, ASN1_NULL), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


class AppleSigner:
    """Signs App Store data; `root_path` is the root certificate (DER) to configure."""

    def __init__(self, name="Test Apple Root"):
        self.root_key = ec.generate_private_key(ec.SECP256R1())
        self.root = _certificate(name, self.root_key, name, self.root_key, True)
        wwdr_key = ec.generate_private_key(ec.SECP256R1())
        self.wwdr = _certificate("Test WWDR", wwdr_key, name, self.root_key, True, WWDR_OID)
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.leaf = _certificate("Test App Store Signer", self.key, "Test WWDR", wwdr_key, False,
                                 RECEIPT_OID)
        handle, self.root_path = tempfile.mkstemp(suffix=".cer")
        with os.fdopen(handle, "wb") as f:
            f.write(self.root.public_bytes(serialization.Encoding.DER))

    def close(self):
        os.unlink(self.root_path)

    def sign(self, payload, header=None):
        chain = [c.public_bytes(serialization.Encoding.DER) for c in (self.leaf, self.wwdr, self.root)]
        head = {"alg": "ES256", "x5c": [base64.b64encode(c).decode() for c in chain]}
        head.update(header or {})
        signing_input = _b64url(json.dumps(head).encode()) + "." + _b64url(json.dumps(payload).encode())
        r, s = decode_dss_signature(self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        return signing_input + "." + _b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def transaction(product_id, transaction_id, app_account_token=None, expires_in=None, **fields):
    """A StoreKit 2 transaction payload (JWSTransactionDecodedPayload), signed now."""
    now = int(time.time() * 1000)
    payload = {"transactionId": transaction_id, "originalTransactionId": transaction_id,
               "bundleId": "app.mindme.ios", "productId": product_id, "purchaseDate": now,
               "originalPurchaseDate": now, "quantity": 1, "type": "Non-Consumable",
               "inAppOwnershipType": "PURCHASED", "signedDate": now, "environment": "Sandbox",
               "transactionReason": "PURCHASE", "storefront": "USA"}
    if expires_in is not None:
        payload["type"] = "Auto-Renewable Subscription"
        payload["expiresDate"] = now + int(expires_in * 1000)
    if app_account_token:
        payload["appAccountToken"] = app_account_token
    payload.update(fields)
    return payload


def notification(notification_type, signed_transaction, uuid, **data):
    """An App Store Server Notification V2 payload about a signed transaction."""
    fields = {"bundleId": "app.mindme.ios", "environment": "Sandbox",
              "signedTransactionInfo": signed_transaction}
    fields.update(data)
    return {"notificationType": notification_type, "notificationUUID": uuid, "data": fields,
            "version": "2.0", "signedDate": int(time.time() * 1000)}
