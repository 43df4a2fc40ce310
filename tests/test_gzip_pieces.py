"""A page compressed once around its holes decompresses, with any filling, to exactly the
page with those fillings, as any gzip reader reads it."""

import gzip
import random
import zlib

import pytest

from foundations.gzip_pieces import MAX_STORED_BLOCK, GzipPieces


def spans(content: bytes, rng: random.Random, count: int) -> list[tuple[int, int, str]]:
    cuts = sorted(rng.sample(range(len(content) + 1), 2 * count))
    return [(cuts[i], cuts[i + 1], rng.choice(["nonce", "csrf"])) for i in range(0, len(cuts), 2)]


@pytest.mark.parametrize("seed", range(20))
def test_any_page_and_filling_round_trips(seed):
    rng = random.Random(seed)
    words = [b'<div class="govuk-body">', b"recipe", b"\n", bytes(rng.randbytes(8)), b"</div>"]
    content = b"".join(rng.choice(words) for _ in range(rng.randint(0, 3000)))
    holes = spans(content, rng, rng.randint(0, 6)) if len(content) > 12 else []
    pieces = GzipPieces.split(content, holes)
    fill = {"nonce": rng.randbytes(rng.randint(0, 40)), "csrf": rng.randbytes(64)}
    expected = pieces.body(fill)
    assert gzip.decompress(pieces.gzip(fill)) == expected
    # zlib in gzip mode checks the CRC-32 and length of the trailer as well.
    assert zlib.decompress(pieces.gzip(fill), wbits=31) == expected
    cut = 0
    for start, end, name in sorted(holes):
        assert expected.count(fill[name]) >= 1
        cut += end - start
    assert len(expected) == len(content) - cut + sum(len(fill[n]) for *_, n in holes)


def test_no_holes_is_the_page_itself_and_smaller():
    content = b"<p class='govuk-body'>Report a missed bin collection</p>\n" * 400
    pieces = GzipPieces.split(content, [])
    assert pieces.body({}) == content
    assert gzip.decompress(pieces.gzip({})) == content
    assert len(pieces.gzip({})) < len(content) / 10


def test_a_filling_longer_than_a_stored_block_still_round_trips():
    content = b"before HOLE after"
    pieces = GzipPieces.split(content, [(7, 11, "csrf")])
    filling = b"x" * (MAX_STORED_BLOCK * 2 + 10)
    assert gzip.decompress(pieces.gzip({"csrf": filling})) == b"before " + filling + b" after"


def test_the_secret_is_never_compressed_and_the_header_length_varies():
    """The filling is sent as it is (stored, not compressed with the page), and the file
    name in the header has a random length, as Django's BREACH mitigation does."""
    content = b'<input name="csrfmiddlewaretoken" value="TOKEN">' * 50
    holes = [(m, m + 5, "csrf") for m in range(len(content)) if content.startswith(b"TOKEN", m)]
    pieces = GzipPieces.split(content, holes)
    secret = b"S3cr3tT0k3nS3cr3tT0k3n"
    bodies = [pieces.gzip({"csrf": secret}) for _ in range(30)]
    assert all(body.count(secret) == 50 for body in bodies)
    assert len({len(body) for body in bodies}) > 5


def test_overlapping_holes_are_refused():
    with pytest.raises(ValueError):
        GzipPieces.split(b"abcdef", [(0, 3, "nonce"), (2, 4, "csrf")])
