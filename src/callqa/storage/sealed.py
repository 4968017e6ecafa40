"""The encrypted blob format: AES-256-GCM in chunks under a per-blob data key (envelope encryption).

Layout::

    magic (8) | version (1) | chunk shift (1) | key id length (1) | key id | nonce prefix (4)
    | wrap nonce (12) | wrapped data key (32 + 16 tag) | chunk 0 | chunk 1 | ... | chunk n-1 (final)

Each blob gets a fresh random data key, wrapped (AES-GCM) by the configured key named in the header, with
the header and the blob's store path as associated data: a header edited or a blob moved to another path
does not open. Each chunk is ``2**shift`` bytes of plaintext (the last one 0 to ``2**shift``) plus a 16-byte
tag, encrypted with nonce ``prefix | index`` and associated data ``index | final``: chunks cannot be
reordered, dropped, or cut off at a chunk boundary (the new last chunk was not sealed as final), and any
plaintext handed out has been authenticated. Writing and reading hold at most two chunks in memory, and a
byte range is read by decrypting only the chunks it covers.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from callqa.core.errors import CallqaError, ErrorCode

MAGIC = b"\x89CQAENC\n"
VERSION = 1
CHUNK_SHIFT = 20  # 1 MiB of plaintext per chunk
TAG = 16
_WRAPPED = 32 + TAG
_FIXED = struct.Struct(">8sBBB")  # magic, version, chunk shift, key id length


@dataclass(frozen=True)
class Header:
    """What the start of an encrypted blob says: which key, how it is chunked, the wrapped data key."""

    key_id: str
    chunk_shift: int
    nonce_prefix: bytes
    wrap_nonce: bytes
    wrapped_key: bytes

    @property
    def chunk_size(self) -> int:
        return 1 << self.chunk_shift

    def prefix(self) -> bytes:
        """The header's bytes up to the wrapped key (authenticated when the data key is unwrapped)."""
        key_id = self.key_id.encode("ascii")
        fixed = _FIXED.pack(MAGIC, VERSION, self.chunk_shift, len(key_id))
        return fixed + key_id + self.nonce_prefix + self.wrap_nonce

    def encode(self) -> bytes:
        return self.prefix() + self.wrapped_key

    @property
    def length(self) -> int:
        return _FIXED.size + len(self.key_id) + 4 + 12 + _WRAPPED


def is_sealed(head: bytes) -> bool:
    """Whether bytes that start a blob are an encrypted blob's (a legacy blob is stored in clear)."""
    return head.startswith(MAGIC)


def read_header(handle: BinaryIO, uri: str) -> Header | None:
    """The header at the start of ``handle`` (then positioned after it); ``None`` for a blob in clear.

    Raises ``CallqaError`` (F104) for a header that is cut short or of an unknown version.
    """
    fixed = handle.read(_FIXED.size)
    if not is_sealed(fixed):
        return None
    if len(fixed) < _FIXED.size:
        raise CallqaError(ErrorCode.F104, uri=uri, reason="the header is cut short")
    _, version, shift, id_length = _FIXED.unpack(fixed)
    if version != VERSION:
        raise CallqaError(
            ErrorCode.F104, uri=uri, reason=f"format version {version}; this callqa reads version {VERSION}"
        )
    if not 12 <= shift <= 26:
        raise CallqaError(ErrorCode.F104, uri=uri, reason=f"chunk shift {shift} is out of range")
    rest = handle.read(id_length + 4 + 12 + _WRAPPED)
    if len(rest) < id_length + 4 + 12 + _WRAPPED:
        raise CallqaError(ErrorCode.F104, uri=uri, reason="the header is cut short")
    try:
        key_id = rest[:id_length].decode("ascii")
    except UnicodeDecodeError:
        raise CallqaError(ErrorCode.F104, uri=uri, reason="the key id is not ASCII") from None
    at = id_length
    return Header(key_id, shift, rest[at : at + 4], rest[at + 4 : at + 16], rest[at + 16 :])


def _chunk_nonce(prefix: bytes, index: int) -> bytes:
    return prefix + index.to_bytes(8, "big")


def _chunk_aad(index: int, final: bool) -> bytes:
    return index.to_bytes(8, "big") + (b"\x01" if final else b"\x00")


def seal(
    blocks: Iterable[bytes],
    write: Callable[[bytes], object],
    *,
    key_id: str,
    key: bytes,
    name: str,
    chunk_shift: int = CHUNK_SHIFT,
) -> None:
    """Encrypt the bytes ``blocks`` yield (any sizes) with ``key`` as blob ``name`` (its store path), passing
    the encrypted blob to ``write`` piece by piece."""
    data_key = AESGCM.generate_key(bit_length=256)
    header = Header(key_id, chunk_shift, os.urandom(4), os.urandom(12), b"")
    wrapped = AESGCM(key).encrypt(header.wrap_nonce, data_key, header.prefix() + name.encode("utf-8"))
    write(header.prefix() + wrapped)
    cipher, size = AESGCM(data_key), header.chunk_size
    pending, index = bytearray(), 0
    for block in blocks:
        pending += block
        while len(pending) > size:  # more than a chunk: this one is not the last
            chunk = bytes(pending[:size])
            del pending[:size]
            write(cipher.encrypt(_chunk_nonce(header.nonce_prefix, index), chunk, _chunk_aad(index, False)))
            index += 1
    write(cipher.encrypt(_chunk_nonce(header.nonce_prefix, index), bytes(pending), _chunk_aad(index, True)))


def file_blocks(handle: BinaryIO, size: int = 1 << CHUNK_SHIFT) -> Iterator[bytes]:
    """The bytes of an open file in blocks of ``size``."""
    while block := handle.read(size):
        yield block


class SealedReader:
    """Plaintext byte ranges of an encrypted blob, opened on a seekable handle.

    Opening unwraps the data key and authenticates the final chunk, so a wrong key, an edited header, a
    truncated or extended blob is refused before any byte is handed out; a chunk altered in the middle is
    refused when a range reaches it.
    """

    def __init__(self, handle: BinaryIO, header: Header, key: bytes, *, name: str, uri: str) -> None:
        self._handle, self._header, self._uri = handle, header, uri
        try:
            data_key = AESGCM(key).decrypt(
                header.wrap_nonce, header.wrapped_key, header.prefix() + name.encode("utf-8")
            )
        except InvalidTag:
            raise self._refused(
                "the key does not open this blob (another key under the same id, an altered header, "
                "or a blob moved from another path)"
            ) from None
        self._cipher = AESGCM(data_key)
        body = handle.seek(0, os.SEEK_END) - header.length
        whole = header.chunk_size + TAG
        self._chunks = max(1, -(-body // whole))
        last = body - (self._chunks - 1) * whole
        if last < TAG:
            raise self._refused("the blob is truncated (its last chunk is incomplete)")
        self.size = (self._chunks - 1) * header.chunk_size + last - TAG
        self._chunk(self._chunks - 1)  # a blob cut at a chunk boundary ends on a chunk not sealed as final

    @property
    def key_id(self) -> str:
        return self._header.key_id

    def read_range(self, start: int, stop: int) -> Iterator[bytes]:
        """Plaintext bytes ``start`` to ``stop`` (exclusive), chunk by chunk."""
        size = self._header.chunk_size
        stop = min(stop, self.size)
        if stop <= start:
            return
        for index in range(start // size, (stop - 1) // size + 1):
            plain = self._chunk(index)
            base = index * size
            yield plain[max(start - base, 0) : stop - base]

    def _chunk(self, index: int) -> bytes:
        whole = self._header.chunk_size + TAG
        self._handle.seek(self._header.length + index * whole)
        data = self._handle.read(whole)
        final = index == self._chunks - 1
        nonce = _chunk_nonce(self._header.nonce_prefix, index)
        try:
            return self._cipher.decrypt(nonce, data, _chunk_aad(index, final))
        except InvalidTag:
            reason = (
                "the blob is truncated or was extended (its last chunk is not the one sealed as final)"
                if final
                else f"chunk {index} fails authentication: the blob was altered"
            )
            raise self._refused(reason) from None

    def _refused(self, reason: str) -> CallqaError:
        return CallqaError(ErrorCode.F103, uri=self._uri, key_id=self._header.key_id, reason=reason)
