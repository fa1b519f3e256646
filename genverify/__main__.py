import sys

from genverify.cli import main

sys.exit(main())
