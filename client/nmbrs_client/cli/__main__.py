import sys

from nmbrs_client.cli.main import main

sys.exit(main())
