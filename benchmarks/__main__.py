"""python -m benchmarks: see benchmarks/run.py; python -m benchmarks listing: listing.py;
python -m benchmarks group: group.py; python -m benchmarks event_loop: event_loop.py."""

import sys

if sys.argv[1:2] == ["listing"]:
    from benchmarks.listing import main as listing

    sys.exit(listing(sys.argv[2:]))
if sys.argv[1:2] == ["event_loop"]:
    from benchmarks.event_loop import main as event_loop

    sys.exit(event_loop(sys.argv[2:]))
if sys.argv[1:2] == ["group"]:
    from benchmarks.group import main as group

    sys.exit(group(sys.argv[2:]))

from benchmarks.run import main

sys.exit(main())
