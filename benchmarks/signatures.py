"""How many signatures this machine can check per second: raw RSA-2048 and whole requests.

Run: ``.venv/bin/python benchmarks/signatures.py [seconds]``. The first number bounds what any
inbox can accept per core; the second is what our verifier does per signed POST (parse the
Signature header, check the policy and the Date, recompute the SHA-256 Digest of a 2 KB body,
build the signing string and verify RSA-2048 against a cached key).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from mobilizon.federation.signatures import SignedRequest, Verifier, sign_request

ACTOR = "https://remote.example/users/alice"
KEY_ID = f"{ACTOR}#main-key"


def rate(label: str, action: Callable[[], object], seconds: float) -> float:
    """Run ``action`` for about ``seconds`` and print how many times per second it ran."""
    action()  # warm caches (key loading) outside the measurement
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(50):
            action()
        count += 50
    per_second = count / elapsed
    print(f"{label:<55} {per_second:>10,.0f} /s  ({1e6 / per_second:,.0f} µs each)")
    return per_second


def main(seconds: float = 2.0) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    public_key = key.public_key()
    message = b"(request-target): post /inbox\nhost: local.example\ndate: x\ndigest: SHA-256=y"
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())

    def raw_verify() -> None:
        public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())

    activity = {"type": "Create", "actor": ACTOR, "object": {"content": "x" * 2000}}
    body = json.dumps(activity).encode()
    headers = {"Content-Type": "application/activity+json"}
    headers.update(
        sign_request(
            "POST",
            "https://local.example/inbox",
            headers,
            body,
            key_id=KEY_ID,
            private_key_pem=private_pem,
        )
    )
    request = SignedRequest.build("POST", "/inbox", headers, body)
    verifier = Verifier(lambda key_id, refresh: (ACTOR, public_pem))

    def full_verify() -> None:
        verifier.verify(request, expected_host="local.example")

    print(f"Python {sys.version.split()[0]}, {seconds:g} s per measurement")
    raw = rate("raw RSA-2048 PKCS#1 v1.5 SHA-256 verifications", raw_verify, seconds)
    full = rate("signed POSTs verified (parse + digest + RSA verify)", full_verify, seconds)
    print(f"overhead of the verifier around the RSA check: {100 * (raw / full - 1):.0f} %")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 2.0)
