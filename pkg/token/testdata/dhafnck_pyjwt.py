"""The DhafnckMCP server's JWTService, reduced to what decides a token.

Reads {"secret", "checks": [{"token", "type"}]} on stdin and writes
{"verdicts": [...], "issued": {"access", "refresh"}, "order": {...}}:
each verdict is "ok" or the exception PyJWT or the type check raised, under
the server's strict path (issuer given, and for access tokens the audience
the MCP token check passes); "issued" are tokens made as the server's
create_access_token and create_refresh_token make them.
"""
import json
import secrets
import sys
from datetime import datetime, timedelta, timezone

import jwt

ISSUER = "dhafnck-mcp"
AUDIENCE = "mcp-server"


def verify(secret, token, expected_type):
    kwargs = {"algorithms": ["HS256"], "issuer": ISSUER}
    if expected_type == "access":
        kwargs["audience"] = AUDIENCE
    else:
        kwargs["options"] = {"verify_aud": False}
    try:
        payload = jwt.decode(token, secret, **kwargs)
    except jwt.exceptions.InvalidTokenError as e:
        return type(e).__name__, None
    if payload.get("type") != expected_type:
        return "TypeMismatch", None
    return "ok", list(payload.keys())


def issue(secret):
    now = datetime.now(timezone.utc)
    access = jwt.encode({
        "sub": "app-user", "email": "app@example.com", "roles": ["user"], "type": "access",
        "aud": AUDIENCE, "iat": now, "exp": now + timedelta(minutes=15), "iss": ISSUER,
        "jti": secrets.token_hex(16),
    }, secret, algorithm="HS256")
    refresh = jwt.encode({
        "sub": "app-user", "type": "refresh", "family": secrets.token_hex(16), "version": 0,
        "iat": now, "exp": now + timedelta(days=30), "iss": ISSUER, "jti": secrets.token_hex(16),
    }, secret, algorithm="HS256")
    return {"access": access, "refresh": refresh}


def main():
    req = json.load(sys.stdin)
    verdicts, order = [], {}
    for c in req["checks"]:
        verdict, keys = verify(req["secret"], c["token"], c["type"])
        verdicts.append(verdict)
        if keys is not None:
            order.setdefault(c["type"], keys)
    json.dump({"verdicts": verdicts, "issued": issue(req["secret"]), "order": order}, sys.stdout)


main()
