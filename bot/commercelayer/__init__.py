"""Commerce Layer client: tokens, JSON:API requests, errors and models. Knows nothing of Slack."""

from bot.commercelayer.auth import AccessToken, Credentials
from bot.commercelayer.client import ClientConfig, CommerceLayer, api_path
from bot.commercelayer.errors import (
    AuthenticationFailed,
    CommerceLayerError,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unavailable,
    ValidationFailed,
)
from bot.commercelayer.retry import RetryPolicy

__all__ = [
    "AccessToken",
    "AuthenticationFailed",
    "ClientConfig",
    "CommerceLayer",
    "CommerceLayerError",
    "Credentials",
    "NotFound",
    "PermissionDenied",
    "RateLimited",
    "RetryPolicy",
    "Unavailable",
    "ValidationFailed",
    "api_path",
]
