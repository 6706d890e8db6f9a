"""Shape codecs: botocore shapes compiled once into small objects that read and write the wire.

``decode`` turns a parsed JSON value into handler input (member names, converted types) and is as
strict as AWS's deserializer (a JSON ``true`` where a string belongs is a SerializationException);
``from_text`` reads a URI label, query-string value or header; ``encode`` turns handler output into
the JSON to send (member names -> ``locationName``, timestamps per the shape's format, blobs as
base64, ``None`` and unknown members dropped, so internal ``_fields`` never leak).
"""

from __future__ import annotations

import base64
import binascii
import math
from datetime import UTC, datetime
from typing import Any

from botocore.model import Shape

from apigate.control.errors import BadRequestException, SerializationException


def _bad_type(path: str, expected: str) -> BadRequestException:
    return BadRequestException(f"Invalid value at '{path}': expected {expected}")


def _java_class(value: Any) -> str:
    if isinstance(value, str):
        return "java.lang.String"
    if isinstance(value, bool):
        return "java.lang.Boolean"
    return "com.amazon.coral.value.json.numbers.TruncatingBigNumber"


def _mismatch(value: Any, target: str) -> SerializationException:
    """AWS's deserializer wording for a JSON value of the wrong type (recorded; note "an String")."""
    if isinstance(value, dict):
        return SerializationException("Start of structure or map found where not expected.")
    if isinstance(value, list):
        return SerializationException("Start of list found where not expected.")
    return SerializationException(f"class {_java_class(value)} can not be converted to an {target}")


class Codec:
    """A scalar string (also the base class)."""

    __slots__ = ("name",)
    # True when encode() is the identity, so containers can skip walking their elements.
    passthrough = True

    def __init__(self, name: str) -> None:
        self.name = name

    def decode(self, value: Any, path: str) -> Any:
        if isinstance(value, str):
            return value
        raise _mismatch(value, "String")

    def from_text(self, text: str, path: str) -> Any:
        return text

    def encode(self, value: Any) -> Any:
        return value

    def to_text(self, value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)


class IntegerCodec(Codec):
    __slots__ = ()

    def decode(self, value: Any, path: str) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return int(value)  # a TruncatingBigNumber: 1.5 becomes 1
        raise _mismatch(value, "Integer")

    def from_text(self, text: str, path: str) -> Any:
        try:
            return int(text.strip())
        except ValueError:
            raise _bad_type(path, "an integer") from None


class DoubleCodec(Codec):
    __slots__ = ()

    def decode(self, value: Any, path: str) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise _mismatch(value, "Double")

    def from_text(self, text: str, path: str) -> Any:
        try:
            number = float(text)
        except ValueError:
            raise _bad_type(path, "a number") from None
        if not math.isfinite(number):
            raise _bad_type(path, "a number")
        return number


class BooleanCodec(Codec):
    __slots__ = ()

    def decode(self, value: Any, path: str) -> Any:
        if isinstance(value, bool):
            return value
        raise _mismatch(value, "Boolean")

    def from_text(self, text: str, path: str) -> Any:
        lowered = text.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise _bad_type(path, "a boolean")


class TimestampCodec(Codec):
    """Handlers store and return int epoch seconds; the wire format follows the shape.

    rest-json's default (apigateway v1, lambda) is a number of epoch seconds; apigatewayv2 marks its
    timestamps ``iso8601``.
    """

    __slots__ = ("iso",)
    passthrough = False

    def __init__(self, name: str, fmt: str) -> None:
        super().__init__(name)
        self.iso = fmt == "iso8601"

    def decode(self, value: Any, path: str) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            return self.from_text(value, path)
        raise _mismatch(value, "Date")

    def from_text(self, text: str, path: str) -> Any:
        try:
            number = float(text)
            return int(number) if number.is_integer() else number
        except ValueError:
            pass
        try:
            return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
        except ValueError:
            raise _bad_type(path, "a timestamp") from None

    def encode(self, value: Any) -> Any:
        if isinstance(value, datetime):
            value = value.timestamp() if value.tzinfo else value.replace(tzinfo=UTC).timestamp()
        if not self.iso:
            return int(value) if isinstance(value, float) and value.is_integer() else value
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return value


class BlobCodec(Codec):
    """Blobs travel base64-encoded inside JSON; as a payload they are the raw body (see protocol)."""

    __slots__ = ()
    passthrough = False

    def decode(self, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            raise _mismatch(value, "ByteBuffer")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise _bad_type(path, "a base64 string") from None

    def from_text(self, text: str, path: str) -> Any:
        return self.decode(text, path)

    def encode(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.encode()
        return base64.b64encode(value).decode("ascii")


class ListCodec(Codec):
    __slots__ = ("member",)

    def __init__(self, name: str, member: Codec) -> None:
        super().__init__(name)
        self.member = member

    @property
    def passthrough(self) -> bool:  # type: ignore[override]
        return self.member.passthrough

    def decode(self, value: Any, path: str) -> Any:
        if not isinstance(value, list):
            raise _mismatch(value, "List")
        member = self.member
        return [member.decode(v, f"{path}.{i + 1}.member") for i, v in enumerate(value) if v is not None]

    def from_texts(self, texts: list[str], path: str) -> list[Any]:
        return [self.member.from_text(t, path) for t in texts]

    def from_text(self, text: str, path: str) -> Any:
        return self.from_texts([text], path)

    def encode(self, value: Any) -> Any:
        if self.member.passthrough:
            return value
        encode = self.member.encode
        return [None if v is None else encode(v) for v in value]


class MapCodec(Codec):
    __slots__ = ("value",)

    def __init__(self, name: str, value: Codec) -> None:
        super().__init__(name)
        self.value = value

    @property
    def passthrough(self) -> bool:  # type: ignore[override]
        return self.value.passthrough

    def decode(self, value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            raise _mismatch(value, "Map")
        decode = self.value.decode
        return {k: (None if v is None else decode(v, f"{path}.{k}")) for k, v in value.items()}

    def encode(self, value: Any) -> Any:
        if self.value.passthrough:
            return value
        encode = self.value.encode
        return {k: (None if v is None else encode(v)) for k, v in value.items()}


class StructureCodec(Codec):
    """``decoding``: wire name -> (member, codec); ``encoding``: member -> (wire name, codec)."""

    __slots__ = ("decoding", "encoding", "known", "nested", "renamed")
    passthrough = False

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.decoding: dict[str, tuple[str, Codec]] = {}
        self.encoding: dict[str, tuple[str, Codec | None]] = {}
        self.known: set[str] = set()
        self.nested: list[tuple[str, str, Codec]] = []  # members whose encoding is not the identity
        self.renamed = False  # some identity-encoded member has a different wire name

    def add(self, member: str, wire: str, codec: Codec) -> None:
        self.decoding[wire] = (member, codec)
        self.encoding[member] = (wire, None if codec.passthrough else codec)
        self.known.add(member)
        if not codec.passthrough:
            self.nested.append((member, wire, codec))
        elif wire != member:
            self.renamed = True

    def decode(self, value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            raise _mismatch(value, "Structure")
        out: dict[str, Any] = {}
        decoding = self.decoding
        for wire, item in value.items():
            entry = decoding.get(wire)
            if entry is None or item is None:
                continue  # unknown members are ignored, as AWS does
            member, codec = entry
            out[member] = codec.decode(item, f"{path}.{member}")
        return out

    def encode(self, value: Any) -> Any:
        # Fast path (most documents): only known members, no None -> a C-level copy, then only the
        # nested members are re-encoded. Otherwise walk every member, dropping unknown ones (such as
        # internal ``_fields``) and None values.
        if not self.renamed and value.keys() <= self.known and None not in value.values():
            if not self.nested:
                return value
            out = dict(value)
            for member, wire, codec in self.nested:
                item = out.get(member)
                if item is not None:
                    if wire != member:
                        del out[member]
                    out[wire] = codec.encode(item)
            return out
        out = {}
        encoding = self.encoding
        for member, item in value.items():
            entry = encoding.get(member)
            if entry is None or item is None:
                continue
            wire, member_codec = entry
            out[wire] = item if member_codec is None else member_codec.encode(item)
        return out


_SCALARS: dict[str, type[Codec]] = {
    "string": Codec,
    "integer": IntegerCodec,
    "long": IntegerCodec,
    "float": DoubleCodec,
    "double": DoubleCodec,
    "boolean": BooleanCodec,
    "blob": BlobCodec,
}


class CodecFactory:
    """Compiles shapes of one service model, each shape once (so recursive shapes terminate)."""

    def __init__(self, default_timestamp_format: str = "unixTimestamp") -> None:
        self.default_timestamp_format = default_timestamp_format
        self._cache: dict[str, Codec] = {}

    def codec(self, shape: Shape) -> Codec:
        cached = self._cache.get(shape.name)
        if cached is not None:
            return cached
        kind = shape.type_name
        codec: Codec
        if kind == "structure":
            struct = StructureCodec(shape.name)
            self._cache[shape.name] = struct  # before the members: shapes may be recursive
            for member, member_shape in shape.members.items():
                struct.add(member, member_shape.serialization.get("name", member), self.codec(member_shape))
            return struct
        if kind == "list":
            codec = ListCodec(shape.name, self.codec(shape.member))
        elif kind == "map":
            codec = MapCodec(shape.name, self.codec(shape.value))
        elif kind == "timestamp":
            fmt = shape.serialization.get("timestampFormat", self.default_timestamp_format)
            codec = TimestampCodec(shape.name, fmt)
        else:
            codec = _SCALARS.get(kind, Codec)(shape.name)
        self._cache[shape.name] = codec
        return codec

    def body(self, shape: Shape, members: list[str]) -> StructureCodec:
        """A structure codec over only ``members`` of ``shape`` (its JSON-body members)."""
        struct = StructureCodec(shape.name)
        for member in members:
            member_shape = shape.members[member]
            struct.add(member, member_shape.serialization.get("name", member), self.codec(member_shape))
        return struct
