"""Resources declared once and served by one engine (`engine.py`); `registry.py` lists them."""
