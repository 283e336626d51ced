from mock_freshservice.cli import main

raise SystemExit(main())
