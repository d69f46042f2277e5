"""Open Badges 3.0 credentials for issued certificates, secured as VC-JWT signed with Ed25519.

Pure: no database and no Django. The input is the frozen CertificateSnapshot, so a credential built
today and one rebuilt next year from the same snapshot are identical.

Proof route: the "JSON Web Token Proof Format" of Open Badges 3.0 (#jwt-proof). For the
VC Data Model 2.0 flavour of OB 3.0 the JWT payload *is* the credential, with the registered
claims iss, jti, nbf, sub (and exp when validUntil is set) added beside its members; there is no
`vc` wrapper (that was the VCDM 1.1 layout, which verifiers are only told to tolerate).
"""

import base64
import contextlib
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from courses.lib.snapshot import AccreditationFacts, CertificateSnapshot, format_hours

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# The URL and type the OB 3.0 examples put in credentialSchema (the spec requires one entry that
# names the 1EdTech schema for the credential).
OB_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
OB_SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"

JWT_ALG = "EdDSA"
JWT_TYP = "JWT"
# Claims this module adds to the credential's members to form the JWT payload.
JWT_CLAIMS = ("exp", "iss", "jti", "nbf", "sub")
# Only for "not valid yet": tolerates clock drift between the issuing and the verifying host.
CLOCK_LEEWAY = timedelta(minutes=5)

# An identifier type of our own (OB 3.0 lets "ext:" names extend IdentifierTypeEnum).
PROVIDER_NUMBER_TYPE = "ext:ApprovedProviderNumber"

_IDENTITY_HASH = re.compile(r"(sha256\$[0-9a-fA-F]{64}|md5\$[0-9a-fA-F]{32})")
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


class CredentialError(Exception):
    """A token that does not verify: malformed, wrong algorithm, unknown key or bad signature."""


@dataclass(frozen=True)
class Issuer:
    id: str  # URL of the issuer profile, e.g. SITE_URL + "/issuer"
    name: str
    url: str
    email: str = ""


# --- building ---------------------------------------------------------------------------------


def issuer_profile(issuer: Issuer) -> dict[str, Any]:
    """The OB 3.0 Profile for the issuer: also what the issuer id URL should serve."""
    profile: dict[str, Any] = {"id": issuer.id, "type": ["Profile"], "name": issuer.name}
    if issuer.url:
        profile["url"] = issuer.url
    if issuer.email:
        profile["email"] = issuer.email
    return profile


def recipient_identity_hash(email: str, salt: str) -> str:
    """OB IdentityHash of an e-mail address: "sha256$" + hex(SHA-256(email + salt)).

    The address is trimmed and lower-cased first: a verifier who knows the holder's address hashes
    whatever spelling they were given, and mail addresses are compared case-insensitively in
    practice.
    """
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def build_credential(
    snapshot: CertificateSnapshot,
    *,
    issuer: Issuer,
    credential_id: str,
    achievement_id: str,
    valid_from: datetime,
) -> dict[str, Any]:
    """An OpenBadgeCredential (VCDM 2.0 style) for a certificate, unsigned."""
    if not _IDENTITY_HASH.fullmatch(snapshot.recipient_hash):
        # Refuse rather than publish whatever is there: a plain address would leak the holder's
        # e-mail into a credential that is meant to be shared.
        raise ValueError("snapshot.recipient_hash must be an OB IdentityHash like 'sha256$<hex>'")
    hours = float(snapshot.ce_hours)
    profile = issuer_profile(issuer)

    criteria: dict[str, Any] = {
        "narrative": (
            f"Complete the {snapshot.delivery_type.lower()} course “{snapshot.course_title}” "
            f"({format_hours(snapshot.ce_hours)}) on {snapshot.platform_name}."
        )
    }
    if snapshot.course_url:
        criteria = {"id": snapshot.course_url, **criteria}
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "CertificateOfCompletion",
        "name": snapshot.course_title,
        # The schema requires a description; a course saved without a summary still gets one.
        "description": snapshot.course_summary or snapshot.course_title,
        "criteria": criteria,
        "creditsAvailable": hours,
        "creator": dict(profile),
    }

    identity: dict[str, Any] = {
        "type": "IdentityObject",
        "identityHash": snapshot.recipient_hash,
        "identityType": "emailAddress",
        "hashed": True,
    }
    if snapshot.recipient_salt:
        identity["salt"] = snapshot.recipient_salt

    description = (
        f"Certificate of completion for “{snapshot.course_title}”: "
        f"{format_hours(snapshot.ce_hours)}, {snapshot.delivery_type.lower()}, "
        f"completed {snapshot.completed_on.isoformat()}."
    )
    accreditation = snapshot.accreditation
    if accreditation is not None:
        _add_accreditation(achievement, accreditation)
        description = f"{description} {_approval_statement(accreditation, snapshot.course_title)}"

    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": profile,
        "validFrom": _format_datetime(valid_from),
        "name": f"{snapshot.course_title} — Certificate of Completion",
        "description": description,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [identity],
            "creditsEarned": hours,
            "achievement": achievement,
        },
        "credentialSchema": [{"id": OB_SCHEMA_URL, "type": OB_SCHEMA_TYPE}],
    }


def _add_accreditation(achievement: dict[str, Any], accreditation: AccreditationFacts) -> None:
    # Alignment would be the natural home, but it requires a targetUrl and the snapshot has no
    # URL for the board or the approval; only terms the OB 3.0 context defines are used, so the
    # credential still expands as JSON-LD.
    body = accreditation.body_abbreviation or accreditation.body_name
    achievement["tag"] = ["Continuing education", body]
    if accreditation.provider_number:
        achievement["otherIdentifier"] = [
            {
                "type": "IdentifierEntry",
                "identifier": accreditation.provider_number,
                "identifierType": PROVIDER_NUMBER_TYPE,
            }
        ]


def _approval_statement(accreditation: AccreditationFacts, course_title: str) -> str:
    body = accreditation.body_name
    if accreditation.body_abbreviation:
        body = f"{body} ({accreditation.body_abbreviation})"
    text = f"Approved by {body} for {format_hours(accreditation.approved_hours)}"
    if accreditation.approved_title and accreditation.approved_title != course_title:
        text += f" as “{accreditation.approved_title}”"
    text += f". Approved provider: {accreditation.provider_name}"
    if accreditation.provider_number:
        text += f", provider number {accreditation.provider_number}"
    if accreditation.provider_contact:
        text += f"; contact: {accreditation.provider_contact}"
    return text + "."


def _format_datetime(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("valid_from must be timezone-aware")
    # Whole seconds: the JWT nbf claim is whole seconds and must equal validFrom.
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- canonical JSON ---------------------------------------------------------------------------


def _canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def credential_digest(credential: dict[str, Any]) -> str:
    """SHA-256 hex of the canonical JSON (sorted keys, compact): stable across dict orderings."""
    return hashlib.sha256(_canonical_json(credential)).hexdigest()


# --- VC-JWT -----------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as exc:  # binascii.Error is a ValueError
        raise CredentialError("malformed token: bad base64url") from exc


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # RFC 7515 section 5.2: a parser must reject duplicate member names or use the last one;
    # rejecting stops a payload from showing one value to us and another to a different parser.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise CredentialError(f"malformed token: duplicate member {key!r}")
        result[key] = value
    return result


def _json_object(segment: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(_b64url_decode(segment), object_pairs_hook=_reject_duplicates)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CredentialError(f"malformed token: the {what} is not JSON") from exc
    if not isinstance(value, dict):
        raise CredentialError(f"malformed token: the {what} is not a JSON object")
    return value


def _epoch(text: Any) -> int:
    if not isinstance(text, str):
        raise ValueError("not a date-time string")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("date-time without a time zone")
    return int(moment.timestamp())


def _subject(credential: dict[str, Any]) -> str:
    """What `sub` holds: credentialSubject.id, or the holder's IdentityHash when there is no id.

    OB 3.0 makes sub required but defines it as credentialSubject.id, which is optional when an
    identifier is given (as here: holders have no DID). The IdentityHash is the subject's stated
    identity; RFC 7519 allows any string without a colon as StringOrURI, and it adds no PII.
    """
    subject = credential["credentialSubject"]
    if isinstance(subject, dict):
        if isinstance(subject.get("id"), str):
            return str(subject["id"])
        for identity in subject.get("identifier") or ():
            if isinstance(identity, dict) and isinstance(identity.get("identityHash"), str):
                return str(identity["identityHash"])
    raise ValueError("credentialSubject has neither an id nor an identityHash")


def _issuer_id(credential: dict[str, Any]) -> str:
    issuer = credential["issuer"]
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str):
        raise ValueError("issuer has no id")
    return issuer_id


def jwt_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The JWT payload: the credential's members plus iss, jti, nbf, sub (and exp)."""
    clashes = [name for name in JWT_CLAIMS if name in credential]
    if clashes:
        raise ValueError(f"credential members clash with JWT claims: {clashes}")
    try:
        claims: dict[str, Any] = {
            **credential,
            "iss": _issuer_id(credential),
            "jti": credential["id"],
            "nbf": _epoch(credential["validFrom"]),
            "sub": _subject(credential),
        }
        if "validUntil" in credential:
            claims["exp"] = _epoch(credential["validUntil"])
    except KeyError as exc:
        raise ValueError(f"credential lacks {exc.args[0]!r}") from exc
    return claims


def sign_credential(credential: dict[str, Any], *, private_key: Ed25519PrivateKey, kid: str) -> str:
    """Compact JWS (VC-JWT) of the credential; Ed25519 makes it deterministic for a given key."""
    header = {"alg": JWT_ALG, "kid": kid, "typ": JWT_TYP}
    signing_input = (
        f"{_b64url(_canonical_json(header))}.{_b64url(_canonical_json(jwt_claims(credential)))}"
    )
    signature = private_key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{_b64url(signature)}"


def verify_credential(
    token: str,
    *,
    public_keys: dict[str, Ed25519PublicKey],
    now: datetime | None = None,
) -> dict[str, Any]:
    """The credential inside a VC-JWT made by sign_credential, or CredentialError.

    Follows OB 3.0 "Verify a Credential" (#jwt-verify): header, key, signature, then that the
    iss/jti/nbf/sub (and exp) claims match the credential and that it is valid at `now`.
    """
    if not isinstance(token, str) or not _COMPACT_JWS.fullmatch(token.strip()):
        raise CredentialError("malformed token: not a compact JWS")
    header_segment, payload_segment, signature_segment = token.strip().split(".")

    header = _json_object(header_segment, "header")
    if header.get("alg") != JWT_ALG:
        raise CredentialError(f"unsupported alg {header.get('alg')!r}: only {JWT_ALG} is accepted")
    if "crit" in header:
        raise CredentialError("unsupported critical header parameters")
    if header.get("typ", JWT_TYP) != JWT_TYP:
        raise CredentialError(f"unexpected typ {header.get('typ')!r}")
    kid = header.get("kid")
    if not isinstance(kid, str) or kid not in public_keys:
        raise CredentialError(f"unknown kid {kid!r}")

    signature = _b64url_decode(signature_segment)
    try:
        public_keys[kid].verify(signature, f"{header_segment}.{payload_segment}".encode("ascii"))
    except (InvalidSignature, ValueError) as exc:
        raise CredentialError("bad signature") from exc

    claims = _json_object(payload_segment, "payload")
    credential = {name: value for name, value in claims.items() if name not in JWT_CLAIMS}
    _check_claims(claims, credential, now or datetime.now(UTC))
    return credential


def _check_claims(claims: dict[str, Any], credential: dict[str, Any], now: datetime) -> None:
    try:
        expected = jwt_claims(credential)
    except (ValueError, TypeError) as exc:
        raise CredentialError(f"the payload is not a usable credential: {exc}") from exc
    for name in JWT_CLAIMS:
        if claims.get(name) != expected.get(name):
            raise CredentialError(f"claim {name!r} does not match the credential")
    if datetime.fromtimestamp(expected["nbf"], UTC) > now + CLOCK_LEEWAY:
        raise CredentialError("the credential is not valid yet")
    if "exp" in expected and datetime.fromtimestamp(expected["exp"], UTC) <= now:
        raise CredentialError("the credential has expired")


# --- keys -------------------------------------------------------------------------------------


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key."""
    # RFC 7638 section 3.2: only the required members, sorted, no whitespace.
    members = {"crv": "Ed25519", "kty": "OKP", "x": _b64url(_raw_public(public_key))}
    return _b64url(hashlib.sha256(_canonical_json(members)).digest())


def public_jwk(public_key: Ed25519PublicKey, kid: str) -> dict[str, str]:
    """One public key as a JWK (RFC 8037 OKP); never carries the private "d"."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64url(_raw_public(public_key)),
        "kid": kid,
        "use": "sig",
        "alg": JWT_ALG,
    }


def jwks(public_keys: dict[str, Ed25519PublicKey]) -> dict[str, list[dict[str, str]]]:
    """A JWK Set of the given keys, in the order given (put the current key first)."""
    return {"keys": [public_jwk(key, kid) for kid, key in public_keys.items()]}


def load_private_key(pem: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the PEM does not hold an Ed25519 private key")
    return key


def load_public_keys(pem_bundle: str) -> list[Ed25519PublicKey]:
    """Every Ed25519 public key in a bundle of PEM blocks (retired signing keys, kept published
    so credentials they signed still verify)."""
    keys = []
    for block in re.findall(
        r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", pem_bundle, flags=re.DOTALL
    ):
        key = serialization.load_pem_public_key(block.encode("ascii"))
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("a PEM block in the bundle is not an Ed25519 public key")
        keys.append(key)
    return keys


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def generate_private_key_pem() -> str:
    """A new Ed25519 private key as unencrypted PKCS#8 PEM."""
    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode("ascii")
    )


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The key in `path`, created (mode 0600) on first use.

    Concurrent first calls agree on one key: the new file is written in full under a temporary
    name and then hard-linked into place, which fails if another process got there first, and
    then that process's key is used. (os.replace would silently overwrite the winner's key after
    it may already have signed with it.)
    """
    with contextlib.suppress(FileNotFoundError):
        return load_private_key(path.read_text(encoding="ascii"))

    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file 0600 whatever the umask, so the key is never readable by others.
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(generate_private_key_pem())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:
            # No hard links on this filesystem: fall back to an atomic replace; only a lost race
            # in this narrow window goes undetected.
            if not path.exists():
                os.replace(tmp, path)
        _fsync_directory(path.parent)
    finally:
        tmp.unlink(missing_ok=True)
    return load_private_key(path.read_text(encoding="ascii"))


def _fsync_directory(directory: Path) -> None:
    # Makes the new name durable: a key lost in a crash would orphan every credential signed
    # with it.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
