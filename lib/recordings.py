"""Sound recordings (an interview's) checked by their structure, not their first bytes: an HTML page that
starts with "ID3" or "RIFF" is no recording. Each kind the stations' phones and recorders make is read
as far as its first frames or chunks go:

- MP3: an optional ID3v2 tag (its size read), then two MPEG audio frames, the second where the first
  frame's header says it ends;
- AAC (ADTS): two frames likewise;
- WAV: RIFF, WAVE, and a "fmt " chunk of PCM or another known format among its chunks;
- OGG: an Ogg page (version 0) whose first packet is Vorbis, Opus or FLAC;
- M4A: MP4 boxes from the start, an "ftyp" of an audio brand, then a "moov" or "mdat" box;
- AMR: its magic line and whole frames of the sizes their headers give.
"""

import struct

MPEG_BITRATES = {  # kbit/s by (version is MPEG-1, layer III), index 1..14
    True: [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    False: [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
MPEG_RATES = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000]}
ADTS_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350]
MP4_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"mp42", b"mp41", b"isom", b"iso2", b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"dash"}


def is_recording(data):
    """Whether `data` is a sound recording of a kind above, by its structure."""
    return any(check(data) for check in (is_mp3, is_adts, is_wav, is_ogg, is_mp4_audio, is_amr))


def mpeg_frame_length(header):
    """The length of the MPEG audio (layer III) frame this 4-byte header starts, or None."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate, rate, padding = header[2] >> 4, (header[2] >> 2) & 3, (header[2] >> 1) & 1
    if version == 1 or layer != 1 or bitrate in (0, 15) or rate == 3:
        return None
    mpeg1 = version == 3
    kbps, hz = MPEG_BITRATES[mpeg1][bitrate - 1], MPEG_RATES[version][rate]
    return (144 if mpeg1 else 72) * kbps * 1000 // hz + padding


def is_mp3(data):
    start = 0
    if data[:3] == b"ID3" and len(data) >= 10:
        size = data[6:10]
        if any(b & 0x80 for b in size):
            return False
        start = 10 + (size[0] << 21 | size[1] << 14 | size[2] << 7 | size[3])
    first = mpeg_frame_length(data[start:start + 4])
    return first is not None and mpeg_frame_length(data[start + first:start + first + 4]) is not None


def adts_frame_length(header):
    if len(header) < 7 or header[0] != 0xFF or header[1] & 0xF6 != 0xF0:
        return None
    if (header[2] >> 2) & 0xF >= len(ADTS_RATES):
        return None
    length = (header[3] & 3) << 11 | header[4] << 3 | header[5] >> 5
    return length if length >= 7 else None


def is_adts(data):
    first = adts_frame_length(data[:7])
    return first is not None and adts_frame_length(data[first:first + 7]) is not None


def is_wav(data):
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return False
    at = 12
    while at + 8 <= len(data):
        kind, size = data[at:at + 4], struct.unpack("<I", data[at + 4:at + 8])[0]
        if kind == b"fmt ":
            return size >= 16 and len(data) >= at + 24 and struct.unpack("<H", data[at + 8:at + 10])[0] in (
                1, 2, 3, 6, 7, 0x11, 0x55, 0xFFFE)
        at += 8 + size + (size & 1)
    return False


def is_ogg(data):
    if len(data) < 28 or data[:4] != b"OggS" or data[4] != 0:
        return False
    segments = data[26]
    body = 27 + segments
    packet = data[body:body + 8]
    return packet.startswith((b"\x01vorbis", b"OpusHead", b"\x7fFLAC"))


def is_mp4_audio(data):
    at, kinds = 0, []
    while at + 8 <= len(data) and len(kinds) < 16:
        size, kind = struct.unpack(">I", data[at:at + 4])[0], data[at + 4:at + 8]
        if size == 1 and at + 16 <= len(data):
            size = struct.unpack(">Q", data[at + 8:at + 16])[0]
        if size < 8:
            return False
        if not kinds and (kind != b"ftyp" or data[at + 8:at + 12] not in MP4_AUDIO_BRANDS):
            return False
        kinds.append(kind)
        at += size
    return bool(kinds) and any(kind in (b"moov", b"mdat") for kind in kinds)


# Bytes of an AMR frame (its header included) by frame type; 15 is "no data".
AMR_FRAMES = {b"#!AMR\n": {**dict(enumerate([13, 14, 16, 18, 20, 21, 27, 32, 6])), 15: 1},
              b"#!AMR-WB\n": {**dict(enumerate([18, 24, 33, 37, 41, 47, 51, 59, 61, 6])), 15: 1}}


def is_amr(data, frames=3):
    """The magic line, then (up to) `frames` whole frames, each header valid and its length its type's."""
    for magic, sizes in AMR_FRAMES.items():
        if not data.startswith(magic):
            continue
        at, seen = len(magic), 0
        while at < len(data) and seen < frames:
            header = data[at]
            size = sizes.get((header >> 3) & 0xF)
            if header & 0x83 or size is None or at + size > len(data):
                return False
            at, seen = at + size, seen + 1
        return seen > 0
    return False
