#!/usr/bin/env python3
"""Check HADIC's Merkle proofs without HADIC: Python's standard library and the `openssl` command.

For importers, customs offices and auditors who trust only the ledger's sequencer public key.
Every format is in docs/FORMATS.md ("Checkpoint", "Proofs"); the algorithms are RFC 9162
sections 2.1.3.2 (inclusion) and 2.1.4.2 (consistency), written here from the RFC.

  verify_proof.py inclusion PROOF EVENT --key SEQUENCER.pub [--origin ORIGIN]
      PROOF: a C2SP tlog-proof (`hadic proof inclusion`); EVENT: the event's leaf bytes (one line
      of `hadic export`, or the canonical envelope). Checks the checkpoint's signature, then that
      the event is at the proof's index in the signed tree.

  verify_proof.py consistency OLD_CHECKPOINT NEW_CHECKPOINT HASHES --key SEQUENCER.pub [--origin ORIGIN]
      Two signed checkpoints (`hadic checkpoint`) and the proof between their sizes
      (`hadic proof consistency`, one base64 hash per line). Checks both signatures, then that
      the older tree is a prefix of the newer.

Exit status: 0 verified; 1 not verified (the reason on stderr); 2 usage or unreadable input.
"""

import argparse
import base64
import binascii
import hashlib
import os
import subprocess
import sys
import tempfile

ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")


class NotVerified(Exception):
    """The input is well formed but does not prove what it claims."""


class Unreadable(Exception):
    """The input cannot be parsed."""


def decimal(text, what):
    """A non-negative decimal in its canonical form (ASCII digits, no leading zeros)."""
    if not text or not all("0" <= c <= "9" for c in text) or str(int(text)) != text:
        raise Unreadable(f"bad {what} {text!r}")
    return int(text)


def b64decode(text, what):
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Unreadable(f"{what} is not base64")
    if base64.b64encode(raw).decode() != text:
        raise Unreadable(f"{what} is not in canonical base64")
    return raw


def read_public_key(path):
    """The 32 raw bytes of an Ed25519 public key from a PEM SubjectPublicKeyInfo file."""
    with open(path, "r", encoding="ascii") as f:
        lines = [line.strip() for line in f if line.strip()]
    if not lines or lines[0] != "-----BEGIN PUBLIC KEY-----" or lines[-1] != "-----END PUBLIC KEY-----":
        raise Unreadable(f"{path} is not a PEM public key")
    der = b64decode("".join(lines[1:-1]), f"{path}'s body")
    if len(der) != 44 or not der.startswith(ED25519_SPKI_PREFIX):
        raise Unreadable(f"{path} is not an Ed25519 public key (the sequencer key is always Ed25519)")
    return der[-32:]


def ed25519_verify(public_key, message, signature):
    """Ed25519 through `openssl pkeyutl` (the standard library has no Ed25519)."""
    with tempfile.TemporaryDirectory() as d:
        paths = {name: os.path.join(d, name) for name in ("key.pem", "msg", "sig")}
        with open(paths["key.pem"], "w") as f:
            body = base64.b64encode(ED25519_SPKI_PREFIX + public_key).decode()
            f.write(f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n")
        with open(paths["msg"], "wb") as f:
            f.write(message)
        with open(paths["sig"], "wb") as f:
            f.write(signature)
        r = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", paths["key.pem"], "-rawin",
                            "-in", paths["msg"], "-sigfile", paths["sig"]], capture_output=True)
        return r.returncode == 0


def note_key_hash(name, public_key):
    """C2SP signed-note key hash: SHA-256(name || 0x0A || 0x01 || key)[:4] (0x01: Ed25519)."""
    return hashlib.sha256(name.encode() + b"\n\x01" + public_key).digest()[:4]


def verified_checkpoint(note, origin, public_key):
    """(size, root) of a signed checkpoint note, once its signature by `public_key` under the
    key name `origin` (default: the checkpoint's own origin line) checks."""
    if not note.endswith("\n") or "\n\n" not in note:
        raise Unreadable("the checkpoint is not a signed note (text, empty line, signature lines)")
    split = note.rindex("\n\n")
    text, signatures = note[:split + 1], note[split + 2:]
    body = text.split("\n")
    if len(body) < 4 or body[-1] != "":
        raise Unreadable("the checkpoint body is not origin, size and root lines")
    name = origin or body[0]
    if body[0] != name:
        raise NotVerified(f"the checkpoint's origin is {body[0]!r}, not {name!r}")
    key_hash = note_key_hash(name, public_key)
    signed = False
    for line in signatures.rstrip("\n").split("\n"):
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != "\u2014":
            raise Unreadable(f"bad signature line {line!r}")
        if parts[1] != name:
            continue  # another signer's (a witness): not asked about here
        blob = b64decode(parts[2], "a note signature")
        if len(blob) == 68 and blob[:4] == key_hash and ed25519_verify(public_key, text.encode(), blob[4:]):
            signed = True
    if not signed:
        raise NotVerified(f"the checkpoint carries no valid signature by the sequencer key for {name}")
    size = decimal(body[1], "tree size")
    root = b64decode(body[2], "the root hash")
    if len(root) != 32:
        raise Unreadable("the root hash is not 32 bytes")
    return size, root


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def leaf_hash(leaf_bytes):
    return hashlib.sha256(b"\x00" + leaf_bytes).digest()


def verify_inclusion(leaf, index, size, path, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        raise NotVerified(f"index {index} is not in a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise NotVerified("the proof has more hashes than the tree size allows")
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise NotVerified("the proof has fewer hashes than the tree size needs")
    if r != root:
        raise NotVerified("the proof does not lead to the signed root")


def verify_consistency(m, n, old_root, new_root, proof):
    """RFC 9162 2.1.4.2, with the two trivial cases (m = 0, m = n) taking an empty proof."""
    if m > n:
        raise NotVerified(f"size {m} is after size {n}")
    if m == 0 or m == n:
        if proof:
            raise NotVerified("the proof should be empty")
        if m == n and old_root != new_root:
            raise NotVerified("equal sizes with different roots")
        if m == 0 and old_root != hashlib.sha256(b"").digest():
            raise NotVerified("the empty tree's root is SHA-256 of nothing")
        return
    if not proof:
        raise NotVerified("an empty proof proves nothing")
    path = ([old_root] if m & (m - 1) == 0 else []) + list(proof)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise NotVerified("the proof has more hashes than the sizes allow")
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise NotVerified("the proof has fewer hashes than the sizes need")
    if fr != old_root:
        raise NotVerified("the proof does not lead to the older checkpoint's root")
    if sr != new_root:
        raise NotVerified("the proof does not lead to the newer checkpoint's root")


def parse_tlog_proof(text):
    """(index, hashes, checkpoint note) of a c2sp.org/tlog-proof@v1 text."""
    head, sep, checkpoint = text.partition("\n\n")
    if not sep:
        raise Unreadable("no empty line before the checkpoint")
    lines = head.split("\n")
    if lines[0] != "c2sp.org/tlog-proof@v1":
        raise Unreadable("the first line is not c2sp.org/tlog-proof@v1")
    if len(lines) < 2 or not lines[1].startswith("index "):
        raise Unreadable("the second line is not 'index N' (HADIC writes no extra data)")
    index = decimal(lines[1][len("index "):], "index")
    hashes = []
    for i, line in enumerate(lines[2:], 1):
        h = b64decode(line, f"proof line {i}")
        if len(h) != 32:
            raise Unreadable(f"proof line {i} is not a SHA-256 hash")
        hashes.append(h)
    return index, hashes, checkpoint


def read_text(path):
    with open(path, "r", encoding="utf-8", newline="") as f:
        return f.read()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    inc = sub.add_parser("inclusion", help="check a C2SP tlog-proof of an event")
    inc.add_argument("proof")
    inc.add_argument("event", help="the event's leaf bytes (a line of `hadic export`)")
    con = sub.add_parser("consistency", help="check that an older checkpoint's tree is a prefix of a newer one's")
    con.add_argument("old_checkpoint")
    con.add_argument("new_checkpoint")
    con.add_argument("hashes", help="`hadic proof consistency` output: one base64 hash per line")
    for p in (inc, con):
        p.add_argument("--key", required=True, help="the sequencer's Ed25519 public key (PEM)")
        p.add_argument("--origin", help="the ledger's origin (default: the checkpoint's own)")
    args = parser.parse_args(argv)
    try:
        key = read_public_key(args.key)
        if args.command == "inclusion":
            index, hashes, note = parse_tlog_proof(read_text(args.proof))
            size, root = verified_checkpoint(note, args.origin, key)
            with open(args.event, "rb") as f:
                leaf = f.read()
            if leaf.endswith(b"\n"):
                leaf = leaf[:-1]  # a line of `hadic export`
            verify_inclusion(leaf_hash(leaf), index, size, hashes, root)
            print(f"verified: the event with leaf hash {leaf_hash(leaf).hex()[:16]}... is at index {index} of the tree of size {size} signed by the sequencer")
        else:
            m, old_root = verified_checkpoint(read_text(args.old_checkpoint), args.origin, key)
            n, new_root = verified_checkpoint(read_text(args.new_checkpoint), args.origin, key)
            proof = [b64decode(line, f"hash {i}") for i, line in enumerate(read_text(args.hashes).split("\n"), 1) if line]
            if any(len(h) != 32 for h in proof):
                raise Unreadable("a proof hash is not 32 bytes")
            verify_consistency(m, n, old_root, new_root, proof)
            print(f"verified: the signed tree of size {m} is a prefix of the signed tree of size {n}")
        return 0
    except NotVerified as e:
        print(f"verify_proof: NOT VERIFIED: {e}", file=sys.stderr)
        return 1
    except (Unreadable, OSError, UnicodeDecodeError) as e:
        print(f"verify_proof: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
