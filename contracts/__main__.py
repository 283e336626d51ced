"""`python -m contracts` = `freshservice-harness`."""

from contracts.cli import main

raise SystemExit(main())
