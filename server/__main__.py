try:
    from server.cli import main

    raise SystemExit(main())
except KeyboardInterrupt:  # Ctrl-C while starting (imports, a large dataset): no traceback
    raise SystemExit(130) from None
