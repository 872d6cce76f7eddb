"""What the backend pays to normalise a phone number in Python: the
python-phonenumbers library (Debian python3-phonenumbers), parse and format
as E.164, on the numbers of a file (one a line) with one default region.

Usage: phonenumbers_bench.py FILE REGION PASSES
Prints one line per pass: "us_per_number=<float> accepted=<int> of=<int>"
(the time of the loop only: reading the file and importing the library are
not counted)."""

import sys
import time

import phonenumbers


def main():
    path, region, passes = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(path, encoding="utf-8") as f:
        numbers = f.read().split("\n")
    if numbers and numbers[-1] == "":
        numbers.pop()
    e164 = phonenumbers.PhoneNumberFormat.E164
    parse = phonenumbers.parse
    fmt = phonenumbers.format_number
    error = phonenumbers.NumberParseException
    for _ in range(passes):
        accepted = 0
        start = time.perf_counter()
        for raw in numbers:
            try:
                fmt(parse(raw, region), e164)
                accepted += 1
            except error:
                pass
        elapsed = time.perf_counter() - start
        print("us_per_number=%.3f accepted=%d of=%d"
              % (elapsed * 1e6 / len(numbers), accepted, len(numbers)))


main()
