"""Run the fake GitHub API (the one the tests use) for a demo, in the foreground.

    .venv/bin/python tools/fake_github.py --port 8765 [--token demo-token] [--repo dmwm/WMCore]

then start Shiftdesk against it (see docs/github.md):

    GITHUB_API_URL=http://127.0.0.1:8765 GITHUB_TOKEN=demo-token make run
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.github_sync.fake_github import main

if __name__ == "__main__":
    main()
