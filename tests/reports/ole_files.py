"""Small but real OLE containers (Compound File Binary, version 3) for the tests: the streams given, in the
storages their paths name. Every stream is padded to 4096 bytes so that it lives in the main FAT (no mini
stream to write); olefile reads them as Office does."""

import struct

SECTOR = 512
END, FREE, FAT_SECTOR, NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole_file(streams: dict[tuple[str, ...], bytes]) -> bytes:
    """An OLE container holding `streams` ({("Macros", "VBA", "dir"): b"…"} makes two storages)."""
    entries = [{"name": "Root Entry", "type": 5, "children": [], "data": None}]
    by_path = {(): 0}
    for path, data in streams.items():
        for depth in range(1, len(path) + 1):
            if path[:depth] not in by_path:
                is_stream = depth == len(path)
                entry = {"name": path[depth - 1], "type": 2 if is_stream else 1, "children": [], "data": None}
                if is_stream:
                    entry["data"] = data.ljust(max(4096, -(-len(data) // SECTOR) * SECTOR), b"\x00")
                by_path[path[:depth]] = len(entries)
                entries[by_path[path[: depth - 1]]]["children"].append(len(entries))
                entries.append(entry)
    directory_sectors = -(-len(entries) * 128 // SECTOR)
    fat = [FAT_SECTOR] + [*range(2, directory_sectors + 1), END]
    body = b""
    for entry in entries:
        if entry["data"] is not None:
            entry["start"] = 1 + directory_sectors + len(body) // SECTOR
            count = len(entry["data"]) // SECTOR
            fat += [*range(entry["start"] + 1, entry["start"] + count), END]
            body += entry["data"]
    assert len(fat) <= SECTOR // 4, "a test file this small needs one FAT sector"
    directory = b"".join(_entry(entry, entries) for entry in entries).ljust(directory_sectors * SECTOR, b"\x00")
    header = (
        MAGIC + b"\x00" * 16 + struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, END, 0, END, 0)
    )
    header += struct.pack("<I", 0) + struct.pack("<I", FREE) * 108
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(SECTOR, b"\xff")
    return header + fat_sector + directory + body


def _entry(entry, entries) -> bytes:
    """A directory entry; each storage's children are chained as right siblings (a valid, if lopsided, tree)."""
    name = entry["name"].encode("utf-16-le") + b"\x00\x00"
    siblings = {}
    for parent in entries:
        siblings.update(zip(parent["children"], parent["children"][1:], strict=False))
    index = entries.index(entry)
    right = siblings.get(index, NONE)
    child = entry["children"][0] if entry["children"] else NONE
    start, size = (entry["start"], len(entry["data"])) if entry["data"] is not None else (END, 0)
    return (
        name.ljust(64, b"\x00")
        + struct.pack("<HBB", len(name), entry["type"], 1)
        + struct.pack("<III", NONE, right, child)
        + b"\x00" * 16  # CLSID
        + b"\x00" * 4  # state bits
        + b"\x00" * 16  # creation and modification times
        + struct.pack("<IQ", start, size)
    )
