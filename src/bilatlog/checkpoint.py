"""Checkpoints: a small statement of a log's head, to publish (as Certificate Transparency does).

A hash chain shows that nothing *inside* a log was changed; it cannot show that
the log you are reading is as long as it once was, or the same log someone else
read. A checkpoint pins it: `position`, `head_hash` and the head's
`recorded_at`. Publish it (a paper's appendix, a release note, a commit
message, a tweet); anyone can later check a copy with
`tl.verify(expect=checkpoint)`, or `bilatlog verify --expect POSITION:HASH`.

Signing is optional: with the `sign` extra (`pip install 'bilatlog[sign]'`,
which brings `cryptography`), `tl.checkpoint(key=...)` signs the statement with
Ed25519, so readers can tell that it came from you.

```python
cp = tl.checkpoint()
cp.text()            # '{"head_hash":"...","kind":"bilatlog-checkpoint","position":41,...}'
Checkpoint.from_text(cp.text()) == cp
tl.verify(expect=cp).ok
```
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import TYPE_CHECKING, Any, Final

import attrs

from bilatlog._codec import canonical_bytes, format_instant, parse_instant
from bilatlog._optional import require
from bilatlog.exceptions import ValidationError

if TYPE_CHECKING:
    from bilatlog.backends import Backend, VerifyReport

__all__ = ["Checkpoint", "check_expected", "checkpoint_at", "parse_expect"]

_KIND: Final = "bilatlog-checkpoint"


def _crypto() -> Any:  # noqa: ANN401 - an optional module
    return require(
        "cryptography.hazmat.primitives.asymmetric.ed25519",
        extra="sign",
        needed_for="signing checkpoints needs",
    )


@attrs.frozen(kw_only=True)
class Checkpoint:
    """A published head: what the log held when it was made.

    Attributes:
        position: the head position (0 for an empty log).
        head_hash: the hash of the record at `position` ("" for an empty log).
        recorded_at: when that record was stored (None for an empty log).
        signature: base64 Ed25519 signature over `statement()`, or "".
        public_key: base64 raw Ed25519 public key that made `signature`, or "".
    """

    position: int
    head_hash: str
    recorded_at: dt.datetime | None = None
    signature: str = ""
    public_key: str = ""

    def statement(self) -> bytes:
        """The canonical bytes that are signed: position, head hash, recorded_at."""
        return canonical_bytes(self._body())

    def _body(self) -> dict[str, Any]:
        return {
            "kind": _KIND,
            "position": self.position,
            "head_hash": self.head_hash,
            "recorded_at": format_instant(self.recorded_at) if self.recorded_at else None,
        }

    def text(self) -> str:
        """One line of JSON to publish (with the signature, if signed)."""
        out = self._body()
        if self.signature:
            out["signature"] = self.signature
            out["public_key"] = self.public_key
        return json.dumps(out, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_text(cls, text: str) -> Checkpoint:
        """Read what `text()` wrote."""
        try:
            data = json.loads(text)
            if data.get("kind") != _KIND:
                raise ValueError("not a bilatlog checkpoint")  # noqa: TRY301
            at = data.get("recorded_at")
            return cls(
                position=int(data["position"]),
                head_hash=str(data["head_hash"]),
                recorded_at=parse_instant(at) if at else None,
                signature=str(data.get("signature", "")),
                public_key=str(data.get("public_key", "")),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise ValidationError(
                "checkpoint",
                text[:80] if isinstance(text, str) else text,
                f"not a checkpoint ({e}).",
                "pass the text that Checkpoint.text() wrote.",
            ) from None

    def signed(self, key: object) -> Checkpoint:
        """Return this checkpoint signed with an Ed25519 private key (the `sign` extra).

        `key` is a `cryptography` `Ed25519PrivateKey`, or its 32 raw bytes.
        """
        ed25519 = _crypto()
        if isinstance(key, bytes):
            key = ed25519.Ed25519PrivateKey.from_private_bytes(key)
        if not isinstance(key, ed25519.Ed25519PrivateKey):
            raise ValidationError(
                "key",
                type(key).__name__,
                "expected an Ed25519 private key.",
                "pass Ed25519PrivateKey.generate() or its 32 raw bytes.",
            )
        from cryptography.hazmat.primitives import serialization  # noqa: PLC0415

        raw = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return attrs.evolve(
            self,
            signature=base64.b64encode(key.sign(self.statement())).decode("ascii"),
            public_key=base64.b64encode(raw).decode("ascii"),
        )

    def signature_ok(self, public_key: object = None) -> bool:
        """Whether the signature is valid, by `public_key` (default: the one it names).

        Pass the key you trust (an `Ed25519PublicKey` or its 32 raw bytes): a
        checkpoint can name any key it likes.
        """
        if not self.signature:
            return False
        ed25519 = _crypto()
        from cryptography.exceptions import InvalidSignature  # noqa: PLC0415

        if public_key is None:
            public_key = base64.b64decode(self.public_key)
        if isinstance(public_key, bytes):
            public_key = ed25519.Ed25519PublicKey.from_public_bytes(public_key)
        try:
            public_key.verify(base64.b64decode(self.signature), self.statement())  # type: ignore[attr-defined]
        except (InvalidSignature, ValueError):
            return False
        return True


def parse_expect(value: object) -> tuple[int, str]:
    """`(position, head_hash)` from a `Checkpoint`, a pair, or `"POSITION:HASH"` text."""
    if isinstance(value, Checkpoint):
        return value.position, value.head_hash
    given = value
    if isinstance(value, str):
        position, sep, hash_ = value.partition(":")
        value = (int(position), hash_) if sep and position.isdigit() else None
    if (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], int)
        and not isinstance(value[0], bool)
        and value[0] >= 0
        and isinstance(value[1], str)
        and (value[1] == "" if value[0] == 0 else len(value[1]) == 64)
    ):
        return value[0], value[1]
    raise ValidationError(
        "expect",
        given,
        "expected a published head: (position, head_hash), 'POSITION:HASH' or a Checkpoint.",
        "pass e.g. expect=(41, report.head_hash), as tl.verify() or tl.checkpoint() gave.",
    )


def checkpoint_at(backend: Backend, position: int) -> Checkpoint:
    """The checkpoint of a log at `position` (0: the empty log)."""
    rec = next(iter(backend.read(position, position)), None) if position else None
    return Checkpoint(
        position=rec.position if rec else 0,
        head_hash=rec.hash if rec else "",
        recorded_at=rec.recorded_at if rec else None,
    )


def check_expected(
    report: VerifyReport, backend: Backend, wanted: tuple[int, str] | None
) -> VerifyReport:
    """`report`, unless the log no longer holds the expected head (rolled back, or forked)."""
    if wanted is None or not report.ok:
        return report
    position, head_hash = wanted
    head = report.position or 0
    if position > head:
        return attrs.evolve(
            report,
            ok=False,
            position=head + 1,
            reason=f"the log ends at position {head}, before the expected head at "
            f"{position}: it was rolled back or cut short (or this is an older copy)",
        )
    found = checkpoint_at(backend, position).head_hash
    if found != head_hash:
        return attrs.evolve(
            report,
            ok=False,
            position=position,
            reason=f"position {position} holds a record with hash {found[:12]}..., not the "
            f"expected {head_hash[:12]}...: this log forked from the published one",
        )
    return report
