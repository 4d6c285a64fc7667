"""Distances between US ZIP codes from ZIP centroids shipped with the app (no network).

data/zip_centroids.csv.gz is derived from the `zipcodes` package by scripts/make_zip_centroids.py;
it is read once per process on the first question (0.4-0.6 s measured with a load average of 17;
the package itself took 10 s to load its data set on the same machine).
"""
from __future__ import annotations

import csv
import gzip
import math
from functools import lru_cache
from pathlib import Path

CENTROIDS_FILE = Path(__file__).resolve().parents[3] / "data" / "zip_centroids.csv.gz"
EARTH_RADIUS_MILES = 3958.8


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, tuple[float, float]], dict[tuple[str, str], str]]:
    """(ZIP -> (lat, lon), (CITY, STATE) -> lowest standard ZIP)."""
    centroids: dict[str, tuple[float, float]] = {}
    first_zip_of_city: dict[tuple[str, str], str] = {}
    with gzip.open(CENTROIDS_FILE, "rt", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)  # header: zip,city,state,lat,lon,standard
        for zip_code, city, state, lat, lon, standard in rows:
            centroids[zip_code] = (float(lat), float(lon))
            if standard == "1":
                first_zip_of_city.setdefault((city.upper(), state), zip_code)  # rows are sorted by ZIP
    return centroids, first_zip_of_city


def zip_centroid(zip_code: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) of a 5-digit ZIP code, or None for an unknown one."""
    zip_code = (zip_code or "").strip()
    if len(zip_code) != 5 or not zip_code.isdigit():
        return None
    return _table()[0].get(zip_code)


def is_known_zip(zip_code: str | None) -> bool:
    return zip_centroid(zip_code) is not None


def distance_miles(zip_a: str | None, zip_b: str | None) -> float | None:
    """Great-circle distance between two ZIP centroids, or None when either is unknown."""
    a, b = zip_centroid(zip_a), zip_centroid(zip_b)
    if a is None or b is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))


def zip_for_city(city: str | None, state: str | None) -> str | None:
    """The lowest standard ZIP code of a city (a stand-in when only the member's city is on file)."""
    if not city or not state:
        return None
    return _table()[1].get((city.strip().upper(), state.strip().upper()))
