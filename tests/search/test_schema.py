"""The index's fused text formats must give exactly what the analyzer gives."""
from whoosh.formats import Frequency, Positions

from webapp.search.schema import TEXT_ANALYZER, StemmedFrequency, StemmedPositions, stemmed_positions

SAMPLES = [
    "",
    "The claim was denied for timely filing; please resubmit.",
    "A a I the of to — x-ray X-RAY x.ray 3.5mg e.g. U.S.A. claims CLAIMS Claimed",
    "  leading and trailing   spaces\tand\nnew lines ",
    "Ünïcödé naïve café résumé Straße İstanbul ΣΊΣΥΦΟΣ 東京 ﬁnance",
    "wild*card star* ** *lone 1206201714 M12345678 PA123456 1,234.56 $20",
    "the the the and or not a an",
    "running runs ran runner's dogs' o'clock can't won't",
]


def analyzer_positions(text):
    found = {}
    for token in TEXT_ANALYZER(text, positions=True):
        found.setdefault(token.text, []).append(token.pos)
    return found


def test_stemmed_positions_match_the_analyzer():
    for text in SAMPLES:
        assert stemmed_positions(text) == analyzer_positions(text), text


def test_fused_formats_encode_like_whoosh():
    for text in SAMPLES:
        assert sorted(StemmedPositions().word_values(text, TEXT_ANALYZER)) == \
            sorted(Positions().word_values(text, TEXT_ANALYZER)), text
        assert sorted(StemmedFrequency().word_values(text, TEXT_ANALYZER)) == \
            sorted(Frequency().word_values(text, TEXT_ANALYZER)), text
