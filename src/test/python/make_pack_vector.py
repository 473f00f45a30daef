#!/usr/bin/env python3
"""Writes the evidence-pack test vectors of docs/audit-format.md (section 6, "An evidence pack") into
docs/test-vectors/: a pack that verifies and tampered copies that each fail one check of section 4.

  make_pack_vector.py [OUTPUT-FOLDER]      (default: docs/test-vectors next to this repository's docs)

Deterministic: standard library and the openssl command only (Ed25519 signatures are deterministic), entries
stored uncompressed with fixed times, so every run writes byte-identical files. The chain part is the vectors block's
two format-2 links and its checkpoint, signed with the documented test key (private seed 0x00..0x1f); the population
and sample are the "samples" vector's (items A..J, seed 42: E, G, C). The files have the shape EvidencePacks writes:
entry names and order, Jackson's pretty printer for the JSON files, compact JSON lines for chain/segments.jsonl."""
import atexit, base64, hashlib, io, json, os, re, shutil, subprocess, sys, tempfile, warnings, zipfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import itgc_audit_verify  # noqa: E402 (the decoder of section 1, written from the document)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DOC = os.path.join(ROOT, "docs", "audit-format.md")
ZIP_TIME = (2026, 12, 2, 9, 0, 6)
TEST_SEED = bytes(range(0x00, 0x20))      # the documented test key
STRANGER_SEED = bytes(range(0x20, 0x40))  # the vectors' "next" key of the rotation: a key the auditor did not pin
PKCS8_ED25519 = bytes.fromhex("302e020100300506032b657004220420")


# ---- JSON as the engine's Jackson ObjectMapper writes it ------------------------------------------------------------

def _string(text):
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ord(ch) < 0x20:
            out.append({8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r"}.get(ord(ch), "\\u%04X" % ord(ch)))
        else:
            out.append(ch)
    return "".join(out + ['"'])


def _scalar(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return _string(value)


def compact(value):
    """ObjectMapper.writeValueAsString."""
    if isinstance(value, dict):
        return "{" + ",".join(_string(k) + ":" + compact(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(compact(v) for v in value) + "]"
    return _scalar(value)


def pretty(value, level=0):
    """ObjectMapper.writerWithDefaultPrettyPrinter (DefaultPrettyPrinter: " : ", arrays on one line, LF)."""
    if isinstance(value, dict):
        if not value:
            return "{ }"
        return "{" + ",".join("\n" + "  " * (level + 1) + _string(k) + " : " + pretty(v, level + 1)
                              for k, v in value.items()) + "\n" + "  " * level + "}"
    if isinstance(value, list):
        return "[ ]" if not value else "[ " + ", ".join(pretty(v, level) for v in value) + " ]"
    return _scalar(value)


# ---- keys, signatures, hashes ---------------------------------------------------------------------------------------

def sha256(data):
    return hashlib.sha256(data).hexdigest()


def _openssl(*args, data=None):
    return subprocess.run(["openssl"] + list(args), input=data, capture_output=True, check=True).stdout


class Key:
    def __init__(self, seed):
        self.folder = tempfile.mkdtemp(prefix="pack-vector-")
        atexit.register(shutil.rmtree, self.folder, True)
        der = os.path.join(self.folder, "key.der")
        with open(der, "wb") as out:
            out.write(PKCS8_ED25519 + seed)
        self.private = os.path.join(self.folder, "key.pem")
        _openssl("pkey", "-inform", "DER", "-in", der, "-out", self.private)
        public_der = _openssl("pkey", "-in", self.private, "-pubout", "-outform", "DER")
        body = base64.b64encode(public_der).decode()
        # AuditSigningKey.pem: MIME base64 in lines of 64, LF
        self.pem = "-----BEGIN PUBLIC KEY-----\n" + "\n".join(body[i:i + 64] for i in range(0, len(body), 64)) \
            + "\n-----END PUBLIC KEY-----\n"
        self.fingerprint = sha256(public_der)
        self.key_id = self.fingerprint[:16]

    def sign(self, text):
        """base64 of the Ed25519 signature of the text's UTF-8 bytes (AuditSigningKey.sign)."""
        message = os.path.join(self.folder, "message")
        with open(message, "wb") as out:
            out.write(text.encode("utf-8"))
        return base64.b64encode(_openssl("pkeyutl", "-sign", "-inkey", self.private, "-rawin", "-in", message)).decode()


def link_hash(fmt, prev, seq, canonical):
    prefix = b"" if fmt == 1 else ("itgc-audit-link/%d\n" % fmt).encode()
    return sha256(prefix + prev.encode() + b"\n" + str(seq).encode() + b"\n" + canonical.encode("utf-8"))


def vectors():
    doc = open(DOC, encoding="utf-8").read()
    start = doc.index("```json vectors")
    return json.loads(doc[doc.index("\n", start) + 1:doc.index("```", start + 3)])


# ---- the pack's files ---------------------------------------------------------------------------------------------

CONTROL = ("CM-02", "Changes tested, test evidence attached", "per-event")
FROM, TO = "2026-12-01T00:00:00Z", "2026-12-03T00:00:00Z"
CREATED_AT, CREATED_BY = "2026-12-02T09:00:06Z", "audrey"
PACK_ID = "EP-1796202006000"  # "EP-" + epoch milliseconds of CREATED_AT
COLUMNS = ["item_id", "audit_object_id", "title", "system_id", "status", "created_at"]
TITLES = {"A": "Patch ledger service", "B": "Rotate bank file certificate", "C": "Add cost centre 4711",
          "D": "Upgrade report server", "E": "Raise posting limit", "F": "Fix invoice rounding",
          "G": "New approval workflow", "H": "Archive closed periods", "I": "Tune batch window",
          "J": "Retire legacy interface"}


def population():
    rows = []
    for i, item in enumerate("ABCDEFGHIJ"):
        # item E is the change that link 1 records (change.submit of CHG-2026-000001)
        rows.append({"item_id": item, "audit_object_id": "CHG-2026-000001" if item == "E" else "CHG-2026-%06d" % (101 + i),
                     "title": TITLES[item], "system_id": "ERP-FIN", "status": "implemented",
                     "created_at": "2026-12-02T09:00:00Z" if item == "E" else "2026-12-01T%02d:00:00Z" % (8 + i)})
    return rows


def population_csv(rows):
    # Csv.write: RFC 4180, LF; none of these cells needs quoting or defusing
    for row in rows:
        for cell in row.values():
            assert not re.search(r'[",;\r\n]', cell) and cell[:1] not in "=+-@\t\r", cell
    return "".join(",".join(line) + "\n" for line in [COLUMNS] + [[r[c] for c in COLUMNS] for r in rows]).encode()


def _xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def population_xlsx(rows):
    """Xlsx.bytes() of one sheet: the same four parts, entries stored with the fixed time."""
    def row(number, cells):
        return '<row r="%d">' % number + "".join(
            '<c r="%s%d" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (chr(65 + c), number,
                                                                                       _xml_escape(v))
            for c, v in enumerate(cells)) + "</row>"
    declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    parts = {
        "[Content_Types].xml": declaration
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        + '<Default Extension="xml" ContentType="application/xml"/>'
        + '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        + "</Types>",
        "_rels/.rels": declaration
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        + "</Relationships>",
        "xl/workbook.xml": declaration
        + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        + 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        + '<sheet name="%s population" sheetId="1" r:id="rId1"/></sheets></workbook>' % CONTROL[0],
        "xl/_rels/workbook.xml.rels": declaration
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        + "</Relationships>",
        "xl/worksheets/sheet1.xml": declaration
        + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + row(1, COLUMNS) + "".join(row(n + 2, [r[c] for c in COLUMNS]) for n, r in enumerate(rows))
        + "</sheetData></worksheet>",
    }
    return zip_bytes([(name, text.encode("utf-8")) for name, text in parts.items()])


def readme(size):
    # EvidencePacks.readme, as its text block reads
    return ("Evidence pack of control %s: %s\n"
            "\n"
            "population.csv / population.xlsx  every item of the period\n"
            "samples.json                       the seed and the %d item(s) drawn; re-perform with java.util.Random(seed)\n"
            "evidence/                          each sample's row and the audit events recorded on it\n"
            "chain/segments.jsonl               the hash chain from those events to the signed checkpoints that cover them\n"
            "chain/checkpoints.json             those checkpoints, signed with the audit key (Ed25519)\n"
            "public-key.pem                     the audit key's public half; compare it with the one published with the checkpoints\n"
            "manifest.json / manifest.sig       the SHA-256 of every file, signed with the same key\n"
            "\n"
            "Verify without the database:\n"
            "  java -cp itgc-engine.jar -Dloader.main=org.itgc.controls.EvidencePackVerifier \\\n"
            "    org.springframework.boot.loader.launch.PropertiesLauncher PACK.zip AUDIT-KEY-FINGERPRINT\n"
            "  (the fingerprint pinned from GET /api/audit/signing-key, or the published public key file)\n"
            % (CONTROL[0], CONTROL[1], size)).encode("utf-8")


def fields(canonical):
    """Decodes a format-2 canonical text into its ten fields (section 1), with the auditor's verifier's decoder."""
    return itgc_audit_verify.decode_v2(canonical.encode("utf-8"))


def event_of(link):
    """The evidence's copy of a link's event, as EvidencePacks selects it from audit_event (occurredAt: Instant)."""
    f = fields(link["canonical"])
    whole, fraction = f[1][:-1].split(".")  # Instant.toString: no fraction, or 3 or 6 digits
    occurred = whole + ("" if fraction == "000000" else "." + (fraction[:3] if fraction.endswith("000") else fraction)) + "Z"
    return {"seq": link["seq"], "hash": link["hash"], "occurredAt": occurred, "actor": f[2], "action": f[5],
            "objectType": f[6], "objectId": f[7], "outcome": f[8], "details": f[9]}


def pack_files(key, links, checkpoint, samples, tamper_event=None):
    """The entries of a pack, before the manifest (name -> bytes), as EvidencePacks.create writes them."""
    rows = population()
    files = {"population.csv": population_csv(rows), "population.xlsx": population_xlsx(rows)}
    files["samples.json"] = pretty({
        "controlId": CONTROL[0], "frequency": CONTROL[2], "from": FROM, "to": TO, "population": len(rows),
        "seed": 42, "seedBy": "auditor",
        "method": "java.util.Random(seed); Collections.shuffle(item ids in population order); first %d" % len(samples),
        "samples": samples}).encode("utf-8")
    by_object = {}
    for link in links:
        by_object.setdefault(fields(link["canonical"])[7], []).append(event_of(link))
    for n, item in enumerate(samples, 1):
        row = next(r for r in rows if r["item_id"] == item)
        events = [dict(e) for e in by_object.get(row["audit_object_id"], [])]
        if tamper_event and events:
            events[0].update(tamper_event)
        files["evidence/%03d-%s.json" % (n, item)] = pretty(
            {"itemId": item, "item": row, "auditEvents": events}).encode("utf-8")
    files["chain/segments.jsonl"] = "".join(compact(
        {"seq": l["seq"], "format": l["format"], "prevHash": l["prevHash"], "hash": l["hash"],
         "canonical": l["canonical"]}) + "\n" for l in links).encode("utf-8")
    files["chain/checkpoints.json"] = pretty([checkpoint]).encode("utf-8")
    files["public-key.pem"] = key.pem.encode("ascii")
    files["README.txt"] = readme(len(samples))
    return files


def sign_pack(files, key):
    """manifest.json (every file's SHA-256, names sorted as Java's TreeMap) and manifest.sig, added to the files."""
    manifest = pretty({"pack": PACK_ID, "controlId": CONTROL[0], "from": FROM, "to": TO, "createdAt": CREATED_AT,
                       "createdBy": CREATED_BY, "keyId": key.key_id,
                       "files": {name: sha256(files[name]) for name in sorted(files)}}).encode("utf-8")
    files = dict(files)
    files["manifest.json"] = manifest
    files["manifest.sig"] = key.sign(manifest.decode("utf-8")).encode("ascii")
    return files


def zip_bytes(entries):
    """A ZIP of (name, bytes) in the order given: stored, fixed time, no platform-dependent attributes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a duplicate name is wanted in one variant
        for name, data in entries:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.create_system = 0
            info.external_attr = 0
            z.writestr(info, data)
    return out.getvalue()


def ordered(files):
    return [(name, files[name]) for name in sorted(files)]  # the engine's TreeMap order


def main(args):
    folder = args[0] if args else os.path.join(ROOT, "docs", "test-vectors")
    v = vectors()
    key, stranger = Key(TEST_SEED), Key(STRANGER_SEED)
    assert key.pem == v["key"]["publicKeyPem"] and key.fingerprint == v["key"]["fingerprint"]
    links = [l for l in v["links"] if l["format"] == 2]
    assert [l["seq"] for l in links] == [1, 2]
    for l in links:
        assert link_hash(2, l["prevHash"], l["seq"], l["canonical"]) == l["hash"]
    c = v["checkpoint"]
    assert c["headHash"] == links[-1]["hash"]
    checkpoint = {"seq": c["seq"], "headHash": c["headHash"], "createdAt": c["createdAt"], "keyId": key.key_id,
                  "signature": c["signature"]}
    assert key.sign(c["signedText"]) == c["signature"], "the test key does not sign to the documented signature"
    samples = v["samples"][0]
    assert samples["population"] == list("ABCDEFGHIJ") and samples["seed"] == 42

    good = pack_files(key, links, checkpoint, samples["samples"])
    signed = sign_pack(good, key)
    packs = {"pack-vector.zip": ordered(signed)}

    # check 1: a second entry of population.csv (the same bytes) after the last entry
    packs["pack-vector-duplicate-entry.zip"] = ordered(signed) + [("population.csv", signed["population.csv"])]
    # check 2: public-key.pem and manifest.sig of another key (the checkpoint stays the test key's)
    foreign = dict(good)
    foreign["public-key.pem"] = stranger.pem.encode("ascii")
    packs["pack-vector-stranger-key.zip"] = ordered(sign_pack(foreign, stranger))
    # check 3: population.csv changed after signing (a title of item E; no item id changes)
    edited = dict(signed)
    edited["population.csv"] = signed["population.csv"].replace(b"Raise posting limit", b"Raise posting limjt")
    assert edited["population.csv"] != signed["population.csv"]
    packs["pack-vector-population-edited.zip"] = ordered(edited)
    # check 4: link 1's client address (a field no evidence event repeats) changed, hashes kept, manifest re-signed
    changed = [dict(l) for l in links]
    changed[0]["canonical"] = changed[0]["canonical"].replace("8:10.0.0.7", "8:10.0.0.9")
    assert changed[0]["canonical"] != links[0]["canonical"]
    packs["pack-vector-link-edited.zip"] = ordered(sign_pack(pack_files(key, changed, checkpoint,
                                                                        samples["samples"]), key))
    # check 5: the evidence's copy of event seq 1 names another actor than the link, manifest re-signed
    packs["pack-vector-event-edited.zip"] = ordered(sign_pack(pack_files(key, links, checkpoint, samples["samples"],
                                                                         tamper_event={"actor": "mallory"}), key))
    # check 6: samples.json lists D instead of C (its evidence with it), manifest re-signed
    packs["pack-vector-wrong-sample.zip"] = ordered(sign_pack(pack_files(key, links, checkpoint, ["E", "G", "D"]), key))

    os.makedirs(folder, exist_ok=True)
    for name, entries in packs.items():
        data = zip_bytes(entries)
        with open(os.path.join(folder, name), "wb") as out:
            out.write(data)
        print("%s  %s" % (sha256(data), name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
