"""A CSV of generated customers for timing `manage.py import_customers` at scale.

    python bench/customers_csv.py --rows 100000 > var/customers-100k.csv

A third of the rows are referred by a code given earlier in the file (so chains run
several generations), one in twenty has no email, one in four a first purchase.
"""

import argparse
import csv
import random
import sys

FIRST = ["Ana", "Ben", "Chloé", "Dev", "Eun-ji", "Femi", "Greta", "Hugo", "Ines", "Jonas", "Kofi", "Lena"]
LAST = ["Silva", "Okafor", "Lindqvist", "Patel", "Kim", "Moreau", "Nowak", "Haddad", "Rossi", "Tanaka"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = csv.writer(sys.stdout)
    out.writerow(
        ["name", "email", "phone", "company", "referral_code", "referred_by_code", "first_purchase_value", "notes"]
    )
    for row in range(1, args.rows + 1):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {row}"
        email = "" if row % 20 == 0 else f"customer{row}@example.com"
        referred_by = f"R{rng.randrange(1, row):06d}" if row > 1 and rng.random() < 1 / 3 else ""
        value = f"{rng.randrange(20, 900)}.00" if rng.random() < 0.25 else ""
        out.writerow([name, email, f"+1 555 {row:07d}", "", f"R{row:06d}", referred_by, value, ""])


if __name__ == "__main__":
    main()
