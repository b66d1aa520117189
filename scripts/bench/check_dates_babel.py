#!/usr/bin/env python3
"""babel reference for the translator lab's date generator (core/translate/Dates.cpp).

The course's nmt_utils.load_dataset writes each date with babel:
    format_date(dt, format=random.choice(FORMATS), locale='en_US').lower().replace(',', '')
This reads `unroll-cli dates --course-formats` output ("source<TAB>target" lines) and checks that every source is
what babel writes for its target date in one of the course's formats. It also counts how often each format could
have made the line, as a rough check of the weights ('full' 10 of 24; a year outside 1969..2068 never gets a
two-digit format).

Run: build/app/unroll-cli dates --n 20000 --seed 1 --course-formats | /usr/bin/python3 scripts/bench/check_dates_babel.py
Needs Debian's python3-babel. Exits 1 on the first mismatch, printing it.
"""
import collections
import datetime
import sys

from babel.dates import format_date

FORMATS = ['short', 'medium', 'long', 'full', 'd MMM YYY', 'd MMMM YYY', 'dd MMM YYY', 'd MMM, YYY', 'd MMMM, YYY',
           'dd, MMM YYY', 'd MM YY', 'MMMM d YYY', 'MMMM d, YYY', 'dd.MM.YY']
TWO_DIGIT = {'short', 'd MM YY', 'dd.MM.YY'}


def main():
    used = collections.Counter()
    n = 0
    for line in sys.stdin:
        source, target = line.rstrip('\n').split('\t')
        d = datetime.date.fromisoformat(target)
        writers = [f for f in FORMATS
                   if format_date(d, format=f, locale='en_US').lower().replace(',', '') == source]
        if not writers:
            print(f'no course format writes {target} as {source!r}')
            return 1
        if not 1969 <= d.year <= 2068 and all(f in TWO_DIGIT for f in writers):
            print(f'two-digit year outside 1969..2068: {source!r} for {target}')
            return 1
        used.update(writers)
        n += 1
    print(f'{n} pairs, every one as babel writes it')
    for f in FORMATS:
        print(f'  {f!r:16} could have written {used[f]:6} ({used[f] / max(n, 1):.3f})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
