"""The JSON shapes of the account API; they validate requests and describe them in OpenAPI."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Locale = Literal["en", "fr"]
Frequency = Literal["none", "direct", "one_hour", "one_day", "one_week"]


class Strict(BaseModel):
    """Unknown fields are refused: a typo in a field name must not be silently ignored."""

    model_config = ConfigDict(extra="forbid")


class SignUpIn(Strict):
    email: str = Field(max_length=320, description="the account's address; a confirmation link goes there")
    password: str = Field(max_length=1024, description="at least 8 characters, not a common password")
    locale: Locale | None = Field(None, description="language of the mails and pages (default: instance's)")


class EmailIn(Strict):
    email: str = Field(max_length=320)


class TokenIn(Strict):
    token: str = Field(max_length=200, description="the token from the link in the mail")


class PasswordResetConfirmIn(Strict):
    token: str = Field(max_length=200)
    password: str = Field(max_length=1024, description="the new password")


class MessageOut(BaseModel):
    message: str


class AuthTokenIn(Strict):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)
    name: str = Field("", max_length=100, description="a label to recognise the token later")


class AuthTokenOut(BaseModel):
    token: str = Field(description="send it as `Authorization: Bearer <token>`; it is shown only once")
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (the scheme's name, not a secret)
    id: int
    name: str
    expires_at: datetime | None


class ProfileOut(BaseModel):
    preferred_username: str
    name: str | None
    url: str
    handle: str


class Notifications(BaseModel):
    on_day: bool
    each_week: bool
    before_event: bool
    pending_participation: Frequency
    pending_membership: Frequency
    group_activity: Frequency


class SettingsOut(BaseModel):
    notifications: Notifications


class MeOut(BaseModel):
    email: str
    pending_email: str | None = Field(description="new address waiting for its confirmation link")
    locale: str | None
    timezone: str | None
    role: Literal["user", "moderator", "administrator"]
    confirmed: bool
    created_at: datetime
    settings: SettingsOut
    default_profile: str | None
    profiles: list[ProfileOut]


class NotificationsPatch(Strict):
    on_day: bool | None = None
    each_week: bool | None = None
    before_event: bool | None = None
    pending_participation: Frequency | None = None
    pending_membership: Frequency | None = None
    group_activity: Frequency | None = None


class SettingsPatch(Strict):
    notifications: NotificationsPatch | None = None


class MePatch(Strict):
    locale: Locale | None = None
    timezone: str | None = Field(None, max_length=64, description="an IANA time zone, such as Europe/Paris")
    settings: SettingsPatch | None = None
    email: str | None = Field(
        None, max_length=320, description="new address: it changes once the link mailed there is followed"
    )
    password: str | None = Field(None, max_length=1024, description="new password")
    current_password: str | None = Field(
        None, max_length=1024, description="required to change the email or the password"
    )


class MeDeleteIn(Strict):
    password: str = Field(max_length=1024, description="the account's password, to confirm")
