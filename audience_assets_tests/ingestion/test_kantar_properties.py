"""Whatever bytes or cell values arrive, the parser fails only with its own error type."""

import contextlib
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audience_assets import samples
from audience_assets.ingestion.kantar import KantarParseError, parse_bytes, parse_rows

HEADER = list(samples.HEADER)

cells = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1)),
    st.times(),
    st.timedeltas(),
    st.sampled_from(["15,7", "1.206", "25:40:00", "15/01/2024", "", "1.2.3", "99:99", "-1"]),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_raise_only_kantar_errors(data):
    with contextlib.suppress(KantarParseError):
        parse_bytes(data, "fuzz.tsv")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.lists(cells, max_size=len(HEADER) + 2), max_size=6))
def test_arbitrary_cells_under_a_header_raise_only_kantar_errors(rows):
    try:
        delivery = parse_rows(
            [["[PROGRAMAS] (ESPAÑA)"], HEADER, *rows], "fuzz.xlsx", "0" * 64, "xlsx"
        )
    except KantarParseError:
        return
    for record in delivery.records:
        assert 0 <= record.share <= 100
        assert record.avg_audience >= 0 and record.unique_viewers >= 0
        assert record.start <= record.end


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=1, max_size=512))
def test_arbitrary_zip_like_bytes_raise_only_kantar_errors(tail):
    with contextlib.suppress(KantarParseError):
        parse_bytes(b"PK\x03\x04" + tail, "fuzz.xlsx")
