import gc

# Off while the modules load too (they allocate without making cycles); `main` turns the
# collector back on once the dataset is built (cli.collector_paused).
gc.disable()

try:
    from mock_freshservice.cli import main

    raise SystemExit(main())
except KeyboardInterrupt:  # Ctrl-C while starting (imports, a large dataset): no traceback
    raise SystemExit(130) from None
