"""python -m benchmarks: see benchmarks/run.py. python -m benchmarks listing: see listing.py.
python -m benchmarks group: see group.py."""

import sys

if sys.argv[1:2] == ["listing"]:
    from benchmarks.listing import main as listing

    sys.exit(listing(sys.argv[2:]))
if sys.argv[1:2] == ["group"]:
    from benchmarks.group import main as group

    sys.exit(group(sys.argv[2:]))

from benchmarks.run import main

sys.exit(main())
