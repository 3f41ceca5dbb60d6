"""Zip archives (.docx, .odt) opened with zip-bomb guards: member count, declared and
actual uncompressed size, compression ratio; encrypted members refused."""
from __future__ import annotations

import io
import zipfile
import zlib

from ._common import Limits, MiB, ReadFailure

_CHUNK = 64 * 1024


def _mb(n: int) -> str:
    return f"{n / MiB:.1f} MB"


class SafeZip:
    """Read members of an archive in memory, never past the limits."""

    def __init__(self, data: bytes, limits: Limits, what: str = "archive") -> None:
        self.limits = limits
        self.what = what
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as e:
            raise ReadFailure("corrupt", f"damaged or truncated {what} (not a readable zip archive: {e})") from None
        if len(infos) > limits.max_members:
            raise ReadFailure("unsafe", f"{what} has {len(infos)} entries > limit {limits.max_members} "
                                        "(zip bomb?)")
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_unpacked:
            raise ReadFailure("unsafe", f"{what} would expand to {_mb(declared)} > limit "
                                        f"{_mb(limits.max_unpacked)} (zip bomb?)")
        self.infos = {i.filename: i for i in infos}
        self.unpacked = 0

    def names(self) -> list[str]:
        return list(self.infos)

    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str) -> bytes:
        info = self.infos.get(name)
        if info is None:
            raise ReadFailure("corrupt", f"{self.what} has no {name}")
        lim = self.limits
        if info.flag_bits & 0x1:
            raise ReadFailure("encrypted", f"{self.what} is encrypted ({name} needs a password)")
        packed = max(info.compress_size, 1)
        if info.file_size > lim.ratio_grace and info.file_size > lim.max_ratio * packed:
            raise ReadFailure("unsafe", f"{name} in the {self.what} is compressed "
                                        f"{info.file_size // packed}:1 > limit {lim.max_ratio}:1 (zip bomb?)")
        out = bytearray()
        try:
            with self.zf.open(info) as f:
                while True:
                    chunk = f.read(_CHUNK)
                    if not chunk:
                        break
                    out += chunk
                    self.unpacked += len(chunk)
                    if self.unpacked > lim.max_unpacked:
                        raise ReadFailure("unsafe", f"{self.what} expands past {_mb(lim.max_unpacked)} "
                                                    "(zip bomb?)")
                    if len(out) > lim.ratio_grace and len(out) > lim.max_ratio * packed:
                        raise ReadFailure("unsafe", f"{name} in the {self.what} expands more than "
                                                    f"{lim.max_ratio}:1 (zip bomb?)")
        except ReadFailure:
            raise
        except RuntimeError as e:  # "File is encrypted, password required"
            raise ReadFailure("encrypted" if "encrypt" in str(e).lower() else "corrupt",
                              f"cannot read {name} from the {self.what}: {e}") from None
        except NotImplementedError as e:
            raise ReadFailure("unsupported", f"{name} in the {self.what}: {e}") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as e:
            raise ReadFailure("corrupt", f"damaged {self.what}: cannot unpack {name} ({e})") from None
        return bytes(out)

    def read_text(self, name: str, limit: int = 4096) -> str:
        """A small text member (a mimetype), decoded leniently."""
        return self.read(name)[:limit].decode("utf-8", errors="replace")
