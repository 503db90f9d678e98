#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/ (committed; rerun only to regenerate them).
request_parser: a split-seed byte + each conformance request under 2 KiB; chunked_decoder: the chunked bodies
of those requests plus edge cases; connection_body: CreateEndUserConnection bodies, one per credential type."""
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as file:
        file.write(data)


def request_bytes(spec):
    out = bytearray()
    for item in spec if isinstance(spec, list) else [spec]:
        if isinstance(item, str):
            out += item.encode("latin-1")
        elif "repeat" in item:
            out += item["repeat"].encode("latin-1") * item["times"]
    return bytes(out)


with open(os.path.join(HERE, "..", "checks", "conformance", "cases.json"), encoding="utf-8") as file:
    cases = json.load(file)["cases"]
for index, case in enumerate(cases):
    raw = request_bytes(case["request"])
    if 0 < len(raw) <= 2048:
        write("request_parser", bytes([index % 256]) + raw)
        head, sep, body = raw.partition(b"\r\n\r\n")
        if sep and b"chunked" in head.lower():
            write("chunked_decoder", body)
for body in [b"0\r\n\r\n", b"1\r\na\r\n0\r\n\r\n", b"ff;x=y\r\n" + b"z" * 255 + b"\r\n0\r\nT: v\r\n\r\n",
             b"7fffffffffffffff\r\n", b"0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n"]:
    write("chunked_decoder", body)

SCHEMES = {
    "none": ({"schemeType": "none"}, "none", {}),
    "api-key": ({"schemeType": "api-key", "name": "X-Key", "in": "header"}, "string", {"value": "k"}),
    "basic-auth": ({"schemeType": "basic-auth"}, "basic-auth", {"username": "u", "password": "p"}),
    "hmac": ({"schemeType": "hmac", "name": "X-Sig", "in": "header", "algorithm": "sha256",
              "digestInputs": ["body", "url"]}, "binary", {"valueBase64": "aGVsbG8="}),
    "certificate": ({"schemeType": "certificate"}, "certificate",
                    {"certificate": "-----BEGIN CERTIFICATE-----\nTUlJ\n-----END CERTIFICATE-----\n",
                     "key": "-----BEGIN PRIVATE KEY-----\nTUlJ\n-----END PRIVATE KEY-----\n",
                     "ca": "-----BEGIN CERTIFICATE-----\nTUlJ\n-----END CERTIFICATE-----\n"}),
    "jwt-bearer": ({"schemeType": "jwt-bearer"}, "jwt-bearer",
                   {"algorithm": "HS256", "secret": "c2VjcmV0", "payload": "{\"iss\":\"x\"}", "expiresIn": "1h30m",
                    "authorizationHeaderPrefix": "Bearer"}),
    "custom-function": ({"schemeType": "custom-function"}, "custom-function",
                        {"functionUrl": "https://fn.example.com/a", "data": "d"}),
}
OAUTH = {"schemeType": "oauth2", "authorizeUrl": "https://a.example.com/authorize",
         "tokenUrl": "https://a.example.com/token", "scopes": [{"name": "read"}], "defaultScopes": ["read"]}
for grant, ctype, data in [
    ("client_credentials", "oauth2-client", {"clientId": "c", "clientSecret": "s", "tokenUrl": "https://a.example.com/t",
                                             "authorizeUrl": "", "scopes": ["read"], "mTLSEnabled": False}),
    ("password", "oauth2-password", {"username": "u", "password": "p"}),
    ("authorization_code", "oauth2-token", {"refreshToken": "r", "accessToken": "a", "scopes": ["read"],
                                            "tokenType": "Bearer", "expiresAt": "2026-11-29T03:35:06.123456Z"}),
    ("authorization_code", "oauth2-code", {"code": "c", "state": "s"}),
]:
    SCHEMES["oauth2-" + ctype] = (dict(OAUTH, grant={"grantType": grant}), ctype, data)

for key, (scheme, ctype, data) in SCHEMES.items():
    entry = {"authSchemeConfig": dict(scheme, id="s1", description="d"),
             "credential": {"name": "cred", "type": ctype, "data": data}}
    body = {"connectorId": "01JDQ8Z7M4V3X2W1T0S9R8Q7P6",
            "connection": {"name": "primary", "variables": [{"name": "region", "value": "eu"}],
                           "credentials": {"action": [entry], "trigger": [
                               {"authSchemeConfig": entry["authSchemeConfig"],
                                "credential": {"id": "01JDQ8Z7M4V3X2W1T0S9R8Q7P7"}}]}}}
    write("connection_body", json.dumps(body).encode())
for extra in [b'{"name":"hub","primaryConnectorId":"01JDQ8Z7M4V3X2W1T0S9R8Q7P6"}', b'[1e308,-0.0,"\\ud83d\\ude00",null]',
              b'{"externalId":"u1","displayName":"U","primaryConnection":{"name":"c","credentials":{"action":[],"trigger":[]}}}']:
    write("connection_body", extra)
