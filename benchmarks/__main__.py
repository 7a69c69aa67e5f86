"""python -m benchmarks: see benchmarks/run.py. python -m benchmarks listing: see listing.py."""

import sys

if sys.argv[1:2] == ["listing"]:
    from benchmarks.listing import main as listing

    sys.exit(listing(sys.argv[2:]))

from benchmarks.run import main

sys.exit(main())
