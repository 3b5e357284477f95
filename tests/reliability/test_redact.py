"""archive.redact: ID numbers and bank cards in every spelling seen in real archives are masked,
the canonical number comes back (for the keyed hash and the tails), and ordinary numbers stay."""

from __future__ import annotations

import re

import pytest

from archive import redact
from tests.support.id_spellings import ADULT, CARD, CHILD, CLEAN, CORPUS, spaced


@pytest.mark.parametrize("text, number", CORPUS, ids=[f"s{i:02d}" for i in range(len(CORPUS))])
def test_spelling_is_masked(text, number):
    out = redact.redact(text)
    digits = re.sub(r"\D", "", out.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    assert "*" in out, (text, out)
    numbers = [f.number for f in redact.find(text)]
    if number is not None:
        assert number in numbers, (text, numbers)
        middle = number[4:-4]
        assert middle not in digits, (text, out)
    for n in numbers:
        assert n[4:-4] not in re.sub(r"[\s\-./·_]", "", out), (text, out)
    assert not redact.find(out), out       # a masked text holds nothing more to mask


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("text", CLEAN)
def test_ordinary_numbers_stay(text):
    assert redact.redact(text) == text
    assert redact.find(text) == []


def test_two_ids_in_one_run_are_both_found():
    numbers = [f.number for f in redact.find(f"{ADULT} {CHILD}")]
    assert numbers == [ADULT, CHILD]


def test_mask_keeps_ends_for_the_clerk():
    assert redact.redact(f"身份证{ADULT}。") == f"身份证{ADULT[:4]}{'*' * 10}{ADULT[-4:]}。"


def test_redact_json_masks_keys_and_values():
    data = {"files": {f"/old/{ADULT}.pdf": {"title": f"王某 {spaced(CARD, (4, 4, 4, 4))}", "n": 3}}}
    out = redact.redact_json(data)
    flat = repr(out)
    assert ADULT not in flat and ADULT[4:-4] not in flat and CARD[4:-4] not in flat.replace(" ", "")
    assert list(out["files"].values())[0]["n"] == 3


def test_seal_round_trip():
    key = b"k" * 32
    path = f"/old/王某{ADULT}.pdf"
    sealed = redact.seal(path, key)
    assert sealed.startswith("enc:") and ADULT not in sealed
    assert redact.unseal(sealed, key) == path
    assert redact.unseal(sealed, b"x" * 32) == ""
    assert redact.seal("/old/王某.pdf", key) == "/old/王某.pdf"


def test_hex_digests_are_not_numbers():
    import hashlib

    for i in range(2000):   # a sha256 often holds 15 or more decimal digits in a row
        h = hashlib.sha256(str(i).encode()).hexdigest()
        assert redact.redact(f"root {h}") == f"root {h}"
    assert redact.redact(f"ID{ADULT}") != f"ID{ADULT}"      # 'D' is a hex letter, yet no hash
