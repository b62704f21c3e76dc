"""Recordings are checked by their structure (issue 23): real WAV, MP3 (with and without its ID3 tag),
AAC, Ogg Opus, M4A and AMR pass; a page or text that only starts like one does not."""

import io
import struct
import wave

import pytest

from lib.recordings import is_recording

MP3_FRAME = b"\xff\xfb\x90\x64" + bytes(413)  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz: 417 bytes
ADTS_FRAME = b"\xff\xf1\x50\x80\x02\x1f\xfc" + bytes(9)  # 16 bytes, 44.1 kHz, stereo


def wav():
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(bytes(1600))
    return out.getvalue()


def mp3(tagged=False):
    tag = b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"TIT2\x00\x00\x00\x00\x00\x00" if tagged else b""
    return tag + MP3_FRAME * 3


def ogg_opus():
    head = b"OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00"
    return b"OggS\x00\x02" + bytes(20) + b"\x01" + bytes([len(head)]) + head


def m4a():
    ftyp = struct.pack(">I", 20) + b"ftypM4A " + b"\x00\x00\x00\x00" + b"M4A "
    return ftyp + struct.pack(">I", 8) + b"free" + struct.pack(">I", 16) + b"mdat" + bytes(8)


@pytest.mark.parametrize("data", [wav(), mp3(), mp3(tagged=True), ADTS_FRAME * 2, ogg_opus(), m4a(),
                                  b"#!AMR\n\x3c" + bytes(31)],
                         ids=["wav", "mp3", "mp3 with tag", "aac", "ogg opus", "m4a", "amr"])
def test_real_recordings_pass(data):
    assert is_recording(data)


@pytest.mark.parametrize("data", [
    b"ID3\x04\x00\x00" + bytes(200),  # a tag and nothing after it
    b"ID3\x04\x00\x00\x00\x00\x00\x00<html><script>alert(1)</script></html>",
    b"RIFF\x00\x00\x00\x00WAVE<html></html>",
    b"\xff\xfb<html>" + bytes(500),
    b"OggS\x00" + bytes(40),
    struct.pack(">I", 20) + b"ftypM4A " + bytes(8) + b"<html></html>",
    struct.pack(">I", 20) + b"ftypqt  " + bytes(8) + struct.pack(">I", 8) + b"mdat",
    b"#!AMR\n<html>",
    b"<html>not a sound</html>",
], ids=["tag only", "tag then html", "riff then html", "sync then html", "ogg without a packet",
        "ftyp then html", "a video brand", "amr then html", "html"])
def test_what_only_starts_like_a_recording_is_refused(data):
    assert not is_recording(data)
