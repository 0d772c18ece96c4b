"""Command line of the synthetic workbook generator (tools/sample/synthetic.py)::

    python -m bench.generate --rows 100000 --seed 1 --out output/bench/acties-100000.json
"""

import sys

from tools.sample.synthetic import main

if __name__ == "__main__":
    sys.exit(main())
