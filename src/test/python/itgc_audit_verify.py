#!/usr/bin/env python3
"""An auditor's verifier of the ITGC Engine's audit trail, written from docs/audit-format.md alone (standard library
and the openssl command only).

  itgc_audit_verify.py pack PACK.zip FINGERPRINT
  itgc_audit_verify.py chain BASE_URL USER PASSWORD FINGERPRINT

Prints OK ... or FAILED: ... lines; exit status 0 when everything verifies."""
import base64, csv, hashlib, io, json, os, re, subprocess, sys, tempfile, urllib.request, zipfile

GENESIS = "0" * 64


def field(value):
    if value is None:
        return b"-"
    data = value.encode("utf-8")
    return str(len(data)).encode() + b":" + data


def canonical_v2(f):
    """f: id, occurred, actor, roles (list or None), client address, action, object type, object id, outcome, details."""
    roles = b"-" if f[3] is None else str(len(f[3])).encode() + b"*" + b"".join(field(r) for r in f[3])
    return b"".join([field(f[0]), field(f[1]), field(f[2]), roles] + [field(v) for v in f[4:]])


def decode_v2(data):
    at, out = 0, []

    def one():
        nonlocal at
        if data[at:at + 1] == b"-":
            at += 1
            return None
        colon = data.index(b":", at)
        n = int(data[at:colon])
        value = data[colon + 1:colon + 1 + n].decode("utf-8")
        at = colon + 1 + n
        return value
    for i in range(10):
        if i == 3:
            if data[at:at + 1] == b"-":
                at += 1
                out.append(None)
                continue
            star = data.index(b"*", at)
            count = int(data[at:star])
            at = star + 1
            out.append([one() for _ in range(count)])
        else:
            out.append(one())
    if at != len(data):
        raise ValueError("bytes after the last field")
    return out


def decode(fmt, text):
    if fmt == 1:
        f = text.split("\x1f", 9)
        return [f[0], f[1], f[2], f[3].split(",") if f[3] else [], None if f[4] == "null" else f[4], f[5], f[6],
                None if f[7] == "null" else f[7], f[8], f[9]]
    return decode_v2(text.encode("utf-8"))


def link_hash(fmt, prev, seq, canonical_text):
    if fmt not in (1, 2):
        raise ValueError("format %r is unknown" % fmt)
    prefix = b"" if fmt == 1 else ("itgc-audit-link/%d\n" % fmt).encode()
    return hashlib.sha256(prefix + prev.encode() + b"\n" + str(seq).encode() + b"\n"
                          + canonical_text.encode("utf-8")).hexdigest()


def checkpoint_text(seq, head, created_at):
    return "itgc-audit-checkpoint/1\n%d\n%s\n%s" % (seq, head, created_at)


def rotation_text(previous, nxt, rotated_at):
    return "itgc-audit-key-rotation/1\n%s\n%s\n%s" % (previous, nxt, rotated_at)


def fingerprint(pem):
    der = base64.b64decode("".join(l for l in pem.strip().splitlines() if not l.startswith("-----")))
    return hashlib.sha256(der).hexdigest()


def ed25519_ok(pem, text, signature_b64):
    with tempfile.TemporaryDirectory() as d:
        paths = [os.path.join(d, n) for n in ("key.pem", "text", "sig")]
        for path, data in zip(paths, (pem.encode(), text.encode("utf-8"), base64.b64decode(signature_b64))):
            with open(path, "wb") as out:
                out.write(data)
        return subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", paths[0], "-rawin", "-in",
                               paths[1], "-sigfile", paths[2]], capture_output=True).returncode == 0


class JavaRandom:  # java.util.Random, as the document gives it
    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & ((1 << 48) - 1)

    def next(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & ((1 << 48) - 1)
        return self.seed >> (48 - bits)

    def next_int(self, bound):
        if bound & -bound == bound:
            return (bound * self.next(31)) >> 31
        while True:
            bits = self.next(31)
            value = bits % bound
            if bits - value + (bound - 1) < (1 << 31):
                return value


def sample(ids, seed, n):
    ids, rnd = list(ids), JavaRandom(seed)
    for i in range(len(ids), 1, -1):
        j = rnd.next_int(i)
        ids[i - 1], ids[j] = ids[j], ids[i - 1]
    return ids[:n]


def check_links(links, problems, prev=None):
    hashes, last_fmt = {}, 1
    for link in links:
        seq, fmt = link["seq"], link.get("format", 1)
        if fmt < last_fmt:
            problems.append("seq %d: format %d after format %d" % (seq, fmt, last_fmt))
        last_fmt = fmt
        if fmt == 2 and canonical_v2(decode_v2(link["canonical"].encode("utf-8"))).decode("utf-8") != link["canonical"]:
            problems.append("seq %d: the canonical content is not in format 2" % seq)
        if link_hash(fmt, link["prevHash"], seq, link["canonical"]) != link["hash"]:
            problems.append("seq %d: the hash does not match its content" % seq)
        if prev is not None and prev[0] == seq - 1 and prev[1] != link["prevHash"]:
            problems.append("seq %d: does not follow seq %d" % (seq, seq - 1))
        hashes[seq] = link
        prev = (seq, link["hash"])
    return hashes


def verify_pack(path, pinned):
    problems = []
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        if len(names) != len(set(names)):
            problems.append("the ZIP holds two entries of one name")
        files = {n: z.read(n) for n in names}
    required = ["population.csv", "population.xlsx", "samples.json", "chain/segments.jsonl",
                "chain/checkpoints.json", "public-key.pem", "README.txt", "manifest.json", "manifest.sig"]
    missing = [n for n in required if n not in files]
    if missing:
        return [n + ": missing from the pack" for n in missing], "the pack is incomplete"
    problems += [n + ": not an entry of an evidence pack" for n in files
                 if n not in required and not re.fullmatch(r"evidence/\d{3}-[^/]+\.json", n)]
    pem = files.get("public-key.pem", b"").decode()
    if not pem or fingerprint(pem) != pinned.lower():
        return ["public-key.pem is not the pinned key " + pinned], "the pack is signed by another key"
    manifest = files["manifest.json"]
    if not ed25519_ok(pem, manifest.decode("utf-8"), files["manifest.sig"].decode().strip()):
        problems.append("manifest.sig does not verify")
    listed = dict(json.loads(manifest)["files"])
    for name, data in files.items():
        if name in ("manifest.json", "manifest.sig"):
            continue
        if listed.pop(name, None) != hashlib.sha256(data).hexdigest():
            problems.append(name + ": not in the manifest or its SHA-256 differs")
    problems += [name + ": listed but missing" for name in listed]
    checkpoints = {c["seq"]: c for c in json.loads(files["chain/checkpoints.json"])}
    for c in checkpoints.values():
        if not ed25519_ok(pem, checkpoint_text(c["seq"], c["headHash"], c["createdAt"]), c["signature"]):
            problems.append("checkpoint %d: signature does not verify" % c["seq"])
    links = [json.loads(l) for l in files["chain/segments.jsonl"].decode("utf-8").splitlines() if l.strip()]
    chain = check_links(links, problems)
    for i, link in enumerate(links):  # every segment ends at a checkpoint whose head hash it reaches
        if (i + 1 == len(links) or links[i + 1]["seq"] != link["seq"] + 1) and \
                checkpoints.get(link["seq"], {}).get("headHash") != link["hash"]:
            problems.append("seq %d: a segment ends without reaching a signed checkpoint" % link["seq"])
    for name in (n for n in files if n.startswith("evidence/")):
        for event in json.loads(files[name])["auditEvents"]:
            link = chain.get(event["seq"])
            if link is None or link["hash"] != event["hash"]:
                problems.append("%s: event seq %d is not in the verified chain" % (name, event["seq"]))
                continue
            f = decode(link.get("format", 1), link["canonical"])
            if [event.get(k) for k in ("actor", "action", "objectType", "objectId", "outcome", "details")] != f[2:3] + f[5:]:
                problems.append("%s: event seq %d differs from the chain's content" % (name, event["seq"]))
    drawn = json.loads(files["samples.json"])
    ids = [row["item_id"] for row in csv.DictReader(io.StringIO(files["population.csv"].decode("utf-8-sig")))]
    if len(ids) != drawn["population"] or sample(ids, drawn["seed"], len(drawn["samples"])) != drawn["samples"]:
        problems.append("samples.json: the sample is not re-performed from its seed and the population")
    return problems, "%d files, %d links, %d checkpoints, %d samples" % (len(files), len(links), len(checkpoints),
                                                                       len(drawn["samples"]))


def verify_chain(base, user, password, pinned):
    auth = "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()

    def get(path):
        request = urllib.request.Request(base + path, headers={"Authorization": auth, "Accept": "application/json"})
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())
    current = get("/api/audit/signing-key")["publicKeyPem"]
    rotations = get("/api/audit/key-rotations")
    known = {fingerprint(pem): pem for pem in [current] + [r["nextPublicKey"] for r in rotations]}
    trusted = {pinned.lower(): known[pinned.lower()]} if pinned.lower() in known else {}
    grew = True
    while grew:
        grew = False
        for r in rotations:
            if r["previousFingerprint"] in trusted and r["nextFingerprint"] not in trusted and \
                    fingerprint(r["nextPublicKey"]) == r["nextFingerprint"] and ed25519_ok(
                        trusted[r["previousFingerprint"]],
                        rotation_text(r["previousFingerprint"], r["nextFingerprint"], r["rotatedAt"]), r["signature"]):
                trusted[r["nextFingerprint"]] = r["nextPublicKey"]
                grew = True
    checkpoints = get("/api/audit/checkpoints?size=1000")  # before the chain: each must lie within what is read next
    problems, links, seq = [], [], 1
    while True:
        page = get("/api/audit/chain?fromSeq=%d&size=10000" % seq)
        links += page["links"]
        if not page["links"] or links[-1]["seq"] >= page["head"]:
            break
        seq = links[-1]["seq"] + 1
    if links and (links[0]["seq"] != 1 or links[0]["prevHash"] != GENESIS):
        problems.append("the chain does not start at seq 1 from the genesis hash")
    chain = check_links(links, problems, (0, GENESIS))
    for i, link in enumerate(links):
        if link["seq"] != i + 1:
            problems.append("seq %d is missing" % (i + 1))
            break
    by_id = {f[:16]: pem for f, pem in trusted.items()}
    for c in checkpoints:
        pem = by_id.get(c["keyId"])
        if pem is None or not ed25519_ok(pem, checkpoint_text(c["seq"], c["headHash"], c["createdAt"]), c["signature"]):
            problems.append("checkpoint %d: not signed by a trusted key" % c["seq"])
        elif c["seq"] not in chain or chain[c["seq"]]["hash"] != c["headHash"].strip():
            problems.append("checkpoint %d: the chain does not reach its head hash" % c["seq"])
    return problems, "%d links, %d checkpoints, %d trusted keys" % (len(links), len(checkpoints), len(trusted))


def main(args):
    if args[:1] == ["pack"] and len(args) == 3:
        problems, summary = verify_pack(args[1], args[2])
    elif args[:1] == ["chain"] and len(args) == 5:
        problems, summary = verify_chain(*args[1:])
    else:
        print(__doc__)
        return 2
    for problem in problems:
        print("FAILED: " + problem)
    if not problems:
        print("OK: " + summary)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
