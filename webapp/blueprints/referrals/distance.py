"""Distances between US ZIP codes from the centroids the `zipcodes` package ships (no network).

The package loads its data set on the first query (a fraction of a second), then answers in
microseconds; centroids are cached per ZIP for the life of the process.
"""
from __future__ import annotations

import math
from functools import lru_cache

import zipcodes

EARTH_RADIUS_MILES = 3958.8


@lru_cache(maxsize=4096)
def zip_centroid(zip_code: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a 5-digit ZIP code, or None for an unknown one."""
    zip_code = (zip_code or "").strip()[:5]
    if len(zip_code) != 5 or not zip_code.isdigit():
        return None
    try:
        matches = zipcodes.matching(zip_code)
    except (ValueError, TypeError):
        return None
    for match in matches:
        try:
            return float(match["lat"]), float(match["long"])
        except (KeyError, TypeError, ValueError):
            continue
    return None


def is_known_zip(zip_code: str) -> bool:
    return zip_centroid(zip_code) is not None


def distance_miles(zip_a: str, zip_b: str) -> float | None:
    """Great-circle distance between two ZIP centroids, or None when either is unknown."""
    a, b = zip_centroid(zip_a), zip_centroid(zip_b)
    if a is None or b is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))


@lru_cache(maxsize=1024)
def zip_for_city(city: str, state: str) -> str | None:
    """The lowest standard ZIP code of a city (a stand-in when only the member's city is on file)."""
    if not city or not state:
        return None
    try:
        matches = zipcodes.filter_by(city=city.strip().title(), state=state.strip().upper())
    except (ValueError, TypeError):
        return None
    standard = sorted(m["zip_code"] for m in matches if m.get("zip_code_type") == "STANDARD")
    return standard[0] if standard else None
