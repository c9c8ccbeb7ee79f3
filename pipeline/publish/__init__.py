"""Publish: manifest, schema, preview page, QC report, verification."""
