"""Open Badges 3.0 credentials: checked against the 1EdTech schema and examples kept in
../shared/conformance/ob3 (read in place), and the VC-JWT signing round trip."""

import base64
import json
import stat
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jsonschema import Draft201909Validator  # type: ignore[import-untyped]
from referencing import Registry, Resource

from courses.lib import credentials
from courses.lib.credentials import (
    CredentialError,
    Issuer,
    build_credential,
    credential_digest,
    generate_private_key_pem,
    jwks,
    key_id,
    load_or_create_key,
    load_private_key,
    recipient_identity_hash,
    sign_credential,
    verify_credential,
)
from courses.lib.snapshot import AccreditationFacts, CertificateSnapshot

ISSUER = Issuer(
    id="https://academy.example/issuer",
    name="Bodywork Academy",
    url="https://academy.example",
    email="certificates@academy.example",
)
VALID_FROM = datetime(2025, 3, 2, 9, 30, 15, 250_000, tzinfo=UTC)
ACCREDITATION = AccreditationFacts(
    body_name="National Certification Board for Therapeutic Massage & Bodywork",
    body_abbreviation="NCBTMB",
    provider_name="Bodywork Academy Ltd",
    provider_number="451234-11",
    provider_contact="certificates@academy.example",
    approved_title="Myofascial Release for the Lower Back",
    approved_hours=Decimal("3"),
)


def snapshot(*, accredited: bool) -> CertificateSnapshot:
    return CertificateSnapshot(
        code="7KQF-3M2X-9TBD-HW4P-2R6C",
        verification_url="https://academy.example/verify/7KQF-3M2X-9TBD-HW4P-2R6C",
        platform_name="Bodywork Academy",
        platform_url="https://academy.example",
        holder_name="Priya Patel",
        course_title="Myofascial release: lower back",
        course_url="https://academy.example/courses/myofascial-lower-back",
        course_summary="Assessment and hands-on release techniques for lumbar fascia.",
        ce_hours=Decimal("3"),
        delivery_type="Home study",
        completed_on=date(2025, 3, 1),
        issued_on=date(2025, 3, 2),
        accreditation=ACCREDITATION if accredited else None,
        recipient_hash=recipient_identity_hash("priya@example.com", "s4lt"),
        recipient_salt="s4lt",
    )


def credential(*, accredited: bool = True) -> dict[str, Any]:
    return build_credential(
        snapshot(accredited=accredited),
        issuer=ISSUER,
        credential_id="https://academy.example/verify/7KQF-3M2X-9TBD-HW4P-2R6C.json",
        achievement_id="https://academy.example/courses/myofascial-lower-back/achievement",
        valid_from=VALID_FROM,
    )


@pytest.fixture
def ob3(shared_dir: Path) -> Path:
    """../shared/conformance/ob3; the shared_dir fixture skips when absent, fails under CI."""
    return shared_dir / "conformance" / "ob3"


@pytest.fixture
def validator(ob3: Path) -> Draft201909Validator:
    schemas = [json.loads(path.read_text()) for path in sorted((ob3 / "schema").glob("*.json"))]
    # The schema only refers within itself today; the registry keeps a future $ref to a sibling
    # file resolvable offline instead of fetched.
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas
    )
    schema = json.loads((ob3 / "schema" / "achievementcredential.json").read_text())
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(
        schema, registry=registry, format_checker=Draft201909Validator.FORMAT_CHECKER
    )


def schema_errors(validator: Draft201909Validator, document: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def keys(key: Ed25519PrivateKey) -> dict[str, Ed25519PublicKey]:
    return {key_id(key.public_key()): key.public_key()}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(segment: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def raw_token(header: dict[str, Any], payload: dict[str, Any], key: Ed25519PrivateKey) -> str:
    """A token signed by a valid key, for checks that must fail after the signature passes."""
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
    return f"{signing_input}.{b64url(key.sign(signing_input.encode()))}"


# --- schema and vocabulary --------------------------------------------------------------------


@pytest.mark.parametrize("accredited", [True, False], ids=["accredited", "not-accredited"])
def test_credential_validates_against_ob3_schema(validator, accredited):
    errors = schema_errors(validator, credential(accredited=accredited))
    assert not errors, "\n".join(errors)


def test_validator_accepts_a_complete_example_and_rejects_a_broken_credential(validator, ob3):
    example = json.loads((ob3 / "examples" / "fullOpenBadge.json").read_text())
    assert "OpenBadgeCredential" in example["type"]
    errors = schema_errors(validator, example)
    assert not errors, "\n".join(errors)

    broken = credential()
    del broken["credentialSubject"]
    assert any("credentialSubject" in error for error in schema_errors(validator, broken))

    endorsement = json.loads((ob3 / "examples" / "endorsement.json").read_text())
    assert schema_errors(validator, endorsement), "an EndorsementCredential is not an OB badge"


def test_context_and_credential_schema_follow_the_examples(ob3):
    built = credential()
    basic = json.loads((ob3 / "examples" / "basicOpenBadgeCredential.json").read_text())
    full = json.loads((ob3 / "examples" / "fullOpenBadge.json").read_text())
    assert built["@context"] == basic["@context"] == full["@context"][:2]
    assert built["credentialSchema"] == full["credentialSchema"]
    assert built["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def _defined_terms(context: Any) -> set[str]:
    terms: set[str] = set()
    if isinstance(context, dict):
        for name, value in context.items():
            if not name.startswith("@"):
                terms.add(name)
            terms |= _defined_terms(value)
    elif isinstance(context, list):
        for value in context:
            terms |= _defined_terms(value)
    return terms


def _used_terms(document: Any) -> Iterator[str]:
    if isinstance(document, dict):
        for name, value in document.items():
            if name == "@context":
                continue
            yield name
            if name == "type":
                yield from [value] if isinstance(value, str) else value
            else:
                yield from _used_terms(value)
    elif isinstance(document, list):
        for value in document:
            yield from _used_terms(value)


def test_credential_uses_only_terms_the_contexts_define(ob3):
    # The schema allows extra properties, so a misspelt or invented member would pass it; in
    # JSON-LD it would only fall to the VC 2.0 "issuer-dependent" @vocab and lose its meaning.
    defined = _defined_terms(json.loads((ob3 / "context" / "context-3.0.3.json").read_text()))
    defined |= _defined_terms(
        json.loads((ob3 / "contexts-w3c" / "credentials-v2.jsonld").read_text())
    )
    # The 1EdTech examples all use this credentialSchema type, which no context defines.
    defined.add(credentials.OB_SCHEMA_TYPE)
    for accredited in (True, False):
        unknown = set(_used_terms(credential(accredited=accredited))) - defined
        assert not unknown
    assert "creditAvailable" not in defined  # the check can fail


# --- content ----------------------------------------------------------------------------------


def test_credential_content():
    built = credential(accredited=False)
    assert built["id"] == "https://academy.example/verify/7KQF-3M2X-9TBD-HW4P-2R6C.json"
    assert built["issuer"] == {
        "id": ISSUER.id,
        "type": ["Profile"],
        "name": ISSUER.name,
        "url": ISSUER.url,
        "email": ISSUER.email,
    }
    # Whole seconds in UTC with a Z: nbf in the JWT is whole seconds and must equal it.
    assert built["validFrom"] == "2025-03-02T09:30:15Z"
    subject = built["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert "id" not in subject
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": recipient_identity_hash("priya@example.com", "s4lt"),
            "identityType": "emailAddress",
            "hashed": True,
            "salt": "s4lt",
        }
    ]
    assert subject["creditsEarned"] == 3.0
    achievement = subject["achievement"]
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert achievement["name"] == "Myofascial release: lower back"
    assert achievement["description"].startswith("Assessment and hands-on")
    assert achievement["criteria"]["narrative"]
    assert achievement["creditsAvailable"] == 3.0
    assert achievement["creator"] == built["issuer"]
    assert "otherIdentifier" not in achievement
    assert "tag" not in achievement
    assert "NCBTMB" not in json.dumps(built)
    # Neither the holder's address nor name is published; only the salted hash.
    assert "priya@example.com" not in json.dumps(built)
    assert "Priya" not in json.dumps(built)


def test_accreditation_mapping():
    built = credential(accredited=True)
    achievement = built["credentialSubject"]["achievement"]
    assert achievement["otherIdentifier"] == [
        {
            "type": "IdentifierEntry",
            "identifier": "451234-11",
            "identifierType": "ext:ApprovedProviderNumber",
        }
    ]
    assert achievement["tag"] == ["Continuing education", "NCBTMB"]
    for fact in (
        ACCREDITATION.body_name,
        "(NCBTMB)",
        "3 CE hours",
        ACCREDITATION.approved_title,
        ACCREDITATION.provider_name,
        "provider number 451234-11",
        ACCREDITATION.provider_contact,
    ):
        assert fact in built["description"]


def test_recipient_identity_hash_matches_the_ob3_example():
    # The IdentityHash example in the OB 3.0 schema: 'a@example.com' salted with 'Kosher'.
    assert recipient_identity_hash("a@example.com", "Kosher") == (
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )
    assert recipient_identity_hash(" A@Example.com ", "Kosher") == recipient_identity_hash(
        "a@example.com", "Kosher"
    )


@pytest.mark.parametrize("bad_hash", ["", "priya@example.com", "sha256$abc"])
def test_build_refuses_a_recipient_that_is_not_an_identity_hash(bad_hash):
    with pytest.raises(ValueError, match="recipient_hash"):
        build_credential(
            replace(snapshot(accredited=False), recipient_hash=bad_hash),
            issuer=ISSUER,
            credential_id="urn:x",
            achievement_id="urn:y",
            valid_from=VALID_FROM,
        )


def test_build_refuses_a_naive_valid_from():
    with pytest.raises(ValueError, match="timezone"):
        build_credential(
            snapshot(accredited=False),
            issuer=ISSUER,
            credential_id="urn:x",
            achievement_id="urn:y",
            valid_from=datetime(2025, 3, 2, 9, 30),  # noqa: DTZ001 - the point of the test
        )


def test_credential_digest_is_canonical():
    built = credential()
    reordered = dict(reversed(list(built.items())))
    assert credential_digest(reordered) == credential_digest(built)
    assert len(credential_digest(built)) == 64
    assert credential_digest({**built, "name": "Other"}) != credential_digest(built)


# --- VC-JWT -----------------------------------------------------------------------------------


def test_sign_then_verify_round_trips(key, keys):
    built = credential()
    token = sign_credential(built, private_key=key, kid=key_id(key.public_key()))
    assert verify_credential(token, public_keys=keys) == built


def test_token_header_and_claims(key, keys):
    built = credential()
    kid = key_id(key.public_key())
    header_segment, payload_segment, signature_segment = sign_credential(
        built, private_key=key, kid=kid
    ).split(".")
    for segment in (header_segment, payload_segment, signature_segment):
        assert "=" not in segment

    assert b64url_json(header_segment) == {"alg": "EdDSA", "kid": kid, "typ": "JWT"}
    assert any(jwk["kid"] == kid for jwk in jwks(keys)["keys"])

    claims = b64url_json(payload_segment)
    assert claims["iss"] == built["issuer"]["id"]
    assert claims["jti"] == built["id"]
    assert claims["nbf"] == int(datetime(2025, 3, 2, 9, 30, 15, tzinfo=UTC).timestamp())
    assert claims["sub"] == built["credentialSubject"]["identifier"][0]["identityHash"]
    assert "exp" not in claims
    assert "vc" not in claims  # VCDM 2.0 layout: the credential's members are the claims
    assert {
        name: value for name, value in claims.items() if name not in credentials.JWT_CLAIMS
    } == (built)


def test_sub_is_the_subject_id_when_there_is_one(key, keys):
    built = credential()
    built["credentialSubject"] = {"id": "did:example:holder", **built["credentialSubject"]}
    token = sign_credential(built, private_key=key, kid=key_id(key.public_key()))
    assert b64url_json(token.split(".")[1])["sub"] == "did:example:holder"
    assert verify_credential(token, public_keys=keys) == built


def test_validity_window_is_enforced(key, keys):
    built = {**credential(), "validUntil": "2026-03-02T00:00:00Z"}
    token = sign_credential(built, private_key=key, kid=key_id(key.public_key()))
    assert b64url_json(token.split(".")[1])["exp"] == int(
        datetime(2026, 3, 2, tzinfo=UTC).timestamp()
    )
    assert verify_credential(token, public_keys=keys, now=VALID_FROM) == built
    with pytest.raises(CredentialError, match="not valid yet"):
        verify_credential(token, public_keys=keys, now=VALID_FROM - timedelta(hours=1))
    with pytest.raises(CredentialError, match="expired"):
        verify_credential(token, public_keys=keys, now=datetime(2026, 3, 2, tzinfo=UTC))


def test_signing_is_deterministic(key):
    kid = key_id(key.public_key())
    first = sign_credential(credential(), private_key=key, kid=kid)
    reordered = dict(reversed(list(credential().items())))
    assert sign_credential(reordered, private_key=key, kid=kid) == first


def test_tampered_payload_is_rejected(key, keys):
    token = sign_credential(credential(), private_key=key, kid=key_id(key.public_key()))
    header_segment, payload_segment, signature_segment = token.split(".")
    middle = len(payload_segment) // 2
    swapped = "B" if payload_segment[middle] != "B" else "C"
    tampered_payload = payload_segment[:middle] + swapped + payload_segment[middle + 1 :]
    with pytest.raises(CredentialError, match="bad signature"):
        verify_credential(
            f"{header_segment}.{tampered_payload}.{signature_segment}", public_keys=keys
        )


def test_another_key_is_rejected(key):
    kid = key_id(key.public_key())
    token = sign_credential(credential(), private_key=key, kid=kid)
    impostor = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(CredentialError, match="bad signature"):
        verify_credential(token, public_keys={kid: impostor})
    with pytest.raises(CredentialError, match="unknown kid"):
        verify_credential(token, public_keys={key_id(impostor): impostor})


def test_wrong_alg_is_rejected_even_with_a_valid_signature(key, keys):
    kid = key_id(key.public_key())
    payload = credentials.jwt_claims(credential())
    for alg in ("HS256", "none", "RS256"):
        token = raw_token({"alg": alg, "kid": kid, "typ": "JWT"}, payload, key)
        with pytest.raises(CredentialError, match="alg"):
            verify_credential(token, public_keys=keys)


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("iss", "https://impostor.example/issuer"),
        ("jti", "https://academy.example/verify/OTHER.json"),
        ("nbf", 0),
        ("sub", "sha256$" + "0" * 64),
    ],
)
def test_claims_must_match_the_credential(key, keys, claim, value):
    kid = key_id(key.public_key())
    payload = {**credentials.jwt_claims(credential()), claim: value}
    with pytest.raises(CredentialError, match=claim):
        verify_credential(raw_token({"alg": "EdDSA", "kid": kid}, payload, key), public_keys=keys)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "eyJhbGciOiJFZERTQSJ9..c2ln",
        "e30.e30.c2ln!",
        "bm90IGpzb24.e30.c2ln",  # header "not json"
        "WzFd.e30.c2ln",  # header is a JSON array
    ],
)
def test_malformed_tokens_are_rejected(keys, token):
    with pytest.raises(CredentialError):
        verify_credential(token, public_keys=keys)


def test_payload_that_is_not_json_is_rejected(key, keys):
    kid = key_id(key.public_key())
    header = b64url(json.dumps({"alg": "EdDSA", "kid": kid}).encode())
    signing_input = f"{header}.{b64url(b'not json')}"
    token = f"{signing_input}.{b64url(key.sign(signing_input.encode()))}"
    with pytest.raises(CredentialError, match="malformed"):
        verify_credential(token, public_keys=keys)


# --- keys -------------------------------------------------------------------------------------


def test_key_id_is_the_rfc7638_thumbprint():
    # RFC 8037 appendix A.2 (public key) and A.3 (its JWK thumbprint).
    x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    public_key = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "="))
    assert key_id(public_key) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    assert jwks({"k1": public_key}) == {
        "keys": [
            {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "k1", "use": "sig", "alg": "EdDSA"}
        ]
    }


def test_private_key_pem_round_trips():
    pem = generate_private_key_pem()
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")  # PKCS#8, unencrypted
    key = load_private_key(pem)
    assert load_private_key(pem).public_key() == key.public_key()


def test_load_private_key_refuses_other_key_types():
    pem = (
        generate_private_key(SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    with pytest.raises(ValueError, match="Ed25519"):
        load_private_key(pem)


def test_load_or_create_key_creates_a_private_file_once(tmp_path):
    path = tmp_path / "var" / "keys" / "credentials.pem"
    first = load_or_create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_text()
    second = load_or_create_key(path)
    assert second.public_key() == first.public_key()
    assert path.read_text() == content
    assert sorted(p.name for p in path.parent.iterdir()) == ["credentials.pem"]


def test_load_or_create_key_keeps_the_key_of_a_process_that_won_the_race(tmp_path, monkeypatch):
    path = tmp_path / "credentials.pem"
    winner_pem = generate_private_key_pem()
    generate = credentials.generate_private_key_pem

    def generate_while_another_process_writes_first() -> str:
        path.write_text(winner_pem)
        return generate()

    monkeypatch.setattr(
        credentials, "generate_private_key_pem", generate_while_another_process_writes_first
    )
    key = load_or_create_key(path)
    assert key.public_key() == load_private_key(winner_pem).public_key()
    assert path.read_text() == winner_pem
    assert sorted(p.name for p in tmp_path.iterdir()) == ["credentials.pem"]
