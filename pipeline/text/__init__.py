"""Text below both reading and validation: decoding a file's bytes, naming scripts, spotting mojibake.

`pipeline.subtitles` (reading) and `pipeline.validate` (checking) both use these; neither may be
imported from here (tests/test_layering.py).
"""
