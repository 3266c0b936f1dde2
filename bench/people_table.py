"""The generated table the dataset benchmarks scan: 10 columns of made-up customers
(id, names, e-mail, phone, street, city, zip, signup date, notes), the same rows for the
same seed, so bench/csv_throughput.py and bench/xlsx_throughput.py read one table."""

from __future__ import annotations

import random
from collections.abc import Iterator

FIRST = ["Ann", "Bob", "Carla", "Dmitri", "Eve", "Farid", "Grace", "Hiro", "Ines", "Jon", "Kemal"]
LAST = ["Lee", "Smith", "Garcia", "Ivanov", "Ng", "Khan", "Hopper", "Sato", "Silva", "Berg"]
STREETS = ["Main St", "Oak Ave", "Pine Rd", "Maple Dr", "Cedar Ln", "Elm St", "Lake View"]
CITIES = ["Boston", "Austin", "Denver", "Seattle", "Miami", "Chicago", "Portland"]
AREA_CODES = ["212", "310", "415", "617", "702", "206", "305", "512", "303", "773"]
NOTES = ["", "", "", "called back", "prefers email", "vip customer since 2019", "moved"]
NOTES += ["late fee waived"]
HEADER = ["id", "first_name", "last_name", "email", "phone", "street", "city", "zip"]
HEADER += ["signup_date", "notes"]


def rows(count: int, seed: int = 7) -> Iterator[list[object]]:
    """`count` rows of the table, deterministic for `seed`."""
    rng = random.Random(seed)
    for n in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        phone = f"({rng.choice(AREA_CODES)}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"
        yield [
            n,
            first,
            last,
            f"{first.lower()}.{last.lower()}{n}@example.org",
            phone,
            f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
            rng.choice(CITIES),
            f"{rng.randint(1000, 99999):05d}",
            f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            rng.choice(NOTES),
        ]
