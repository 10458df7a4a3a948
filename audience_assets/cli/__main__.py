import sys

from audience_assets.cli import main

sys.exit(main())
