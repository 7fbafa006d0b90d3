#!/usr/bin/env python3
"""Check a HADIC chain-of-custody bundle without HADIC: Python's standard library and `openssl`.

  verify_bundle.py BUNDLE --trust SEQUENCER.pub [--witness VKEY ... [--quorum K]]

Checks, as docs/BUNDLE.md ("What hadic verify-bundle checks", steps 1-4) specifies: the genesis
block (canonical, hashing to the ledger id, naming and signed by the trusted key); the
checkpoint's signature; every event's inclusion proof against it, and that its leaf is a
canonical envelope of this ledger; every event's signature under the key registered to its
actor at that point of the ledger (replaying registrations, key rotations and revocations in
ledger order from the admins genesis names, with the roles' permissions of docs/EVENTS.md).
With --witness (docs/WITNESS.md), at least K of the given witnesses (default: all) must have a
valid C2SP cosignature/v1 line on the checkpoint. The completeness of the closure and the halal
assessment are `hadic verify-bundle`'s.

Exit status: 0 valid; 1 invalid (the first item that failed on stderr); 2 unreadable input.
"""

import argparse
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verify_proof import (NotVerified, Unreadable, b64decode, ed25519_verify, leaf_hash,  # noqa: E402
                          read_public_key, verified_checkpoint, verify_inclusion, ED25519_SPKI_PREFIX)

P256_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551

# docs/EVENTS.md, "Who may sign what".
PERMITTED = {
    "admin": {"party.register", "party.rotate-key", "party.revoke", "lot.recall", "policy.set"},
    "certifier": {"cert.issue", "cert.suspend", "cert.revoke", "lot.inspect", "lot.incident", "lot.recall"},
    "auditor": {"lot.inspect", "lot.incident"},
    "node": set(),
    "producer": {"lot.create", "lot.transform", "lot.aggregate", "lot.disaggregate", "custody.ship", "custody.receive",
                 "lot.inspect", "lot.incident", "lot.cleanse", "lot.recall"},
    "logistics": {"lot.aggregate", "lot.disaggregate", "custody.ship", "custody.receive", "lot.incident", "lot.cleanse"},
    "exporter": {"lot.aggregate", "lot.disaggregate", "custody.ship", "custody.receive", "lot.inspect", "lot.incident",
                 "lot.cleanse", "lot.recall"},
}
PERMITTED["processor"] = PERMITTED["producer"]


class Invalid(Exception):
    def __init__(self, item, reason):
        super().__init__(f"{item}: {reason}")


def jcs(value):
    """RFC 8785 for what HADIC's headers and envelopes hold: objects, arrays, strings, booleans,
    null and integers (Python's JSON writer with sorted keys matches JCS for these)."""
    def check(v):
        if isinstance(v, float):
            raise Unreadable("a non-integer number: this verifier canonicalises only integers (use hadic verify-bundle)")
        if isinstance(v, dict):
            for k, x in v.items():
                if any(ord(c) > 0xFFFF for c in k):
                    raise Unreadable("a key outside the BMP: this verifier sorts keys by code point, JCS by UTF-16")
                check(x)
        elif isinstance(v, list):
            for x in v:
                check(x)
    check(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def der_integer(der, at):
    if der[at] != 0x02:
        raise ValueError("not an INTEGER")
    length = der[at + 1]
    return int.from_bytes(der[at + 2:at + 2 + length], "big"), at + 2 + length


def verify_signature(spki, message, signature):
    """Ed25519 (RFC 8032) or ECDSA P-256 with SHA-256, strict DER and low S (FORMATS.md, "Keys")."""
    if len(spki) == 44 and spki.startswith(ED25519_SPKI_PREFIX):
        return ed25519_verify(spki[-32:], message, signature)
    if len(spki) == 91 and spki.startswith(P256_SPKI_PREFIX):
        try:
            if signature[0] != 0x30 or signature[1] != len(signature) - 2:
                return False
            r, at = der_integer(signature, 2)
            s, at = der_integer(signature, at)
            if at != len(signature) or s > P256_ORDER // 2:
                return False
        except (IndexError, ValueError):
            return False
        with tempfile.TemporaryDirectory() as d:
            key, msg, sig = (os.path.join(d, n) for n in ("key.pem", "msg", "sig"))
            with open(key, "w") as f:
                f.write("-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(spki).decode() + "\n-----END PUBLIC KEY-----\n")
            with open(msg, "wb") as f:
                f.write(message)
            with open(sig, "wb") as f:
                f.write(signature)
            r = subprocess.run(["openssl", "dgst", "-sha256", "-verify", key, "-signature", sig, msg], capture_output=True)
            return r.returncode == 0
    return False


def parse_witness_key(text):
    """(name, key id, 32-byte key) of a verifier key `name+<hex key id>+base64(0x04 || key)`,
    once its key id is the one the name and key give (docs/WITNESS.md)."""
    parts = text.split("+", 2)  # the base64 key may hold "+" too
    if len(parts) != 3 or not parts[0] or len(parts[1]) != 8:
        raise Unreadable(f"--witness {text!r}: not NAME+KEYID+KEY")
    raw = b64decode(parts[2], "witness key")
    if len(raw) != 33 or raw[0] != 0x04:
        raise Unreadable(f"--witness {text!r}: not an Ed25519 cosignature/v1 key (type 0x04, 32 bytes)")
    key_id = hashlib.sha256(parts[0].encode() + b"\n" + raw).digest()[:4]
    if key_id.hex() != parts[1].lower():
        raise Unreadable(f"--witness {text!r}: the key id does not match the name and key")
    return parts[0], key_id, raw[1:]


def cosigned_by(note, witnesses):
    """Names of the witnesses with a valid cosignature/v1 line on the checkpoint note."""
    split = note.rindex("\n\n")
    text, lines = note[:split + 1], note[split + 2:].rstrip("\n").split("\n")
    found = []
    for name, key_id, key in witnesses:
        for line in lines:
            parts = line.split(" ")
            if len(parts) != 3 or parts[1] != name:
                continue
            blob = b64decode(parts[2], "a cosignature")
            if len(blob) != 76 or blob[:4] != key_id:
                continue
            t = int.from_bytes(blob[4:12], "big")
            if t < 2 ** 63 and ed25519_verify(key, b"cosignature/v1\ntime %d\n" % t + text.encode(), blob[12:]):
                found.append(f"{name} (time {t})")
                break
    return found


def verify(bundle, trusted, witnesses=(), quorum=0):
    """Returns a summary line; raises Invalid on the first item that fails."""
    if bundle.get("format") != "hadic-bundle" or bundle.get("version") != 1:
        raise Invalid("bundle", "not a hadic-bundle of version 1")
    # 1. Genesis.
    header_text = bundle["genesis"]["header"]
    header = json.loads(header_text)
    if jcs(header) != header_text.encode():
        raise Invalid("genesis", "the header is not in its canonical form")
    signing_input = b"hadic-block-v1\n" + header_text.encode()
    if hashlib.sha256(signing_input).hexdigest() != bundle["ledger_id"]:
        raise Invalid("genesis", "its hash is not the ledger id")
    if header.get("height") != 0 or "sequencer_key" not in header:
        raise Invalid("genesis", "not a genesis header")
    if b64decode(header["sequencer_key"], "sequencer_key") != ED25519_SPKI_PREFIX + trusted:
        raise Invalid("genesis", "it does not name the trusted sequencer key")
    if not ed25519_verify(trusted, signing_input, b64decode(bundle["genesis"]["signature"], "genesis signature")):
        raise Invalid("genesis", "its signature does not verify under the trusted key")
    # 2. Checkpoint.
    try:
        size, root = verified_checkpoint(bundle["checkpoint"], header["origin"], trusted)
    except NotVerified as e:
        raise Invalid("checkpoint", str(e))
    # 3 and 4. Each event: included, canonical, of this ledger, signed by a live registered key.
    keys = {}     # key id -> [party, spki, retired]
    parties = {}  # party -> [role, revoked]
    for admin in header["admins"]:
        spki = b64decode(admin["public_key"], "admin key")
        keys[hashlib.sha256(spki).hexdigest()] = [admin["party"], spki, False]
        parties[admin["party"]] = ["admin", False]
    last = -1
    for entry in bundle["events"]:
        index, leaf = entry["index"], entry["leaf"].encode("utf-8")
        item = f"event at index {index}"
        if index <= last:
            raise Invalid(item, "indices must increase")
        last = index
        proof = [b64decode(h, "proof hash") for h in entry["proof"]]
        try:
            verify_inclusion(leaf_hash(leaf), index, size, proof, root)
        except NotVerified as e:
            raise Invalid(item, f"inclusion proof: {e}")
        envelope = json.loads(leaf)
        if jcs(envelope) != leaf:
            raise Invalid(item, "leaf is not the canonical envelope")
        if envelope.get("ledger") != bundle["ledger_id"]:
            raise Invalid(item, "the event belongs to another ledger")
        unsigned = {k: v for k, v in envelope.items() if k != "sig"}
        signing = b"hadic-event-v1\n" + jcs(unsigned)
        event_id = hashlib.sha256(signing).hexdigest()
        item = f"event {event_id} (index {index})"
        key = keys.get(envelope["key"])
        if key is None:
            raise Invalid(item, "its key is registered by no event in the bundle nor in genesis")
        party, spki, retired = key
        if party != envelope["actor"]:
            raise Invalid(item, f"its key belongs to {party}, not to its actor {envelope['actor']}")
        if retired:
            raise Invalid(item, "its key was retired")
        role, revoked = parties.get(envelope["actor"], [None, False])
        if role is None:
            raise Invalid(item, "its actor is not registered")
        if revoked:
            raise Invalid(item, "its actor was revoked")
        if envelope["type"] not in PERMITTED.get(role, set()):
            raise Invalid(item, f"a {role} may not sign {envelope['type']}")
        if not verify_signature(spki, signing, b64decode(envelope["sig"], "sig")):
            raise Invalid(item, "its signature does not verify")
        body = envelope["body"]
        if envelope["type"] in ("party.register", "party.rotate-key"):
            new = b64decode(body["public_key"], "public_key")
            keys[hashlib.sha256(new).hexdigest()] = [body["party"], new, False]
            if envelope["type"] == "party.register":
                parties[body["party"]] = [body["role"], False]
            for old in body.get("retire", []):
                if old in keys:
                    keys[old][2] = True
        elif envelope["type"] == "party.revoke" and body["party"] in parties:
            parties[body["party"]][1] = True
    summary = f"valid: {len(bundle['events'])} events of {bundle['lot']}, each included in the tree of size {size} signed by the trusted key and signed by its registered actor"
    # 5. Witnesses: the quorum of cosignatures on the checkpoint.
    if witnesses:
        found = cosigned_by(bundle["checkpoint"], witnesses)
        if len(found) < quorum:
            raise Invalid("checkpoint", f"witness quorum not met: {len(found)} of the {len(witnesses)} trusted witnesses cosigned it, {quorum} required")
        summary += f"; {len(found)} of {len(witnesses)} trusted witnesses cosigned the checkpoint (quorum {quorum}): " + ", ".join(found)
    return summary


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle")
    parser.add_argument("--trust", required=True, help="the sequencer's Ed25519 public key (PEM)")
    parser.add_argument("--witness", action="append", default=[], metavar="VKEY",
                        help="a trusted witness's verifier key (`hadic witness key`); repeat for more")
    parser.add_argument("--quorum", type=int, metavar="K", help="how many --witness keys must have cosigned (default: all)")
    args = parser.parse_args(argv)
    quorum = args.quorum if args.quorum is not None else len(args.witness)
    if args.quorum is not None and not 1 <= args.quorum <= len(args.witness):
        parser.error(f"--quorum must be between 1 and the number of --witness keys ({len(args.witness)})")
    try:
        trusted = read_public_key(args.trust)
        witnesses = [parse_witness_key(w) for w in args.witness]
        with open(args.bundle, "rb") as f:
            bundle = json.loads(f.read())
        print(verify(bundle, trusted, witnesses, quorum))
        return 0
    except Invalid as e:
        print(f"verify_bundle: INVALID: {e}", file=sys.stderr)
        return 1
    except (Unreadable, OSError, ValueError, KeyError, TypeError) as e:
        print(f"verify_bundle: unreadable: {e!r}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
