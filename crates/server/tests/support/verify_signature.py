"""Checks a delivery's Standard Webhooks signature with the specification's reference library.

Reads {"secret": "whsec_...", "headers": {...}, "body": "..."} on stdin; exits 0 when the
signature verifies, 1 when it does not, 2 when the library is missing
(install it with: pip install standardwebhooks).
"""
import json
import sys

try:
    from standardwebhooks.webhooks import Webhook
except ImportError:
    print("the Python package standardwebhooks is missing: pip install standardwebhooks", file=sys.stderr)
    sys.exit(2)

data = json.load(sys.stdin)
try:
    Webhook(data["secret"]).verify(data["body"], data["headers"])
except Exception as e:  # the library raises WebhookVerificationError and friends
    print(f"verification failed: {e!r}", file=sys.stderr)
    sys.exit(1)
