"""eddsa-rdfc-2022 proofs checked byte for byte against published vectors, offline."""

import hashlib
import json
from pathlib import Path

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from badges import data_integrity as di

VECTORS = Path(__file__).parent / "vectors"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"

# w3c/vc-di-eddsa TestVectors/keyPair.json
W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_PRIVATE = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
# w3c/vc-di-eddsa TestVectors/eddsa-rdfc-2022/signedDataInt.json (proof removed)
W3C_UNSIGNED = {
    "@context": ["https://www.w3.org/ns/credentials/v2", EXAMPLES_V2],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}
W3C_METHOD = f"https://vc.example/issuers/5678#{W3C_PUBLIC}"
W3C_CREATED = "2023-02-24T23:36:38Z"
W3C_PROOF_VALUE = (
    "z21EVs3eXERqTn4acNHT9viboqgzUaQ3kTmhPT3eA8qrVPE7CrQq78WkzctnMX5W4CrzcKnHw8V6dvy5pgWYCU5e9"
)

# 1EdTech/openbadges-specification ob_v3p0/impl/linked-data-proof-ob.html
OB3_PRIVATE_HEX = "6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4"
OB3_PUBLIC = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
OB3_PROOF_VALUE = (
    "z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr"
)


@pytest.fixture
def loader():
    return di.document_loader({EXAMPLES_V2: VECTORS / "examples-v2.jsonld"})


def w3c_key():
    raw = base58.b58decode(W3C_PRIVATE[1:])
    assert raw[:2] == b"\x80\x26"  # multicodec ed25519-priv
    return Ed25519PrivateKey.from_private_bytes(raw[2:])


def test_w3c_vector_signs_to_the_published_proof_value(loader):
    key = w3c_key()
    assert di.multikey(key.public_key()) == W3C_PUBLIC
    signed = di.sign(
        W3C_UNSIGNED,
        private_key=key,
        verification_method=W3C_METHOD,
        created=W3C_CREATED,
        loader=loader,
    )
    assert signed["proof"] == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": W3C_CREATED,
        "verificationMethod": W3C_METHOD,
        "proofPurpose": "assertionMethod",
        "proofValue": W3C_PROOF_VALUE,
    }


def test_w3c_vector_verifies_and_a_changed_value_does_not(loader):
    signed = {
        **W3C_UNSIGNED,
        "proof": {
            **di.proof_options(verification_method=W3C_METHOD, created=W3C_CREATED),
            "proofValue": W3C_PROOF_VALUE,
        },
    }
    public = di.public_key_from_multikey(W3C_PUBLIC)
    di.verify(signed, signed["proof"], public, loader=loader)
    tampered = json.loads(
        json.dumps(signed).replace("The School of Examples", "The School of Exampled")
    )
    with pytest.raises(di.ProofError, match="does not match"):
        di.verify(tampered, tampered["proof"], public, loader=loader)


def test_ob3_vector_proof_options_canonicalize_to_the_published_nquads():
    options = {
        **di.proof_options(
            verification_method=f"https://example.edu/issuers/565049#{OB3_PUBLIC}",
            created="2010-01-01T19:23:24Z",
        ),
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
    }
    assert di.canonicalize(options) == (VECTORS / "ob3-proof-canon.txt").read_text()


def test_ob3_vector_signature_over_the_published_canonical_forms():
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(OB3_PRIVATE_HEX))
    assert di.multikey(key.public_key()) == OB3_PUBLIC
    proof_hash = hashlib.sha256((VECTORS / "ob3-proof-canon.txt").read_bytes()).digest()
    doc_hash = hashlib.sha256((VECTORS / "ob3-document-canon.txt").read_bytes()).digest()
    signature = key.sign(proof_hash + doc_hash)
    assert "z" + base58.b58encode(signature).decode() == OB3_PROOF_VALUE


def test_an_unbundled_context_is_refused_not_fetched():
    document = {
        **W3C_UNSIGNED,
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx"],
    }
    with pytest.raises(di.ProofError, match="Unknown JSON-LD context https://evil.example/ctx"):
        di.canonicalize(document)


def test_a_term_no_context_defines_is_refused_rather_than_left_unsigned():
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "https://example.edu/issuers/1",
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:1", "grade": "A"},
    }
    with pytest.raises(di.ProofError, match="grade"):
        di.canonicalize(document)


def test_bundled_contexts_match_the_checksums_in_their_readme():
    readme = (di.CONTEXTS_DIR / "README.md").read_text()
    for path in di.BUNDLED_CONTEXTS.values():
        assert hashlib.sha256(path.read_bytes()).hexdigest() in readme, path.name
