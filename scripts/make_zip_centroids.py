"""Write data/zip_centroids.csv.gz from the `zipcodes` package (run after updating its pin).

The app reads this small file (ZIP, city, state, latitude, longitude) instead of importing the
package at run time: on a busy machine the package took 10 s to load its full data set, the
file about 0.5 s. No network is used either way.
"""
from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import zipcodes

OUT = Path(__file__).resolve().parent.parent / "data" / "zip_centroids.csv.gz"


def main() -> None:
    rows = []
    for item in zipcodes.list_all():
        try:
            lat, lon = float(item["lat"]), float(item["long"])
        except (KeyError, TypeError, ValueError):
            continue
        rows.append((item["zip_code"], item["city"], item["state"], f"{lat:.3f}", f"{lon:.3f}",
                     "1" if item.get("zip_code_type") == "STANDARD" else "0"))
    rows.sort()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["zip", "city", "state", "lat", "lon", "standard"])
    writer.writerows(rows)
    # mtime=0: the same data gives the same bytes, so git sees no change without a data change.
    with open(OUT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as out:
        out.write(text.getvalue().encode())
    print(f"{len(rows)} ZIP codes -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
