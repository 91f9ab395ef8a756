"""Entry point of the PyInstaller build (the package's __main__ uses a relative import)."""

import multiprocessing
import sys

from clipset.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
