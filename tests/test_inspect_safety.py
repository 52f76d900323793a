"""Untrusted profiles: no entity expansion, no DTD or network fetch, bounded sizes; each refused quickly."""

from __future__ import annotations

import os
import socket
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from profilegen.errors import InputError
from profilegen.inspect.read import MAX_BYTES, load, load_bytes
from tests.cli import run_cli

SECRET = "PROFILEGEN-SECRET-MARKER-7f3a"
QUICK = 2.0  # seconds: every refusal here takes milliseconds; expansion would take minutes or memory

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE plist [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<plist version="1.0"><dict><key>PayloadDisplayName</key><string>&lol9;</string></dict></plist>
"""


def external_entity(system_id: str) -> str:
    return f"""<?xml version="1.0"?>
<!DOCTYPE plist [ <!ENTITY xxe SYSTEM "{system_id}"> ]>
<plist version="1.0"><dict><key>PayloadDisplayName</key><string>&xxe;</string></dict></plist>
"""


class Listener:
    """A TCP listener on loopback that counts the connections anyone makes to it."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def refused(path: Path) -> InputError:
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        load(path)
    assert time.perf_counter() - start < QUICK
    return caught.value


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "laughs.mobileconfig"
    path.write_text(BILLION_LAUGHS)
    error = refused(path)
    assert "refused" in error.message and "internal subset" in error.message
    assert error.path == str(path)


def test_external_entity_to_a_local_file_reads_nothing(tmp_path: Path, secret_file: Path) -> None:
    path = tmp_path / "xxe.mobileconfig"
    path.write_text(external_entity(secret_file.as_uri()))
    error = refused(path)
    assert SECRET not in error.render()
    assert "entit" in error.message


def test_external_entity_to_a_fifo_is_never_opened(tmp_path: Path) -> None:
    """Opening a FIFO with no writer blocks: a parser that touched it would hang past the time bound."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    path = tmp_path / "xxe-fifo.mobileconfig"
    path.write_text(external_entity(fifo.as_uri()))
    refused(path)


def test_external_entity_over_http_makes_no_connection(tmp_path: Path, listener: Listener) -> None:
    path = tmp_path / "xxe-http.mobileconfig"
    path.write_text(external_entity(f"http://127.0.0.1:{listener.port}/secret"))
    refused(path)
    time.sleep(0.3)
    assert listener.connections == 0


def test_external_dtd_is_not_fetched(tmp_path: Path, listener: Listener) -> None:
    """A DOCTYPE without internal subset is allowed, but its DTD is never loaded."""
    path = tmp_path / "dtd.mobileconfig"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE plist SYSTEM "http://127.0.0.1:{listener.port}/plist.dtd">\n'
        '<plist version="1.0"><dict><key>PayloadDisplayName</key><string>x</string></dict></plist>\n'
    )
    document = load(path)
    time.sleep(0.3)
    assert listener.connections == 0
    assert document.root is not None and document.root.value == {"PayloadDisplayName": "x"}


def test_undeclared_entity_reference_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "undeclared.mobileconfig"
    path.write_text('<plist version="1.0"><dict><key>a</key><string>&xxe;</string></dict></plist>')
    error = refused(path)
    assert "xxe" in error.message and "line 1" in error.message


def test_doctype_subset_in_utf16_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "utf16.mobileconfig"
    path.write_bytes(
        BILLION_LAUGHS.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16")
    )
    assert "internal subset" in refused(path).message


def test_too_large_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.mobileconfig"
    with path.open("wb") as handle:  # sparse: nothing is written, the size says 11 MB
        handle.truncate(MAX_BYTES + 1024 * 1024)
    error = refused(path)
    assert error.message == "11,534,336 bytes: larger than the 10,485,760 bytes profilegen reads"


def test_fifo_is_refused_without_opening(tmp_path: Path) -> None:
    fifo = tmp_path / "profile.mobileconfig"
    os.mkfifo(fifo)
    assert "not a regular file" in refused(fifo).message


def _bplist_bomb(levels: int) -> bytes:
    """A binary plist of nested arrays, each holding its child twice: 2**levels leaves from a few bytes."""
    objects = [bytes([0x50 | 3]) + b"lol"]  # object 0: the string "lol"
    for level in range(1, levels + 1):
        objects.append(bytes([0xA2, level - 1, level - 1]))  # an array of two references to the level below
    body = b"bplist00"
    offsets = []
    for item in objects:
        offsets.append(len(body))
        body += item
    table_offset = len(body)
    body += b"".join(struct.pack(">H", o) for o in offsets)
    body += b"\x00" * 6 + bytes([2, 1]) + struct.pack(">QQQ", len(objects), len(objects) - 1, table_offset)
    return body


def test_binary_plist_with_shared_references_is_refused() -> None:
    data = _bplist_bomb(60)
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        load_bytes(data, "bomb.mobileconfig")
    assert time.perf_counter() - start < QUICK
    assert "shared or circular references" in caught.value.message


def test_small_binary_plist_with_shared_references_still_reads() -> None:
    """The budget counts references, so a legitimate file that shares a few objects is fine."""
    document = load_bytes(_bplist_bomb(3), "small.mobileconfig")
    assert document.root is not None and document.root.value == [[["lol", "lol"]] * 2] * 2


def test_cli_refuses_billion_laughs_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "laughs.mobileconfig"
    path.write_text(BILLION_LAUGHS)
    start = time.perf_counter()
    run = run_cli("show", str(path))
    assert time.perf_counter() - start < 30
    assert run.returncode == 3
    assert run.stdout == ""
    assert run.stderr.startswith(f"profilegen: error: {path}: refused: the XML contains a DOCTYPE")
    assert "Traceback" not in run.stderr


def test_cli_validate_reports_unsafe_file_as_finding(tmp_path: Path, secret_file: Path) -> None:
    path = tmp_path / "xxe.mobileconfig"
    path.write_text(external_entity(secret_file.as_uri()))
    run = run_cli("validate", "--format", "json", str(path))
    assert run.returncode == 1
    assert SECRET not in run.stdout + run.stderr
    assert '"rule": "unreadable"' in run.stdout
