"""The transport: serialise, sign (draft-cavage, as Mastodon and Mobilizon expect), POST.

The outcome says whether trying again later may help: yes for timeouts, connection failures,
5xx and 429 (the remote side is down or busy), no for other 4xx (it understood and refused)
and for URLs our own policy refuses (private addresses, plain http in production).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mobilizon.federation.http import (
    ACTIVITY_JSON,
    FetchFailed,
    FetchRefused,
    GuardedClient,
)
from mobilizon.federation.signatures import RequestSigner
from mobilizon.hookspecs import Delivery


@dataclass
class ActivityPubTransport:
    """Delivers activities as signed ``application/activity+json`` POSTs."""

    client: GuardedClient
    name: str = "activitypub"
    schemes: tuple[str, ...] = ("https",)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> ActivityPubTransport:
        client = GuardedClient.from_settings(settings)
        schemes = ("https", "http") if client.allow_http else ("https",)
        return cls(client=client, schemes=schemes)

    def deliver(
        self,
        inbox_url: str,
        activity: Mapping[str, Any],
        *,
        key_id: str,
        private_key_pem: str,
    ) -> Delivery:
        """POST one activity to one inbox, signed with the sending actor's key."""
        body = json.dumps(activity, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        signer = RequestSigner(key_id, private_key_pem)
        try:
            result = self.client.post(inbox_url, body, {"Content-Type": ACTIVITY_JSON}, signer=signer)
        except FetchRefused as error:
            return Delivery(ok=False, error=f"refused: {error}", retry=False)
        except FetchFailed as error:
            return Delivery(ok=False, status=error.status, error=str(error), retry=True)
        status = result.status
        if 200 <= status < 300:
            return Delivery(ok=True, status=status)
        answer = result.content[:200].decode("utf-8", "replace")
        retry = status >= 500 or status == 429
        return Delivery(
            ok=False, status=status, error=f"{inbox_url} answered {status}: {answer}", retry=retry
        )
