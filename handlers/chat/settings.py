"""Settings read from the environment or a `.env` file, named as in CONTRACT.md.

Secrets are `SecretStr` so that printing or logging the settings object never reveals them.
"""

from __future__ import annotations

from functools import cached_property

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.text.durations import parse_offsets
from handlers.text.zones import resolve_zone

DEFAULT_DATABASE_URL = "sqlite:///./callwatch.db"
DEFAULT_OFFSETS = "0h,24h,48h,72h"


def _alias(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(DEFAULT_DATABASE_URL, validation_alias=_alias("CALLWATCH_DATABASE_URL"))
    slack_bot_token: SecretStr | None = Field(None, validation_alias=_alias("SLACK_BOT_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(None, validation_alias=_alias("SLACK_SIGNING_SECRET"))
    slack_app_token: SecretStr | None = Field(None, validation_alias=_alias("SLACK_APP_TOKEN"))
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=_alias("SLACK_API_URL"))
    telegram_bot_token: SecretStr | None = Field(None, validation_alias=_alias("TELEGRAM_BOT_TOKEN"))
    telegram_api_url: str = Field("https://api.telegram.org/bot", validation_alias=_alias("TELEGRAM_API_URL"))
    telegram_webhook_secret: SecretStr | None = Field(None, validation_alias=_alias("TELEGRAM_WEBHOOK_SECRET"))
    telegram_webhook_url: str | None = Field(None, validation_alias=_alias("TELEGRAM_WEBHOOK_URL"))
    admins: str = Field("", validation_alias=_alias("CALLWATCH_ADMINS"))
    reminder_offsets: str = Field(DEFAULT_OFFSETS, validation_alias=_alias("CALLWATCH_REMINDER_OFFSETS"))
    tz: str = Field("UTC", validation_alias=_alias("CALLWATCH_TZ"))

    @field_validator("reminder_offsets")
    @classmethod
    def _offsets_parse(cls, value: str) -> str:
        parse_offsets(value)  # raises ValueError with a specific message
        return value

    @field_validator("tz")
    @classmethod
    def _zone_exists(cls, value: str) -> str:
        resolve_zone(value)
        return value

    @field_validator("admins")
    @classmethod
    def _admins_well_formed(cls, value: str) -> str:
        for entry in filter(None, (part.strip() for part in value.split(","))):
            platform, _, user = entry.partition(":")
            if not platform or not user:  # which platforms exist is the registry's business (bot/platforms.py)
                raise ValueError(
                    f"CALLWATCH_ADMINS entry {entry!r} must look like slack:U123, telegram:456 or console:NAME"
                )
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.telegram_webhook_url and self.telegram_webhook_secret is None:
            raise ValueError("TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not: the webhook needs both")
        return self

    @cached_property
    def admin_ids(self) -> frozenset[str]:
        """Admins as `platform:user` keys, the same form the router builds for every caller."""
        return frozenset(part.strip() for part in self.admins.split(",") if part.strip())

    @cached_property
    def offsets_seconds(self) -> tuple[int, ...]:
        return parse_offsets(self.reminder_offsets)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def secret(value: SecretStr | None) -> str | None:
    """Unwrap a secret at the one place it is handed to a client library."""
    return value.get_secret_value() if value is not None else None
